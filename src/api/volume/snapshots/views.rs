//! Snapshots as Cinder's view builders show them: the summary, and the
//! detail with its microversion fields and the extended attributes
//! (`os-extended-snapshot-attributes`) where policy allows.

use serde::Serialize;

use crate::api::volume::route::VolumeVersion;
use crate::db::volume_snapshots::VolumeSnapshot;
use crate::policy::{self, RequestContext};
use crate::timestamps::render;

#[derive(Serialize)]
pub struct View {
    id: String,
    created_at: String,
    updated_at: Option<String>,
    name: Option<String>,
    description: Option<String>,
    volume_id: String,
    status: String,
    size: i32,
    metadata: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_snapshot_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumes_quota: Option<bool>,
    #[serde(
        rename = "os-extended-snapshot-attributes:project_id",
        skip_serializing_if = "Option::is_none"
    )]
    project_id: Option<String>,
    #[serde(
        rename = "os-extended-snapshot-attributes:progress",
        skip_serializing_if = "Option::is_none"
    )]
    progress: Option<String>,
}

#[derive(Serialize)]
pub struct One {
    snapshot: View,
}

pub fn one(snapshot: &VolumeSnapshot, context: &RequestContext, version: &VolumeVersion) -> One {
    One {
        snapshot: detail(snapshot, context, version),
    }
}

pub fn summary(snapshot: &VolumeSnapshot) -> View {
    View {
        id: snapshot.id.clone(),
        created_at: render(&snapshot.created_at),
        updated_at: snapshot.updated_at.as_ref().map(render),
        name: snapshot.name.clone(),
        description: snapshot.description.clone(),
        volume_id: snapshot.volume_id.clone(),
        status: snapshot.status.clone(),
        size: snapshot.volume_size,
        metadata: serde_json::Map::new(),
        group_snapshot_id: None,
        user_id: None,
        consumes_quota: None,
        project_id: None,
        progress: None,
    }
}

pub fn detail(snapshot: &VolumeSnapshot, context: &RequestContext, version: &VolumeVersion) -> View {
    let extended = policy::authorize(context, "volume_extension:extended_snapshot_attributes", None).is_ok();
    View {
        // A cgsnapshot is the group snapshot its snapshots belong to.
        group_snapshot_id: version.at_least(3, 14).then(|| snapshot.cgsnapshot_id.clone()),
        user_id: version.at_least(3, 41).then(|| snapshot.user_id.clone()),
        consumes_quota: version.at_least(3, 65).then_some(true),
        project_id: extended.then(|| snapshot.project_id.clone()),
        progress: extended.then(|| snapshot.progress.clone()),
        ..summary(snapshot)
    }
}
