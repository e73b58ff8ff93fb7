//! Consistency-group queries. Every status change is a conditional update
//! (`... WHERE status IN (...)`): of two racing requests, or two server
//! replicas, at most one matches the row; the caller learns which from
//! the returned count.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::keyset::{Key, Order, Value};
use super::rows::{live_rows_matching, set_status, set_where_given, soft_delete, storable};
use super::schema::{
    consistency_group_share_type_mappings as mappings, consistency_groups as cgs, share_type_extra_specs as specs,
};
use super::statement::Statement;
use super::{now, per_backend, DbConnection, LIVE};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cgs)]
pub struct ConsistencyGroup {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    pub host: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub source_cgsnapshot_id: Option<String>,
    pub share_network_id: Option<String>,
    pub share_server_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

#[derive(Insertable)]
#[diesel(table_name = mappings)]
struct NewMapping<'a> {
    id: String,
    consistency_group_id: &'a str,
    share_type_id: &'a str,
    created_at: NaiveDateTime,
    deleted: &'a str,
}

/// Whose rows a query may see: Manila scopes lookups to the caller's
/// project unless the caller is an administrator.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    Project(&'a str),
    All,
}

impl Scope<'_> {
    /// Whether a row of `project_id` is within the scope (for rows read
    /// without it, as batched reads are).
    pub fn admits(&self, project_id: &str) -> bool {
        match self {
            Scope::Project(own) => *own == project_id,
            Scope::All => true,
        }
    }
}

/// Writes the CG and its share-type mappings (in the caller's transaction).
pub fn insert(conn: &mut DbConnection, cg: &ConsistencyGroup, share_type_ids: &[String]) -> QueryResult<()> {
    diesel::insert_into(cgs::table).values(cg).execute(conn)?;
    // One statement per row: batch inserts are not portable across the
    // two backends, and a CG has a handful of types.
    for share_type_id in share_type_ids {
        let mapping = NewMapping {
            id: uuid::Uuid::new_v4().to_string(),
            consistency_group_id: &cg.id,
            share_type_id,
            created_at: cg.created_at,
            deleted: LIVE,
        };
        diesel::insert_into(mappings::table).values(&mapping).execute(conn)?;
    }
    Ok(())
}

/// Written as two fixed queries rather than one built at run time, so
/// diesel can keep each as a prepared statement.
pub fn find(conn: &mut DbConnection, id: &str, scope: Scope) -> QueryResult<Option<ConsistencyGroup>> {
    if !storable(id) {
        return Ok(None);
    }
    per_backend!(conn, |c| {
        let live = cgs::table.filter(cgs::id.eq(id)).filter(cgs::deleted.eq(LIVE));
        match scope {
            Scope::Project(project_id) => live
                .filter(cgs::project_id.eq(project_id))
                .select(ConsistencyGroup::as_select())
                .first(c)
                .optional(),
            Scope::All => live.select(ConsistencyGroup::as_select()).first(c).optional(),
        }
    })
}

/// A live CG and its share types in one round trip, whatever its project
/// (show's batched read applies each caller's scope to the row).
pub fn find_with_types(conn: &mut DbConnection, id: &str) -> QueryResult<Option<(ConsistencyGroup, Vec<String>)>> {
    if !storable(id) {
        return Ok(None);
    }
    let rows: Vec<(ConsistencyGroup, Option<String>)> = per_backend!(conn, |c| cgs::table
        .left_join(
            mappings::table.on(mappings::consistency_group_id
                .eq(cgs::id)
                .and(mappings::deleted.eq(LIVE))),
        )
        .filter(cgs::id.eq(id))
        .filter(cgs::deleted.eq(LIVE))
        .order((mappings::created_at.nullable(), mappings::id.nullable()))
        .select((ConsistencyGroup::as_select(), mappings::share_type_id.nullable()))
        .load(c)?);
    let mut rows = rows.into_iter();
    Ok(rows.next().map(|(cg, first)| {
        let share_types = first
            .into_iter()
            .chain(rows.filter_map(|(_, type_id)| type_id))
            .collect();
        (cg, share_types)
    }))
}

