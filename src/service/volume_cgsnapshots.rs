//! Cinder's cgsnapshots (reference section 14): a point-in-time snapshot
//! of every volume of a consistency group, in Cinder 29's order of checks
//! and with its texts.

use serde_json::{Map, Value};

use crate::db::jobs::{self, JobKind};
use crate::db::rows::storable;
use crate::db::volume_cgsnapshots::{self as repo, MemberSnapshot, VolumeCgSnapshot};
use crate::db::volume_consistency_groups as groups;
use crate::db::{self, DbConnection, LIVE};
use crate::error::{Error, Result};
use crate::listing::QueryParams;
use crate::policy::{self, RequestContext};
use crate::service::volume_consistency_groups::{self as group_service, cleaned, schema, scope};

/// The longest name or description a column holds.
const MAX_TEXT: usize = 255;

pub fn not_found(id: &str) -> Error {
    Error::NotFound(format!("GroupSnapshot {id} could not be found."))
}

/// The cgsnapshot `id` as the caller may see it, then `group:get_group_snapshot` on it.
pub fn get(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeCgSnapshot> {
    let cgsnapshot = find(conn, context, id)?;
    policy::authorize(context, "group:get_group_snapshot", Some(&cgsnapshot.project_id))?;
    Ok(cgsnapshot)
}

fn find(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeCgSnapshot> {
    if !storable(id) {
        return Err(not_found(id));
    }
    repo::find(conn, id, scope(context))?.ok_or_else(|| not_found(id))
}

/// GET one.
pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<VolumeCgSnapshot> {
    get(conn, context, id)
}

/// GET the list (either view): always the caller's own project, newest
/// first; only `limit` and `offset` are read, every other key is ignored.
pub fn list(
    conn: &mut DbConnection,
    context: &RequestContext,
    query: &QueryParams,
    max_limit: i64,
) -> Result<Vec<VolumeCgSnapshot>> {
    policy::authorize(context, "group:get_all_group_snapshots", None)?;
    let (offset, limit) = group_service::limited(query, max_limit)?;
    Ok(repo::list(conn, &context.project_id, offset, limit)?)
}

/// `name` and `description`: strings, as Cinder's schema types them, and
/// also null, which python-cinderclient sends for one not given.
fn text_fields(fields: &Map<String, Value>) -> Result<()> {
    for field in ["name", "description"] {
        if let Some(value) = fields.get(field) {
            schema::check(field, value, &["string", "null"], Some(MAX_TEXT))?;
        }
    }
    Ok(())
}

/// POST: the schema, the group (404, `group:get`), then
/// `group:create_group_snapshot`; the group must be placed, have volumes
/// and be neither `creating` nor `updating`, and no member may be in
/// `error`. Writes the `creating` cgsnapshot, one `creating` snapshot per
/// member volume and the job, in one transaction.
pub fn create(conn: &mut DbConnection, context: &RequestContext, body: &Value) -> Result<VolumeCgSnapshot> {
    let fields = schema::root(body, "cgsnapshot")?;
    if let Some(value) = fields.get("consistencygroup_id") {
        schema::check("consistencygroup_id", value, &["string"], None)?;
    }
    text_fields(&fields)?;
    schema::require("cgsnapshot", &fields, "consistencygroup_id")?;
    let group_id = fields
        .get("consistencygroup_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let name = cleaned(&fields, "name")?;
    let description = cleaned(&fields, "description")?;
    db::write_transaction(conn, |conn| {
        let group = group_service::get(conn, context, &group_id)?;
        policy::authorize(context, "group:create_group_snapshot", Some(&group.project_id))?;
        groups::lock(conn, &group.id)?;
        if group.host.is_none() {
            return Err(Error::Invalid(
                "Invalid volume: volume is not assigned to a host".into(),
            ));
        }
        let volumes = groups::members(conn, &group.id)?;
        if volumes.is_empty() || ["creating", "updating"].contains(&group.status.as_str()) {
            return Err(Error::Invalid("Invalid Group: Source group cannot be empty or in 'creating' or 'updating' state. No group snapshot will be created.".into()));
        }
        if volumes.iter().any(|volume| volume.status == "error") {
            return Err(Error::Invalid(
                "Invalid volume: The snapshot cannot be created when the volume is in error status.".into(),
            ));
        }
        let at = db::now();
        let cgsnapshot = VolumeCgSnapshot {
            id: uuid::Uuid::new_v4().to_string(),
            consistencygroup_id: group.id.clone(),
            user_id: context.user_id.clone(),
            project_id: context.project_id.clone(),
            name,
            description,
            status: "creating".into(),
            created_at: at,
            updated_at: None,
            deleted_at: None,
            deleted: LIVE.into(),
        };
        let members: Vec<MemberSnapshot> = volumes
            .iter()
            .map(|volume| MemberSnapshot {
                id: uuid::Uuid::new_v4().to_string(),
                user_id: context.user_id.clone(),
                project_id: context.project_id.clone(),
                volume_id: volume.id.clone(),
                cgsnapshot_id: Some(cgsnapshot.id.clone()),
                name: cgsnapshot.name.clone(),
                description: cgsnapshot.description.clone(),
                status: "creating".into(),
                progress: "0%".into(),
                volume_size: volume.size,
                volume_type_id: volume.volume_type_id.clone(),
                created_at: at,
                updated_at: None,
                deleted_at: None,
                deleted: LIVE.into(),
            })
            .collect();
        repo::insert(conn, &cgsnapshot, &members)?;
        jobs::enqueue(conn, JobKind::CreateVolumeCgSnapshot.as_str(), &cgsnapshot.id)?;
        Ok(cgsnapshot)
    })
}

/// DELETE: the lookup (`group:get_group_snapshot`), `group:delete_group_snapshot`; `available` or
/// `error` and no group being made from it, by a conditional update to
/// `deleting` (its snapshots with it), with a job.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    db::write_transaction(conn, |conn| {
        let cgsnapshot = get(conn, context, id)?;
        policy::authorize(context, "group:delete_group_snapshot", Some(&cgsnapshot.project_id))?;
        let refused = || {
            Error::Invalid("Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation.".into())
        };
        if groups::is_source_of_creation(conn, &cgsnapshot.id)? {
            return Err(refused());
        }
        if !repo::set_status(conn, &cgsnapshot.id, &["available", "error"], "deleting")? {
            return Err(refused());
        }
        repo::set_member_status(conn, &cgsnapshot.id, &["available", "error", "creating"], "deleting")?;
        jobs::enqueue(conn, JobKind::DeleteVolumeCgSnapshot.as_str(), &cgsnapshot.id)?;
        Ok(())
    })
}
