//! Snapshots of Cinder volumes. They are made by cgsnapshots (one per
//! member volume); on their own they can be read and deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::keyset::{live, Key, Order, Value};
use super::rows::{set_status, soft_delete};
use super::schema::volume_snapshots as snapshots;
use super::{now, per_backend, DbConnection, LIVE};

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

/// A column of Cinder's snapshot model a list sorts or filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Id,
    UserId,
    ProjectId,
    VolumeId,
    CgsnapshotId,
    Status,
    Progress,
    VolumeSize,
    Name,
    Description,
    CreatedAt,
    UpdatedAt,
}

impl Field {
    /// As `volumes::Field::key`: text by code point, nulls first ascending.
    fn key(self, postgres: bool, descending: bool) -> Key {
        let (sqlite, pg, nullable) = match self {
            Field::Id => ("id", "id", false),
            Field::UserId => ("user_id", "user_id COLLATE \"C\"", false),
            Field::ProjectId => ("project_id", "project_id COLLATE \"C\"", false),
            Field::VolumeId => ("volume_id", "volume_id COLLATE \"C\"", false),
            Field::CgsnapshotId => ("cgsnapshot_id", "cgsnapshot_id COLLATE \"C\"", true),
            Field::Status => ("status", "status COLLATE \"C\"", false),
            Field::Progress => ("progress", "progress COLLATE \"C\"", false),
            Field::VolumeSize => ("volume_size", "volume_size", false),
            Field::Name => ("name", "name COLLATE \"C\"", true),
            Field::Description => ("description", "description COLLATE \"C\"", true),
            Field::CreatedAt => ("created_at", "created_at", false),
            Field::UpdatedAt => ("updated_at", "updated_at", true),
        };
        Key::spelled((sqlite, pg), postgres, nullable, descending)
    }

    fn value(self, snapshot: &VolumeSnapshot) -> Value {
        match self {
            Field::Id => Value::Text(snapshot.id.clone()),
            Field::UserId => Value::Text(snapshot.user_id.clone()),
            Field::ProjectId => Value::Text(snapshot.project_id.clone()),
            Field::VolumeId => Value::Text(snapshot.volume_id.clone()),
            Field::CgsnapshotId => Value::text(&snapshot.cgsnapshot_id),
            Field::Status => Value::Text(snapshot.status.clone()),
            Field::Progress => Value::Text(snapshot.progress.clone()),
            Field::VolumeSize => Value::Int(snapshot.volume_size),
            Field::Name => Value::text(&snapshot.name),
            Field::Description => Value::text(&snapshot.description),
            Field::CreatedAt => Value::Time(snapshot.created_at),
            Field::UpdatedAt => Value::time(&snapshot.updated_at),
        }
    }
}

/// One page of the live snapshots of `project` (of every project when
/// `None`) whose text columns equal the filters (`Name`, `Status`,
/// `VolumeId`, `ProjectId`, `Id`), in the order of `sort` (which must
/// include `id`): after the row `marker` (keyset), then `offset` rows in,
/// `limit` rows. `None` when the marker is not among the matching rows.
#[allow(clippy::too_many_arguments)]
pub fn list(
    conn: &mut DbConnection,
    project: Option<&str>,
    filters: &[(Field, String)],
    sort: &[(Field, bool)],
    marker: Option<&str>,
    offset: usize,
    limit: usize,
) -> QueryResult<Option<Vec<VolumeSnapshot>>> {
    // A macro, not a closure: each backend's arm needs its own query type.
    macro_rules! filtered {
        () => {{
            let mut query = snapshots::table.into_boxed().filter(live());
            if let Some(project) = project {
                query = query.filter(snapshots::project_id.eq(project.to_string()));
            }
            for (field, value) in filters {
                let value = value.clone();
                query = match field {
                    Field::Id => query.filter(snapshots::id.eq(value)),
                    Field::UserId => query.filter(snapshots::user_id.eq(value)),
                    Field::ProjectId => query.filter(snapshots::project_id.eq(value)),
                    Field::VolumeId => query.filter(snapshots::volume_id.eq(value)),
                    Field::CgsnapshotId => query.filter(snapshots::cgsnapshot_id.eq(value)),
                    Field::Status => query.filter(snapshots::status.eq(value)),
                    Field::Progress => query.filter(snapshots::progress.eq(value)),
                    Field::Name => query.filter(snapshots::name.eq(value)),
                    Field::Description => query.filter(snapshots::description.eq(value)),
                    // No text equals these; the service never asks.
                    Field::VolumeSize | Field::CreatedAt | Field::UpdatedAt => query.filter(snapshots::id.is_null()),
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
        |row: &VolumeSnapshot| sort.iter().map(|(field, _)| field.value(row)).collect(),
        |conn, part| {
            per_backend!(conn, |c| part
                .apply(filtered!())
                .select(VolumeSnapshot::as_select())
                .load(c))
        },
    )
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
    set_status!(conn, "volume_snapshots", id, from, to)
}

/// Soft-deletes the snapshot if its status is one of `from`.
pub fn soft_delete(conn: &mut DbConnection, id: &str, from: &[&str]) -> QueryResult<bool> {
    soft_delete!(conn, snapshots, id, Some(from), [])
}
