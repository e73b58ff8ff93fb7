//! The extra specs Manila itself understands, and upstream's rules for
//! their values (`manila/share/share_types.py`, `constants.ExtraSpecs`).
//! Pure functions: no database, no policy.

use serde_json::{Map, Value};

use crate::python::py27_str;
use crate::service::validation::exception_text;

pub const DRIVER_HANDLES_SHARE_SERVERS: &str = "driver_handles_share_servers";
pub const SNAPSHOT_SUPPORT: &str = "snapshot_support";
pub const CREATE_SHARE_FROM_SNAPSHOT_SUPPORT: &str = "create_share_from_snapshot_support";
pub const REVERT_TO_SNAPSHOT_SUPPORT: &str = "revert_to_snapshot_support";
pub const REPLICATION_TYPE: &str = "replication_type";

/// Every share type must have these.
pub const REQUIRED: &[&str] = &[DRIVER_HANDLES_SHARE_SERVERS];

/// Standard specs whose values are checked when present.
const OPTIONAL: &[&str] = &[
    SNAPSHOT_SUPPORT,
    CREATE_SHARE_FROM_SNAPSHOT_SUPPORT,
    REVERT_TO_SNAPSHOT_SUPPORT,
    REPLICATION_TYPE,
];

/// Optional specs a non-administrator is shown with their nominal value
/// when the type does not set them (from 2.24).
pub const INFERRED_OPTIONAL: &[(&str, bool)] = &[
    (SNAPSHOT_SUPPORT, false),
    (CREATE_SHARE_FROM_SNAPSHOT_SUPPORT, false),
    (REVERT_TO_SNAPSHOT_SUPPORT, false),
];

const REPLICATION_TYPES: &[&str] = &["writable", "readable", "dr"];

/// The longest key or value a spec may have (the columns' width).
pub const MAX_LENGTH: usize = 255;

/// Whether a non-administrator may see this spec: the required ones and
/// the standard optional ones.
pub fn is_tenant_visible(key: &str) -> bool {
    REQUIRED.contains(&key) || OPTIONAL.contains(&key)
}

/// oslo's `bool_from_string`: `None` for text that is neither.
pub fn bool_from_text(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// `bool_from_string` of any JSON value: booleans are themselves, anything
/// else is judged by its Python text (so `1` is true).
pub fn bool_from_value(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        other => bool_from_text(&py27_str(other)),
    }
}

/// Why a set of specs was refused; the two kinds reach the client
/// differently depending on the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecError {
    /// Upstream's `InvalidExtraSpec(reason)`.
    Exception { reason: String },
    /// A controller's plain 400 with this text.
    Rejected(String),
}

impl SpecError {
    /// The text of the `InvalidExtraSpec` upstream raised.
    pub fn exception_text(reason: &str) -> String {
        exception_text(format!("Invalid extra_spec: {reason}."))
    }

    fn rejected(key: &str, value: &Value) -> SpecError {
        SpecError::Rejected(format!("Invalid extra_spec: {key}: {}", py27_str(value)))
    }
}

/// `get_valid_required_extra_specs`: the required specs, as given, or the
/// reason they are missing or invalid.
pub fn required_specs(specs: &Map<String, Value>) -> Result<Map<String, Value>, SpecError> {
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|key| !specs.contains_key(*key))
        .collect();
    if !missing.is_empty() {
        return Err(SpecError::Exception {
            reason: format!("Required extra specs '{}' not specified.", missing.join(",")),
        });
    }
    let mut required = Map::new();
    for key in REQUIRED {
        let value = specs.get(*key).cloned().unwrap_or(Value::Null);
        if is_valid_required(key, &value) != Some(true) {
            return Err(SpecError::Exception {
                reason: format!("Value of required extra_spec {key} is not valid"),
            });
        }
        required.insert(key.to_string(), value);
    }
    Ok(required)
}

/// `get_valid_optional_extra_specs`: every standard optional spec present
/// has a value upstream accepts.
pub fn check_optional_specs(specs: &Map<String, Value>) -> Result<(), SpecError> {
    for key in OPTIONAL {
        if let Some(value) = specs.get(*key) {
            if is_valid_optional(key, value)? != Some(true) {
                return Err(SpecError::Exception {
                    reason: format!("Value of optional extra_spec {key} is not valid."),
                });
            }
        }
    }
    Ok(())
}

/// The extra-specs API's check of each key and value
/// (`_verify_extra_specs` without the required-specs pass): keys and string
/// values of 1 to 255 characters, booleans, and values the standard specs
/// accept. Nested objects are checked the same way and then refused: they
/// have no place in a column of text (upstream failed writing them).
pub fn check_entries(specs: &Map<String, Value>) -> Result<(), SpecError> {
    verify_entries(specs)?;
    match specs.iter().find(|(_, value)| value.is_object()) {
        Some((key, value)) => Err(SpecError::rejected(key, value)),
        None => Ok(()),
    }
}

