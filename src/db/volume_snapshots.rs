//! Snapshots of Cinder volumes. They are made by cgsnapshots (one per
//! member volume); on their own they can be read and deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::{set_status, soft_delete};
use super::schema::volume_snapshots as snapshots;
use super::{now, DbConnection, LIVE};

pub const DELETING: &str = "deleting";

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = snapshots)]
pub struct VolumeSnapshot {
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

/// The live snapshot `id`, whatever its project (the service scopes).
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<VolumeSnapshot>> {
    snapshots::table
        .filter(snapshots::id.eq(id))
        .filter(snapshots::deleted.eq(LIVE))
        .select(VolumeSnapshot::as_select())
        .first(conn)
        .optional()
}

/// Every live snapshot of `project` (of every project when `None`), oldest
/// first; the service filters, sorts and pages.
pub fn list(conn: &mut DbConnection, project: Option<&str>) -> QueryResult<Vec<VolumeSnapshot>> {
    let mut query = snapshots::table
        .filter(snapshots::deleted.eq(LIVE))
        .order((snapshots::created_at, snapshots::id))
        .into_boxed();
    if let Some(project) = project {
        query = query.filter(snapshots::project_id.eq(project));
    }
    query.select(VolumeSnapshot::as_select()).load(conn)
}

/// Cinder's snapshot delete as one conditional update to `deleting`: in
/// one of `from` and in no cgsnapshot. False when either failed.
pub fn start_deleting(conn: &mut DbConnection, id: &str, from: &[&str]) -> QueryResult<bool> {
    let updated = diesel::update(
        snapshots::table
            .filter(snapshots::id.eq(id))
            .filter(snapshots::deleted.eq(LIVE))
            .filter(snapshots::status.eq_any(from))
            .filter(snapshots::cgsnapshot_id.is_null()),
    )
    .set((snapshots::status.eq(DELETING), snapshots::updated_at.eq(now())))
    .execute(conn)?;
    Ok(updated == 1)
}

/// `UPDATE volume_snapshots SET status = $to WHERE ... status IN $from`.
pub fn set_status(conn: &mut DbConnection, id: &str, from: &[&str], to: &str) -> QueryResult<bool> {
    set_status!(conn, snapshots, id, from, to)
}

/// Soft-deletes the snapshot if its status is one of `from`.
pub fn soft_delete(conn: &mut DbConnection, id: &str, from: &[&str]) -> QueryResult<bool> {
    soft_delete!(conn, snapshots, id, Some(from), [])
}
