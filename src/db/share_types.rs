//! Share types, their extra specs and the projects a private type is
//! granted to. Every read sees live rows only; deletes are soft (the row's
//! id goes into `deleted`, as Manila does).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::{soft_delete, storable};
use super::schema::{consistency_group_share_type_mappings, share_type_extra_specs};
use super::schema::{share_type_projects, share_types};
use super::{now, DbConnection, LIVE};

type Backend = <DbConnection as Connection>::Backend;

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = share_types)]
pub struct ShareTypeRow {
    pub id: String,
    pub name: String,
    pub is_public: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = share_type_extra_specs)]
pub struct ExtraSpecRow {
    pub id: String,
    pub share_type_id: String,
    pub spec_key: String,
    pub spec_value: String,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

/// Extra specs by key; keys are unique per type, and sorted so answers
/// come out the same every time.
pub type ExtraSpecs = BTreeMap<String, String>;

/// A share type with its extra specs: what every caller of this module
/// wants, as upstream always loads the two together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareType {
    pub row: ShareTypeRow,
    pub extra_specs: ExtraSpecs,
}

/// Which share types a query may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every type (an administrator's view).
    All,
    /// Public types and the private ones granted to this project.
    PublicOrGrantedTo(&'a str),
    /// Private types only.
    Private,
}

fn live_in(scope: Scope<'_>) -> share_types::BoxedQuery<'_, Backend> {
    let live = share_types::table.filter(share_types::deleted.eq(LIVE)).into_boxed();
    match scope {
        Scope::All => live,
        Scope::PublicOrGrantedTo(project_id) => live.filter(
            share_types::is_public.eq(true).or(share_types::id.eq_any(
                share_type_projects::table
                    .filter(share_type_projects::project_id.eq(project_id))
                    .filter(share_type_projects::deleted.eq(LIVE))
                    .select(share_type_projects::share_type_id),
            )),
        ),
        Scope::Private => live.filter(share_types::is_public.eq(false)),
    }
}

/// The types `scope` admits, by name (then id), with their extra specs.
pub fn list(conn: &mut DbConnection, scope: Scope<'_>) -> QueryResult<Vec<ShareType>> {
    let rows: Vec<ShareTypeRow> = live_in(scope)
        .order((share_types::name, share_types::id))
        .select(ShareTypeRow::as_select())
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    let mut specs = extra_specs_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let extra_specs = specs.remove(&row.id).unwrap_or_default();
            ShareType { row, extra_specs }
        })
        .collect())
}

/// The live type with this id, if `scope` admits it.
pub fn find(conn: &mut DbConnection, id: &str, scope: Scope<'_>) -> QueryResult<Option<ShareType>> {
    if !storable(id) {
        return Ok(None);
    }
    let row = live_in(scope)
        .filter(share_types::id.eq(id))
        .select(ShareTypeRow::as_select())
        .first(conn)
        .optional()?;
    with_specs(conn, row)
}

/// The live type with this name, if `scope` admits it.
pub fn find_by_name(conn: &mut DbConnection, name: &str, scope: Scope<'_>) -> QueryResult<Option<ShareType>> {
    if !storable(name) {
        return Ok(None);
    }
    let row = live_in(scope)
        .filter(share_types::name.eq(name))
        .select(ShareTypeRow::as_select())
        .first(conn)
        .optional()?;
    with_specs(conn, row)
}

fn with_specs(conn: &mut DbConnection, row: Option<ShareTypeRow>) -> QueryResult<Option<ShareType>> {
    let Some(row) = row else {
        return Ok(None);
    };
    let extra_specs = extra_specs_of(conn, &[row.id.as_str()])?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(Some(ShareType { row, extra_specs }))
}

