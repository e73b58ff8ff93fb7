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

/// `POST /types` (`types_manage`): schema, policy, then the row.
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
    policy::authorize(context, "volume_extension:types_manage", None)?;
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
    policy::authorize(context, "volume_extension:types_manage", None)?;
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
