//! How cgsnapshots and their members look on the wire (reference 6.3-6.5).

use serde_json::{json, Value};

use crate::api::links::LinkBase;
use crate::db::cgsnapshots::{CgSnapshot, CgSnapshotMember};
use crate::policy::RequestContext;
use crate::timestamps;

pub const COLLECTION: &str = "cgsnapshots";

pub fn summary(snapshot: &CgSnapshot, links: &LinkBase, context: &RequestContext) -> Value {
    json!({
        "id": snapshot.id,
        "name": snapshot.name,
        "links": links.resource(&context.project_id, COLLECTION, &snapshot.id),
    })
}

pub fn detail(snapshot: &CgSnapshot, links: &LinkBase, context: &RequestContext) -> Value {
    json!({
        "id": snapshot.id,
        "name": snapshot.name,
        "created_at": timestamps::render(&snapshot.created_at),
        "status": snapshot.status,
        "description": snapshot.description,
        "project_id": snapshot.project_id,
        "consistency_group_id": snapshot.consistency_group_id,
        "links": links.resource(&context.project_id, COLLECTION, &snapshot.id),
    })
}

/// `share_proto` is shown as `share_protocol`; status and user are not shown.
pub fn member(member: &CgSnapshotMember) -> Value {
    json!({
        "id": member.id,
        "created_at": timestamps::render(&member.created_at),
        "size": member.size,
        "share_protocol": member.share_proto,
        "project_id": member.project_id,
        "share_type_id": member.share_type_id,
        "cgsnapshot_id": member.cgsnapshot_id,
        "share_id": member.share_id,
    })
}