fn verify_entries(specs: &Map<String, Value>) -> Result<(), SpecError> {
    for (key, value) in specs {
        let key_ok = is_valid_string(key);
        if let (true, Value::Object(nested)) = (key_ok, value) {
            verify_entries(nested)?;
            continue;
        }
        // Upstream evaluates every part before combining them, so a
        // standard boolean spec's parse failure wins over the rest.
        let required_ok = is_valid_required(key, value) != Some(false);
        let optional_ok = is_valid_optional(key, value)? != Some(false);
        let type_ok = matches!(value, Value::Bool(_)) || matches!(value, Value::String(text) if is_valid_string(text));
        if !(key_ok && type_ok && required_ok && optional_ok) {
            return Err(SpecError::rejected(key, value));
        }
    }
    Ok(())
}

/// What share type creation stores, which upstream passed to the database
/// as given: text as is, booleans as `True`/`False`, integers in decimal.
/// Anything else (or anything longer than a column) is refused with the
/// extra-specs API's message rather than failing in the database.
pub fn stored_text(key: &str, value: &Value) -> Result<String, SpecError> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Bool(_) => py27_str(value),
        Value::Number(number) if !number.is_f64() => number.to_string(),
        _ => return Err(SpecError::rejected(key, value)),
    };
    // Nor a NUL, which PostgreSQL cannot store: refused on both backends.
    let storable = |text: &str| text.chars().count() <= MAX_LENGTH && !text.contains('\0');
    if !storable(key) || !storable(&text) {
        return Err(SpecError::rejected(key, value));
    }
    Ok(text)
}

/// `common.validate_key_names`: `^[\w.\-:_]+$` in Python's Unicode mode,
/// whose `$` also admits one final newline.
pub fn is_valid_key_name(key: &str) -> bool {
    let key = key.strip_suffix('\n').unwrap_or(key);
    !key.is_empty()
        && key
            .chars()
            .all(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '.' | '-' | ':'))
}

/// Also without NUL, which PostgreSQL cannot store: refused on both
/// backends alike.
fn is_valid_string(text: &str) -> bool {
    (1..=MAX_LENGTH).contains(&text.chars().count()) && !text.contains('\0')
}

/// `is_valid_required_extra_spec`: `None` for keys that are not required.
fn is_valid_required(key: &str, value: &Value) -> Option<bool> {
    if !REQUIRED.contains(&key) {
        return None;
    }
    Some(key == DRIVER_HANDLES_SHARE_SERVERS && bool_from_value(value).is_some())
}

/// `is_valid_optional_extra_spec`: `None` for keys that are not standard;
/// a boolean spec that does not parse raises, as upstream's did.
fn is_valid_optional(key: &str, value: &Value) -> Result<Option<bool>, SpecError> {
    if !OPTIONAL.contains(&key) {
        return Ok(None);
    }
    if key == REPLICATION_TYPE {
        let valid = matches!(value, Value::String(text) if REPLICATION_TYPES.contains(&text.as_str()));
        return Ok(Some(valid));
    }
    parse_boolean_spec(key, value).map(|_| Some(true))
}

