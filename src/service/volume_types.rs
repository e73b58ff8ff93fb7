//! Cinder's volume types (`cinder/api/v3/types.py`, `contrib/types_manage.py`,
//! `volume/volume_types.py`): list, show, create, delete. Private types
//! have no access list here: only administrators see them.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::db::volume_types::{self as repo, VolumeType};
use crate::db::{self, DbConnection, LIVE};
use crate::error::{Error, Result};
use crate::listing::QueryParams;
use crate::policy::{self, RequestContext};
use crate::python::py3_repr;
use crate::service::volume_lists::{bool_word, ListQuery};
use crate::service::volume_schema::{self as schema, Field};

/// A type with its extra specs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeDetail {
    pub row: VolumeType,
    pub extra_specs: BTreeMap<String, String>,
}

/// Columns a type list may be sorted by.
const SORT_KEYS: [&str; 7] = [
    "id",
    "name",
    "description",
    "is_public",
    "created_at",
    "updated_at",
    "deleted",
];

pub fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Volume type {id} could not be found."))
}

fn not_found_by_name(name: &str) -> Error {
    Error::NotFound(format!("Volume type with name {name} could not be found."))
}

/// Whether the caller sees the type: public ones to all, private ones to
/// administrators (there are no per-project access lists).
fn visible(context: &RequestContext, row: &VolumeType) -> bool {
    row.is_public || context.is_admin
}

