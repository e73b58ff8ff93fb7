//! Cinder's volume types and their extra specs. Types are soft-deleted;
//! a volume keeps pointing at its type's row, so views can still name a
//! deleted type.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::soft_delete;
use super::schema::{volume_consistency_groups as groups, volume_type_extra_specs as specs, volume_types, volumes};
use super::{DbConnection, LIVE};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = volume_types)]
pub struct VolumeType {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_public: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

#[derive(Insertable)]
#[diesel(table_name = specs)]
struct NewSpec<'a> {
    id: String,
    volume_type_id: &'a str,
    spec_key: &'a str,
    spec_value: &'a str,
    created_at: NaiveDateTime,
    deleted: &'a str,
}

/// Writes the type and its extra specs (in the caller's transaction).
pub fn insert(conn: &mut DbConnection, row: &VolumeType, extra_specs: &BTreeMap<String, String>) -> QueryResult<()> {
    diesel::insert_into(volume_types::table).values(row).execute(conn)?;
    for (key, value) in extra_specs {
        let spec = NewSpec {
            id: uuid::Uuid::new_v4().to_string(),
            volume_type_id: &row.id,
            spec_key: key,
            spec_value: value,
            created_at: row.created_at,
            deleted: LIVE,
        };
        diesel::insert_into(specs::table).values(&spec).execute(conn)?;
    }
    Ok(())
}

/// The live type `id`.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<VolumeType>> {
    volume_types::table
        .filter(volume_types::id.eq(id))
        .filter(volume_types::deleted.eq(LIVE))
        .select(VolumeType::as_select())
        .first(conn)
        .optional()
}

/// The live type called `name` (names are unique among live types).
pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<VolumeType>> {
    volume_types::table
        .filter(volume_types::name.eq(name))
        .filter(volume_types::deleted.eq(LIVE))
        .select(VolumeType::as_select())
        .first(conn)
        .optional()
}

/// Every live type, public ones only unless `with_private`, by name.
pub fn list(conn: &mut DbConnection, with_private: bool) -> QueryResult<Vec<VolumeType>> {
    let mut query = volume_types::table
        .filter(volume_types::deleted.eq(LIVE))
        .order((volume_types::name, volume_types::id))
        .into_boxed();
    if !with_private {
        query = query.filter(volume_types::is_public.eq(true));
    }
    query.select(VolumeType::as_select()).load(conn)
}

/// The live extra specs of each type, by type id.
pub fn extra_specs_of(
    conn: &mut DbConnection,
    type_ids: &[&str],
) -> QueryResult<HashMap<String, BTreeMap<String, String>>> {
    let rows: Vec<(String, String, String)> = specs::table
        .filter(specs::volume_type_id.eq_any(type_ids))
        .filter(specs::deleted.eq(LIVE))
        .select((specs::volume_type_id, specs::spec_key, specs::spec_value))
        .load(conn)?;
    let mut by_type: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    for (type_id, key, value) in rows {
        by_type.entry(type_id).or_default().insert(key, value);
    }
    Ok(by_type)
}

/// The names of these types, deleted ones included (a volume keeps
/// showing its type's name).
pub fn names_of(conn: &mut DbConnection, type_ids: &[&str]) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = volume_types::table
        .filter(volume_types::id.eq_any(type_ids))
        .select((volume_types::id, volume_types::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Whether a live volume or consistency group has this type: such a type
/// cannot be deleted.
pub fn in_use(conn: &mut DbConnection, type_id: &str) -> QueryResult<bool> {
    if has_volumes(conn, type_id)? {
        return Ok(true);
    }
    // A group's types are a comma-joined list of ids, which have no commas.
    let lists: Vec<String> = groups::table
        .filter(groups::deleted.eq(LIVE))
        .filter(groups::volume_type_ids.like(format!("%{type_id}%")))
        .select(groups::volume_type_ids)
        .load(conn)?;
    Ok(lists.iter().any(|list| list.split(',').any(|id| id == type_id)))
}

/// Soft-deletes the type and its extra specs; false when it was gone.
pub fn soft_delete(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    soft_delete!(conn, volume_types, id, [specs.volume_type_id])
}

/// Sets each extra spec of the type: the live one of that key updated,
/// or a new one.
pub fn upsert_extra_specs(
    conn: &mut DbConnection,
    type_id: &str,
    extra_specs: &BTreeMap<String, String>,
) -> QueryResult<()> {
    let at = super::now();
    for (key, value) in extra_specs {
        let updated = diesel::update(
            specs::table
                .filter(specs::volume_type_id.eq(type_id))
                .filter(specs::spec_key.eq(key))
                .filter(specs::deleted.eq(LIVE)),
        )
        .set((specs::spec_value.eq(value), specs::updated_at.eq(at)))
        .execute(conn)?;
        if updated == 0 {
            let spec = NewSpec {
                id: uuid::Uuid::new_v4().to_string(),
                volume_type_id: type_id,
                spec_key: key,
                spec_value: value,
                created_at: at,
                deleted: LIVE,
            };
            diesel::insert_into(specs::table).values(&spec).execute(conn)?;
        }
    }
    Ok(())
}

/// Soft-deletes the live extra spec `key` of the type; false when absent.
pub fn delete_extra_spec(conn: &mut DbConnection, type_id: &str, key: &str) -> QueryResult<bool> {
    let at = super::now();
    let updated = diesel::update(
        specs::table
            .filter(specs::volume_type_id.eq(type_id))
            .filter(specs::spec_key.eq(key))
            .filter(specs::deleted.eq(LIVE)),
    )
    .set((
        specs::deleted.eq(specs::id),
        specs::deleted_at.eq(at),
        specs::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Whether a live volume has this type (Cinder refuses changing the extra
/// specs of a type in use).
pub fn has_volumes(conn: &mut DbConnection, type_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        volumes::table
            .filter(volumes::volume_type_id.eq(type_id))
            .filter(volumes::deleted.eq(LIVE)),
    ))
    .get_result(conn)
}
