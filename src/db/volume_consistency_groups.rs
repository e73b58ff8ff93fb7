//! Cinder's consistency groups and what the group operations read and
//! change of their member volumes and volume types. Every status change is
//! a conditional update (`... WHERE status IN (...)`): of two racing
//! requests, or two server replicas, at most one matches the row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::consistency_groups::Scope;
use super::keyset::{live, Key, Order, Part, Value};
use super::rows::{live_row, set_status, soft_delete};
use super::schema::{
    volume_consistency_groups as groups, volume_snapshots as snapshots, volume_type_extra_specs as specs,
    volume_types as types, volumes,
};
use super::{now, per_backend, DbConnection, LIVE};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = groups)]
pub struct VolumeGroup {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    pub host: Option<String>,
    pub availability_zone: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The group's volume type ids, comma-joined.
    pub volume_type_ids: String,
    pub status: String,
    pub cgsnapshot_id: Option<String>,
    pub source_cgid: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

impl VolumeGroup {
    /// The type ids as Cinder's view lists them: empty pieces dropped.
    pub fn type_ids(&self) -> Vec<String> {
        self.volume_type_ids
            .split(',')
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// What the group operations need to know of a volume.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = volumes)]
pub struct MemberVolume {
    pub id: String,
    pub project_id: String,
    pub host: Option<String>,
    pub size: i32,
    pub availability_zone: String,
    pub status: String,
    pub attach_status: String,
    pub volume_type_id: String,
    pub consistencygroup_id: Option<String>,
}

/// A volume made with a group built from a source (a snapshot or a volume).
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = volumes)]
pub struct NewVolume {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    pub host: Option<String>,
    pub size: i32,
    pub availability_zone: String,
    pub status: String,
    pub attach_status: String,
    pub volume_type_id: String,
    pub consistencygroup_id: Option<String>,
    pub snapshot_id: Option<String>,
    pub source_volid: Option<String>,
    pub created_at: NaiveDateTime,
    pub deleted: String,
}

pub fn insert(conn: &mut DbConnection, group: &VolumeGroup) -> QueryResult<()> {
    diesel::insert_into(groups::table).values(group).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str, scope: Scope) -> QueryResult<Option<VolumeGroup>> {
    per_backend!(conn, |c| {
        let live = groups::table.filter(groups::id.eq(id)).filter(groups::deleted.eq(LIVE));
        match scope {
            Scope::Project(project_id) => live
                .filter(groups::project_id.eq(project_id))
                .select(VolumeGroup::as_select())
                .first(c)
                .optional(),
            Scope::All => live.select(VolumeGroup::as_select()).first(c).optional(),
        }
    })
}

/// `UPDATE ... SET status = $to WHERE id = $id AND status IN $from`.
pub fn set_status(conn: &mut DbConnection, id: &str, from: &[&str], to: &str) -> QueryResult<bool> {
    set_status!(conn, "volume_consistency_groups", id, from, to)
}

/// Name and description where given, and the new status, in one
/// statement; conditional on the status being one of `from` when given.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    name: Option<&str>,
    description: Option<&str>,
    from: Option<&[&str]>,
    to: &str,
) -> QueryResult<bool> {
    let mut query = diesel::update(live_row!(groups, id)).into_boxed();
    if let Some(from) = from {
        query = query.filter(groups::status.eq_any(from));
    }
    let updated = match (name, description) {
        (Some(name), Some(description)) => query
            .set((
                groups::name.eq(name),
                groups::description.eq(description),
                groups::status.eq(to),
                groups::updated_at.eq(now()),
            ))
            .execute(conn)?,
        (Some(name), None) => query
            .set((
                groups::name.eq(name),
                groups::status.eq(to),
                groups::updated_at.eq(now()),
            ))
            .execute(conn)?,
        (None, Some(description)) => query
            .set((
                groups::description.eq(description),
                groups::status.eq(to),
                groups::updated_at.eq(now()),
            ))
            .execute(conn)?,
        (None, None) => query
            .set((groups::status.eq(to), groups::updated_at.eq(now())))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Records the scheduler's choice for a group still waiting for one.
pub fn assign_host(conn: &mut DbConnection, id: &str, host: &str) -> QueryResult<bool> {
    let updated = diesel::update(
        live_row!(groups, id)
            .filter(groups::status.eq("creating"))
            .filter(groups::host.is_null()),
    )
    .set((groups::host.eq(host), groups::updated_at.eq(now())))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Locks the live group's row until the transaction ends (a no-op
/// update: a row lock on PostgreSQL; SQLite's write lock is already held),
/// so that checks of its volumes and cgsnapshots and the change that
/// follows them see one state. False when there is no such live group.
pub fn lock(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    let touched = diesel::update(live_row!(groups, id))
        .set(groups::deleted.eq(groups::deleted))
        .execute(conn)?;
    Ok(touched == 1)
}

/// Soft-deletes the group if its status is one of `from` (any when `None`).
pub fn soft_delete(conn: &mut DbConnection, id: &str, from: Option<&[&str]>) -> QueryResult<bool> {
    soft_delete!(conn, groups, id, from, [])
}

/// Whether a group is being made from this group (`source_cgid`) or from
/// this cgsnapshot (`cgsnapshot_id`) right now.
pub fn is_source_of_creation(conn: &mut DbConnection, source_id: &str) -> QueryResult<bool> {
    let found: i64 = groups::table
        .filter(groups::deleted.eq(LIVE))
        .filter(groups::status.eq("creating"))
        .filter(
            groups::source_cgid
                .eq(source_id)
                .or(groups::cgsnapshot_id.eq(source_id)),
        )
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// A column a list may be filtered or sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Id,
    UserId,
    ProjectId,
    Host,
    AvailabilityZone,
    Name,
    Description,
    Status,
    CgsnapshotId,
    SourceCgid,
    CreatedAt,
    UpdatedAt,
}

impl Column {
    pub fn named(name: &str) -> Option<Column> {
        Some(match name {
            "id" => Column::Id,
            "user_id" => Column::UserId,
            "project_id" => Column::ProjectId,
            "host" => Column::Host,
            "availability_zone" => Column::AvailabilityZone,
            "name" => Column::Name,
            "description" => Column::Description,
            "status" => Column::Status,
            "cgsnapshot_id" => Column::CgsnapshotId,
            "source_cgid" => Column::SourceCgid,
            "created_at" => Column::CreatedAt,
            "updated_at" => Column::UpdatedAt,
            _ => return None,
        })
    }
}

impl Column {
    /// This column as a key of a list's order.
    fn key(self, descending: bool) -> Key {
        let (expr, nullable) = match self {
            Column::Id => ("id", false),
            Column::UserId => ("user_id", false),
            Column::ProjectId => ("project_id", false),
            Column::Host => ("host", true),
            Column::AvailabilityZone => ("availability_zone", false),
            Column::Name => ("name", true),
            Column::Description => ("description", true),
            Column::Status => ("status", false),
            Column::CgsnapshotId => ("cgsnapshot_id", true),
            Column::SourceCgid => ("source_cgid", true),
            Column::CreatedAt => ("created_at", false),
            Column::UpdatedAt => ("updated_at", true),
        };
        if nullable {
            Key::nullable(expr, descending)
        } else {
            Key::column(expr, descending)
        }
    }

    /// This column's value on `group`.
    fn value(self, group: &VolumeGroup) -> Value {
        match self {
            Column::Id => Value::Text(group.id.clone()),
            Column::UserId => Value::Text(group.user_id.clone()),
            Column::ProjectId => Value::Text(group.project_id.clone()),
            Column::Host => Value::text(&group.host),
            Column::AvailabilityZone => Value::Text(group.availability_zone.clone()),
            Column::Name => Value::text(&group.name),
            Column::Description => Value::text(&group.description),
            Column::Status => Value::Text(group.status.clone()),
            Column::CgsnapshotId => Value::text(&group.cgsnapshot_id),
            Column::SourceCgid => Value::text(&group.source_cgid),
            Column::CreatedAt => Value::Time(group.created_at),
            Column::UpdatedAt => Value::time(&group.updated_at),
        }
    }
}

/// One page of the live groups of `project_id` (every project when
/// `None`) whose text columns equal the filters, in the order of `sort`
/// (column, descending; it ends with `created_at` and `id`): after the row
/// `marker` when that row is among them (keyset, see
/// [`keyset`](super::keyset)), else from the first; then `offset` rows in,
/// `limit` rows. Time columns cannot be filtered on: such a filter matches
/// nothing, as a string compared with a time does not in Cinder's SQL.
pub fn list(
    conn: &mut DbConnection,
    project_id: Option<&str>,
    filters: &[(Column, String)],
    sort: &[(Column, bool)],
    marker: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<VolumeGroup>> {
    if filters
        .iter()
        .any(|(column, _)| matches!(column, Column::CreatedAt | Column::UpdatedAt))
    {
        return Ok(Vec::new());
    }
    // A macro, not a closure: each backend's arm needs its own query type.
    macro_rules! filtered {
        () => {{
            let mut query = groups::table.into_boxed().filter(live());
            if let Some(project_id) = project_id {
                query = query.filter(groups::project_id.eq(project_id.to_string()));
            }
            for (column, value) in filters {
                let value = value.clone();
                query = match column {
                    Column::Id => query.filter(groups::id.eq(value)),
                    Column::UserId => query.filter(groups::user_id.eq(value)),
                    Column::ProjectId => query.filter(groups::project_id.eq(value)),
                    Column::Host => query.filter(groups::host.eq(value)),
                    Column::AvailabilityZone => query.filter(groups::availability_zone.eq(value)),
                    Column::Name => query.filter(groups::name.eq(value)),
                    Column::Description => query.filter(groups::description.eq(value)),
                    Column::Status => query.filter(groups::status.eq(value)),
                    Column::CgsnapshotId => query.filter(groups::cgsnapshot_id.eq(value)),
                    Column::SourceCgid => query.filter(groups::source_cgid.eq(value)),
                    Column::CreatedAt | Column::UpdatedAt => query,
                };
            }
            query
        }};
    }
    let order = Order::new(
        conn,
        sort.iter()
            .map(|(column, descending)| column.key(*descending))
            .collect(),
    );
    let values = |row: &VolumeGroup| sort.iter().map(|(column, _)| column.value(row)).collect();
    let mut load = |conn: &mut DbConnection, part: &Part| -> QueryResult<Vec<VolumeGroup>> {
        per_backend!(conn, |c| part
            .apply(filtered!())
            .select(VolumeGroup::as_select())
            .load(c))
    };
    // Cinder lists from the first row when the marker is not among them.
    match order.page(conn, marker, offset, limit, values, &mut load)? {
        Some(rows) => Ok(rows),
        None => Ok(order
            .page(conn, None, offset, limit, values, &mut load)?
            .unwrap_or_default()),
    }
}

/// The live volume type with this id, if any: its id.
pub fn volume_type_by_id(conn: &mut DbConnection, id: &str) -> QueryResult<Option<String>> {
    types::table
        .filter(types::id.eq(id))
        .filter(types::deleted.eq(LIVE))
        .select(types::id)
        .first(conn)
        .optional()
}

/// The live volume type with this name, if any: its id.
pub fn volume_type_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<String>> {
    types::table
        .filter(types::name.eq(name))
        .filter(types::deleted.eq(LIVE))
        .select(types::id)
        .first(conn)
        .optional()
}

/// The extra specs of each type, one list per type id given, for the scheduler.
pub fn extra_specs_of(conn: &mut DbConnection, type_ids: &[String]) -> QueryResult<Vec<Vec<(String, String)>>> {
    let rows: Vec<(String, String, String)> = specs::table
        .filter(specs::volume_type_id.eq_any(type_ids))
        .filter(specs::deleted.eq(LIVE))
        .order((specs::volume_type_id, specs::spec_key))
        .select((specs::volume_type_id, specs::spec_key, specs::spec_value))
        .load(conn)?;
    Ok(type_ids
        .iter()
        .map(|type_id| {
            rows.iter()
                .filter(|(owner, _, _)| owner == type_id)
                .map(|(_, key, value)| (key.clone(), value.clone()))
                .collect()
        })
        .collect())
}

/// The live volumes of a group, oldest first.
pub fn members(conn: &mut DbConnection, group_id: &str) -> QueryResult<Vec<MemberVolume>> {
    volumes::table
        .filter(volumes::consistencygroup_id.eq(group_id))
        .filter(volumes::deleted.eq(LIVE))
        .order((volumes::created_at, volumes::id))
        .select(MemberVolume::as_select())
        .load(conn)
}

/// Any live volume, whatever its project.
pub fn find_volume(conn: &mut DbConnection, id: &str) -> QueryResult<Option<MemberVolume>> {
    live_row!(volumes, id)
        .select(MemberVolume::as_select())
        .first(conn)
        .optional()
}

pub fn insert_volume(conn: &mut DbConnection, volume: &NewVolume) -> QueryResult<()> {
    diesel::insert_into(volumes::table).values(volume).execute(conn)?;
    Ok(())
}

/// How many of these volumes have live snapshots.
pub fn count_with_snapshots(conn: &mut DbConnection, volume_ids: &[String]) -> QueryResult<i64> {
    snapshots::table
        .filter(snapshots::volume_id.eq_any(volume_ids))
        .filter(snapshots::deleted.eq(LIVE))
        .select(snapshots::volume_id)
        .distinct()
        .count()
        .get_result(conn)
}

/// Sets the status of each live volume of the group.
pub fn set_member_status(conn: &mut DbConnection, group_id: &str, from: &[&str], to: &str) -> QueryResult<usize> {
    diesel::update(
        volumes::table
            .filter(volumes::consistencygroup_id.eq(group_id))
            .filter(volumes::deleted.eq(LIVE))
            .filter(volumes::status.eq_any(from)),
    )
    .set((volumes::status.eq(to), volumes::updated_at.eq(now())))
    .execute(conn)
}

/// Moves volumes into the group (`Some`) or out of it (`None`).
pub fn set_membership(conn: &mut DbConnection, volume_ids: &[String], group_id: Option<&str>) -> QueryResult<()> {
    diesel::update(
        volumes::table
            .filter(volumes::id.eq_any(volume_ids))
            .filter(volumes::deleted.eq(LIVE)),
    )
    .set((volumes::consistencygroup_id.eq(group_id), volumes::updated_at.eq(now())))
    .execute(conn)?;
    Ok(())
}

/// Soft-deletes the group's volumes that are in one of `from`, and their snapshots.
pub fn soft_delete_members(conn: &mut DbConnection, group_id: &str, from: &[&str]) -> QueryResult<()> {
    let at = now();
    let ids: Vec<String> = volumes::table
        .filter(volumes::consistencygroup_id.eq(group_id))
        .filter(volumes::deleted.eq(LIVE))
        .filter(volumes::status.eq_any(from))
        .select(volumes::id)
        .load(conn)?;
    diesel::update(
        snapshots::table
            .filter(snapshots::volume_id.eq_any(&ids))
            .filter(snapshots::deleted.eq(LIVE)),
    )
    .set((
        snapshots::deleted.eq(snapshots::id),
        snapshots::deleted_at.eq(at),
        snapshots::status.eq("deleted"),
    ))
    .execute(conn)?;
    diesel::update(volumes::table.filter(volumes::id.eq_any(&ids)))
        .set((
            volumes::deleted.eq(volumes::id),
            volumes::deleted_at.eq(at),
            volumes::status.eq("deleted"),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the status of the group's volumes made with it (`creating`).
pub fn set_created_members(conn: &mut DbConnection, group_id: &str, to: &str, host: &str) -> QueryResult<()> {
    diesel::update(
        volumes::table
            .filter(volumes::consistencygroup_id.eq(group_id))
            .filter(volumes::deleted.eq(LIVE))
            .filter(volumes::status.eq("creating")),
    )
    .set((
        volumes::status.eq(to),
        volumes::host.eq(host),
        volumes::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}
