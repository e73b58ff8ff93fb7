//! Consistency groups: the rules of reference section 7 (validation order,
//! texts, which states allow what), each operation in one transaction.
//! Policy is checked first, before the body is looked at, as upstream does.

use serde_json::{Map, Value};

use crate::api::context::RequestContext;
use crate::db::consistency_groups::{self as repo, ConsistencyGroup, Scope};
use crate::db::jobs::{self, JobKind};
use crate::db::{self, DbConnection};
use crate::error::{Error, Result};
use crate::policy;
use crate::service::validation::{fields_rejected, optional_text};

/// A CG and the ids of its share types: what the views render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CgWithTypes {
    pub cg: ConsistencyGroup,
    pub share_types: Vec<String>,
}

/// Statuses an admin may reset a CG to. Upstream's message lists them in
/// CPython 2.7's set order, which is fixed, so we keep that order.
const RESET_STATES: [&str; 7] = [
    "available",
    "creating",
    "migrating_to",
    "error_deleting",
    "error",
    "migrating",
    "deleting",
];

const DELETABLE: [&str; 2] = ["available", "error"];

const UPDATABLE_FIELDS: [&str; 2] = ["name", "description"];

fn scope(context: &RequestContext) -> Scope<'_> {
    if context.is_admin {
        Scope::All
    } else {
        Scope::Project(&context.project_id)
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Consistency group {id} not found."))
}

/// The admin actions answer a missing CG with WebOb's generic text.
fn generic_not_found() -> Error {
    Error::NotFound("The resource could not be found.".into())
}

fn find(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Option<ConsistencyGroup>> {
    Ok(repo::find(conn, id, scope(context))?)
}

fn with_types(conn: &mut DbConnection, cg: ConsistencyGroup) -> Result<CgWithTypes> {
    let share_types = repo::share_type_ids(conn, &[cg.id.as_str()])?
        .remove(&cg.id)
        .unwrap_or_default();
    Ok(CgWithTypes { cg, share_types })
}

/// The `consistency_group` object of a request body (create #1, update).
pub fn wrapped_object(body: Option<Value>) -> Result<Map<String, Value>> {
    match body {
        Some(Value::Object(mut outer)) => match outer.remove("consistency_group") {
            Some(Value::Object(inner)) => Ok(inner),
            _ => Err(missing_wrapper()),
        },
        _ => Err(missing_wrapper()),
    }
}

fn missing_wrapper() -> Error {
    Error::Invalid("'consistency_group' is missing from the request body.".into())
}

pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<CgWithTypes> {
    policy::enforce(context, "consistency_group:get")?;
    let cg = find(conn, context, id)?.ok_or_else(|| not_found(id))?;
    with_types(conn, cg)
}

/// PUT: only `name` and `description`, in any status.
pub fn update(conn: &mut DbConnection, context: &RequestContext, id: &str, body: Option<Value>) -> Result<CgWithTypes> {
    policy::enforce(context, "consistency_group:update")?;
    let fields = wrapped_object(body)?;
    if let Some(rejected) = fields_rejected(&fields, &UPDATABLE_FIELDS) {
        return Err(Error::Invalid(format!(
            "The fields {rejected} are invalid or not allowed to be updated."
        )));
    }
    let name = optional_text(&fields, "name")?;
    let description = optional_text(&fields, "description")?;
    db::write_transaction(conn, |conn| {
        let cg = find(conn, context, id)?.ok_or_else(|| not_found(id))?;
        repo::update_text(conn, &cg.id, name, description)?;
        let cg = repo::find(conn, id, Scope::All)?.ok_or_else(|| not_found(id))?;
        with_types(conn, cg)
    })
}

/// DELETE: gone at once when never placed; otherwise `deleting` and a job.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "consistency_group:delete")?;
    db::write_transaction(conn, |conn| {
        let cg = find(conn, context, id)?.ok_or_else(|| not_found(id))?;
        if cg.host.is_none() {
            return if repo::soft_delete(conn, &cg.id, None)? {
                Ok(())
            } else {
                Err(not_found(id))
            };
        }
        let wrong_state = || {
            Error::Conflict(
                "Invalid ConsistencyGroup: Consistency group status must be one of ('available', 'error')".into(),
            )
        };
        if !DELETABLE.contains(&cg.status.as_str()) {
            return Err(wrong_state());
        }
        if !repo::transition(conn, &cg.id, &DELETABLE, "deleting")? {
            return Err(wrong_state());
        }
        jobs::enqueue(conn, JobKind::DeleteConsistencyGroup.as_str(), &cg.id)?;
        Ok(())
    })
}

/// Admin action: set any allowed status; nothing reaches the backend.
pub fn reset_status(conn: &mut DbConnection, context: &RequestContext, id: &str, body: &Value) -> Result<()> {
    policy::enforce(context, "consistency_group:reset_status")?;
    let status = body
        .as_object()
        .and_then(|object| object.get("status"))
        .ok_or_else(|| Error::Invalid("Must specify 'status'".into()))?;
    let status = status
        .as_str()
        .filter(|status| RESET_STATES.contains(status))
        .ok_or_else(|| Error::Invalid(format!("Invalid state. Valid states: {}.", RESET_STATES.join(", "))))?;
    let cg = find(conn, context, id)?.ok_or_else(generic_not_found)?;
    if repo::transition(conn, &cg.id, &RESET_STATES, status)? {
        Ok(())
    } else {
        Err(generic_not_found())
    }
}

/// Admin action: remove the rows whatever the state; no backend call.
pub fn force_delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "consistency_group:force_delete")?;
    let cg = find(conn, context, id)?.ok_or_else(generic_not_found)?;
    if repo::soft_delete(conn, &cg.id, None)? {
        Ok(())
    } else {
        Err(generic_not_found())
    }
}
