//! Cinder's cgsnapshots and their member snapshots (one per volume of the
//! group when the cgsnapshot was taken). Status changes are conditional
//! updates, as everywhere.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::consistency_groups::Scope;
use super::rows::{set_status, soft_delete};
use super::schema::{volume_cgsnapshots as cgsnapshots, volume_snapshots as snapshots};
use super::{now, per_backend, DbConnection, LIVE};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cgsnapshots)]
pub struct VolumeCgSnapshot {
    pub id: String,
    pub consistencygroup_id: String,
    pub user_id: String,
    pub project_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

/// One member snapshot of a cgsnapshot.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = snapshots)]
pub struct MemberSnapshot {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    pub volume_id: String,
    pub cgsnapshot_id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub progress: String,
    pub volume_size: i32,
    pub volume_type_id: String,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

pub fn insert(conn: &mut DbConnection, cgsnapshot: &VolumeCgSnapshot, members: &[MemberSnapshot]) -> QueryResult<()> {
    diesel::insert_into(cgsnapshots::table)
        .values(cgsnapshot)
        .execute(conn)?;
    // One statement per row: batch inserts are not portable across the
    // two backends.
    for member in members {
        diesel::insert_into(snapshots::table).values(member).execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str, scope: Scope) -> QueryResult<Option<VolumeCgSnapshot>> {
    per_backend!(conn, |c| {
        let live = cgsnapshots::table
            .filter(cgsnapshots::id.eq(id))
            .filter(cgsnapshots::deleted.eq(LIVE));
        match scope {
            Scope::Project(project_id) => live
                .filter(cgsnapshots::project_id.eq(project_id))
                .select(VolumeCgSnapshot::as_select())
                .first(c)
                .optional(),
            Scope::All => live.select(VolumeCgSnapshot::as_select()).first(c).optional(),
        }
    })
}

/// The project's live cgsnapshots, newest first, `offset` rows in.
pub fn list(conn: &mut DbConnection, project_id: &str, offset: i64, limit: i64) -> QueryResult<Vec<VolumeCgSnapshot>> {
    cgsnapshots::table
        .filter(cgsnapshots::project_id.eq(project_id))
        .filter(cgsnapshots::deleted.eq(LIVE))
        .order((cgsnapshots::created_at.desc(), cgsnapshots::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(VolumeCgSnapshot::as_select())
        .load(conn)
}

/// How many live cgsnapshots a group has.
pub fn count_of_group(conn: &mut DbConnection, group_id: &str) -> QueryResult<i64> {
    cgsnapshots::table
        .filter(cgsnapshots::consistencygroup_id.eq(group_id))
        .filter(cgsnapshots::deleted.eq(LIVE))
        .count()
        .get_result(conn)
}

pub fn set_status(conn: &mut DbConnection, id: &str, from: &[&str], to: &str) -> QueryResult<bool> {
    set_status!(conn, "volume_cgsnapshots", id, from, to)
}

/// The live member snapshots, oldest first.
pub fn members(conn: &mut DbConnection, cgsnapshot_id: &str) -> QueryResult<Vec<MemberSnapshot>> {
    snapshots::table
        .filter(snapshots::cgsnapshot_id.eq(cgsnapshot_id))
        .filter(snapshots::deleted.eq(LIVE))
        .order((snapshots::created_at, snapshots::id))
        .select(MemberSnapshot::as_select())
        .load(conn)
}

/// Sets the status of every live member snapshot in one of `from`; a
/// finished snapshot also shows its progress as complete.
pub fn set_member_status(conn: &mut DbConnection, cgsnapshot_id: &str, from: &[&str], to: &str) -> QueryResult<()> {
    let progress = if to == "available" { "100%" } else { "0%" };
    diesel::update(
        snapshots::table
            .filter(snapshots::cgsnapshot_id.eq(cgsnapshot_id))
            .filter(snapshots::deleted.eq(LIVE))
            .filter(snapshots::status.eq_any(from)),
    )
    .set((
        snapshots::status.eq(to),
        snapshots::progress.eq(progress),
        snapshots::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}

/// Soft-deletes the cgsnapshot if its status is one of `from`, and with it
/// its member snapshots.
pub fn soft_delete(conn: &mut DbConnection, id: &str, from: &[&str]) -> QueryResult<bool> {
    soft_delete!(conn, cgsnapshots, id, Some(from), [snapshots.cgsnapshot_id])
}
