//! How a cgsnapshot looks on Cinder's wire: the summary `{id, name}` and
//! the detail, keys in Cinder's order. Lists never carry links.

use serde::Serialize;

use crate::db::volume_cgsnapshots::VolumeCgSnapshot;
use crate::timestamps;

#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    id: &'a str,
    name: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct Detail<'a> {
    id: &'a str,
    consistencygroup_id: &'a str,
    status: &'a str,
    created_at: String,
    name: Option<&'a str>,
    description: Option<&'a str>,
}

/// `{"cgsnapshot": <view>}`.
#[derive(Debug, Serialize)]
pub struct One<T> {
    pub cgsnapshot: T,
}

#[derive(Debug, Serialize)]
pub struct List<T> {
    pub cgsnapshots: Vec<T>,
}

pub fn summary(cgsnapshot: &VolumeCgSnapshot) -> Summary<'_> {
    Summary {
        id: &cgsnapshot.id,
        name: cgsnapshot.name.as_deref(),
    }
}

pub fn detail(cgsnapshot: &VolumeCgSnapshot) -> Detail<'_> {
    Detail {
        id: &cgsnapshot.id,
        consistencygroup_id: &cgsnapshot.consistencygroup_id,
        status: &cgsnapshot.status,
        created_at: timestamps::render(&cgsnapshot.created_at),
        name: cgsnapshot.name.as_deref(),
        description: cgsnapshot.description.as_deref(),
    }
}
