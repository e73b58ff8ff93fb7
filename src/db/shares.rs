//! Share queries, with the share's export locations and metadata. A share
//! has exactly one instance here, so its instance columns (host, status,
//! zone, network, server) are on the row. Status changes are conditional
//! updates, as for consistency groups.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::keyset::{live, Key, Order};
use super::rows::{set_status, set_where_given, soft_delete, storable};
use super::schema::{
    cgsnapshot_members as members, cgsnapshots, share_export_locations as exports, share_metadata as metadata,
    share_types, shares,
};
use super::{now, per_backend, DbConnection, LIVE};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = shares)]
pub struct Share {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    pub size: i32,
    pub display_name: Option<String>,
    pub display_description: Option<String>,
    pub share_proto: String,
    pub status: String,
    pub task_state: Option<String>,
    pub access_rules_status: String,
    /// Empty until the scheduler places the share (upstream writes `''`).
    pub host: Option<String>,
    pub availability_zone: Option<String>,
    pub share_type_id: Option<String>,
    pub share_network_id: Option<String>,
    pub share_server_id: Option<String>,
    pub snapshot_id: Option<String>,
    pub snapshot_support: bool,
    pub is_public: bool,
    pub consistency_group_id: Option<String>,
    pub source_cgsnapshot_member_id: Option<String>,
    pub scheduled_at: Option<NaiveDateTime>,
    pub launched_at: Option<NaiveDateTime>,
    pub terminated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
    pub create_share_from_snapshot_support: bool,
    pub revert_to_snapshot_support: bool,
    pub replication_type: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = metadata)]
struct NewMetadata<'a> {
    id: String,
    share_id: &'a str,
    key: &'a str,
    value: &'a str,
    created_at: NaiveDateTime,
    deleted: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = exports)]
struct NewExport<'a> {
    id: String,
    share_id: &'a str,
    path: &'a str,
    is_admin_only: bool,
    preferred: bool,
    created_at: NaiveDateTime,
    deleted: &'a str,
}

/// Whose shares a lookup may see.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// The project's own shares, plus other projects' public ones when set.
    Project {
        project_id: &'a str,
        with_public: bool,
    },
    All,
}

/// Writes the share and its metadata (in the caller's transaction).
pub fn insert(conn: &mut DbConnection, share: &Share, meta: &[(String, String)]) -> QueryResult<()> {
    diesel::insert_into(shares::table).values(share).execute(conn)?;
    for (key, value) in meta {
        let row = NewMetadata {
            id: uuid::Uuid::new_v4().to_string(),
            share_id: &share.id,
            key,
            value,
            created_at: share.created_at,
            deleted: LIVE,
        };
        diesel::insert_into(metadata::table).values(&row).execute(conn)?;
    }
    Ok(())
}

/// The live share `id`, whatever its project: upstream's lookup is not
/// scoped, and its policy check then decides (see the service).
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Share>> {
    if !storable(id) {
        return Ok(None);
    }
    shares::table
        .filter(shares::id.eq(id))
        .filter(shares::deleted.eq(LIVE))
        .select(Share::as_select())
        .first(conn)
        .optional()
}

/// A column of upstream's share (and share instance) model that a list
/// filters or sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Id,
    Deleted,
    UserId,
    ProjectId,
    Size,
    DisplayName,
    DisplayDescription,
    SnapshotId,
    SnapshotSupport,
    ShareProto,
    IsPublic,
    ConsistencyGroupId,
    SourceCgsnapshotMemberId,
    TaskState,
    ReplicationType,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Host,
    Status,
    ShareNetworkId,
    ShareServerId,
    ShareTypeId,
    AccessRulesStatus,
    AvailabilityZone,
    ScheduledAt,
    LaunchedAt,
    TerminatedAt,
}

/// What a column holds, which decides what a filter's text can equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Flag,
    Time,
}

