//! Share types: which ones a caller may see, creating and deleting them,
//! and the lookups other resources make (a consistency group names its
//! share types, or gets the default one). Upstream:
//! `manila/api/v2/share_types.py` and `manila/share/share_types.py`.
//!
//! A private type is visible to administrators and to the projects it is
//! granted to (rows of `share_type_projects`), to no one else.

pub mod extra_specs;
pub mod specs;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::Connection;
use serde_json::{Map, Value};

use crate::db::share_types::{self as repo, ExtraSpecs, Scope, ShareType};
use crate::db::{self, DbConnection};
use crate::error::{texts, Error, Result};
use crate::policy;
use crate::policy::RequestContext;
use crate::service::validation::exception_text;
use specs::SpecError;

/// A share type and the `required_extra_specs` its answer shows. Upstream
/// fills those differently per operation: a list derives them from the
/// stored specs, a create echoes them from the request, show and default
/// leave them empty.
#[derive(Clone, Debug, PartialEq)]
pub struct DescribedShareType {
    pub share_type: ShareType,
    pub required_extra_specs: Map<String, Value>,
}

/// Before 2.24 every type had `snapshot_support` in all but name: creation
/// filled it in when absent, and it could not be unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapshotSupport {
    Implied,
    Optional,
}

/// The share type with this id as `context` may see it: administrators see
/// every type, anyone else the public ones and the private ones granted to
/// their project. `None` when there is no such live type or it is hidden.
/// No policy check: the caller's own operation has made one.
pub fn find_visible(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<Option<ShareType>> {
    Ok(repo::find(conn, id, visible_to(context))?)
}

/// The share type with this name as `context` may see it (a share create
/// names its type by name or id).
pub fn find_visible_by_name(
    conn: &mut DbConnection,
    context: &RequestContext,
    name: &str,
) -> Result<Option<ShareType>> {
    Ok(repo::find_by_name(conn, name, visible_to(context))?)
}

/// The type the configuration names as the default (`default_share_type`),
/// as `context` may see it. `None` when none is configured, or the named type
/// does not exist or is hidden from the caller.
pub fn find_default(
    conn: &mut DbConnection,
    context: &RequestContext,
    configured: Option<&str>,
) -> Result<Option<ShareType>> {
    let Some(name) = configured else {
        return Ok(None);
    };
    let found = repo::find_by_name(conn, name, visible_to(context))?;
    if found.is_none() {
        log::warn!(
            "[{}] default share type {name:?} not found for project {}; check default_share_type",
            context.request_id,
            context.project_id
        );
    }
    Ok(found)
}

/// `GET /types`: administrators choose with `is_public` (`true`, the
/// default: public and granted to their project; `false`: private only;
/// `all`); anyone else always gets the public and granted ones.
pub fn list(
    conn: &mut DbConnection,
    context: &RequestContext,
    is_public: Option<&str>,
) -> Result<Vec<DescribedShareType>> {
    policy::enforce(context, "share_type:index")?;
    let scope = if context.is_admin {
        match is_public_filter(is_public)? {
            Some(true) => Scope::PublicOrGrantedTo(&context.project_id),
            Some(false) => Scope::Private,
            None => Scope::All,
        }
    } else {
        visible_to(context)
    };
    let types = conn.transaction(|conn| repo::list(conn, scope))?;
    Ok(types
        .into_iter()
        .map(|share_type| DescribedShareType {
            required_extra_specs: stored_required_specs(&share_type),
            share_type,
        })
        .collect())
}

/// `GET /types/{id}`.
pub fn show(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<DescribedShareType> {
    policy::enforce(context, "share_type:show")?;
    let share_type = conn
        .transaction(|conn| find_visible(conn, context, id))?
        .ok_or_else(|| Error::NotFound("Share type not found.".into()))?;
    Ok(DescribedShareType {
        share_type,
        required_extra_specs: Map::new(),
    })
}

/// `GET /types/default`.
pub fn show_default(
    conn: &mut DbConnection,
    context: &RequestContext,
    configured: Option<&str>,
) -> Result<DescribedShareType> {
    policy::enforce(context, "share_type:default")?;
    let share_type = conn
        .transaction(|conn| find_default(conn, context, configured))?
        .ok_or_else(|| Error::NotFound("Default share type not found".into()))?;
    Ok(DescribedShareType {
        share_type,
        required_extra_specs: Map::new(),
    })
}

/// `POST /types` with the request body.
pub fn create(
    conn: &mut DbConnection,
    context: &RequestContext,
    body: &Value,
    snapshot_support: SnapshotSupport,
) -> Result<DescribedShareType> {
    policy::enforce(context, "share_type:create")?;
    let new = NewShareType::from_body(body, snapshot_support)?;
    let share_type = db::write_transaction(conn, |conn| {
        if repo::find_by_name(conn, &new.name, Scope::All)?.is_some() {
            return Err(already_exists(&new.name));
        }
        repo::insert(conn, &new.name, new.is_public, &new.extra_specs).map_err(|err| {
            if is_unique_violation(&err) {
                already_exists(&new.name)
            } else {
                err.into()
            }
        })
    })?;
    Ok(DescribedShareType {
        share_type,
        required_extra_specs: new.required_extra_specs,
    })
}

/// `DELETE /types/{id}`: refused while a live consistency group or a live
/// share holds it.
pub fn delete(conn: &mut DbConnection, context: &RequestContext, id: &str) -> Result<()> {
    policy::enforce(context, "share_type:delete")?;
    db::write_transaction(conn, |conn| {
        let share_type = find_visible(conn, context, id)?.ok_or_else(|| Error::NotFound(texts::NOT_FOUND.into()))?;
        if repo::used_by_consistency_groups(conn, &share_type.row.id)?
            || crate::db::shares::uses_share_type(conn, &share_type.row.id)?
        {
            return Err(Error::Invalid("Target share type is still in use.".into()));
        }
        repo::soft_delete(conn, &share_type.row.id)?;
        Ok(())
    })
}

fn visible_to(context: &RequestContext) -> Scope<'_> {
    if context.is_admin {
        Scope::All
    } else {
        Scope::PublicOrGrantedTo(&context.project_id)
    }
}

/// `_parse_is_public`: absent means public only, `all` (any case) means
/// every type, anything else must be a strict boolean word.
fn is_public_filter(value: Option<&str>) -> Result<Option<bool>> {
    match value {
        None => Ok(Some(true)),
        Some(text) if text.to_lowercase() == "all" => Ok(None),
        Some(text) => specs::bool_from_text(text)
            .map(Some)
            .ok_or_else(|| Error::Invalid(format!("Invalid is_public filter [{text}]"))),
    }
}

/// The required specs a list shows: the stored ones, or none when they are
/// missing or invalid (upstream logged that and carried on).
fn stored_required_specs(share_type: &ShareType) -> Map<String, Value> {
    let stored: Map<String, Value> = specs::REQUIRED
        .iter()
        .filter_map(|key| {
            let value = share_type.extra_specs.get(*key)?;
            Some((key.to_string(), Value::String(value.clone())))
        })
        .collect();
    specs::required_specs(&stored).unwrap_or_else(|err| {
        log::warn!(
            "share type {} has invalid required extra specs: {err:?}",
            share_type.row.name
        );
        Map::new()
    })
}

/// A create request, checked in upstream's order.
#[derive(Debug, PartialEq)]
struct NewShareType {
    name: String,
    is_public: bool,
    extra_specs: ExtraSpecs,
    /// Echoed in the answer as the request gave them.
    required_extra_specs: Map<String, Value>,
}

impl NewShareType {
    fn from_body(body: &Value, snapshot_support: SnapshotSupport) -> Result<NewShareType> {
        let fields = ["share_type", "volume_type"]
            .iter()
            .find_map(|key| body.get(key)?.as_object())
            .ok_or_else(bad_request)?;

        let name = match fields.get("name") {
            // A NUL cannot be stored on PostgreSQL: not a valid name on either backend.
            Some(Value::String(name))
                if !name.is_empty() && name.chars().count() <= specs::MAX_LENGTH && !name.contains('\0') =>
            {
                name.clone()
            }
            // Upstream took the length of whatever it was given: a number
            // or boolean has none (a TypeError, the bare 400), and a list
            // or object got as far as the database. Those are refused as
            // any other bad name.
            Some(Value::Number(_) | Value::Bool(_)) => return Err(bad_request()),
            _ => return Err(Error::Invalid("Type name is not valid.".into())),
        };

        let mut requested = match fields.get("extra_specs") {
            None => Map::new(),
            Some(Value::Object(requested)) => requested.clone(),
            // Upstream's `or {}` covers null, but only after the pre-2.24
            // default has tried to look inside it.
            Some(Value::Null) if snapshot_support == SnapshotSupport::Optional => Map::new(),
            Some(_) => return Err(bad_request()),
        };
        if snapshot_support == SnapshotSupport::Implied && !requested.contains_key(specs::SNAPSHOT_SUPPORT) {
            requested.insert(specs::SNAPSHOT_SUPPORT.to_string(), Value::Bool(true));
        }

        let required_extra_specs =
            specs::required_specs(&requested).map_err(|err| Error::Invalid(spec_exception_text(err)))?;
        specs::check_optional_specs(&requested).map_err(|err| {
            Error::Invalid(exception_text(format!(
                "Invalid share type: {}.",
                spec_exception_text(err)
            )))
        })?;
        let mut extra_specs = ExtraSpecs::new();
        for (key, value) in &requested {
            let text = specs::stored_text(key, value).map_err(|err| Error::Invalid(spec_exception_text(err)))?;
            extra_specs.insert(key.clone(), text);
        }

        Ok(NewShareType {
            name,
            is_public: is_public_field(fields)?,
            extra_specs,
            required_extra_specs,
        })
    }
}

/// The type's visibility: the extension-style key wins over the core one,
/// as upstream read them; public when neither is given. Upstream handed
/// any value to the database; anything but a boolean word is refused here
/// with the message later upstream releases use.
fn is_public_field(fields: &Map<String, Value>) -> Result<bool> {
    let given = ["os-share-type-access:is_public", "share_type_access:is_public"]
        .iter()
        .find_map(|key| fields.get(*key).map(|value| (*key, value)));
    match given {
        None => Ok(true),
        Some((key, value)) => {
            specs::bool_from_value(value).ok_or_else(|| Error::Invalid(format!("{key} has a non-boolean value.")))
        }
    }
}

/// The text an `InvalidExtraSpec` carried to the client.
fn spec_exception_text(err: SpecError) -> String {
    match err {
        SpecError::Exception { reason } => SpecError::exception_text(&reason),
        SpecError::Rejected(message) => message,
    }
}

fn already_exists(name: &str) -> Error {
    Error::Conflict(exception_text(format!("Share Type {name} already exists.")))
}

fn is_unique_violation(err: &DieselError) -> bool {
    matches!(err, DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
}

/// WebOb's bare 400, Manila's answer to a body of the wrong shape.
fn bad_request() -> Error {
    Error::Invalid(texts::BAD_REQUEST.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value, snapshot_support: SnapshotSupport) -> Result<NewShareType> {
        NewShareType::from_body(&body, snapshot_support)
    }

    fn message(result: Result<NewShareType>) -> String {
        match result {
            Err(Error::Invalid(message)) => message,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn is_public_filter_follows_upstream() {
        assert_eq!(is_public_filter(None).unwrap(), Some(true));
        assert_eq!(is_public_filter(Some("ALL")).unwrap(), None);
        assert_eq!(is_public_filter(Some(" false ")).unwrap(), Some(false));
        assert_eq!(is_public_filter(Some("1")).unwrap(), Some(true));
        for bad in ["", "maybe", "all "] {
            assert_eq!(
                is_public_filter(Some(bad)).unwrap_err().to_string(),
                format!("Invalid is_public filter [{bad}]")
            );
        }
    }

    #[test]
    fn a_minimal_body_gets_upstreams_defaults() {
        let parsed = parse(
            json!({"share_type": {"name": "gold", "extra_specs": {"driver_handles_share_servers": true}}}),
            SnapshotSupport::Implied,
        )
        .unwrap();
        assert_eq!(
            parsed,
            NewShareType {
                name: "gold".into(),
                is_public: true,
                extra_specs: [
                    ("driver_handles_share_servers".to_string(), "True".to_string()),
                    ("snapshot_support".to_string(), "True".to_string()),
                ]
                .into(),
                required_extra_specs: json!({"driver_handles_share_servers": true})
                    .as_object()
                    .cloned()
                    .unwrap(),
            }
        );
        let later = parse(
            json!({"volume_type": {"name": "gold", "extra_specs": {"driver_handles_share_servers": "false"}}}),
            SnapshotSupport::Optional,
        )
        .unwrap();
        assert_eq!(
            later.extra_specs,
            [("driver_handles_share_servers".to_string(), "false".to_string())].into()
        );
    }

    #[test]
    fn share_type_wins_over_volume_type_only_when_it_is_an_object() {
        let specs = json!({"driver_handles_share_servers": "true"});
        let body = json!({"share_type": "x", "volume_type": {"name": "v", "extra_specs": specs}});
        assert_eq!(parse(body, SnapshotSupport::Optional).unwrap().name, "v");
        for body in [json!(null), json!([]), json!({"share_type": "x"}), json!({"foo": {}})] {
            assert_eq!(message(parse(body, SnapshotSupport::Optional)), texts::BAD_REQUEST);
        }
    }

    #[test]
    fn names_must_be_1_to_255_characters_of_text() {
        let long = "n".repeat(256);
        let cases = [
            (json!(null), "Type name is not valid."),
            (json!(""), "Type name is not valid."),
            (json!(long), "Type name is not valid."),
            (json!(["a"]), "Type name is not valid."),
            (json!({}), "Type name is not valid."),
            (json!(5), texts::BAD_REQUEST),
            (json!(true), texts::BAD_REQUEST),
        ];
        for (name, expected) in cases {
            let body = json!({"share_type": {"name": name, "extra_specs": {"driver_handles_share_servers": true}}});
            assert_eq!(message(parse(body, SnapshotSupport::Optional)), expected, "{name}");
        }
        let body =
            json!({"share_type": {"name": "é".repeat(255), "extra_specs": {"driver_handles_share_servers": true}}});
        assert!(parse(body, SnapshotSupport::Optional).is_ok());
    }

    #[test]
    fn extra_specs_errors_carry_upstreams_texts() {
        let cases = [
            (
                json!({}),
                SnapshotSupport::Optional,
                "Invalid extra_spec: Required extra specs 'driver_handles_share_servers' not specified.",
            ),
            (
                json!(null),
                SnapshotSupport::Optional,
                "Invalid extra_spec: Required extra specs 'driver_handles_share_servers' not specified.",
            ),
            (json!(null), SnapshotSupport::Implied, texts::BAD_REQUEST),
            (json!(["x"]), SnapshotSupport::Optional, texts::BAD_REQUEST),
            (
                json!({"driver_handles_share_servers": "maybe"}),
                SnapshotSupport::Optional,
                "Invalid extra_spec: Value of required extra_spec driver_handles_share_servers is not valid.",
            ),
            (
                json!({"driver_handles_share_servers": true, "snapshot_support": "maybe"}),
                SnapshotSupport::Implied,
                "Invalid share type: Invalid extra_spec: Invalid boolean extra spec snapshot_support : maybe.",
            ),
            (
                json!({"driver_handles_share_servers": true, "replication_type": "x"}),
                SnapshotSupport::Optional,
                "Invalid share type: Invalid extra_spec: Value of optional extra_spec replication_type is not valid.",
            ),
            (
                json!({"driver_handles_share_servers": true, "k": [1]}),
                SnapshotSupport::Optional,
                "Invalid extra_spec: k: [1]",
            ),
            (
                json!({"driver_handles_share_servers": true, "k": "v".repeat(256)}),
                SnapshotSupport::Optional,
                &*format!("Invalid extra_spec: k: {}", "v".repeat(256)),
            ),
        ];
        for (extra_specs, snapshot_support, expected) in cases {
            let body = json!({"share_type": {"name": "n", "extra_specs": extra_specs}});
            assert_eq!(message(parse(body, snapshot_support)), expected, "{extra_specs}");
        }
    }

    #[test]
    fn visibility_keys_and_values() {
        let with = |fields: Value| {
            let mut share_type = json!({"name": "n", "extra_specs": {"driver_handles_share_servers": true}});
            for (key, value) in fields.as_object().unwrap() {
                share_type[key] = value.clone();
            }
            parse(json!({"share_type": share_type}), SnapshotSupport::Optional)
        };
        assert!(!with(json!({"share_type_access:is_public": false})).unwrap().is_public);
        assert!(!with(json!({"share_type_access:is_public": "no"})).unwrap().is_public);
        assert!(
            with(json!({"os-share-type-access:is_public": true, "share_type_access:is_public": false}))
                .unwrap()
                .is_public
        );
        assert_eq!(
            message(with(json!({"os-share-type-access:is_public": null}))),
            "os-share-type-access:is_public has a non-boolean value."
        );
        assert_eq!(
            message(with(json!({"share_type_access:is_public": "maybe"}))),
            "share_type_access:is_public has a non-boolean value."
        );
    }
}
