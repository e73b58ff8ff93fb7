//! What each project holds of a counted Cinder resource (`groups`). A unit
//! is taken by one conditional statement, `in_use = in_use + 1 WHERE
//! in_use < limit`, so two replicas racing for the last unit cannot both
//! win; the row is created on first use.

use diesel::prelude::*;

use super::schema::volume_quota_usages as usages;
use super::{per_backend, DbConnection};

/// The resource consistency groups count against, as in Cinder's `groups`.
pub const GROUPS: &str = "groups";

/// Takes one unit of `resource` for `project_id` if fewer than `limit`
/// are in use; false when the project is at its limit.
pub fn take(conn: &mut DbConnection, project_id: &str, resource: &str, limit: i32) -> QueryResult<bool> {
    if limit <= 0 {
        return Ok(false);
    }
    let row = || {
        usages::table
            .filter(usages::project_id.eq(project_id))
            .filter(usages::resource.eq(resource))
    };
    let taken = diesel::update(row().filter(usages::in_use.lt(limit)))
        .set(usages::in_use.eq(usages::in_use + 1))
        .execute(conn)?;
    if taken == 1 {
        return Ok(true);
    }
    // No row yet: the first unit creates it. A replica inserting at the
    // same time makes ours a no-op, and the conditional update decides.
    let inserted = per_backend!(conn, |c| diesel::insert_into(usages::table)
        .values((
            usages::project_id.eq(project_id),
            usages::resource.eq(resource),
            usages::in_use.eq(1),
        ))
        .on_conflict_do_nothing()
        .execute(c)?);
    if inserted == 1 {
        return Ok(true);
    }
    let taken = diesel::update(row().filter(usages::in_use.lt(limit)))
        .set(usages::in_use.eq(usages::in_use + 1))
        .execute(conn)?;
    Ok(taken == 1)
}

/// Gives one unit back; never below zero.
pub fn release(conn: &mut DbConnection, project_id: &str, resource: &str) -> QueryResult<()> {
    diesel::update(
        usages::table
            .filter(usages::project_id.eq(project_id))
            .filter(usages::resource.eq(resource))
            .filter(usages::in_use.gt(0)),
    )
    .set(usages::in_use.eq(usages::in_use - 1))
    .execute(conn)?;
    Ok(())
}