impl Field {
    /// The field of this attribute name, as upstream's model spells it.
    pub fn named(name: &str) -> Option<Field> {
        Some(match name {
            "id" => Field::Id,
            "deleted" => Field::Deleted,
            "user_id" => Field::UserId,
            "project_id" => Field::ProjectId,
            "size" => Field::Size,
            "display_name" => Field::DisplayName,
            "display_description" => Field::DisplayDescription,
            "snapshot_id" => Field::SnapshotId,
            "snapshot_support" => Field::SnapshotSupport,
            "share_proto" => Field::ShareProto,
            "is_public" => Field::IsPublic,
            "consistency_group_id" => Field::ConsistencyGroupId,
            "source_cgsnapshot_member_id" => Field::SourceCgsnapshotMemberId,
            "task_state" => Field::TaskState,
            "replication_type" => Field::ReplicationType,
            "created_at" => Field::CreatedAt,
            "updated_at" => Field::UpdatedAt,
            "deleted_at" => Field::DeletedAt,
            "host" => Field::Host,
            "status" => Field::Status,
            "share_network_id" => Field::ShareNetworkId,
            "share_server_id" => Field::ShareServerId,
            "share_type_id" => Field::ShareTypeId,
            "access_rules_status" => Field::AccessRulesStatus,
            "availability_zone" => Field::AvailabilityZone,
            "scheduled_at" => Field::ScheduledAt,
            "launched_at" => Field::LaunchedAt,
            "terminated_at" => Field::TerminatedAt,
            _ => return None,
        })
    }

    pub fn kind(self) -> Kind {
        match self {
            Field::Size => Kind::Number,
            Field::SnapshotSupport | Field::IsPublic => Kind::Flag,
            Field::CreatedAt
            | Field::UpdatedAt
            | Field::DeletedAt
            | Field::ScheduledAt
            | Field::LaunchedAt
            | Field::TerminatedAt => Kind::Time,
            Field::Id
            | Field::Deleted
            | Field::UserId
            | Field::ProjectId
            | Field::DisplayName
            | Field::DisplayDescription
            | Field::SnapshotId
            | Field::ShareProto
            | Field::ConsistencyGroupId
            | Field::SourceCgsnapshotMemberId
            | Field::TaskState
            | Field::ReplicationType
            | Field::Host
            | Field::Status
            | Field::ShareNetworkId
            | Field::ShareServerId
            | Field::ShareTypeId
            | Field::AccessRulesStatus
            | Field::AvailabilityZone => Kind::Text,
        }
    }

    /// This column as a key of a list's order: text by code point on both
    /// databases (`COLLATE "C"` on PostgreSQL, SQLite's default binary
    /// order), as the list sorted in memory with Rust's string order did;
    /// ids are uuids, alike in any collation, and keep the database's so
    /// the default order's index serves. Times are whole microseconds
    /// (`db::now`), so their order is that of their rendered text.
    fn key(self, postgres: bool, descending: bool) -> Key {
        macro_rules! text {
            ($column:literal) => {
                ($column, concat!($column, " COLLATE \"C\""))
            };
        }
        macro_rules! plain {
            ($column:literal) => {
                ($column, $column)
            };
        }
        let ((sqlite, pg), nullable) = match self {
            Field::Id => (plain!("id"), false),
            Field::Deleted => (text!("deleted"), false),
            Field::UserId => (text!("user_id"), false),
            Field::ProjectId => (text!("project_id"), false),
            Field::Size => (plain!("size"), false),
            Field::DisplayName => (text!("display_name"), true),
            Field::DisplayDescription => (text!("display_description"), true),
            Field::SnapshotId => (text!("snapshot_id"), true),
            Field::SnapshotSupport => (plain!("snapshot_support"), false),
            Field::ShareProto => (text!("share_proto"), false),
            Field::IsPublic => (plain!("is_public"), false),
            Field::ConsistencyGroupId => (text!("consistency_group_id"), true),
            Field::SourceCgsnapshotMemberId => (text!("source_cgsnapshot_member_id"), true),
            Field::TaskState => (text!("task_state"), true),
            Field::ReplicationType => (text!("replication_type"), true),
            Field::CreatedAt => (plain!("created_at"), false),
            Field::UpdatedAt => (plain!("updated_at"), true),
            Field::DeletedAt => (plain!("deleted_at"), true),
            Field::Host => (text!("host"), true),
            Field::Status => (text!("status"), false),
            Field::ShareNetworkId => (text!("share_network_id"), true),
            Field::ShareServerId => (text!("share_server_id"), true),
            Field::ShareTypeId => (text!("share_type_id"), true),
            Field::AccessRulesStatus => (text!("access_rules_status"), false),
            Field::AvailabilityZone => (text!("availability_zone"), true),
            Field::ScheduledAt => (plain!("scheduled_at"), true),
            Field::LaunchedAt => (plain!("launched_at"), true),
            Field::TerminatedAt => (plain!("terminated_at"), true),
        };
        Key::spelled((sqlite, pg), postgres, nullable, descending)
    }
}

