//! Cinder's request-body schemas (`cinder/api/schemas`) as the checks they
//! make, with jsonschema's texts as Cinder reports them: a failure inside
//! the resource object is `Invalid input for field/attribute <field>.
//! Value: <str(value)>. <message>`, one at the top is the bare message.
//! jsonschema reports the first failure in the schema's keyword order:
//! type, properties, required, additionalProperties.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::python::{py3_repr, py3_str};
use crate::service::validation::MAX_TEXT_LENGTH;

/// One member of the resource object, named as the failure names it.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    pub name: &'a str,
    pub value: &'a Value,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, value: &'a Value) -> Field<'a> {
        Field { name, value }
    }

    fn fails(&self, message: &str) -> Error {
        invalid_field(self.name, self.value, message)
    }

    fn not_of_type(&self, types: &str) -> Error {
        self.fails(&format!("{} is not of type {types}", py3_repr(self.value)))
    }
}

/// A failure at `name` inside the resource object.
pub fn invalid_field(name: &str, value: &Value, message: &str) -> Error {
    Error::Invalid(format!(
        "Invalid input for field/attribute {name}. Value: {}. {message}",
        py3_str(value)
    ))
}

fn unexpected(keys: &[&String]) -> String {
    let shown: Vec<String> = keys
        .iter()
        .map(|key| py3_repr(&Value::String((*key).clone())))
        .collect();
    let verb = if shown.len() == 1 { "was" } else { "were" };
    format!(
        "Additional properties are not allowed ({} {verb} unexpected)",
        shown.join(", ")
    )
}

/// The top of a body whose schema requires the object `key` and allows
/// `also` beside it: the object's members.
pub fn root_object<'a>(body: &'a Value, key: &str, also: &[&str]) -> Result<&'a Map<String, Value>> {
    let Value::Object(top) = body else {
        return Err(Error::Invalid(format!("{} is not of type 'object'", py3_repr(body))));
    };
    if let Some(inner) = top.get(key) {
        if !inner.is_object() {
            return Err(Field::new(key, inner).not_of_type("'object'"));
        }
    }
    let Some(Value::Object(inner)) = top.get(key) else {
        return Err(Error::Invalid(format!("'{key}' is a required property")));
    };
    let extra: Vec<&String> = top
        .keys()
        .filter(|name| *name != key && !also.contains(&name.as_str()))
        .collect();
    if !extra.is_empty() {
        return Err(Error::Invalid(unexpected(&extra)));
    }
    Ok(inner)
}

/// `additionalProperties: false` on the resource object `key`.
pub fn only(key: &str, fields: &Map<String, Value>, allowed: &[&str]) -> Result<()> {
    let extra: Vec<&String> = fields.keys().filter(|name| !allowed.contains(&name.as_str())).collect();
    if extra.is_empty() {
        Ok(())
    } else {
        Err(invalid_field(key, &Value::Object(fields.clone()), &unexpected(&extra)))
    }
}

/// A string of `min_length` to 255 characters, or null when `nullable`
/// (`None`). Text with a NUL character cannot be stored and is refused.
pub fn text(field: Field, nullable: bool, min_length: usize) -> Result<Option<String>> {
    let text = match field.value {
        Value::Null if nullable => return Ok(None),
        Value::String(text) => text,
        _ if nullable => return Err(field.not_of_type("'string', 'null'")),
        _ => return Err(field.not_of_type("'string'")),
    };
    let length = text.chars().count();
    if length < min_length {
        let message = if min_length == 1 {
            "should be non-empty"
        } else {
            "is too short"
        };
        return Err(field.fails(&format!("{} {message}", py3_repr(field.value))));
    }
    if length > MAX_TEXT_LENGTH {
        return Err(field.fails(&format!("{} is too long", py3_repr(field.value))));
    }
    if text.contains('\0') {
        return Err(Error::Invalid(format!(
            "Invalid input received: {} contains a NUL character.",
            field.name
        )));
    }
    Ok(Some(text.clone()))
}

/// A name or description of `name_non_mandatory_remove_white_spaces`:
/// a string or null, at most 255 characters once stripped (Cinder's
/// format check raises `InvalidInput` from `check_string_length`).
/// Returns the stripped text, as the controller stores it.
pub fn stripped_text(field: Field) -> Result<Option<String>> {
    let text = match field.value {
        Value::Null => return Ok(None),
        Value::String(text) => text.trim(),
        _ => return Err(field.not_of_type("'string', 'null'")),
    };
    let length = text.chars().count();
    if length > MAX_TEXT_LENGTH {
        return Err(Error::Invalid(format!(
            "Invalid input received: {} has {length} characters, more than {MAX_TEXT_LENGTH}.",
            field.name
        )));
    }
    if text.contains('\0') {
        return Err(Error::Invalid(format!(
            "Invalid input received: {} contains a NUL character.",
            field.name
        )));
    }
    Ok(Some(text.to_string()))
}

