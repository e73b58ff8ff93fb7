//! Checks of request bodies shared by the resources, with upstream's texts
//! where upstream has them (DESIGN.md section 4, item 5 where it has not).

use serde_json::{Map, Value};

use crate::error::{texts, Error, Result};

/// `body[key]` as a controller that checks `is_valid_body` takes it.
/// No usable body at all (none, empty, or not declared JSON) never
/// reached the controller's code: the missing argument was a Python
/// `TypeError`, WebOb's plain 400. A falsy body, one without the key, or
/// a value under it that is not an object is the controller's `missing`.
/// A body that merely mentions the key (a list item, a substring) or is a
/// truthy scalar failed Python's `in` or indexing: the plain 400 again.
pub fn valid_body(body: Option<Value>, key: &str, missing: fn() -> Error) -> Result<Map<String, Value>> {
    let plain = || Error::Invalid(texts::BAD_REQUEST.into());
    match body.ok_or_else(plain)? {
        Value::Object(mut outer) => match outer.remove(key) {
            Some(Value::Object(inner)) => Ok(inner),
            _ => Err(missing()),
        },
        Value::Null | Value::Bool(false) => Err(missing()),
        Value::Number(number) if number.as_f64() == Some(0.0) => Err(missing()),
        Value::Bool(true) | Value::Number(_) => Err(plain()),
        Value::String(text) if text.contains(key) => Err(plain()),
        Value::Array(items) if items.iter().any(|item| item.as_str() == Some(key)) => Err(plain()),
        Value::String(_) | Value::Array(_) => Err(missing()),
    }
}

/// Manila's column size for names and descriptions.
pub const MAX_TEXT_LENGTH: usize = 255;

/// The keys of `fields` outside `allowed`, rendered as upstream's CPython
/// 2.7 set repr (`set([u'a', u'b'])`); sorted, so the text never varies.
/// `None` when every key is allowed.
pub fn fields_rejected(fields: &Map<String, Value>, allowed: &[&str]) -> Option<String> {
    let mut rejected: Vec<&str> = fields
        .keys()
        .map(String::as_str)
        .filter(|key| !allowed.contains(key))
        .collect();
    if rejected.is_empty() {
        return None;
    }
    rejected.sort_unstable();
    let items: Vec<String> = rejected.iter().map(|key| format!("u'{key}'")).collect();
    Some(format!("set([{}])", items.join(", ")))
}

/// An optional text field: absent is `None`, JSON null is `Some(None)`
/// (clear it), a string up to 255 characters is `Some(Some(text))`.
pub fn optional_text(fields: &Map<String, Value>, key: &str) -> Result<Option<Option<String>>> {
    match fields.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        // PostgreSQL cannot store it; refused on both backends alike.
        Some(Value::String(text)) if text.contains('\0') => Err(Error::Invalid(format!(
            "Invalid input received: {key} contains a NUL character."
        ))),
        Some(Value::String(text)) if text.chars().count() <= MAX_TEXT_LENGTH => Ok(Some(Some(text.clone()))),
        Some(Value::String(_)) => Err(Error::Invalid(format!(
            "Invalid input received: {key} has more than {MAX_TEXT_LENGTH} characters."
        ))),
        Some(_) => Err(Error::Invalid(format!(
            "Invalid input received: {key} is not a string or unicode"
        ))),
    }
}

/// Statuses an admin may reset a CG or cgsnapshot to. Upstream's message
/// lists them in CPython 2.7's set order, which is fixed, so we keep it.
pub const RESET_STATES: [&str; 7] = [
    "available",
    "creating",
    "migrating_to",
    "error_deleting",
    "error",
    "migrating",
    "deleting",
];

/// The status a `reset_status` action body asks for, checked as upstream
/// checks it: an object with `status`, one of [`RESET_STATES`].
pub fn reset_status_of(body: &Value) -> Result<&'static str> {
    let status = body
        .as_object()
        .and_then(|object| object.get("status"))
        .ok_or_else(|| Error::Invalid("Must specify 'status'".into()))?;
    status
        .as_str()
        .and_then(|status| RESET_STATES.iter().copied().find(|state| *state == status))
        .ok_or_else(|| Error::Invalid(format!("Invalid state. Valid states: {}.", RESET_STATES.join(", "))))
}

/// Python's truthiness of a JSON value: upstream's `if body.get(key)`
/// treats null, false, 0, "", [] and {} alike as absent.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

/// oslo's `is_uuid_like`: any case, hyphens optional, braces and a
/// `urn:uuid:` prefix tolerated; only strings qualify.
pub fn is_uuid_like(value: &Value) -> bool {
    value.as_str().is_some_and(|text| uuid::Uuid::try_parse(text).is_ok())
}

