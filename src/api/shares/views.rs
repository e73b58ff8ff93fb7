//! How a share looks on the wire at each microversion (upstream's
//! `manila/api/views/shares.py`): the fields that appear, change or go
//! away by version are decided here, in version order.

use serde_json::{json, Map, Value};

use crate::api::links::LinkBase;
use crate::api::microversion::RequestVersion;
use crate::policy::RequestContext;
use crate::service::shares::ShareDetail;
use crate::timestamps;

pub const COLLECTION: &str = "shares";

pub fn summary(item: &ShareDetail, links: &LinkBase, context: &RequestContext) -> Value {
    let share = &item.share;
    json!({
        "id": share.id,
        "name": share.display_name,
        "links": links.resource(&context.project_id, COLLECTION, &share.id),
    })
}

/// The full view; `share_server_id` only for administrators.
pub fn detail(item: &ShareDetail, links: &LinkBase, context: &RequestContext, version: &RequestVersion) -> Value {
    let share = &item.share;
    let metadata: Map<String, Value> = item
        .metadata
        .iter()
        .map(|(key, value)| (key.clone(), Value::String(value.clone())))
        .collect();
    // Before 2.6 `share_type` is the type's name (its id when it has none).
    let type_shown = match (&share.share_type_id, &item.type_name) {
        (Some(_), Some(name)) => Some(name.clone()),
        (id, _) => id.clone(),
    };
    // Only an available share lists its export locations; the legacy
    // single field shows the first whatever the status.
    let export_locations: Vec<&String> = if share.status == "available" {
        item.export_paths.iter().collect()
    } else {
        Vec::new()
    };
    let mut view = json!({
        "id": share.id,
        "size": share.size,
        "availability_zone": share.availability_zone,
        "created_at": timestamps::render(&share.created_at),
        "status": share.status,
        "name": share.display_name,
        "description": share.display_description,
        "project_id": share.project_id,
        "host": share.host,
        "snapshot_id": share.snapshot_id,
        "share_network_id": share.share_network_id,
        "share_proto": share.share_proto,
        "export_location": item.export_paths.first(),
        "metadata": metadata,
        "share_type": type_shown,
        "volume_type": type_shown,
        "links": links.resource(&context.project_id, COLLECTION, &share.id),
        "is_public": share.is_public,
        "export_locations": export_locations,
    });
    if version.at_least(2, 2) {
        view["snapshot_support"] = json!(share.snapshot_support);
    }
    if version.at_least(2, 4) {
        view["consistency_group_id"] = json!(share.consistency_group_id);
        view["source_cgsnapshot_member_id"] = json!(share.source_cgsnapshot_member_id);
    }
    if version.at_least(2, 5) {
        view["task_state"] = json!(share.task_state);
    }
    if version.at_least(2, 6) {
        view["share_type_name"] = json!(item.type_name);
        view["share_type"] = json!(share.share_type_id);
    }
    if let Some(fields) = view.as_object_mut() {
        if version.at_least(2, 9) {
            fields.remove("export_location");
            fields.remove("export_locations");
        }
    }
    if version.at_least(2, 10) {
        // 2.28 brought the transitional rule states; before, `syncing`
        // reads as `out_of_sync`.
        let status = if share.access_rules_status == "syncing" && !version.at_least(2, 28) {
            "out_of_sync"
        } else {
            share.access_rules_status.as_str()
        };
        view["access_rules_status"] = json!(status);
    }
    if version.at_least(2, 11) {
        view["replication_type"] = json!(share.replication_type);
        view["has_replicas"] = json!(false);
    }
    if version.at_least(2, 16) {
        view["user_id"] = json!(share.user_id);
    }
    if version.at_least(2, 24) {
        view["create_share_from_snapshot_support"] = json!(share.create_share_from_snapshot_support);
    }
    if version.at_least(2, 27) {
        view["revert_to_snapshot_support"] = json!(share.revert_to_snapshot_support);
    }
    if context.is_admin {
        view["share_server_id"] = json!(share.share_server_id);
    }
    view
}