/// A list filter: a text column equal to a text, or a time column equal
/// to a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    Text(Field, String),
    Time(Field, NaiveDateTime),
}

/// One page of the live shares `scope` sees that match every filter,
/// sorted by `sort` (field, descending) then id the same way, nulls first
/// ascending and last descending (as upstream's MySQL has them), `offset`
/// rows in, `limit` rows. Upstream pages shares by offset only, so a deep
/// page costs the rows before it; the first pages of the default order
/// (newest first) read the `shares_project_created` / `shares_all_created`
/// indexes.
pub fn list(
    conn: &mut DbConnection,
    scope: Scope,
    filters: &[Filter],
    sort: (Field, bool),
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Share>> {
    // A macro, not a closure: each backend's arm needs its own query type.
    macro_rules! filtered {
        () => {{
            let mut query = shares::table.into_boxed().filter(live());
            query = match scope {
                Scope::All => query,
                Scope::Project {
                    project_id,
                    with_public: true,
                } => query.filter(shares::project_id.eq(project_id).or(shares::is_public.eq(true))),
                Scope::Project {
                    project_id,
                    with_public: false,
                } => query.filter(shares::project_id.eq(project_id)),
            };
            for filter in filters {
                query = match filter.clone() {
                    // A value no row can hold matches nothing.
                    Filter::Text(_, value) if !storable(&value) => query.filter(shares::id.is_null()),
                    Filter::Text(field, value) => match field {
                        Field::Id => query.filter(shares::id.eq(value)),
                        Field::Deleted => query.filter(shares::deleted.eq(value)),
                        Field::UserId => query.filter(shares::user_id.eq(value)),
                        Field::ProjectId => query.filter(shares::project_id.eq(value)),
                        Field::DisplayName => query.filter(shares::display_name.eq(value)),
                        Field::DisplayDescription => query.filter(shares::display_description.eq(value)),
                        Field::SnapshotId => query.filter(shares::snapshot_id.eq(value)),
                        Field::ShareProto => query.filter(shares::share_proto.eq(value)),
                        Field::ConsistencyGroupId => query.filter(shares::consistency_group_id.eq(value)),
                        Field::SourceCgsnapshotMemberId => query.filter(shares::source_cgsnapshot_member_id.eq(value)),
                        Field::TaskState => query.filter(shares::task_state.eq(value)),
                        Field::ReplicationType => query.filter(shares::replication_type.eq(value)),
                        Field::Host => query.filter(shares::host.eq(value)),
                        Field::Status => query.filter(shares::status.eq(value)),
                        Field::ShareNetworkId => query.filter(shares::share_network_id.eq(value)),
                        Field::ShareServerId => query.filter(shares::share_server_id.eq(value)),
                        Field::ShareTypeId => query.filter(shares::share_type_id.eq(value)),
                        Field::AccessRulesStatus => query.filter(shares::access_rules_status.eq(value)),
                        Field::AvailabilityZone => query.filter(shares::availability_zone.eq(value)),
                        // No text equals a number, a flag or a time.
                        Field::Size
                        | Field::SnapshotSupport
                        | Field::IsPublic
                        | Field::CreatedAt
                        | Field::UpdatedAt
                        | Field::DeletedAt
                        | Field::ScheduledAt
                        | Field::LaunchedAt
                        | Field::TerminatedAt => query.filter(shares::id.is_null()),
                    },
                    Filter::Time(field, at) => match field {
                        Field::CreatedAt => query.filter(shares::created_at.eq(at)),
                        Field::UpdatedAt => query.filter(shares::updated_at.eq(at)),
                        Field::DeletedAt => query.filter(shares::deleted_at.eq(at)),
                        Field::ScheduledAt => query.filter(shares::scheduled_at.eq(at)),
                        Field::LaunchedAt => query.filter(shares::launched_at.eq(at)),
                        Field::TerminatedAt => query.filter(shares::terminated_at.eq(at)),
                        // Not a time column: no time equals it.
                        _ => query.filter(shares::id.is_null()),
                    },
                };
            }
            query
        }};
    }
    let postgres = matches!(conn, DbConnection::Postgresql(_));
    let (field, descending) = sort;
    let mut keys = vec![field.key(postgres, descending)];
    if field != Field::Id {
        keys.push(Field::Id.key(postgres, descending));
    }
    let order = Order::nulls_low(keys);
    per_backend!(conn, |c| filtered!()
        .order(order.order_by())
        .offset(offset)
        .limit(limit)
        .select(Share::as_select())
        .load(c))
}

/// The live shares of a consistency group, oldest first: what a
/// cgsnapshot takes its members from. Call it after
/// `consistency_groups::lock` in the same transaction, so no share
/// joins the group between this read and the members being written.
pub fn list_in_consistency_group(conn: &mut DbConnection, cg_id: &str) -> QueryResult<Vec<Share>> {
    shares::table
        .filter(shares::consistency_group_id.eq(cg_id))
        .filter(shares::deleted.eq(LIVE))
        .order((shares::created_at, shares::id))
        .select(Share::as_select())
        .load(conn)
}

/// Live shares in the consistency group (a CG with shares cannot be deleted).
pub fn count_in_consistency_group(conn: &mut DbConnection, cg_id: &str) -> QueryResult<i64> {
    shares::table
        .filter(shares::consistency_group_id.eq(cg_id))
        .filter(shares::deleted.eq(LIVE))
        .count()
        .get_result(conn)
}

/// Live shares on the share network, in any project.
pub fn count_on_share_network(conn: &mut DbConnection, network_id: &str) -> QueryResult<i64> {
    shares::table
        .filter(shares::share_network_id.eq(network_id))
        .filter(shares::deleted.eq(LIVE))
        .count()
        .get_result(conn)
}

/// Whether a live share has this type.
pub fn uses_share_type(conn: &mut DbConnection, type_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        shares::table
            .filter(shares::share_type_id.eq(type_id))
            .filter(shares::deleted.eq(LIVE)),
    ))
    .get_result(conn)
}

