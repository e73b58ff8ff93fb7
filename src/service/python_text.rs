//! Python 2.7's renderings of parsed JSON values and of exception texts,
//! for the messages upstream built from request bodies with `%s`
//! (DESIGN.md section 4, item 8): `None`, `True`, `1.5`, `[u'a', 1]`.
//! Dictionaries come out in key order, where CPython's varied.

use serde_json::Value;

/// `unicode(value)`, which is also what `'%s' % value` gives.
pub fn str_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => match number.as_f64() {
            Some(float) if number.is_f64() => float_text(float, FloatStyle::Str),
            _ => number.to_string(),
        },
        other => repr_of(other),
    }
}

/// `repr(value)`: how values appear inside lists and dictionaries.
pub fn repr_of(value: &Value) -> String {
    match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(number) => match number.as_f64() {
            Some(float) if number.is_f64() => float_text(float, FloatStyle::Repr),
            _ => number.to_string(),
        },
        Value::String(text) => unicode_repr(text),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(repr_of).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("{}: {}", unicode_repr(key), repr_of(value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
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

#[derive(Clone, Copy)]
enum FloatStyle {
    /// `str()`: `'%.12g'`.
    Str,
    /// `repr()`: the shortest text that reads back the same.
    Repr,
}

/// CPython 2.7's `float.__str__` and `float.__repr__`: exponent form below
/// 1e-4 or from 1e12 (`str`) or 1e16 (`repr`) on, else positional, and
/// always a `.0` when the result would look like an integer.
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

/// `repr()` of a Python 2 unicode string: `u'...'`, every non-ASCII
/// character escaped.
fn unicode_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 3);
    out.push('u');
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ch if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            ch if (ch as u32) < 0x20 || (0x7f..0x100).contains(&(ch as u32)) => {
                out.push_str(&format!("\\x{:02x}", ch as u32));
            }
            ch if (ch as u32) < 0x7f => out.push(ch),
            ch if (ch as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", ch as u32)),
            ch => out.push_str(&format!("\\U{:08x}", ch as u32)),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_render_as_python_2_7_does() {
        assert_eq!(str_of(&json!(null)), "None");
        assert_eq!(str_of(&json!(true)), "True");
        assert_eq!(str_of(&json!(false)), "False");
        assert_eq!(str_of(&json!(5)), "5");
        assert_eq!(str_of(&json!(-7)), "-7");
        assert_eq!(str_of(&json!("plain")), "plain");
    }

    #[test]
    fn floats_follow_str_and_repr() {
        let cases = [
            (1.5, "1.5", "1.5"),
            (1.0, "1.0", "1.0"),
            (-0.0, "-0.0", "-0.0"),
            (0.1 + 0.2, "0.3", "0.30000000000000004"),
            (1e16, "1e+16", "1e+16"),
            (1e15, "1e+15", "1000000000000000.0"),
            (123_456_789_012.0, "123456789012.0", "123456789012.0"),
            (1_234_567_890_123.0, "1.23456789012e+12", "1234567890123.0"),
            (0.0001, "0.0001", "0.0001"),
            (0.00001, "1e-05", "1e-05"),
            (1.5e-7, "1.5e-07", "1.5e-07"),
            (2.5e300, "2.5e+300", "2.5e+300"),
        ];
        for (value, as_str, as_repr) in cases {
            assert_eq!(float_text(value, FloatStyle::Str), as_str, "str({value})");
            assert_eq!(float_text(value, FloatStyle::Repr), as_repr, "repr({value})");
        }
        assert_eq!(str_of(&json!(2.0)), "2.0");
    }

    #[test]
    fn containers_use_repr_of_their_items() {
        assert_eq!(str_of(&json!(["a", 1, null, true, 1.5])), "[u'a', 1, None, True, 1.5]");
        assert_eq!(str_of(&json!({"b": "x", "a": []})), "{u'a': [], u'b': u'x'}");
        assert_eq!(str_of(&json!({})), "{}");
    }

    #[test]
    fn unicode_repr_escapes_like_python_2() {
        assert_eq!(unicode_repr("it's"), "u\"it's\"");
        assert_eq!(unicode_repr("'\""), "u'\\'\"'");
        assert_eq!(unicode_repr("a\\b\n\t\r\u{1}\u{7f}"), "u'a\\\\b\\n\\t\\r\\x01\\x7f'");
        assert_eq!(unicode_repr("é€😀"), "u'\\xe9\\u20ac\\U0001f600'");
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
