//! Consistency-group snapshots: reference sections 7.7 to 7.11, and
//! DESIGN.md 4.1 (members are checked for existence and ownership).
//! A snapshot is written with one member per share of its CG inside the
//! CG's row lock, so it sees the CG's shares at one instant.

use serde_json::{Map, Value};

use crate::db::cgsnapshots::{self as repo, CgSnapshot, CgSnapshotMember, ListFilter};
use crate::db::consistency_groups::{self as cg_repo, Scope, Sort, SortKey};
use crate::db::jobs::{self, JobKind};
use crate::db::{self, shares, DbConnection};
use crate::error::{Error, Result};
use crate::listing::{ListRequest, Spec};
use crate::policy;
use crate::policy::RequestContext;
use crate::service::admin_actions;
use crate::service::validation::{
    fields_rejected, is_uuid_like, optional_text, reset_status_of, valid_body, RESET_STATES,
};

const DELETABLE: [&str; 2] = ["available", "error"];

fn scope(context: &RequestContext) -> Scope<'_> {
    if context.is_admin {
        Scope::All
    } else {
        Scope::Project(&context.project_id)
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Consistency group snapshot {id} not found."))
}

fn invalid(message: &str) -> Error {
    Error::Invalid(message.to_string())
}

/// The `cgsnapshot` object of a request body.
fn wrapped_object(body: Option<Value>) -> Result<Map<String, Value>> {
    valid_body(body, "cgsnapshot", || {
        invalid("'cgsnapshot' is missing from the request body")
    })
}