/// Live cgsnapshot members taken of the share.
pub fn count_cgsnapshot_members(conn: &mut DbConnection, share_id: &str) -> QueryResult<i64> {
    members::table
        .filter(members::share_id.eq(share_id))
        .filter(members::deleted.eq(LIVE))
        .count()
        .get_result(conn)
}

/// Whether a live cgsnapshot of the group is still `creating`: its members
/// are fixed, so no share may join the group until it finishes.
pub fn cgsnapshot_in_progress(conn: &mut DbConnection, cg_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        cgsnapshots::table
            .filter(cgsnapshots::consistency_group_id.eq(cg_id))
            .filter(cgsnapshots::deleted.eq(LIVE))
            .filter(cgsnapshots::status.eq("creating")),
    ))
    .get_result(conn)
}

/// The names of these share types (live or not: a share keeps showing its
/// type's name).
pub fn type_names(conn: &mut DbConnection, type_ids: &[&str]) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = share_types::table
        .filter(share_types::id.eq_any(type_ids))
        .select((share_types::id, share_types::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The metadata of each share, by share id.
pub fn metadata_of(conn: &mut DbConnection, share_ids: &[&str]) -> QueryResult<HashMap<String, Vec<(String, String)>>> {
    let rows: Vec<(String, String, String)> = metadata::table
        .filter(metadata::share_id.eq_any(share_ids))
        .filter(metadata::deleted.eq(LIVE))
        .order((metadata::created_at, metadata::id))
        .select((metadata::share_id, metadata::key, metadata::value))
        .load(conn)?;
    let mut by_share: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (share_id, key, value) in rows {
        by_share.entry(share_id).or_default().push((key, value));
    }
    Ok(by_share)
}

/// The export location paths of each share, in the order the driver gave.
pub fn export_paths_of(conn: &mut DbConnection, share_ids: &[&str]) -> QueryResult<HashMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = exports::table
        .filter(exports::share_id.eq_any(share_ids))
        .filter(exports::deleted.eq(LIVE))
        .order((exports::created_at, exports::id))
        .select((exports::share_id, exports::path))
        .load(conn)?;
    let mut by_share: HashMap<String, Vec<String>> = HashMap::new();
    for (share_id, path) in rows {
        by_share.entry(share_id).or_default().push(path);
    }
    Ok(by_share)
}

/// `UPDATE shares SET status = $to, updated_at = now WHERE id = $id
/// AND deleted = 'False' AND status IN $from`: false when the row was in
/// none of `from` (another request changed it first, or it is gone).
pub fn set_status(conn: &mut DbConnection, id: &str, from: &[&str], to: &str) -> QueryResult<bool> {
    set_status!(conn, "shares", id, from, to)
}

/// `available`/`error` to `deleting`, stamping `terminated_at`.
pub fn start_deleting(conn: &mut DbConnection, id: &str, from: &[&str]) -> QueryResult<bool> {
    let at = now();
    let updated = diesel::update(
        shares::table
            .filter(shares::id.eq(id))
            .filter(shares::deleted.eq(LIVE))
            .filter(shares::status.eq_any(from)),
    )
    .set((
        shares::status.eq("deleting"),
        shares::terminated_at.eq(at),
        shares::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Records the scheduler's choice (and the zone of the chosen service)
/// for a share still waiting for one.
pub fn assign_host(conn: &mut DbConnection, id: &str, host: &str, zone: &str) -> QueryResult<bool> {
    let updated = diesel::update(
        shares::table
            .filter(shares::id.eq(id))
            .filter(shares::deleted.eq(LIVE))
            .filter(shares::status.eq("creating")),
    )
    .set((
        shares::host.eq(host),
        shares::availability_zone.eq(zone),
        shares::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// `creating` to `available` with what the driver made: its export
/// locations and, for backends that handle them, the share server.
pub fn mark_created(
    conn: &mut DbConnection,
    id: &str,
    export_paths: &[String],
    share_server_id: Option<&str>,
) -> QueryResult<bool> {
    let at = now();
    let updated = diesel::update(
        shares::table
            .filter(shares::id.eq(id))
            .filter(shares::deleted.eq(LIVE))
            .filter(shares::status.eq("creating")),
    )
    .set((
        shares::status.eq("available"),
        shares::share_server_id.eq(share_server_id),
        shares::launched_at.eq(at),
        shares::updated_at.eq(at),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Ok(false);
    }
    for (n, path) in export_paths.iter().enumerate() {
        let row = NewExport {
            id: uuid::Uuid::new_v4().to_string(),
            share_id: id,
            path,
            is_admin_only: false,
            preferred: n == 0,
            created_at: at,
            deleted: LIVE,
        };
        diesel::insert_into(exports::table).values(&row).execute(conn)?;
    }
    Ok(true)
}

/// Soft-deletes the share, its metadata and export locations if its
/// status is one of `from` (whatever it is when `None`).
pub fn soft_delete(conn: &mut DbConnection, id: &str, from: Option<&[&str]>) -> QueryResult<bool> {
    soft_delete!(conn, shares, id, from, [metadata.share_id, exports.share_id])
}

/// Sets name, description and visibility where given.
pub fn update_fields(
    conn: &mut DbConnection,
    id: &str,
    name: Option<Option<String>>,
    description: Option<Option<String>>,
    is_public: Option<bool>,
) -> QueryResult<()> {
    set_where_given!(
        conn,
        shares,
        id,
        display_name = name,
        display_description = description,
        is_public = is_public,
    )
}

/// An export location as the export-locations API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = exports)]
pub struct ExportLocation {
    pub id: String,
    pub share_id: String,
    pub path: String,
    pub is_admin_only: bool,
    pub preferred: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
}

/// A share's live export locations, the preferred one first; admin-only
/// ones only when asked for.
pub fn export_locations_of(
    conn: &mut DbConnection,
    share_id: &str,
    include_admin_only: bool,
) -> QueryResult<Vec<ExportLocation>> {
    let live = exports::table
        .filter(exports::share_id.eq(share_id))
        .filter(exports::deleted.eq(LIVE))
        .order((exports::created_at, exports::id))
        .select(ExportLocation::as_select());
    if include_admin_only {
        live.load(conn)
    } else {
        live.filter(exports::is_admin_only.eq(false)).load(conn)
    }
}

/// One live export location by its id, whichever share it belongs to
/// (upstream looks it up by uuid alone).
pub fn export_location(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ExportLocation>> {
    if !storable(id) {
        return Ok(None);
    }
    exports::table
        .filter(exports::id.eq(id))
        .filter(exports::deleted.eq(LIVE))
        .select(ExportLocation::as_select())
        .first(conn)
        .optional()
}
