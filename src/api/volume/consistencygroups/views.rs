//! How a consistency group looks on Cinder's wire: the summary `{id,
//! name}` (list, create) and the detail (show, detail list), keys in
//! Cinder's order; no links, project or host.

use serde::Serialize;

use crate::db::volume_consistency_groups::VolumeGroup;
use crate::timestamps;

#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    id: &'a str,
    name: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct Detail<'a> {
    id: &'a str,
    status: &'a str,
    availability_zone: &'a str,
    created_at: String,
    name: Option<&'a str>,
    description: Option<&'a str>,
    /// The ids of its volume types.
    volume_types: Vec<String>,
}

/// `{"consistencygroup": <view>}`.
#[derive(Debug, Serialize)]
pub struct One<T> {
    pub consistencygroup: T,
}

/// The next page of a list that filled its `limit`.
#[derive(Debug, Serialize)]
pub struct NextLink {
    pub rel: &'static str,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct List<T> {
    pub consistencygroups: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistencygroup_links: Option<[NextLink; 1]>,
}

pub fn summary(group: &VolumeGroup) -> Summary<'_> {
    Summary {
        id: &group.id,
        name: group.name.as_deref(),
    }
}

pub fn detail(group: &VolumeGroup) -> Detail<'_> {
    Detail {
        id: &group.id,
        status: &group.status,
        availability_zone: &group.availability_zone,
        created_at: timestamps::render(&group.created_at),
        name: group.name.as_deref(),
        description: group.description.as_deref(),
        volume_types: group.type_ids(),
    }
}