fn by_id(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Option<VolumeType>> {
    if id.contains('\0') {
        return Ok(None);
    }
    Ok(repo::find(conn, id)?.filter(|row| visible(context, row)))
}

fn by_name(conn: &mut DbConnection, context: &RequestContext, name: &str) -> Result<Option<VolumeType>> {
    if name.contains('\0') {
        return Ok(None);
    }
    Ok(repo::find_by_name(conn, name)?.filter(|row| visible(context, row)))
}

/// `volume_types.get_by_name_or_id`: a uuid-like text is an id first,
/// then a name; anything else a name.
pub fn find_by_name_or_id(conn: &mut DbConnection, context: &RequestContext, identity: &str) -> Result<VolumeType> {
    if uuid::Uuid::try_parse(identity).is_ok() {
        if let Some(row) = by_id(conn, context, identity)? {
            return Ok(row);
        }
        return by_name(conn, context, identity)?.ok_or_else(|| not_found(identity));
    }
    by_name(conn, context, identity)?.ok_or_else(|| not_found_by_name(identity))
}

/// The configured `default_volume_type`, which must exist.
pub fn default_type(conn: &mut DbConnection, name: &str) -> Result<VolumeType> {
    repo::find_by_name(conn, name)?.ok_or_else(|| {
        Error::Internal(format!(
            "The configured default volume type {name} is not present in the system."
        ))
    })
}

fn describe(conn: &mut DbConnection, rows: Vec<VolumeType>) -> Result<Vec<TypeDetail>> {
    let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    let mut specs = repo::extra_specs_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| TypeDetail {
            extra_specs: specs.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

fn describe_one(conn: &mut DbConnection, row: VolumeType) -> Result<TypeDetail> {
    describe(conn, vec![row])?
        .pop()
        .ok_or_else(|| Error::Internal("a described volume type went missing".into()))
}

/// `GET /types/{id}`; `default` names the configured default type.
pub fn show(conn: &mut DbConnection, context: &RequestContext, default_name: &str, id: &str) -> Result<TypeDetail> {
    let row = if id == "default" {
        repo::find_by_name(conn, default_name)?
            .ok_or_else(|| Error::NotFound("Default volume type can not be found.".into()))?
    } else {
        by_id(conn, context, id)?.ok_or_else(|| not_found(id))?
    };
    policy::authorize(context, "volume_extension:type_get", None)?;
    describe_one(conn, row)
}

/// `GET /types`: public types, or for administrators what `is_public`
/// asks (`none`: all), sorted and paged as Cinder's lists are.
pub fn list(
    conn: &mut DbConnection,
    context: &RequestContext,
    query: &QueryParams,
    max_limit: i64,
    reject_unknown_filters: bool,
) -> Result<Vec<TypeDetail>> {
    policy::authorize(context, "volume_extension:type_get_all", None)?;
    let mut list = ListQuery::parse(query, max_limit)?;
    if reject_unknown_filters && !context.is_admin {
        list.take_filter("all_tenants");
        let unknown: Vec<&str> = list
            .filters
            .iter()
            .map(|(key, _)| key.as_str())
            .filter(|key| !["is_public", "extra_specs"].contains(key))
            .collect();
        if !unknown.is_empty() {
            return Err(Error::Invalid(format!(
                "Invalid filters {} are found in query options.",
                unknown.join(",")
            )));
        }
    }
    let public_only = if context.is_admin {
        match query.get("is_public") {
            None => Some(true),
            Some(text) if text.eq_ignore_ascii_case("none") => None,
            Some(text) => {
                Some(bool_word(text).ok_or_else(|| Error::Invalid(format!("Invalid is_public filter [{text}]")))?)
            }
        }
    } else {
        Some(true)
    };
    list.check_sort_keys(&SORT_KEYS)?;
    let rows: Vec<VolumeType> = repo::list(conn, true)?
        .into_iter()
        .filter(|row| public_only.is_none_or(|public| row.is_public == public))
        .collect();
    let rows = list.page(
        rows,
        |row| row.id.as_str(),
        |key, a, b| match key {
            "name" => a.name.cmp(&b.name),
            "description" => a.description.cmp(&b.description),
            "is_public" => a.is_public.cmp(&b.is_public),
            "updated_at" => a.updated_at.cmp(&b.updated_at),
            "created_at" => a.created_at.cmp(&b.created_at),
            _ => Ordering::Equal,
        },
        not_found,
    )?;
    describe(conn, rows)
}

/// `POST /types` (`type_create`): schema, policy, then the row.
pub fn create(conn: &mut DbConnection, context: &RequestContext, body: Value) -> Result<TypeDetail> {
    let fields = schema::root_object(&body, "volume_type", &[])?;
    schema::only(
        "volume_type",
        fields,
        &["name", "description", "extra_specs", "os-volume-type-access:is_public"],
    )?;
    let name = match fields.get("name") {
        None => return Err(Error::Invalid("'name' is a required property".into())),
        Some(value) => schema::text(Field::new("name", value), false, 1)?.unwrap_or_default(),
    };
    let description = fields
        .get("description")
        .map(|value| schema::text(Field::new("description", value), true, 0))
        .transpose()?
        .flatten();
    let extra_specs = extra_specs_of(fields.get("extra_specs"))?;
    let is_public = match fields.get("os-volume-type-access:is_public") {
        None => true,
        Some(value) => schema::boolean(Field::new("os-volume-type-access:is_public", value))?,
    };
    policy::authorize(context, "volume_extension:type_create", None)?;
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(Error::Invalid(
            "Invalid input received: name cannot be all spaces.".into(),
        ));
    }
    db::write_transaction(conn, |conn| {
        if repo::find_by_name(conn, &name)?.is_some() {
            return Err(Error::Conflict(format!("Volume Type {name} already exists.")));
        }
        let row = VolumeType {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.clone(),
            description,
            is_public,
            created_at: db::now(),
            updated_at: None,
            deleted_at: None,
            deleted: LIVE.to_string(),
        };
        repo::insert(conn, &row, &extra_specs)?;
        Ok(TypeDetail { row, extra_specs })
    })
}

/// `extra_specs`: an object (or null) whose keys match Cinder's pattern
/// and whose values are strings of at most 255 characters.
fn extra_specs_of(value: Option<&Value>) -> Result<BTreeMap<String, String>> {
    let entries: &Map<String, Value> = match value {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Object(entries)) => entries,
        Some(other) => {
            return Err(schema::invalid_field(
                "extra_specs",
                other,
                &format!("{} is not of type 'object', 'null'", py3_repr(other)),
            ))
        }
    };
    let mut specs = BTreeMap::new();
    for (key, value) in entries {
        let key_ok = (1..=255).contains(&key.chars().count())
            && key.chars().all(|c| c.is_ascii_alphanumeric() || "-_:. /".contains(c));
        if !key_ok {
            return Err(schema::invalid_field(
                "extra_specs",
                &Value::Object(entries.clone()),
                &format!(
                    "Additional properties are not allowed ({} was unexpected)",
                    py3_repr(&Value::String(key.clone()))
                ),
            ));
        }
        let text = schema::text(Field::new(key, value), false, 0)?.unwrap_or_default();
        specs.insert(key.clone(), text);
    }
    Ok(specs)
}

/// `DELETE /types/{id}`: not the default type, not one in use.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, default_name: &str, id: &str) -> Result<()> {
    policy::authorize(context, "volume_extension:type_delete", None)?;
    db::write_transaction(conn, |conn| {
        let row = by_id(conn, context, id)?.ok_or_else(|| not_found(id))?;
        if row.name == default_name {
            return Err(Error::Invalid(format!(
                "The volume type {} is a default volume type and cannot be deleted.",
                row.id
            )));
        }
        if repo::in_use(conn, &row.id)? {
            return Err(Error::Invalid("Target volume type is still in use.".into()));
        }
        if !repo::soft_delete(conn, &row.id)? {
            return Err(not_found(id));
        }
        Ok(())
    })
}

