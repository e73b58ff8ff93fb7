//! A share type's extra specs, administrators only (upstream:
//! `manila/api/v1/share_types_extra_specs.py`). The answers to set and
//! update echo the request body, as upstream's do.

use diesel::Connection;
use serde_json::Value;

use super::specs::{self, SpecError};
use super::{bad_request, find_visible, SnapshotSupport};
use crate::db::share_types::{self as repo, ExtraSpecs, ShareType};
use crate::db::{self, DbConnection};
use crate::error::{texts, Error, Result};
use crate::policy;
use crate::policy::RequestContext;
use crate::python::py27_str;
use crate::service::validation::exception_text;

/// `GET /types/{type_id}/extra_specs`.
pub fn list(conn: &mut DbConnection, context: &RequestContext, type_id: &str) -> Result<ExtraSpecs> {
    policy::enforce(context, "share_types_extra_spec:index")?;
    Ok(conn
        .transaction(|conn| existing_type(conn, context, type_id))?
        .extra_specs)
}

/// `GET /types/{type_id}/extra_specs/{key}`: the key and its value.
pub fn show(conn: &mut DbConnection, context: &RequestContext, type_id: &str, key: &str) -> Result<(String, String)> {
    policy::enforce(context, "share_types_extra_spec:show")?;
    let mut extra_specs = conn
        .transaction(|conn| existing_type(conn, context, type_id))?
        .extra_specs;
    extra_specs
        .remove_entry(key)
        .ok_or_else(|| Error::NotFound(texts::NOT_FOUND.into()))
}

/// `POST /types/{type_id}/extra_specs`: sets every spec of
/// `{"extra_specs": {...}}`, creating or replacing each.
pub fn set(conn: &mut DbConnection, context: &RequestContext, type_id: &str, body: Option<&Value>) -> Result<Value> {
    policy::enforce(context, "share_types_extra_spec:create")?;
    let body = body.ok_or_else(bad_request)?;
    let entries = body
        .get("extra_specs")
        .and_then(Value::as_object)
        .ok_or_else(bad_request)?;
    db::write_transaction(conn, |conn| {
        existing_type(conn, context, type_id)?;
        // Upstream passed the exception's message where WebOb wanted an
        // explanation, so a spec that raised gets the bare 400 text.
        specs::check_entries(entries).map_err(|err| match err {
            SpecError::Rejected(message) => Error::Invalid(message),
            SpecError::Exception { .. } => bad_request(),
        })?;
        if !entries.keys().all(|key| specs::is_valid_key_name(key)) {
            return Err(Error::Invalid(
                "Key names can only contain alphanumeric characters, underscores, periods, colons and hyphens.".into(),
            ));
        }
        repo::set_extra_specs(conn, type_id, &stored(entries))?;
        Ok(body.clone())
    })
}

/// `PUT /types/{type_id}/extra_specs/{key}` with `{"<key>": "<value>"}`.
pub fn update(
    conn: &mut DbConnection,
    context: &RequestContext,
    type_id: &str,
    key: &str,
    body: Option<&Value>,
) -> Result<Value> {
    policy::enforce(context, "share_types_extra_spec:update")?;
    let body = body
        .filter(|body| is_truthy(body))
        .ok_or_else(|| Error::Invalid("Request body empty".into()))?;
    db::write_transaction(conn, |conn| {
        existing_type(conn, context, type_id)?;
        let entries = body.as_object().ok_or_else(bad_request)?;
        if !entries.contains_key(key) {
            return Err(Error::Invalid("Request body and URI mismatch".into()));
        }
        if entries.len() > 1 {
            return Err(Error::Invalid("Request body contains too many items".into()));
        }
        specs::check_entries(entries).map_err(|err| match err {
            SpecError::Rejected(message) => Error::Invalid(message),
            SpecError::Exception { reason } => Error::Invalid(SpecError::exception_text(&reason)),
        })?;
        repo::set_extra_specs(conn, type_id, &stored(entries))?;
        Ok(body.clone())
    })
}

/// `DELETE /types/{type_id}/extra_specs/{key}`: required specs stay, and
/// so did `snapshot_support` before 2.24.
pub fn unset(
    conn: &mut DbConnection,
    context: &RequestContext,
    type_id: &str,
    key: &str,
    snapshot_support: SnapshotSupport,
) -> Result<()> {
    policy::enforce(context, "share_types_extra_spec:delete")?;
    db::write_transaction(conn, |conn| {
        existing_type(conn, context, type_id)?;
        let kept = specs::REQUIRED.contains(&key)
            || (snapshot_support == SnapshotSupport::Implied && key == specs::SNAPSHOT_SUPPORT);
        if kept {
            return Err(Error::Forbidden(format!("Extra spec '{key}' can't be deleted.")));
        }
        if !repo::unset_extra_spec(conn, type_id, key)? {
            return Err(Error::NotFound(exception_text(format!(
                "Share Type {type_id} has no extra specs with key {key}."
            ))));
        }
        Ok(())
    })
}

fn existing_type(conn: &mut DbConnection, context: &RequestContext, type_id: &str) -> Result<ShareType> {
    find_visible(conn, context, type_id)?
        .ok_or_else(|| Error::NotFound(exception_text(format!("Share type {type_id} could not be found."))))
}

/// Checked entries (text or booleans) as stored: booleans as `True`/`False`.
fn stored(entries: &serde_json::Map<String, Value>) -> ExtraSpecs {
    entries
        .iter()
        .map(|(key, value)| (key.clone(), py27_str(value)))
        .collect()
}

/// Python's truth value of a parsed body.
fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(entries) => !entries.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truthiness_is_pythons() {
        for falsy in [
            json!(null),
            json!(false),
            json!(0),
            json!(0.0),
            json!(""),
            json!([]),
            json!({}),
        ] {
            assert!(!is_truthy(&falsy), "{falsy}");
        }
        for truthy in [json!(true), json!(-1), json!("x"), json!([0]), json!({"k": null})] {
            assert!(is_truthy(&truthy), "{truthy}");
        }
    }

    #[test]
    fn booleans_are_stored_as_python_writes_them() {
        let entries = json!({"a": true, "b": "text"});
        assert_eq!(
            stored(entries.as_object().unwrap()),
            [
                ("a".to_string(), "True".to_string()),
                ("b".to_string(), "text".to_string())
            ]
            .into()
        );
    }
}