/// A Manila exception's text: its formatted message, less one dot when it
/// ends in two after something else (`re.match('.*[^\.]\.\.$', message)`,
/// where `.` stops at newlines and `$` also matches before a final one).
pub fn exception_text(message: String) -> String {
    let ends_in_doubled_dot = |text: &str| {
        let Some(head) = text.strip_suffix("..") else {
            return false;
        };
        let mut chars = head.chars();
        match chars.next_back() {
            Some(last) => last != '.' && !chars.as_str().contains('\n'),
            None => false,
        }
    };
    let squash = ends_in_doubled_dot(&message) || message.strip_suffix('\n').is_some_and(ends_in_doubled_dot);
    if squash {
        let mut message = message;
        message.pop();
        message
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_body_is_valid_as_pythons_is_valid_body_reads_it() {
        let missing = || Error::Invalid("missing".into());
        let text = |result: Result<Map<String, Value>>| result.unwrap_err().to_string();
        assert_eq!(text(valid_body(None, "cg", missing)), texts::BAD_REQUEST);
        for absent in [
            json!(null),
            json!({}),
            json!([]),
            json!(""),
            json!(0),
            json!(false),
            json!({"x": {}}),
            json!({"cg": null}),
            json!({"cg": []}),
            json!(["x"]),
            json!("x"),
        ] {
            assert_eq!(
                text(valid_body(Some(absent.clone()), "cg", missing)),
                "missing",
                "{absent}"
            );
        }
        for broken in [json!(1), json!(true), json!(["cg"]), json!("a cg")] {
            assert_eq!(
                text(valid_body(Some(broken.clone()), "cg", missing)),
                texts::BAD_REQUEST,
                "{broken}"
            );
        }
        assert_eq!(
            valid_body(Some(json!({"cg": {"a": 1}})), "cg", missing).unwrap(),
            object(json!({"a": 1}))
        );
    }

    #[test]
    fn rejected_fields_render_as_python_2_sets() {
        let fields = object(json!({"name": 1, "zeta": 1, "alpha": 2}));
        assert_eq!(
            fields_rejected(&fields, &["name"]),
            Some("set([u'alpha', u'zeta'])".into())
        );
        assert_eq!(fields_rejected(&fields, &["name", "zeta", "alpha"]), None);
    }

    #[test]
    fn text_fields_are_strings_of_bounded_length() {
        let fields = object(json!({"a": "x", "b": null, "c": 5, "d": "y".repeat(256), "e": "é".repeat(255)}));
        assert_eq!(optional_text(&fields, "a").unwrap(), Some(Some("x".into())));
        assert_eq!(optional_text(&fields, "b").unwrap(), Some(None));
        assert_eq!(optional_text(&fields, "missing").unwrap(), None);
        assert_eq!(
            optional_text(&fields, "c").unwrap_err().to_string(),
            "Invalid input received: c is not a string or unicode"
        );
        assert_eq!(
            optional_text(&fields, "d").unwrap_err().to_string(),
            "Invalid input received: d has more than 255 characters."
        );
        assert!(optional_text(&fields, "e").is_ok(), "characters, not bytes");
    }

    #[test]
    fn uuid_likeness_follows_oslo() {
        for good in [
            "6f519a48-3183-46cf-a32f-41815f816666",
            "6F519A48-3183-46CF-A32F-41815F816666",
            "6f519a48318346cfa32f41815f816666",
            "{6f519a48-3183-46cf-a32f-41815f816666}",
            "urn:uuid:6f519a48-3183-46cf-a32f-41815f816666",
        ] {
            assert!(is_uuid_like(&json!(good)), "{good}");
        }
        for bad in [
            json!("iamastring"),
            json!(""),
            json!(null),
            json!(5),
            json!(["6f519a48-3183-46cf-a32f-41815f816666"]),
        ] {
            assert!(!is_uuid_like(&bad), "{bad}");
        }
    }

    #[test]
    fn exception_texts_lose_one_of_two_final_dots() {
        assert_eq!(exception_text("not valid..".into()), "not valid.");
        assert_eq!(exception_text("not valid.".into()), "not valid.");
        assert_eq!(exception_text("wait...".into()), "wait...");
        assert_eq!(exception_text("..".into()), "..");
        assert_eq!(exception_text("a..\n".into()), "a..");
        assert_eq!(exception_text("a\nb..".into()), "a\nb..");
        assert_eq!(exception_text("a\n..".into()), "a\n.");
    }
}