/// `parse_boolean_extra_spec`: `True`, `false`, `<is> True` and the like.
pub fn parse_boolean_spec(key: &str, value: &Value) -> Result<bool, SpecError> {
    let text = py27_str(value);
    let trimmed = text.trim();
    let is_form = trimmed
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("<is>"))
        .map(|_| trimmed[4..].trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']))
        .filter(|rest| rest.eq_ignore_ascii_case("true") || rest.eq_ignore_ascii_case("false"));
    bool_from_text(is_form.unwrap_or(&text)).ok_or_else(|| SpecError::Exception {
        reason: format!("Invalid boolean extra spec {key} : {text}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn bool_words_are_oslos() {
        for yes in ["1", "t", "TRUE", " yes ", "On", "y"] {
            assert_eq!(bool_from_text(yes), Some(true), "{yes:?}");
        }
        for no in ["0", "f", "False", "no", "OFF", "n"] {
            assert_eq!(bool_from_text(no), Some(false), "{no:?}");
        }
        for neither in ["", "2", "maybe", "truee"] {
            assert_eq!(bool_from_text(neither), None, "{neither:?}");
        }
        assert_eq!(bool_from_value(&json!(1)), Some(true));
        assert_eq!(bool_from_value(&json!(false)), Some(false));
        assert_eq!(bool_from_value(&json!(null)), None);
    }

    #[test]
    fn required_specs_are_echoed_as_given() {
        let specs = map(json!({"driver_handles_share_servers": true, "other": "x"}));
        assert_eq!(
            required_specs(&specs),
            Ok(map(json!({"driver_handles_share_servers": true})))
        );
    }

    #[test]
    fn missing_or_invalid_required_specs_name_the_reason() {
        let missing = required_specs(&map(json!({"snapshot_support": "True"}))).unwrap_err();
        assert_eq!(
            missing,
            SpecError::Exception {
                reason: "Required extra specs 'driver_handles_share_servers' not specified.".into()
            }
        );
        assert_eq!(
            SpecError::exception_text("Required extra specs 'driver_handles_share_servers' not specified."),
            "Invalid extra_spec: Required extra specs 'driver_handles_share_servers' not specified."
        );
        let invalid = required_specs(&map(json!({"driver_handles_share_servers": "maybe"})));
        assert_eq!(
            invalid,
            Err(SpecError::Exception {
                reason: "Value of required extra_spec driver_handles_share_servers is not valid".into()
            })
        );
    }

    #[test]
    fn boolean_specs_accept_the_is_form() {
        for text in ["True", "false", "<is> True", "<IS>false", "  <is>   TRUE  ", "yes"] {
            assert!(parse_boolean_spec("snapshot_support", &json!(text)).is_ok(), "{text:?}");
        }
        assert_eq!(
            parse_boolean_spec("snapshot_support", &json!(" maybe")),
            Err(SpecError::Exception {
                reason: "Invalid boolean extra spec snapshot_support :  maybe".into()
            })
        );
        assert!(parse_boolean_spec("snapshot_support", &json!("<is> yes")).is_err());
    }

    #[test]
    fn optional_specs_are_checked_when_present() {
        assert_eq!(check_optional_specs(&map(json!({"other": "x"}))), Ok(()));
        assert_eq!(
            check_optional_specs(&map(json!({"replication_type": "dr", "snapshot_support": true}))),
            Ok(())
        );
        assert_eq!(
            check_optional_specs(&map(json!({"replication_type": "sometimes"}))),
            Err(SpecError::Exception {
                reason: "Value of optional extra_spec replication_type is not valid.".into()
            })
        );
        assert!(matches!(
            check_optional_specs(&map(json!({"revert_to_snapshot_support": "perhaps"}))),
            Err(SpecError::Exception { reason }) if reason == "Invalid boolean extra spec revert_to_snapshot_support : perhaps"
        ));
    }

    #[test]
    fn entries_need_short_keys_and_string_or_boolean_values() {
        assert_eq!(check_entries(&map(json!({"a": "b", "c": false}))), Ok(()));
        let long = "k".repeat(256);
        let cases = [
            (json!({"": "v"}), "Invalid extra_spec: : v"),
            (json!({long.clone(): "v"}), &*format!("Invalid extra_spec: {long}: v")),
            (json!({"k": ""}), "Invalid extra_spec: k: "),
            (json!({"k": 5}), "Invalid extra_spec: k: 5"),
            (json!({"k": null}), "Invalid extra_spec: k: None"),
            (json!({"k": ["a"]}), "Invalid extra_spec: k: [u'a']"),
            (json!({"k": {"a": "b"}}), "Invalid extra_spec: k: {u'a': u'b'}"),
            (
                json!({"driver_handles_share_servers": "maybe"}),
                "Invalid extra_spec: driver_handles_share_servers: maybe",
            ),
            (
                json!({"replication_type": "x"}),
                "Invalid extra_spec: replication_type: x",
            ),
        ];
        for (specs, message) in cases {
            assert_eq!(
                check_entries(&map(specs.clone())),
                Err(SpecError::Rejected(message.to_string())),
                "{specs}"
            );
        }
        assert!(matches!(
            check_entries(&map(json!({"snapshot_support": ""}))),
            Err(SpecError::Exception { .. })
        ));
        assert!(matches!(
            check_entries(&map(json!({"k": {"snapshot_support": "no way"}}))),
            Err(SpecError::Exception { .. })
        ));
        assert_eq!(
            check_entries(&map(json!({"a": {"x": "y"}, "b": 5}))),
            Err(SpecError::Rejected("Invalid extra_spec: b: 5".into())),
            "every entry is checked before nested objects are refused"
        );
    }

    #[test]
    fn stored_text_is_what_upstream_wrote() {
        assert_eq!(stored_text("k", &json!("v")), Ok("v".to_string()));
        assert_eq!(stored_text("k", &json!(true)), Ok("True".to_string()));
        assert_eq!(stored_text("k", &json!(12)), Ok("12".to_string()));
        assert_eq!(stored_text("k", &json!("")), Ok(String::new()));
        assert!(stored_text("k", &json!(1.5)).is_err());
        assert!(stored_text("k", &json!(null)).is_err());
        assert!(stored_text("k", &json!("v".repeat(256))).is_err());
        assert!(stored_text(&"k".repeat(256), &json!("v")).is_err());
    }

    #[test]
    fn key_names_follow_upstreams_pattern() {
        for good in ["a", "vendor:thin_provisioned", "a.b-c_d", "ключ", "x\n"] {
            assert!(is_valid_key_name(good), "{good:?}");
        }
        for bad in ["", "a b", "a/b", "a=b", "\n", "a\n\n"] {
            assert!(!is_valid_key_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn tenants_see_required_and_standard_specs_only() {
        assert!(is_tenant_visible("driver_handles_share_servers"));
        assert!(is_tenant_visible("replication_type"));
        assert!(!is_tenant_visible("vendor:secret"));
    }
}
