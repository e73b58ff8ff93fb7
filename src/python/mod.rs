//! How Python turns values into text, for the two Pythons whose texts we
//! reproduce: Python 3 (oslo.policy's checks compare `str()` of credentials
//! and targets) and CPython 2.7 (Manila's messages built from request
//! bodies with `%s`, DESIGN.md section 4, item 8). The two differ in
//! strings (`'a'` against `u'a'`, non-ASCII kept or escaped) and in
//! `str()` of floats (shortest repr against `'%.12g'`); the rest is shared.
//! Beside it: `literal` (`ast.literal_eval` of a policy check's left side)
//! and `format` (`%`-formatting a policy match against the target).

mod format;
mod literal;

pub use format::{substitute, FormatError};
pub use literal::{kind_of, Kind};

use serde_json::Value;

/// Python 3's `str(value)` for the JSON shapes credentials and targets hold.
pub fn py3_str(value: &Value) -> String {
    str_in(Python::V3, value)
}

/// Python 3's `repr(value)`: `'text'`, `['a', 1]`, `{'k': True}`.
pub fn py3_repr(value: &Value) -> String {
    repr_in(Python::V3, value)
}

/// CPython 2.7's `unicode(value)`, which is also what `'%s' % value` gives.
pub fn py27_str(value: &Value) -> String {
    str_in(Python::V27, value)
}

/// CPython 2.7's `repr(value)`: `u'text'`, `[u'a', 1]`, `{u'k': True}`.
/// Dictionaries come out in key order, where CPython's varied.
pub fn py27_repr(value: &Value) -> String {
    repr_in(Python::V27, value)
}

/// Which Python is rendering.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Python {
    V3,
    V27,
}

fn str_in(python: Python, value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) if python == Python::V27 && number.is_f64() => {
            float_text(number.as_f64().unwrap_or(f64::NAN), FloatStyle::Str)
        }
        other => repr_in(python, other),
    }
}