/// The share types of one CG, in the order they were mapped.
pub fn share_type_ids_of(conn: &mut DbConnection, cg_id: &str) -> QueryResult<Vec<String>> {
    mappings::table
        .filter(mappings::consistency_group_id.eq(cg_id))
        .filter(mappings::deleted.eq(LIVE))
        .order((mappings::created_at, mappings::id))
        .select(mappings::share_type_id)
        .load(conn)
}

/// The share types of each CG, in the order they were mapped.
pub fn share_type_ids(conn: &mut DbConnection, cg_ids: &[&str]) -> QueryResult<HashMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = per_backend!(conn, |c| mappings::table
        .filter(mappings::consistency_group_id.eq_any(cg_ids))
        .filter(mappings::deleted.eq(LIVE))
        .order((mappings::created_at, mappings::id))
        .select((mappings::consistency_group_id, mappings::share_type_id))
        .load(c)?);
    let mut by_cg: HashMap<String, Vec<String>> = HashMap::new();
    for (cg_id, share_type_id) in rows {
        by_cg.entry(cg_id).or_default().push(share_type_id);
    }
    Ok(by_cg)
}

/// The extra specs of each of the CG's share types, one list per type (in
/// the order they were mapped), for the scheduler; one query.
pub fn share_type_extra_specs(conn: &mut DbConnection, cg_id: &str) -> QueryResult<Vec<Vec<(String, String)>>> {
    let rows: Vec<(String, Option<String>, Option<String>)> = mappings::table
        .left_join(
            specs::table.on(specs::share_type_id
                .eq(mappings::share_type_id)
                .and(specs::deleted.eq(LIVE))),
        )
        .filter(mappings::consistency_group_id.eq(cg_id))
        .filter(mappings::deleted.eq(LIVE))
        .order((mappings::created_at, mappings::id, specs::spec_key))
        .select((mappings::id, specs::spec_key.nullable(), specs::spec_value.nullable()))
        .load(conn)?;
    let mut by_type: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (mapping, key, value) in rows {
        if by_type.last().is_none_or(|(last, _)| *last != mapping) {
            by_type.push((mapping, Vec::new()));
        }
        if let (Some(key), Some(value), Some((_, specs))) = (key, value, by_type.last_mut()) {
            specs.push((key, value));
        }
    }
    Ok(by_type.into_iter().map(|(_, specs)| specs).collect())
}

/// Locks the live CG's row until the transaction ends (a no-op update:
/// a row lock on PostgreSQL, and SQLite's write lock is already held), so
/// that work which must see the CG's shares at one instant (a cgsnapshot)
/// and work that changes them (a share created into it) take turns.
/// False when there is no such live CG.
pub fn lock(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    if !storable(id) {
        return Ok(false);
    }
    let touched = diesel::update(cgs::table.filter(cgs::id.eq(id)).filter(cgs::deleted.eq(LIVE)))
        .set(cgs::deleted.eq(cgs::deleted))
        .execute(conn)?;
    Ok(touched == 1)
}

/// `UPDATE consistency_groups SET status = $to, updated_at = now WHERE id = $id
/// AND deleted = 'False' AND status IN $from`: false when the row was in
/// none of `from` (another request changed it first, or it is gone).
pub fn set_status(conn: &mut DbConnection, id: &str, from: &[&str], to: &str) -> QueryResult<bool> {
    set_status!(conn, "consistency_groups", id, from, to)
}

/// Sets name and description where given (`Some`); `Some(None)` clears.
pub fn update_text(
    conn: &mut DbConnection,
    id: &str,
    name: Option<Option<String>>,
    description: Option<Option<String>>,
) -> QueryResult<()> {
    set_where_given!(conn, cgs, id, name = name, description = description)
}

/// Records the scheduler's choice for a CG still waiting for one.
pub fn assign_host(conn: &mut DbConnection, id: &str, host: &str) -> QueryResult<bool> {
    let updated = Statement::new(
        "UPDATE consistency_groups SET host = {host}, updated_at = {now}
         WHERE id = {id} AND deleted = 'False' AND status = 'creating' AND host IS NULL",
    )
    .bind("host", host)
    .bind("now", now())
    .bind("id", id)
    .execute(conn)?;
    Ok(updated == 1)
}

