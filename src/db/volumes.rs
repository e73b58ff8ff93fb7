//! Cinder's volumes, and the one read of a consistency group their
//! creation needs. Status changes are conditional updates; the delete
//! check is one statement with Cinder's conditions in its WHERE clause, so
//! a volume cannot join a group or gain a snapshot between check and write.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::keyset::{live, Key, Order, Value};
use super::rows::{set_status, set_where_given, soft_delete};
use super::schema::{volume_consistency_groups as groups, volume_snapshots as snapshots, volumes};
use super::{now, per_backend, DbConnection, LIVE};

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

/// A column of Cinder's volume model a list sorts or filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Id,
    UserId,
    ProjectId,
    Host,
    Size,
    AvailabilityZone,
    Status,
    AttachStatus,
    Name,
    Description,
    VolumeTypeId,
    ConsistencygroupId,
    SnapshotId,
    SourceVolid,
    Bootable,
    CreatedAt,
    UpdatedAt,
}

/// An exact filter: a text column equal to a value, `size` equal to a
/// number, `bootable` to a flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    Text(Field, String),
    Size(i32),
    Bootable(bool),
}

impl Field {
    /// This column as a key of a list's order. Text sorts by code point
    /// on both databases (`COLLATE "C"` on PostgreSQL), as the list sorted
    /// in memory did; ids are uuids, alike in any collation, and keep the
    /// database's so the default order's index serves.
    fn key(self, postgres: bool, descending: bool) -> Key {
        let (sqlite, pg, nullable) = match self {
            Field::Id => ("id", "id", false),
            Field::UserId => ("user_id", "user_id COLLATE \"C\"", false),
            Field::ProjectId => ("project_id", "project_id COLLATE \"C\"", false),
            Field::Host => ("host", "host COLLATE \"C\"", true),
            Field::Size => ("size", "size", false),
            Field::AvailabilityZone => ("availability_zone", "availability_zone COLLATE \"C\"", false),
            Field::Status => ("status", "status COLLATE \"C\"", false),
            Field::AttachStatus => ("attach_status", "attach_status COLLATE \"C\"", false),
            Field::Name => ("name", "name COLLATE \"C\"", true),
            Field::Description => ("description", "description COLLATE \"C\"", true),
            Field::VolumeTypeId => ("volume_type_id", "volume_type_id COLLATE \"C\"", false),
            Field::ConsistencygroupId => ("consistencygroup_id", "consistencygroup_id COLLATE \"C\"", true),
            Field::SnapshotId => ("snapshot_id", "snapshot_id COLLATE \"C\"", true),
            Field::SourceVolid => ("source_volid", "source_volid COLLATE \"C\"", true),
            Field::Bootable => ("bootable", "bootable", false),
            Field::CreatedAt => ("created_at", "created_at", false),
            Field::UpdatedAt => ("updated_at", "updated_at", true),
        };
        Key::spelled((sqlite, pg), postgres, nullable, descending)
    }

    fn value(self, volume: &Volume) -> Value {
        match self {
            Field::Id => Value::Text(volume.id.clone()),
            Field::UserId => Value::Text(volume.user_id.clone()),
            Field::ProjectId => Value::Text(volume.project_id.clone()),
            Field::Host => Value::text(&volume.host),
            Field::Size => Value::Int(volume.size),
            Field::AvailabilityZone => Value::Text(volume.availability_zone.clone()),
            Field::Status => Value::Text(volume.status.clone()),
            Field::AttachStatus => Value::Text(volume.attach_status.clone()),
            Field::Name => Value::text(&volume.name),
            Field::Description => Value::text(&volume.description),
            Field::VolumeTypeId => Value::Text(volume.volume_type_id.clone()),
            Field::ConsistencygroupId => Value::text(&volume.consistencygroup_id),
            Field::SnapshotId => Value::text(&volume.snapshot_id),
            Field::SourceVolid => Value::text(&volume.source_volid),
            Field::Bootable => Value::Bool(volume.bootable),
            Field::CreatedAt => Value::Time(volume.created_at),
            Field::UpdatedAt => Value::time(&volume.updated_at),
        }
    }
}

/// One page of the live volumes of `project` (of every project when
/// `None`) matching every filter, in the order of `sort` (which must
/// include `id`; nulls first ascending): after the row `marker` (keyset,
/// see [`keyset`](super::keyset)), then `offset` rows in, `limit` rows.
/// `None` when the marker is not among the matching rows.
#[allow(clippy::too_many_arguments)]
pub fn list(
    conn: &mut DbConnection,
    project: Option<&str>,
    filters: &[Filter],
    sort: &[(Field, bool)],
    marker: Option<&str>,
    offset: usize,
    limit: usize,
) -> QueryResult<Option<Vec<Volume>>> {
    // A macro, not a closure: each backend's arm needs its own query type.
    macro_rules! filtered {
        () => {{
            let mut query = volumes::table.into_boxed().filter(live());
            if let Some(project) = project {
                query = query.filter(volumes::project_id.eq(project.to_string()));
            }
            for filter in filters {
                query = match filter.clone() {
                    Filter::Size(size) => query.filter(volumes::size.eq(size)),
                    Filter::Bootable(flag) => query.filter(volumes::bootable.eq(flag)),
                    Filter::Text(field, value) => match field {
                        Field::Id => query.filter(volumes::id.eq(value)),
                        Field::UserId => query.filter(volumes::user_id.eq(value)),
                        Field::ProjectId => query.filter(volumes::project_id.eq(value)),
                        Field::Host => query.filter(volumes::host.eq(value)),
                        Field::AvailabilityZone => query.filter(volumes::availability_zone.eq(value)),
                        Field::Status => query.filter(volumes::status.eq(value)),
                        Field::AttachStatus => query.filter(volumes::attach_status.eq(value)),
                        Field::Name => query.filter(volumes::name.eq(value)),
                        Field::Description => query.filter(volumes::description.eq(value)),
                        Field::VolumeTypeId => query.filter(volumes::volume_type_id.eq(value)),
                        Field::ConsistencygroupId => query.filter(volumes::consistencygroup_id.eq(value)),
                        Field::SnapshotId => query.filter(volumes::snapshot_id.eq(value)),
                        Field::SourceVolid => query.filter(volumes::source_volid.eq(value)),
                        // No text equals these; the service never asks.
                        Field::Size | Field::Bootable | Field::CreatedAt | Field::UpdatedAt => {
                            query.filter(volumes::id.is_null())
                        }
                    },
                };
            }
            query
        }};
    }
    let postgres = matches!(conn, DbConnection::Postgresql(_));
    let order = Order::nulls_low(
        sort.iter()
            .map(|(field, descending)| field.key(postgres, *descending))
            .collect(),
    );
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    order.page(
        conn,
        marker,
        offset,
        limit,
        |row: &Volume| sort.iter().map(|(field, _)| field.value(row)).collect(),
        |conn, part| per_backend!(conn, |c| part.apply(filtered!()).select(Volume::as_select()).load(c)),
    )
}

/// `UPDATE volumes SET status = $to WHERE id = $id AND deleted = 'False'
/// AND status IN $from`: false when another change came first.
pub fn set_status(conn: &mut DbConnection, id: &str, from: &[&str], to: &str) -> QueryResult<bool> {
    set_status!(conn, "volumes", id, from, to)
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
