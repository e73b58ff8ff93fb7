//! The admin actions CGs and cgsnapshots share, `reset_status` and
//! `force_delete`: after the policy check, the same steps in the same
//! order (body, the row as the caller sees it, then one conditional write)
//! and the same answers, so they are written once and each resource passes
//! how to find its row and its repository's write. The policy check stays
//! in the caller, first, where its name is seen (and where the policy
//! defaults test looks for it).

use serde_json::Value;

use crate::db::DbConnection;
use crate::error::{texts, Error, Result};
use crate::service::validation::{reset_status_of, RESET_STATES};

/// Upstream's admin actions answer a missing resource, or one that changed
/// under them, with WebOb's generic text rather than the resource's own.
fn generic_not_found() -> Error {
    Error::NotFound(texts::NOT_FOUND.into())
}

/// Sets any allowed status, once the caller's policy check passed; nothing
/// reaches the backend. `find_id` gives the id of the live row the caller
/// may see; `transition` is the repository's conditional status change.
pub fn reset_status(
    conn: &mut DbConnection,
    body: &Value,
    find_id: impl FnOnce(&mut DbConnection) -> Result<Option<String>>,
    transition: fn(&mut DbConnection, &str, &[&str], &str) -> diesel::QueryResult<bool>,
) -> Result<()> {
    let status = reset_status_of(body)?;
    let id = find_id(conn)?.ok_or_else(generic_not_found)?;
    if transition(conn, &id, &RESET_STATES, status)? {
        Ok(())
    } else {
        Err(generic_not_found())
    }
}

/// Removes the row (and what the repository deletes with it) whatever its
/// status, once the caller's policy check passed; no backend call.
/// `find_id` as for [`reset_status`]; `soft_delete` is the repository's,
/// called with no status condition.
pub fn force_delete(
    conn: &mut DbConnection,
    find_id: impl FnOnce(&mut DbConnection) -> Result<Option<String>>,
    soft_delete: fn(&mut DbConnection, &str, Option<&[&str]>) -> diesel::QueryResult<bool>,
) -> Result<()> {
    let id = find_id(conn)?.ok_or_else(generic_not_found)?;
    if soft_delete(conn, &id, None)? {
        Ok(())
    } else {
        Err(generic_not_found())
    }
}