/// Live extra specs of the given types, by type id.
fn extra_specs_of(conn: &mut DbConnection, type_ids: &[&str]) -> QueryResult<BTreeMap<String, ExtraSpecs>> {
    let mut by_type: BTreeMap<String, ExtraSpecs> = BTreeMap::new();
    // Bounded batches keep the statement under every backend's limit on
    // bound parameters.
    for batch in type_ids.chunks(500) {
        let rows: Vec<(String, String, String)> = share_type_extra_specs::table
            .filter(share_type_extra_specs::share_type_id.eq_any(batch))
            .filter(share_type_extra_specs::deleted.eq(LIVE))
            .select((
                share_type_extra_specs::share_type_id,
                share_type_extra_specs::spec_key,
                share_type_extra_specs::spec_value,
            ))
            .load(conn)?;
        for (type_id, key, value) in rows {
            by_type.entry(type_id).or_default().insert(key, value);
        }
    }
    Ok(by_type)
}

/// Creates a type with its extra specs; the caller runs it in a transaction.
/// A live type of the same name makes the insert fail with a unique violation.
pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    is_public: bool,
    extra_specs: &ExtraSpecs,
) -> QueryResult<ShareType> {
    let row = ShareTypeRow {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_string(),
        is_public,
        created_at: now(),
        updated_at: None,
        deleted_at: None,
        deleted: LIVE.to_string(),
    };
    diesel::insert_into(share_types::table).values(&row).execute(conn)?;
    set_extra_specs(conn, &row.id, extra_specs)?;
    Ok(ShareType {
        row,
        extra_specs: extra_specs.clone(),
    })
}

/// Sets each key to its value: the live spec is updated, a missing one
/// created. The caller runs it in a transaction.
pub fn set_extra_specs(conn: &mut DbConnection, type_id: &str, specs: &ExtraSpecs) -> QueryResult<()> {
    let at = now();
    for (key, value) in specs {
        let updated = diesel::update(
            share_type_extra_specs::table
                .filter(share_type_extra_specs::share_type_id.eq(type_id))
                .filter(share_type_extra_specs::spec_key.eq(key))
                .filter(share_type_extra_specs::deleted.eq(LIVE)),
        )
        .set((
            share_type_extra_specs::spec_value.eq(value),
            share_type_extra_specs::updated_at.eq(at),
        ))
        .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(share_type_extra_specs::table)
                .values(ExtraSpecRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    share_type_id: type_id.to_string(),
                    spec_key: key.clone(),
                    spec_value: value.clone(),
                    created_at: at,
                    updated_at: None,
                    deleted_at: None,
                    deleted: LIVE.to_string(),
                })
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Soft-deletes one extra spec; `false` when the type has no such live key.
pub fn unset_extra_spec(conn: &mut DbConnection, type_id: &str, key: &str) -> QueryResult<bool> {
    if !storable(key) {
        return Ok(false);
    }
    let at = now();
    let deleted = diesel::update(
        share_type_extra_specs::table
            .filter(share_type_extra_specs::share_type_id.eq(type_id))
            .filter(share_type_extra_specs::spec_key.eq(key))
            .filter(share_type_extra_specs::deleted.eq(LIVE)),
    )
    .set((
        share_type_extra_specs::deleted.eq(share_type_extra_specs::id),
        share_type_extra_specs::deleted_at.eq(at),
        share_type_extra_specs::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(deleted > 0)
}

/// Whether a live consistency group holds this type.
pub fn used_by_consistency_groups(conn: &mut DbConnection, type_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        consistency_group_share_type_mappings::table
            .filter(consistency_group_share_type_mappings::share_type_id.eq(type_id))
            .filter(consistency_group_share_type_mappings::deleted.eq(LIVE)),
    ))
    .get_result(conn)
}

/// Soft-deletes the type, then its extra specs and grants. The caller runs
/// it in a transaction, after checking the type is not in use.
pub fn soft_delete(conn: &mut DbConnection, type_id: &str) -> QueryResult<()> {
    soft_delete!(
        conn,
        share_types,
        type_id,
        [share_type_extra_specs.share_type_id, share_type_projects.share_type_id]
    )
    .map(drop)
}