fn find(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Option<CgSnapshot>> {
    Ok(repo::find(conn, id, scope(context))?)
}

/// POST: checks #1 to #6 of reference 7.7 in order, then the snapshot,
/// its members and its job, in one transaction under the CG's lock.
pub fn create(conn: &mut DbConnection, context: &RequestContext, body: Option<Value>) -> Result<CgSnapshot> {
    policy::enforce(context, "cgsnapshot:create")?;
    let fields = wrapped_object(body)?;
    let cg_id = match fields.get("consistency_group_id") {
        None | Some(Value::Null) => return Err(invalid("Must supply 'consistency_group_id' attribute.")),
        Some(Value::String(text)) if text.is_empty() => {
            return Err(invalid("Must supply 'consistency_group_id' attribute."))
        }
        Some(value) if is_uuid_like(value) => value.as_str().unwrap_or_default().to_string(),
        Some(_) => return Err(invalid("The 'consistency_group_id' attribute must be a uuid.")),
    };
    let name = optional_text(&fields, "name")?.flatten();
    let description = optional_text(&fields, "description")?.flatten();
    db::write_transaction(conn, |conn| {
        let cg = cg_repo::find(conn, &cg_id, scope(context))?
            .ok_or_else(|| Error::Invalid(format!("ConsistencyGroup {cg_id} could not be found.")))?;
        cg_repo::lock(conn, &cg.id)?;
        if cg.status != "available" {
            return Err(Error::Conflict(
                "Invalid ConsistencyGroup: Consistency group status must be available".into(),
            ));
        }
        let shares = shares::list_in_consistency_group(conn, &cg.id)?;
        if let Some(share) = shares.iter().find(|share| share.status != "available") {
            return Err(Error::Conflict(format!(
                "Invalid ConsistencyGroup: Share {} in consistency group must have status of available in order to create a CG snapshot",
                share.id
            )));
        }
        let created_at = db::now();
        let snapshot = CgSnapshot {
            id: uuid::Uuid::new_v4().to_string(),
            consistency_group_id: cg.id.clone(),
            user_id: context.user_id.clone(),
            project_id: context.project_id.clone(),
            name: name.clone(),
            description: description.clone(),
            status: "creating".into(),
            created_at,
            updated_at: None,
            deleted_at: None,
            deleted: db::LIVE.into(),
        };
        let members: Vec<CgSnapshotMember> = shares
            .into_iter()
            .map(|share| CgSnapshotMember {
                id: uuid::Uuid::new_v4().to_string(),
                cgsnapshot_id: snapshot.id.clone(),
                share_instance_id: share.id.clone(),
                share_id: share.id,
                share_type_id: share.share_type_id.unwrap_or_default(),
                size: share.size,
                status: "creating".into(),
                share_proto: share.share_proto,
                user_id: context.user_id.clone(),
                project_id: context.project_id.clone(),
                created_at,
                updated_at: None,
                deleted_at: None,
                deleted: db::LIVE.into(),
            })
            .collect();
        repo::insert(conn, &snapshot, &members)?;
        jobs::enqueue(conn, JobKind::CreateCgSnapshot.as_str(), &snapshot.id)?;
        Ok(snapshot)
    })
}

pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<CgSnapshot> {
    policy::enforce(context, "cgsnapshot:get_cgsnapshot")?;
    find(conn, context, id)?.ok_or_else(|| not_found(id))
}

/// PUT: name and description only, in any status.
pub fn update(conn: &mut DbConnection, context: &RequestContext, id: &str, body: Option<Value>) -> Result<CgSnapshot> {
    policy::enforce(context, "cgsnapshot:update")?;
    let fields = wrapped_object(body)?;
    if let Some(rejected) = fields_rejected(&fields, &["name", "description"]) {
        return Err(Error::Invalid(format!(
            "The fields {rejected} are invalid or not allowed to be updated."
        )));
    }
    let name = optional_text(&fields, "name")?;
    let description = optional_text(&fields, "description")?;
    db::write_transaction(conn, |conn| {
        let snapshot = find(conn, context, id)?.ok_or_else(|| not_found(id))?;
        repo::update_text(conn, &snapshot.id, name, description)?;
        repo::find(conn, id, Scope::All)?.ok_or_else(|| not_found(id))
    })
}

/// What a cgsnapshot list sorts by and filters on: a CG list's sort keys.
pub const LIST: Spec<SortKey> = Spec {
    sort_keys: crate::service::consistency_groups::LIST.sort_keys,
    filters: &["project_id", "name", "status", "consistency_group_id"],
};

pub fn list(
    conn: &mut DbConnection,
    context: &RequestContext,
    request: &ListRequest<SortKey>,
) -> Result<Vec<CgSnapshot>> {
    policy::enforce(context, "cgsnapshot:get_all")?;
    let filter = ListFilter {
        project_id: request.scoped_project(&context.project_id, context.is_admin),
        name: request.filter("name"),
        status: request.filter("status"),
        consistency_group_id: request.filter("consistency_group_id"),
    };
    let sort = Sort {
        key: request.sort_key,
        descending: request.descending,
    };
    let marker = request.marker.as_deref();
    repo::list(conn, &filter, sort, marker, request.page.offset, request.page.limit)?
        .ok_or_else(|| marker_not_found(marker))
}

/// Upstream's refusal of a marker that is not among the listed rows.
fn marker_not_found(marker: Option<&str>) -> Error {
    Error::Invalid(format!("Marker {} could not be found.", marker.unwrap_or_default()))
}

/// The members of a snapshot the caller may see (upstream listed any
/// snapshot id's members for anyone: DESIGN.md 4.1).
pub fn members(
    conn: &mut DbConnection,
    context: &RequestContext,
    id: &str,
    marker: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<CgSnapshotMember>> {
    policy::enforce(context, "cgsnapshot:get_cgsnapshot")?;
    let snapshot = find(conn, context, id)?.ok_or_else(|| not_found(id))?;
    repo::members_page(conn, &snapshot.id, marker, offset, limit)?.ok_or_else(|| marker_not_found(marker))
}

/// DELETE: from `available` or `error`, through `deleting` and a job.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "cgsnapshot:delete")?;
    db::write_transaction(conn, |conn| {
        let snapshot = find(conn, context, id)?.ok_or_else(|| not_found(id))?;
        if cg_repo::find(conn, &snapshot.consistency_group_id, Scope::All)?.is_none() {
            return Err(Error::NotFound(format!(
                "ConsistencyGroupNotFound: ConsistencyGroup {} could not be found.",
                snapshot.consistency_group_id
            )));
        }
        let wrong_state = || {
            Error::Conflict(
                "Invalid CGSnapshot: Consistency group snapshot status must be one of ('available', 'error')".into(),
            )
        };
        if !DELETABLE.contains(&snapshot.status.as_str())
            || !repo::set_status(conn, &snapshot.id, &DELETABLE, "deleting")?
        {
            return Err(wrong_state());
        }
        jobs::enqueue(conn, JobKind::DeleteCgSnapshot.as_str(), &snapshot.id)?;
        Ok(())
    })
}

/// Admin action: set any allowed status; nothing reaches the backend.
pub fn reset_status(conn: &mut DbConnection, context: &RequestContext, id: &str, body: &Value) -> Result<()> {
    policy::enforce(context, "cgsnapshot:reset_status")?;
    let status = reset_status_of(body)?;
    let snapshot = find(conn, context, id)?.ok_or_else(admin_actions::not_found)?;
    db::write_transaction(conn, |conn| {
        admin_actions::written(repo::set_status(conn, &snapshot.id, &RESET_STATES, status)?)
    })
}

/// Admin action: remove the snapshot and its members; no backend call.
pub fn force_delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "cgsnapshot:force_delete")?;
    let snapshot = find(conn, context, id)?.ok_or_else(admin_actions::not_found)?;
    db::write_transaction(conn, |conn| {
        admin_actions::written(repo::soft_delete(conn, &snapshot.id, None)?)
    })
}
