//! Cinder's volumes, and the one read of a consistency group their
//! creation needs. Status changes are conditional updates; the delete
//! check is one statement with Cinder's conditions in its WHERE clause, so
//! a volume cannot join a group or gain a snapshot between check and write.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::{set_status, set_where_given, soft_delete};
use super::schema::{volume_consistency_groups as groups, volume_snapshots as snapshots, volumes};
use super::{now, DbConnection, LIVE};

pub const CREATING: &str = "creating";
pub const DELETING: &str = "deleting";
pub const ATTACHED: &str = "attached";
pub const DETACHED: &str = "detached";

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = volumes)]
pub struct Volume {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    /// `host@backend#pool` once the scheduler placed it.
    pub host: Option<String>,
    pub size: i32,
    pub availability_zone: String,
    pub status: String,
    pub attach_status: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub volume_type_id: String,
    pub consistencygroup_id: Option<String>,
    pub snapshot_id: Option<String>,
    pub source_volid: Option<String>,
    pub bootable: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

/// What creating a volume in a consistency group needs to know of it.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = groups)]
pub struct GroupOfVolume {
    pub id: String,
    pub project_id: String,
    pub host: Option<String>,
    pub availability_zone: String,
    /// Comma-joined type ids.
    pub volume_type_ids: String,
    pub status: String,
}

impl GroupOfVolume {
    pub fn type_ids(&self) -> impl Iterator<Item = &str> {
        self.volume_type_ids.split(',').filter(|id| !id.is_empty())
    }
}

/// Locks and reads the live group `id` (a no-op update: a row lock on
/// PostgreSQL, SQLite's write lock is already held), so a volume never
/// joins a group while a cgsnapshot of it reads its members. Call it in a
/// write transaction. `None` when there is no such live group.
pub fn lock_group(conn: &mut DbConnection, id: &str) -> QueryResult<Option<GroupOfVolume>> {
    let touched = diesel::update(groups::table.filter(groups::id.eq(id)).filter(groups::deleted.eq(LIVE)))
        .set(groups::deleted.eq(groups::deleted))
        .execute(conn)?;
    if touched == 0 {
        return Ok(None);
    }
    groups::table
        .filter(groups::id.eq(id))
        .filter(groups::deleted.eq(LIVE))
        .select(GroupOfVolume::as_select())
        .first(conn)
        .optional()
}

/// The host and status of the live group `id`: where its volumes go, and
/// whether it may still be placed. `None` when the group is gone.
pub fn group_placement(conn: &mut DbConnection, id: &str) -> QueryResult<Option<(Option<String>, String)>> {
    groups::table
        .filter(groups::id.eq(id))
        .filter(groups::deleted.eq(LIVE))
        .select((groups::host, groups::status))
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, volume: &Volume) -> QueryResult<()> {
    diesel::insert_into(volumes::table).values(volume).execute(conn)?;
    Ok(())
}

/// The live volume `id`, whatever its project (the service scopes).
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Volume>> {
    volumes::table
        .filter(volumes::id.eq(id))
        .filter(volumes::deleted.eq(LIVE))
        .select(Volume::as_select())
        .first(conn)
        .optional()
}

/// Every live volume of `project` (of every project when `None`), oldest
/// first; the service filters, sorts and pages.
pub fn list(conn: &mut DbConnection, project: Option<&str>) -> QueryResult<Vec<Volume>> {
    let mut query = volumes::table
        .filter(volumes::deleted.eq(LIVE))
        .order((volumes::created_at, volumes::id))
        .into_boxed();
    if let Some(project) = project {
        query = query.filter(volumes::project_id.eq(project));
    }
    query.select(Volume::as_select()).load(conn)
}

/// `UPDATE volumes SET status = $to WHERE id = $id AND deleted = 'False'
/// AND status IN $from`: false when another change came first.
pub fn set_status(conn: &mut DbConnection, id: &str, from: &[&str], to: &str) -> QueryResult<bool> {
    set_status!(conn, volumes, id, from, to)
}

/// Cinder's delete as one conditional update to `deleting`: not
/// attached, in no group, without live snapshots and, unless `from` is
/// `None` (a forced delete), in one of `from`. False when any failed.
pub fn start_deleting(conn: &mut DbConnection, id: &str, from: Option<&[&str]>) -> QueryResult<bool> {
    let deletable = volumes::id
        .eq(id)
        .and(volumes::deleted.eq(LIVE))
        .and(volumes::attach_status.ne(ATTACHED))
        .and(volumes::consistencygroup_id.is_null())
        .and(diesel::dsl::not(diesel::dsl::exists(
            snapshots::table
                .filter(snapshots::volume_id.eq(volumes::id))
                .filter(snapshots::deleted.eq(LIVE)),
        )));
    let changes = (volumes::status.eq(DELETING), volumes::updated_at.eq(now()));
    let updated = match from {
        Some(statuses) => diesel::update(volumes::table.filter(deletable.and(volumes::status.eq_any(statuses))))
            .set(changes)
            .execute(conn)?,
        None => diesel::update(volumes::table.filter(deletable))
            .set(changes)
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Records the scheduler's choice for a volume still `creating`.
pub fn assign_host(conn: &mut DbConnection, id: &str, host: &str) -> QueryResult<bool> {
    let updated = diesel::update(
        volumes::table
            .filter(volumes::id.eq(id))
            .filter(volumes::deleted.eq(LIVE))
            .filter(volumes::status.eq(CREATING)),
    )
    .set((volumes::host.eq(host), volumes::updated_at.eq(now())))
    .execute(conn)?;
    Ok(updated == 1)
}

/// An administrator's `os-reset_status`: each given column set on the live
/// row, whatever its state (Cinder's reset is unconditional).
pub fn reset(conn: &mut DbConnection, id: &str, status: Option<&str>, attach_status: Option<&str>) -> QueryResult<()> {
    set_where_given!(conn, volumes, id, status = status, attach_status = attach_status)
}

/// Sets name and description where given; `Some(None)` clears.
pub fn update_text(
    conn: &mut DbConnection,
    id: &str,
    name: Option<Option<String>>,
    description: Option<Option<String>>,
) -> QueryResult<()> {
    set_where_given!(conn, volumes, id, name = name, description = description)
}

/// Soft-deletes the volume if its status is one of `from`.
pub fn soft_delete(conn: &mut DbConnection, id: &str, from: &[&str]) -> QueryResult<bool> {
    soft_delete!(conn, volumes, id, Some(from), [])
}

/// Soft-deletes the volume if it was never placed (Cinder destroys such a
/// volume at once, whatever its state): conditional on the host still
/// being empty, so a volume the scheduler placed meanwhile is not lost
/// without its backend hearing of it. False when it has a host.
pub fn destroy_unplaced(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    let at = now();
    let updated = diesel::update(
        volumes::table
            .filter(volumes::id.eq(id))
            .filter(volumes::deleted.eq(LIVE))
            .filter(volumes::host.is_null().or(volumes::host.eq(""))),
    )
    .set((
        volumes::deleted.eq(id),
        volumes::deleted_at.eq(at),
        volumes::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
