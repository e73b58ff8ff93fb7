//! How consistency groups look through Cinder's generic group API, which
//! replaced them (3.11 group types, 3.13 groups, 3.14 group snapshots).
//! In Cinder a CG is a group of the reserved type `default_cgsnapshot_type`:
//! the type is listed, but the group and group-snapshot APIs leave CGs
//! out of their lists and refuse their ids. Every group here is a CG, so
//! those lists are empty; the rest of the generic API is not served.

use std::convert::Infallible;

use crate::db::DbConnection;
use crate::error::{Error, Result};
use crate::policy::{self, RequestContext};
use crate::service::{volume_cgsnapshots, volume_consistency_groups};

/// The reserved group type, as Cinder's migration creates it (with an id
/// of its own, fixed here so that clients and tests can rely on it).
pub struct GroupType {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub is_public: bool,
    pub group_specs: [(&'static str, &'static str); 1],
}

pub const DEFAULT_CGSNAPSHOT_TYPE: GroupType = GroupType {
    id: "3ba2a11c-a76c-4b1f-a9b4-2a2f5b8a0d6e",
    name: "default_cgsnapshot_type",
    description: "Default group type for migrating cgsnapshot",
    is_public: true,
    group_specs: [("consistent_group_snapshot_enabled", "<is> True")],
};

/// `GET /group_types`: Cinder checks no policy for the list; whether the
/// specs are shown is `group:access_group_types_specs`.
pub fn group_types(context: &RequestContext) -> (Vec<&'static GroupType>, bool) {
    let with_specs = policy::authorize(context, "group:access_group_types_specs", None).is_ok();
    (vec![&DEFAULT_CGSNAPSHOT_TYPE], with_specs)
}

/// `GET /groups`: no generic group exists besides CGs, which it leaves out.
pub fn list_groups(context: &RequestContext) -> Result<()> {
    policy::authorize(context, "group:get_all", None)
}

/// `GET /group_snapshots`: likewise without the cgsnapshots.
pub fn list_group_snapshots(context: &RequestContext) -> Result<()> {
    policy::authorize(context, "group:get_all_group_snapshots", None)
}

/// `GET /groups/{id}`: a CG's id is refused, anything else is not found;
/// it never shows a group.
pub fn show_group(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Infallible> {
    volume_consistency_groups::get(conn, context, id)?;
    Err(Error::Invalid(format!(
        "Group_type {} is reserved for migrating CGs to groups. Migrated group can only be operated by CG APIs.",
        DEFAULT_CGSNAPSHOT_TYPE.id
    )))
}

/// `GET /group_snapshots/{id}`: a cgsnapshot's id is refused likewise.
pub fn show_group_snapshot(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Infallible> {
    volume_cgsnapshots::get(conn, context, id)?;
    Err(Error::Invalid(format!(
        "Group_type {} is reserved for migrating CGs to groups. Migrated group snapshots can only be operated by CG snapshot APIs.",
        DEFAULT_CGSNAPSHOT_TYPE.id
    )))
}
