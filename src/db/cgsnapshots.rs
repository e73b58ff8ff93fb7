//! cgsnapshot and member queries. A snapshot and its members are written
//! in one transaction, under the CG's row lock, so the members are the
//! CG's shares at one instant.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::consistency_groups::{Scope, Sort};
use super::keyset::{live, Key, Order, Value};
use super::rows::{live_rows_matching, set_status, set_where_given, soft_delete, storable};
use super::schema::{cgsnapshot_members as members, cgsnapshots};
use super::{now, per_backend, DbConnection, LIVE};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cgsnapshots)]
pub struct CgSnapshot {
    pub id: String,
    pub consistency_group_id: String,
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

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = members)]
pub struct CgSnapshotMember {
    pub id: String,
    pub cgsnapshot_id: String,
    pub share_id: String,
    pub share_instance_id: String,
    pub share_type_id: String,
    pub size: i32,
    pub status: String,
    pub share_proto: String,
    pub user_id: String,
    pub project_id: String,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

/// Writes the snapshot and its members (in the caller's transaction).
pub fn insert(conn: &mut DbConnection, snapshot: &CgSnapshot, rows: &[CgSnapshotMember]) -> QueryResult<()> {
    diesel::insert_into(cgsnapshots::table).values(snapshot).execute(conn)?;
    // One statement per row: batch inserts are not portable across backends.
    for member in rows {
        diesel::insert_into(members::table).values(member).execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str, scope: Scope) -> QueryResult<Option<CgSnapshot>> {
    if !storable(id) {
        return Ok(None);
    }
    let live = cgsnapshots::table
        .filter(cgsnapshots::id.eq(id))
        .filter(cgsnapshots::deleted.eq(LIVE));
    match scope {
        Scope::Project(project_id) => live
            .filter(cgsnapshots::project_id.eq(project_id))
            .select(CgSnapshot::as_select())
            .first(conn)
            .optional(),
        Scope::All => live.select(CgSnapshot::as_select()).first(conn).optional(),
    }
}

/// Live snapshots of a CG, for the CG delete rule.
pub fn count_of_consistency_group(conn: &mut DbConnection, cg_id: &str) -> QueryResult<i64> {
    cgsnapshots::table
        .filter(cgsnapshots::consistency_group_id.eq(cg_id))
        .filter(cgsnapshots::deleted.eq(LIVE))
        .count()
        .get_result(conn)
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// `None`: every project (an admin with `all_tenants`).
    pub project_id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub consistency_group_id: Option<String>,
}

/// The live snapshots `filter` matches (see `consistency_groups::filtered`).
macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &ListFilter = $filter;
        live_rows_matching!(
            cgsnapshots,
            [
                &filter.project_id => project_id,
                &filter.name => name,
                &filter.status => status,
                &filter.consistency_group_id => consistency_group_id,
            ]
        )
    }};
}

/// One page of matching snapshots in `sort`'s order (a CG list's): after
/// the row `marker` (keyset), then `offset` rows in. `None` when the
/// marker is not among the matching rows.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    sort: Sort,
    marker: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<Option<Vec<CgSnapshot>>> {
    let order = Order::new(conn, sort.keys());
    order.page(
        conn,
        marker,
        offset,
        limit,
        |snapshot: &CgSnapshot| sort.values(&snapshot.id, snapshot.created_at, &snapshot.name, &snapshot.status),
        |conn, part| {
            per_backend!(conn, |c| part
                .apply(filtered!(filter))
                .select(CgSnapshot::as_select())
                .load(c))
        },
    )
}

/// The live members of a snapshot, oldest first: after the member
/// `marker` (keyset, on `(created_at, id)`), `offset` in, `limit` of them.
/// `None` when the marker is not one of the snapshot's live members.
pub fn members_page(
    conn: &mut DbConnection,
    cgsnapshot_id: &str,
    marker: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<Option<Vec<CgSnapshotMember>>> {
    if !storable(cgsnapshot_id) {
        return Ok(marker.is_none().then(Vec::new));
    }
    let order = Order::new(conn, vec![Key::column("created_at", false), Key::column("id", false)]);
    order.page(
        conn,
        marker,
        offset,
        limit,
        |member: &CgSnapshotMember| vec![Value::Time(member.created_at), Value::Text(member.id.clone())],
        |conn, part| {
            per_backend!(conn, |c| part
                .apply(
                    members::table
                        .into_boxed()
                        .filter(live())
                        .filter(members::cgsnapshot_id.eq(cgsnapshot_id))
                )
                .select(CgSnapshotMember::as_select())
                .load(c))
        },
    )
}

/// The live members of a snapshot, oldest first.
pub fn members_of(conn: &mut DbConnection, cgsnapshot_id: &str) -> QueryResult<Vec<CgSnapshotMember>> {
    if !storable(cgsnapshot_id) {
        return Ok(Vec::new());
    }
    members::table
        .filter(members::cgsnapshot_id.eq(cgsnapshot_id))
        .filter(members::deleted.eq(LIVE))
        .order((members::created_at, members::id))
        .select(CgSnapshotMember::as_select())
        .load(conn)
}

pub fn update_text(
    conn: &mut DbConnection,
    id: &str,
    name: Option<Option<String>>,
    description: Option<Option<String>>,
) -> QueryResult<()> {
    set_where_given!(conn, cgsnapshots, id, name = name, description = description)
}

/// `UPDATE cgsnapshots SET status = $to, updated_at = now WHERE id = $id
/// AND deleted = 'False' AND status IN $from`: false when the row was in
/// none of `from` (another request changed it first, or it is gone).
pub fn set_status(conn: &mut DbConnection, id: &str, from: &[&str], to: &str) -> QueryResult<bool> {
    set_status!(conn, "cgsnapshots", id, from, to)
}

/// `creating` to `available`, members too (their creation time becomes
/// the completion time, as upstream's manager sets it).
pub fn mark_created(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    if !set_status(conn, id, &["creating"], "available")? {
        return Ok(false);
    }
    let at = now();
    diesel::update(
        members::table
            .filter(members::cgsnapshot_id.eq(id))
            .filter(members::deleted.eq(LIVE)),
    )
    .set((
        members::status.eq("available"),
        members::created_at.eq(at),
        members::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(true)
}

/// Soft-deletes the snapshot and its members if its status is one of
/// `from` (whatever its status when `None`).
pub fn soft_delete(conn: &mut DbConnection, id: &str, from: Option<&[&str]>) -> QueryResult<bool> {
    soft_delete!(conn, cgsnapshots, id, from, [members.cgsnapshot_id])
}