/// `creating` to `available` once the driver made it; like Manila, the
/// creation time becomes the completion time.
pub fn mark_created(conn: &mut DbConnection, id: &str, share_server_id: Option<&str>) -> QueryResult<bool> {
    let updated = Statement::new(
        "UPDATE consistency_groups SET status = 'available', share_server_id = {server}, created_at = {now}, updated_at = {now}
         WHERE id = {id} AND deleted = 'False' AND status = 'creating'",
    )
    .bind("server", share_server_id)
    .bind("now", now())
    .bind("id", id)
    .execute(conn)?;
    Ok(updated == 1)
}

/// Soft-deletes the CG and its mappings if its status is one of `from`
/// (whatever its status when `from` is `None`); false if it did not match.
pub fn soft_delete(conn: &mut DbConnection, id: &str, from: Option<&[&str]>) -> QueryResult<bool> {
    soft_delete!(conn, cgs, id, from, [mappings.consistency_group_id])
}

/// What a list may be narrowed to (DESIGN.md section 4, item 3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ListFilter {
    /// `None`: every project (an admin with `all_tenants`).
    pub project_id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub share_network_id: Option<String>,
}

/// The orders a list may be sorted in; ties are broken by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortKey {
    CreatedAt,
    Id,
    Name,
    Status,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// A name's flags, which put unnamed rows after named ones in either
/// direction (the two backends disagree on where NULL goes).
const NAME_FLAGS: (&str, &str) = ("(name IS NULL)", "(name IS NOT NULL)");

impl Sort {
    /// The order of a CG or cgsnapshot list: the sort key, then `id`, both
    /// in the direction asked. Each table has an index for each.
    pub fn keys(self) -> Vec<Key> {
        let descending = self.descending;
        let mut keys = match self.key {
            SortKey::CreatedAt => vec![Key::column("created_at", descending)],
            SortKey::Id => Vec::new(),
            SortKey::Name => Key::nulls_last(NAME_FLAGS, "name", descending).to_vec(),
            SortKey::Status => vec![Key::column("status", descending)],
        };
        keys.push(Key::column("id", descending));
        keys
    }

    /// The values of [`keys`](Self::keys) on the marker row, of a CG or a
    /// cgsnapshot.
    pub fn values(self, id: &str, created_at: NaiveDateTime, name: &Option<String>, status: &str) -> Vec<Value> {
        let mut values = match self.key {
            SortKey::CreatedAt => vec![Value::Time(created_at)],
            SortKey::Id => Vec::new(),
            SortKey::Name => vec![Value::Bool(name.is_some() == self.descending), Value::text(name)],
            SortKey::Status => vec![Value::Text(status.to_string())],
        };
        values.push(Value::Text(id.to_string()));
        values
    }
}

/// The live CGs `filter` matches, as a boxed query for whichever backend
/// the expression is used with (see [`per_backend`]).
macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &ListFilter = $filter;
        live_rows_matching!(
            cgs,
            [
                &filter.project_id => project_id,
                &filter.name => name,
                &filter.status => status,
                &filter.share_network_id => share_network_id,
            ]
        )
    }};
}

/// One page of matching CGs in `sort`'s order: after the row `marker`
/// (keyset pagination, [`keyset`](super::keyset)), then `offset` rows in.
/// `None` when the marker is not among the matching rows.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    sort: Sort,
    marker: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<Option<Vec<ConsistencyGroup>>> {
    let order = Order::new(conn, sort.keys());
    order.page(
        conn,
        marker,
        offset,
        limit,
        |cg: &ConsistencyGroup| sort.values(&cg.id, cg.created_at, &cg.name, &cg.status),
        |conn, part| {
            per_backend!(conn, |c| part
                .apply(filtered!(filter))
                .select(ConsistencyGroup::as_select())
                .load(c))
        },
    )
}
