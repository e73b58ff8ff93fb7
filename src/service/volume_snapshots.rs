//! Snapshots of volumes (`cinder/api/v3/snapshots.py`,
//! `volume_api.get_snapshot`/`delete_snapshot`): list, show, delete. They
//! are made by cgsnapshots; one that belongs to a cgsnapshot cannot be
//! deleted alone.

use crate::db::jobs::{self, JobKind};
use crate::db::rows::storable;
use crate::db::volume_snapshots::{self as repo, Field, VolumeSnapshot};
use crate::db::{self, DbConnection};
use crate::error::{Error, Result};
use crate::listing::QueryParams;
use crate::policy::{self, RequestContext};
use crate::service::volume_lists::ListQuery;
use crate::service::volumes::ListSettings;

/// Filters a non-administrator may use (Cinder's `resource_filters.json`).
const MEMBER_FILTERS: [&str; 6] = [
    "name",
    "status",
    "volume_id",
    "metadata",
    "availability_zone",
    "consumes_quota",
];

/// Columns of Cinder's snapshot model a list may be sorted by (those this
/// server has).
const SORT_KEYS: [&str; 12] = [
    "id",
    "user_id",
    "project_id",
    "volume_id",
    "cgsnapshot_id",
    "status",
    "progress",
    "volume_size",
    "display_name",
    "display_description",
    "created_at",
    "updated_at",
];

pub fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Snapshot {id} could not be found."))
}

/// `volume_api.get_snapshot`: the caller's project's snapshot (any
/// project's for administrators), then `volume:get_snapshot` on it.
fn get(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeSnapshot> {
    if id.contains('\0') {
        return Err(not_found(id));
    }
    let snapshot = repo::find(conn, id)?
        .filter(|snapshot| context.is_admin || snapshot.project_id == context.project_id)
        .ok_or_else(|| not_found(id))?;
    policy::authorize(context, "volume:get_snapshot", Some(&snapshot.project_id))?;
    Ok(snapshot)
}

pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeSnapshot> {
    get(conn, context, id)
}

/// `GET /snapshots` and `/snapshots/detail`, as volumes are listed.
pub fn list(
    conn: &mut DbConnection,
    context: &RequestContext,
    query: &QueryParams,
    settings: ListSettings,
) -> Result<Vec<VolumeSnapshot>> {
    let mut list = ListQuery::parse(query, settings.max_limit)?;
    let all_tenants = list.scope_filters(
        query,
        context.is_admin,
        &MEMBER_FILTERS,
        settings.reject_unknown_filters,
    )?;
    policy::authorize(context, "volume:get_all_snapshots", None)?;
    list.sort = list
        .sort
        .iter()
        .map(|(key, descending)| {
            let key = if key == "name" { "display_name" } else { key.as_str() };
            (key.to_string(), *descending)
        })
        .collect();
    list.check_sort_keys(&SORT_KEYS)?;
    let project = (!all_tenants).then_some(context.project_id.as_str());
    let mut filters = Vec::new();
    for (key, value) in &list.filters {
        let field = match key.as_str() {
            "name" | "display_name" => Field::Name,
            "status" => Field::Status,
            "volume_id" => Field::VolumeId,
            "project_id" => Field::ProjectId,
            "id" => Field::Id,
            // A key that names no column matches nothing, as in Cinder.
            _ => return Ok(Vec::new()),
        };
        if !storable(value) {
            return Ok(Vec::new());
        }
        filters.push((field, value.clone()));
    }
    let sort = list.sort_with_id(field_of, Field::Id);
    let marker = list.marker.as_deref();
    repo::list(conn, project, &filters, &sort, marker, list.offset, list.limit)?
        .ok_or_else(|| not_found(marker.unwrap_or_default()))
}

/// The column a sort key names (every key the list accepts has one).
fn field_of(key: &str) -> Option<Field> {
    Some(match key {
        "id" => Field::Id,
        "user_id" => Field::UserId,
        "project_id" => Field::ProjectId,
        "volume_id" => Field::VolumeId,
        "cgsnapshot_id" => Field::CgsnapshotId,
        "status" => Field::Status,
        "progress" => Field::Progress,
        "volume_size" => Field::VolumeSize,
        "display_name" => Field::Name,
        "display_description" => Field::Description,
        "created_at" => Field::CreatedAt,
        "updated_at" => Field::UpdatedAt,
        _ => return None,
    })
}

/// `DELETE /snapshots/{id}`: the lookup, `volume:delete_snapshot`, then
/// the conditional update to `deleting` and the job that removes it.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    db::write_transaction(conn, |conn| {
        let snapshot = get(conn, context, id)?;
        policy::authorize(context, "volume:delete_snapshot", Some(&snapshot.project_id))?;
        if !repo::start_deleting(conn, &snapshot.id, &["available", "error"])? {
            return Err(Error::Invalid(
                "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.".into(),
            ));
        }
        jobs::enqueue(conn, JobKind::DeleteVolumeSnapshot.as_str(), &snapshot.id)?;
        Ok(())
    })
}
