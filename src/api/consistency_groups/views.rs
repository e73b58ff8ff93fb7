//! How a consistency group looks on the wire (reference sections 6.1, 6.2).

use serde_json::{json, Value};

use crate::api::context::RequestContext;
use crate::api::links::LinkBase;
use crate::api::timestamps;
use crate::service::consistency_groups::CgWithTypes;

pub const COLLECTION: &str = "consistency-groups";

pub fn summary(item: &CgWithTypes, links: &LinkBase, context: &RequestContext) -> Value {
    let cg = &item.cg;
    json!({
        "id": cg.id,
        "name": cg.name,
        "links": links.resource(&context.project_id, COLLECTION, &cg.id),
    })
}

/// The full view; `share_server_id` only for administrators.
pub fn detail(item: &CgWithTypes, links: &LinkBase, context: &RequestContext) -> Value {
    let cg = &item.cg;
    let mut view = json!({
        "id": cg.id,
        "name": cg.name,
        "created_at": timestamps::render(&cg.created_at),
        "status": cg.status,
        "description": cg.description,
        "project_id": cg.project_id,
        "host": cg.host,
        "source_cgsnapshot_id": cg.source_cgsnapshot_id,
        "share_network_id": cg.share_network_id,
        "share_types": item.share_types,
        "links": links.resource(&context.project_id, COLLECTION, &cg.id),
    });
    if context.is_admin {
        view["share_server_id"] = json!(cg.share_server_id);
    }
    view
}