/// Extra specs every reader may see; the others need `read_sensitive`.
pub const USER_VISIBLE_EXTRA_SPECS: [&str; 3] = ["RESKEY:availability_zones", "multiattach", "replication_enabled"];

/// The extra specs of the type `type_id` the caller may read.
fn readable_specs(
    conn: &mut DbConnection,
    context: &RequestContext,
    type_id: &str,
) -> Result<BTreeMap<String, String>> {
    let row = by_id(conn, context, type_id)?.ok_or_else(|| not_found(type_id))?;
    let specs = describe_one(conn, row)?.extra_specs;
    if policy::authorize(context, "volume_extension:types_extra_specs:read_sensitive", None).is_ok() {
        return Ok(specs);
    }
    Ok(specs
        .into_iter()
        .filter(|(key, _)| USER_VISIBLE_EXTRA_SPECS.contains(&key.as_str()))
        .collect())
}

/// `GET /types/{id}/extra_specs`.
pub fn extra_specs_index(
    conn: &mut DbConnection,
    context: &RequestContext,
    type_id: &str,
) -> Result<BTreeMap<String, String>> {
    policy::authorize(context, "volume_extension:types_extra_specs:index", None)?;
    readable_specs(conn, context, type_id)
}

/// `GET /types/{id}/extra_specs/{key}`: the one spec.
pub fn extra_spec_show(
    conn: &mut DbConnection,
    context: &RequestContext,
    type_id: &str,
    key: &str,
) -> Result<(String, String)> {
    policy::authorize(context, "volume_extension:types_extra_specs:show", None)?;
    let mut specs = readable_specs(conn, context, type_id)?;
    specs.remove_entry(key).ok_or_else(|| spec_not_found(type_id, key))
}

fn spec_not_found(type_id: &str, key: &str) -> Error {
    Error::NotFound(format!("Volume Type {type_id} has no extra specs with key {key}."))
}

/// Cinder's `_allow_update`: no spec of a type in use changes.
fn allow_update(conn: &mut DbConnection, type_id: &str) -> Result<()> {
    if repo::has_volumes(conn, type_id)? {
        return Err(Error::Invalid("Volume Type is currently in use.".into()));
    }
    Ok(())
}