/// The words `parameter_types.boolean` enumerates.
const BOOLEAN_WORDS: [(&str, bool); 24] = [
    ("True", true),
    ("TRUE", true),
    ("true", true),
    ("1", true),
    ("ON", true),
    ("On", true),
    ("on", true),
    ("YES", true),
    ("Yes", true),
    ("yes", true),
    ("y", true),
    ("t", true),
    ("False", false),
    ("FALSE", false),
    ("false", false),
    ("0", false),
    ("OFF", false),
    ("Off", false),
    ("off", false),
    ("NO", false),
    ("No", false),
    ("no", false),
    ("n", false),
    ("f", false),
];

/// `parameter_types.boolean`: a JSON boolean or one of its words.
pub fn boolean(field: Field) -> Result<bool> {
    match field.value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) => BOOLEAN_WORDS
            .iter()
            .find(|(word, _)| word == text)
            .map(|(_, flag)| *flag)
            .ok_or_else(|| {
                let words: Vec<String> = BOOLEAN_WORDS.iter().map(|(word, _)| format!("'{word}'")).collect();
                let (truthy, falsy) = words.split_at(12);
                field.fails(&format!(
                    "{} is not one of [True, {}, False, {}]",
                    py3_repr(field.value),
                    truthy.join(", "),
                    falsy.join(", ")
                ))
            }),
        _ => Err(field.not_of_type("'boolean', 'string'")),
    }
}

/// `parameter_types.optional_uuid`: null, or a string in uuid format.
pub fn optional_uuid(field: Field) -> Result<Option<String>> {
    match field.value {
        Value::Null => Ok(None),
        Value::String(text) if uuid::Uuid::try_parse(text).is_ok() => Ok(Some(text.clone())),
        _ => Err(field.fails(&format!(
            "{} is not valid under any of the given schemas",
            py3_repr(field.value)
        ))),
    }
}

/// Cinder's `DB_MAX_INT`.
const DB_MAX_INT: i64 = 2_147_483_647;

/// `volume_size_allows_null`: null, an integer, or a string of digits;
/// from 1 to `DB_MAX_INT` (a string compared as the number it holds).
pub fn volume_size(field: Field) -> Result<Option<i32>> {
    let number = match field.value {
        Value::Null => return Ok(None),
        Value::Number(number) if number.is_i64() || number.is_u64() => number.as_i64().unwrap_or(i64::MAX),
        Value::String(text) => {
            if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(field.fails(&format!("{} does not match '^[0-9]+$'", py3_repr(field.value))));
            }
            text.parse::<i64>().unwrap_or(i64::MAX)
        }
        _ => return Err(field.not_of_type("'integer', 'string', 'null'")),
    };
    let shown = match field.value {
        Value::String(text) => text.trim_start_matches('0').to_string(),
        other => other.to_string(),
    };
    let shown = if shown.is_empty() { "0".to_string() } else { shown };
    if number < 1 {
        return Err(field.fails(&format!("{shown} is less than the minimum of 1")));
    }
    if number > DB_MAX_INT {
        return Err(field.fails(&format!("{shown} is greater than the maximum of {DB_MAX_INT}")));
    }
    i32::try_from(number)
        .map(Some)
        .map_err(|_| field.fails(&format!("{shown} is greater than the maximum of {DB_MAX_INT}")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn message(result: Result<impl std::fmt::Debug>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn top_level_texts() {
        assert_eq!(
            message(root_object(&json!(null), "volume", &[])),
            "None is not of type 'object'"
        );
        assert_eq!(
            message(root_object(&json!({}), "volume", &[])),
            "'volume' is a required property"
        );
        assert_eq!(
            message(root_object(&json!({"volume": [1]}), "volume", &[])),
            "Invalid input for field/attribute volume. Value: [1]. [1] is not of type 'object'"
        );
        assert_eq!(
            message(root_object(&json!({"volume": {}, "x": 1}), "volume", &[])),
            "Additional properties are not allowed ('x' was unexpected)"
        );
    }

    #[test]
    fn member_texts() {
        fn size(value: &Value) -> Result<Option<i32>> {
            volume_size(Field::new("size", value))
        }
        assert_eq!(size(&json!("10")).unwrap(), Some(10));
        assert_eq!(
            message(size(&json!(0))),
            "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"
        );
        assert_eq!(
            message(size(&json!("abc"))),
            "Invalid input for field/attribute size. Value: abc. 'abc' does not match '^[0-9]+$'"
        );
        assert_eq!(
            message(size(&json!(1.5))),
            "Invalid input for field/attribute size. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'"
        );
        assert_eq!(
            message(size(&json!(99999999999u64))),
            "Invalid input for field/attribute size. Value: 99999999999. 99999999999 is greater than the maximum of 2147483647"
        );
        assert_eq!(
            message(optional_uuid(Field::new("consistencygroup_id", &json!("x")))),
            "Invalid input for field/attribute consistencygroup_id. Value: x. 'x' is not valid under any of the given schemas"
        );
        assert!(boolean(Field::new("b", &json!("yes"))).unwrap());
        assert!(message(boolean(Field::new("b", &json!("maybe")))).contains("is not one of [True, 'True'"));
        assert_eq!(
            message(stripped_text(Field::new("name", &json!("x".repeat(256))))),
            "Invalid input received: name has 256 characters, more than 255."
        );
    }
}
