//! Volumes as Cinder's v3 view builder shows them (`cinder/api/v3/views/
//! volumes.py`), with the fields its extensions add to show and detail
//! (`os-vol-*-attr`). Fields from later microversions are `None` and left
//! out below their version; admin-only ones are decided here too.

use serde::Serialize;

use crate::api::volume::links::{Link, VolumeLinks};
use crate::api::volume::route::VolumeVersion;
use crate::policy::{self, RequestContext};
use crate::service::volumes::VolumeDetail;
use crate::timestamps::render;

#[derive(Serialize)]
pub struct Summary {
    id: String,
    name: Option<String>,
    links: [Link; 2],
}

/// The detail view, keys in Cinder's order.
#[derive(Serialize)]
pub struct Detail {
    id: String,
    status: String,
    size: i32,
    availability_zone: String,
    created_at: String,
    updated_at: Option<String>,
    name: Option<String>,
    description: Option<String>,
    volume_type: Option<String>,
    snapshot_id: Option<String>,
    source_volid: Option<String>,
    metadata: serde_json::Map<String, serde_json::Value>,
    links: [Link; 2],
    user_id: String,
    /// Cinder writes the Python boolean's text.
    bootable: &'static str,
    encrypted: bool,
    replication_status: &'static str,
    consistencygroup_id: Option<String>,
    multiattach: bool,
    attachments: [(); 0],
    #[serde(skip_serializing_if = "Option::is_none")]
    migration_status: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_targets: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_uuid: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_name: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volume_type_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumes_quota: Option<bool>,
    #[serde(rename = "os-vol-tenant-attr:tenant_id", skip_serializing_if = "Option::is_none")]
    tenant_id: Option<String>,
    #[serde(rename = "os-vol-host-attr:host", skip_serializing_if = "Option::is_none")]
    host: Option<Option<String>>,
    #[serde(rename = "os-vol-mig-status-attr:migstat", skip_serializing_if = "Option::is_none")]
    migstat: Option<Option<String>>,
    #[serde(rename = "os-vol-mig-status-attr:name_id", skip_serializing_if = "Option::is_none")]
    name_id: Option<Option<String>>,
}

#[derive(Serialize)]
pub struct One<T> {
    volume: T,
}

pub fn one<T>(volume: T) -> One<T> {
    One { volume }
}

/// Whether the response is extended by Cinder's volume attribute
/// extensions: show and detail are, create and update are not.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Extended {
    Yes,
    No,
}

pub fn summary(detail: &VolumeDetail, links: &VolumeLinks) -> Summary {
    let volume = &detail.volume;
    Summary {
        id: volume.id.clone(),
        name: volume.name.clone(),
        links: links.resource(&volume.project_id, "volumes", &volume.id),
    }
}

pub fn detail(
    detail: &VolumeDetail,
    links: &VolumeLinks,
    context: &RequestContext,
    version: &VolumeVersion,
    extended: Extended,
) -> Detail {
    let volume = &detail.volume;
    let admin = context.is_admin;
    let extended = extended == Extended::Yes;
    let mig_status =
        extended && policy::authorize(context, "volume_extension:volume_mig_status_attribute", None).is_ok();
    Detail {
        id: volume.id.clone(),
        status: volume.status.clone(),
        size: volume.size,
        availability_zone: volume.availability_zone.clone(),
        created_at: render(&volume.created_at),
        updated_at: volume.updated_at.as_ref().map(render),
        name: volume.name.clone(),
        description: volume.description.clone(),
        // Before 3.63 the type's name, or its id when the type is unknown.
        volume_type: detail
            .type_name
            .clone()
            .or_else(|| (!version.at_least(3, 63)).then(|| volume.volume_type_id.clone())),
        snapshot_id: volume.snapshot_id.clone(),
        source_volid: volume.source_volid.clone(),
        metadata: serde_json::Map::new(),
        links: links.resource(&volume.project_id, "volumes", &volume.id),
        user_id: volume.user_id.clone(),
        bootable: if volume.bootable { "true" } else { "false" },
        encrypted: false,
        replication_status: "disabled",
        consistencygroup_id: volume.consistencygroup_id.clone(),
        multiattach: false,
        attachments: [],
        migration_status: admin.then_some(None),
        // A volume of a consistency group belongs to it as a group.
        group_id: version.at_least(3, 13).then(|| volume.consistencygroup_id.clone()),
        provider_id: (admin && version.at_least(3, 21)).then_some(None),
        shared_targets: version.at_least(3, 48).then_some(true),
        service_uuid: version.at_least(3, 48).then_some(None),
        cluster_name: (admin && version.at_least(3, 61)).then_some(None),
        volume_type_id: version.at_least(3, 63).then(|| volume.volume_type_id.clone()),
        consumes_quota: version.at_least(3, 65).then_some(true),
        tenant_id: (extended && policy::authorize(context, "volume_extension:volume_tenant_attribute", None).is_ok())
            .then(|| volume.project_id.clone()),
        host: (extended && policy::authorize(context, "volume_extension:volume_host_attribute", None).is_ok())
            .then(|| volume.host.clone()),
        migstat: mig_status.then_some(None),
        name_id: mig_status.then_some(None),
    }
}