/// Cinder's `_check_cacheable`: `cacheable` and `multiattach` exclude
/// each other, counting the type's current specs.
fn check_cacheable(given: &BTreeMap<String, String>, current: &BTreeMap<String, String>) -> Result<()> {
    let yes = |specs: &BTreeMap<String, String>, key: &str| specs.get(key).is_some_and(|value| value == "<is> True");
    if (yes(given, "multiattach") && yes(current, "cacheable"))
        || (yes(given, "cacheable") && yes(current, "multiattach"))
        || (yes(given, "cacheable") && yes(given, "multiattach"))
    {
        return Err(Error::Invalid("cacheable cannot be set with multiattach.".into()));
    }
    Ok(())
}

/// `POST /types/{id}/extra_specs` (`{"extra_specs": {...}}`) and `PUT
/// /types/{id}/extra_specs/{key}` (`{key: value}`, `key` given): the
/// specs set, as given.
pub fn extra_specs_set(
    conn: &mut DbConnection,
    context: &RequestContext,
    type_id: &str,
    key: Option<&str>,
    body: Value,
) -> Result<BTreeMap<String, String>> {
    let specs = match key {
        None => {
            let Value::Object(top) = &body else {
                return Err(Error::Invalid(format!("{} is not of type 'object'", py3_repr(&body))));
            };
            let Some(inner) = top.get("extra_specs") else {
                return Err(Error::Invalid("'extra_specs' is a required property".into()));
            };
            let specs = extra_specs_of(Some(inner))?;
            if inner.is_null() {
                return Err(schema::invalid_field(
                    "extra_specs",
                    inner,
                    "None is not of type 'object'",
                ));
            }
            let extra: Vec<&String> = top.keys().filter(|name| *name != "extra_specs").collect();
            if !extra.is_empty() {
                let shown: Vec<String> = extra.iter().map(|k| py3_repr(&Value::String((*k).clone()))).collect();
                let verb = if shown.len() == 1 { "was" } else { "were" };
                return Err(Error::Invalid(format!(
                    "Additional properties are not allowed ({} {verb} unexpected)",
                    shown.join(", ")
                )));
            }
            specs
        }
        Some(_) => {
            if !body.is_object() {
                return Err(Error::Invalid(format!("{} is not of type 'object'", py3_repr(&body))));
            }
            let specs = extra_specs_of(Some(&body))?;
            if specs.len() > 1 {
                return Err(Error::Invalid(format!("{} has too many properties", py3_repr(&body))));
            }
            if specs.is_empty() {
                return Err(Error::Invalid("{} should be non-empty".into()));
            }
            specs
        }
    };
    policy::authorize(
        context,
        if key.is_some() {
            "volume_extension:types_extra_specs:update"
        } else {
            "volume_extension:types_extra_specs:create"
        },
        None,
    )?;
    db::write_transaction(conn, |conn| {
        allow_update(conn, type_id)?;
        let row = by_id(conn, context, type_id)?.ok_or_else(|| not_found(type_id))?;
        if let Some(key) = key {
            if !specs.contains_key(key) {
                return Err(Error::Invalid("Request body and URI mismatch".into()));
            }
        }
        let current = describe_one(conn, row.clone())?.extra_specs;
        check_cacheable(&specs, &current)?;
        repo::upsert_extra_specs(conn, &row.id, &specs)?;
        Ok(specs.clone())
    })
}

/// `DELETE /types/{id}/extra_specs/{key}`.
pub fn extra_spec_delete(conn: &mut DbConnection, context: &RequestContext, type_id: &str, key: &str) -> Result<()> {
    db::write_transaction(conn, |conn| {
        let row = by_id(conn, context, type_id)?.ok_or_else(|| not_found(type_id))?;
        policy::authorize(context, "volume_extension:types_extra_specs:delete", None)?;
        allow_update(conn, &row.id)?;
        if key.contains('\0') || !repo::delete_extra_spec(conn, &row.id, key)? {
            return Err(spec_not_found(type_id, key));
        }
        Ok(())
    })
}