fn repr_in(python: Python, value: &Value) -> String {
    match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(number) => match number.as_f64() {
            Some(float) if number.is_f64() => float_repr(float),
            _ => number.to_string(),
        },
        Value::String(text) => string_repr(python, text),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|item| repr_in(python, item)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("{}: {}", string_repr(python, key), repr_in(python, value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// A string's `repr()`: single quotes unless the text holds one and no
/// double. Python 2.7's unicode strings add the `u` and escape every
/// non-ASCII character; Python 3 keeps them.
fn string_repr(python: Python, text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 3);
    if python == Python::V27 {
        out.push('u');
    }
    out.push(quote);
    for ch in text.chars() {
        let code = ch as u32;
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ch if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            _ if code < 0x20 || code == 0x7f => out.push_str(&format!("\\x{code:02x}")),
            ch if python == Python::V3 || code < 0x7f => out.push(ch),
            _ if code < 0x100 => out.push_str(&format!("\\x{code:02x}")),
            _ if code < 0x10000 => out.push_str(&format!("\\u{code:04x}")),
            _ => out.push_str(&format!("\\U{code:08x}")),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr(float)` (2.7 and 3 agree): the shortest text that reads
/// back as the same number.
pub fn float_repr(value: f64) -> String {
    float_text(value, FloatStyle::Repr)
}

#[derive(Clone, Copy)]
enum FloatStyle {
    /// CPython 2.7's `str()`: `'%.12g'`.
    Str,
    /// `repr()`: the shortest text that reads back the same.
    Repr,
}

/// Exponent form below 1e-4 or from 1e12 (2.7's `str`) or 1e16 (`repr`)
/// on, else positional, and always a `.0` when the result would look like
/// an integer.
fn float_text(value: f64, style: FloatStyle) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "nan".to_string()
        } else if value > 0.0 {
            "inf".to_string()
        } else {
            "-inf".to_string()
        };
    }
    let scientific = match style {
        FloatStyle::Str => format!("{:.11e}", value.abs()),
        FloatStyle::Repr => format!("{:e}", value.abs()),
    };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let limit = match style {
        FloatStyle::Str => 12,
        FloatStyle::Repr => 16,
    };
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if exponent < -4 || exponent >= limit {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{fraction}e{exponent_sign}{:02}", exponent.abs());
    }
    let point = exponent + 1;
    let text = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else {
        let point = point as usize;
        if digits.len() <= point {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_3_str_and_repr() {
        assert_eq!(py3_str(&json!(true)), "True");
        assert_eq!(py3_str(&json!(false)), "False");
        assert_eq!(py3_str(&json!(null)), "None");
        assert_eq!(py3_str(&json!(20)), "20");
        assert_eq!(py3_str(&json!(1.5)), "1.5");
        assert_eq!(py3_str(&json!(1e12)), "1000000000000.0");
        assert_eq!(py3_str(&json!("it's")), "it's");
        assert_eq!(py3_str(&json!(["a", "it's", 1])), "['a', \"it's\", 1]");
        assert_eq!(py3_str(&json!({"k": true})), "{'k': True}");
        assert_eq!(py3_repr(&json!("a\\b\n'\"")), "'a\\\\b\\n\\'\"'");
        assert_eq!(py3_repr(&json!("é\u{1}")), "'é\\x01'");
    }

    #[test]
    fn python_2_7_scalars() {
        assert_eq!(py27_str(&json!(null)), "None");
        assert_eq!(py27_str(&json!(true)), "True");
        assert_eq!(py27_str(&json!(false)), "False");
        assert_eq!(py27_str(&json!(5)), "5");
        assert_eq!(py27_str(&json!(-7)), "-7");
        assert_eq!(py27_str(&json!("plain")), "plain");
        assert_eq!(py27_str(&json!(2.0)), "2.0");
    }

    #[test]
    fn floats_follow_str_and_repr() {
        let cases = [
            (1.5, "1.5", "1.5"),
            (1.0, "1.0", "1.0"),
            (0.0, "0.0", "0.0"),
            (-0.0, "-0.0", "-0.0"),
            (-2.5, "-2.5", "-2.5"),
            (0.1, "0.1", "0.1"),
            (123.456, "123.456", "123.456"),
            (0.1 + 0.2, "0.3", "0.30000000000000004"),
            (1e16, "1e+16", "1e+16"),
            (1.25e17, "1.25e+17", "1.25e+17"),
            (1e15, "1e+15", "1000000000000000.0"),
            (123_456_789_012.0, "123456789012.0", "123456789012.0"),
            (1_234_567_890_123.0, "1.23456789012e+12", "1234567890123.0"),
            (0.0001, "0.0001", "0.0001"),
            (0.00001, "1e-05", "1e-05"),
            (1.5e-7, "1.5e-07", "1.5e-07"),
            (2.5e300, "2.5e+300", "2.5e+300"),
            (f64::INFINITY, "inf", "inf"),
        ];
        for (value, as_str, as_repr) in cases {
            assert_eq!(float_text(value, FloatStyle::Str), as_str, "str({value})");
            assert_eq!(float_repr(value), as_repr, "repr({value})");
        }
    }

    #[test]
    fn python_2_7_containers_use_repr_of_their_items() {
        assert_eq!(
            py27_str(&json!(["a", 1, null, true, 1.5])),
            "[u'a', 1, None, True, 1.5]"
        );
        assert_eq!(py27_str(&json!({"b": "x", "a": []})), "{u'a': [], u'b': u'x'}");
        assert_eq!(py27_str(&json!({})), "{}");
    }

    #[test]
    fn python_2_7_unicode_repr_escapes_non_ascii() {
        let repr = |text: &str| string_repr(Python::V27, text);
        assert_eq!(repr("it's"), "u\"it's\"");
        assert_eq!(repr("'\""), "u'\\'\"'");
        assert_eq!(repr("a\\b\n\t\r\u{1}\u{7f}"), "u'a\\\\b\\n\\t\\r\\x01\\x7f'");
        assert_eq!(repr("é€😀"), "u'\\xe9\\u20ac\\U0001f600'");
    }
}
