//! The bits of Python that oslo.policy's checks lean on: how a value turns
//! into text (`str()`), what a check's left side means as a literal
//! (`ast.literal_eval`), and `%`-formatting a match against the target.
//! Rules compare text, so these decide whether `is_admin:True` or
//! `20:%(quota)s` match; they are kept to the forms policy files use.

use serde_json::{Map, Value};

/// Python's `str(value)` for the JSON shapes credentials and targets hold.
pub fn str_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => repr_of(other),
    }
}

/// Python's `repr(value)`: strings quoted, containers as Python prints them.
pub fn repr_of(value: &Value) -> String {
    match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(int), _, _) => int.to_string(),
            (None, Some(int), _) => int.to_string(),
            (None, None, Some(float)) => float_repr(float),
            _ => number.to_string(),
        },
        Value::String(text) => string_repr(text),
        Value::Array(items) => format!("[{}]", items.iter().map(repr_of).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(key, value)| format!("{}: {}", string_repr(key), repr_of(value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Python's quoting: single quotes unless the text holds one and no double.
fn string_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            ch if (ch as u32) < 0x20 || ch as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", ch as u32)),
            ch => out.push(ch),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr(float)`: the shortest text that reads back as the same
/// number, in positional notation while the decimal point falls between
/// 10^-4 and 10^16, else in exponent notation (`1e+16`, `1e-05`).
pub fn float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    // Rust's `{:e}` gives the same shortest digits: `-1.25e-7`.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let point = exponent + 1; // digits are 0.d1d2... times 10^point
    if !(-4 < point && point <= 16) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{fraction}e{exp_sign}{:02}", exponent.abs());
    }
    let text = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if (point as usize) >= digits.len() {
        format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        format!("{whole}.{fraction}")
    };
    format!("{sign}{text}")
}

/// What the left side of a generic check is, as `ast.literal_eval` sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A literal, already rendered with `str()`: compared with the match.
    Literal(String),
    /// Not a literal: a dotted path into the credentials.
    Path(Vec<String>),
    /// Something Python would refuse to read at all (`007`, `'open`), or a
    /// literal form this engine does not render (lists, complex numbers).
    Unreadable(String),
}

pub fn kind_of(kind: &str) -> Kind {
    match kind {
        "True" | "False" | "None" => return Kind::Literal(kind.to_string()),
        "" => return Kind::Unreadable("the left side of the check is empty".into()),
        _ => {}
    }
    let first = kind.chars().next().unwrap_or(' ');
    if let Some(text) = string_literal(kind) {
        return text;
    }
    let unsigned = kind.strip_prefix(['-', '+']).unwrap_or(kind);
    if unsigned.starts_with(|c: char| c.is_ascii_digit())
        || (unsigned.starts_with('.') && unsigned[1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        return match number_literal(kind) {
            Some(text) => Kind::Literal(text),
            None => Kind::Unreadable(format!("{kind:?} is not a number Python can read")),
        };
    }
    if matches!(first, '[' | '{' | '(') {
        return Kind::Unreadable(format!("container literals such as {kind:?} are not supported"));
    }
    Kind::Path(kind.split('.').map(str::to_string).collect())
}

/// `'text'`, `"text"`, with an optional `u` or `r` prefix; `None` when the
/// kind does not look like a string literal at all.
fn string_literal(kind: &str) -> Option<Kind> {
    let (raw, body) = match kind.char_indices().find(|(_, c)| *c == '\'' || *c == '"') {
        Some((0, _)) => (false, kind),
        Some((1, _)) => match &kind[..1] {
            "u" | "U" => (false, &kind[1..]),
            "r" | "R" => (true, &kind[1..]),
            _ => return None,
        },
        _ => return None,
    };
    let unreadable = || {
        Some(Kind::Unreadable(format!(
            "{kind:?} is not a string literal Python can read"
        )))
    };
    let quote = body.chars().next()?;
    if body.len() < 2 || !body.ends_with(quote) {
        return unreadable();
    }
    let inner = &body[1..body.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch == quote {
            return unreadable();
        }
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        let Some(next) = chars.next() else {
            return unreadable();
        };
        if raw {
            out.push('\\');
            out.push(next);
            continue;
        }
        match next {
            '\\' | '\'' | '"' => out.push(next),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                match u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 2) {
                    Some(code) => out.extend(char::from_u32(code)),
                    None => return unreadable(),
                }
            }
            // Python keeps unknown escapes as written.
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(Kind::Literal(out))
}

/// Python's int and float literals with one optional sign, rendered with
/// `str()`: `0x10` is `16`, `1_000` is `1000`, `1e3` is `1000.0`.
fn number_literal(kind: &str) -> Option<String> {
    let (negative, body) = match kind.as_bytes().first()? {
        b'-' => (true, &kind[1..]),
        b'+' => (false, &kind[1..]),
        _ => (false, kind),
    };
    let lower = body.to_ascii_lowercase();
    if !underscores_between_digits(&lower) {
        return None;
    }
    let plain = lower.replace('_', "");
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = plain.strip_prefix(prefix) {
            let value = u128::from_str_radix(digits, radix)
                .ok()
                .filter(|_| !digits.is_empty())?;
            return Some(signed_int(negative, value.to_string()));
        }
    }
    if plain.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = plain.trim_start_matches('0');
        // Python 3 refuses `007`; `000` is zero.
        if trimmed.len() != plain.len() && !trimmed.is_empty() {
            return None;
        }
        let digits = if trimmed.is_empty() { "0" } else { trimmed };
        return Some(signed_int(negative, digits.to_string()));
    }
    let valid_float = plain
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
        && !plain.starts_with(['e', '+', '-']);
    if !valid_float {
        return None;
    }
    let value: f64 = plain.parse().ok()?;
    Some(float_repr(if negative { -value } else { value }))
}

fn signed_int(negative: bool, digits: String) -> String {
    if negative && digits != "0" {
        format!("-{digits}")
    } else {
        digits
    }
}

/// Python allows `_` only between two digits (or after a base prefix).
fn underscores_between_digits(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(index, byte)| {
        *byte != b'_'
            || (index > 0
                && index + 1 < bytes.len()
                && bytes[index + 1].is_ascii_alphanumeric()
                && (bytes[index - 1].is_ascii_alphanumeric()))
    })
}

/// Why `%`-formatting a match failed in a way Python would raise for.
#[derive(Debug, PartialEq, Eq)]
pub struct FormatError(pub String);

/// `template % target` as Python does it with a dict: `%(key)s` takes the
/// target's value, `%%` is a percent sign. `Ok(None)` when a key is
/// missing (Python's `KeyError`, which checks treat as "no match").
pub fn substitute(template: &str, target: &Map<String, Value>) -> Result<Option<String>, FormatError> {
    if !template.contains('%') {
        return Ok(Some(template.to_string()));
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('%') {
            out.push('%');
            rest = after;
            continue;
        }
        let Some(after_paren) = rest.strip_prefix('(') else {
            return Err(FormatError(format!(
                "{template:?}: only %(key)s and %% are supported in a match"
            )));
        };
        // Python lets the key hold balanced parentheses.
        let mut depth = 1;
        let mut end = None;
        for (index, ch) in after_paren.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(index);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            return Err(FormatError(format!("{template:?}: unbalanced %( in a match")));
        };
        let key = &after_paren[..end];
        let after_key = &after_paren[end + 1..];
        let conversion = after_key.chars().next();
        let rendered = match conversion {
            Some('s') => target.get(key).map(str_of),
            Some('r') | Some('a') => target.get(key).map(repr_of),
            _ => {
                return Err(FormatError(format!(
                    "{template:?}: only the s and r conversions are supported after %({key})"
                )))
            }
        };
        match rendered {
            Some(text) => out.push_str(&text),
            None => return Ok(None),
        }
        rest = &after_key[1..];
    }
    out.push_str(rest);
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn str_renders_as_python_does() {
        assert_eq!(str_of(&json!(true)), "True");
        assert_eq!(str_of(&json!(false)), "False");
        assert_eq!(str_of(&json!(null)), "None");
        assert_eq!(str_of(&json!(20)), "20");
        assert_eq!(str_of(&json!("it's")), "it's");
        assert_eq!(str_of(&json!(["a", "it's", 1])), "['a', \"it's\", 1]");
        assert_eq!(str_of(&json!({"k": true})), "{'k': True}");
        assert_eq!(repr_of(&json!("a\\b\n'\"")), "'a\\\\b\\n\\'\"'");
    }

    #[test]
    fn floats_print_like_python_repr() {
        for (value, text) in [
            (1.0, "1.0"),
            (1.5, "1.5"),
            (1000.0, "1000.0"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.25e17, "1.25e+17"),
            (-2.5, "-2.5"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (123.456, "123.456"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(float_repr(value), text, "{value}");
        }
    }

    #[test]
    fn literals_read_as_literal_eval_then_str() {
        let literal = |text: &str| Kind::Literal(text.to_string());
        assert_eq!(kind_of("True"), literal("True"));
        assert_eq!(kind_of("None"), literal("None"));
        assert_eq!(kind_of("'Member'"), literal("Member"));
        assert_eq!(kind_of("\"x\""), literal("x"));
        assert_eq!(kind_of("u'x'"), literal("x"));
        assert_eq!(kind_of("'a\\'b'"), literal("a'b"));
        assert_eq!(kind_of("r'a\\n'"), literal("a\\n"));
        assert_eq!(kind_of("'\\x41'"), literal("A"));
        assert_eq!(kind_of("20"), literal("20"));
        assert_eq!(kind_of("-20"), literal("-20"));
        assert_eq!(kind_of("+7"), literal("7"));
        assert_eq!(kind_of("-0"), literal("0"));
        assert_eq!(kind_of("000"), literal("0"));
        assert_eq!(kind_of("1_000"), literal("1000"));
        assert_eq!(kind_of("0x1F"), literal("31"));
        assert_eq!(kind_of("0o17"), literal("15"));
        assert_eq!(kind_of("0b101"), literal("5"));
        assert_eq!(kind_of("1.50"), literal("1.5"));
        assert_eq!(kind_of(".5"), literal("0.5"));
        assert_eq!(kind_of("1e3"), literal("1000.0"));
        assert_eq!(kind_of("1E-5"), literal("1e-05"));
    }

    #[test]
    fn other_kinds_are_paths_or_unreadable() {
        assert_eq!(kind_of("is_admin"), Kind::Path(vec!["is_admin".into()]));
        assert_eq!(
            kind_of("token.user.id"),
            Kind::Path(vec!["token".into(), "user".into(), "id".into()])
        );
        assert_eq!(kind_of("True.x"), Kind::Path(vec!["True".into(), "x".into()]));
        // literal_eval allows one sign only; `--1` is an expression, so a path.
        assert_eq!(kind_of("--1"), Kind::Path(vec!["--1".into()]));
        for unreadable in [
            "007", "1_", "1__0", "0x", "1abc", "'open", "'a'b'", "[1]", "", "1j", "'\\x4'",
        ] {
            assert!(
                matches!(kind_of(unreadable), Kind::Unreadable(_)),
                "{unreadable:?}: {:?}",
                kind_of(unreadable)
            );
        }
    }

    #[test]
    fn substitution_follows_percent_formatting() {
        let target = json!({"project_id": "p1", "count": 3, "flag": true, "a(b)": "nested"});
        let target = target.as_object().unwrap();
        let sub = |template: &str| substitute(template, target);
        assert_eq!(sub("%(project_id)s"), Ok(Some("p1".into())));
        assert_eq!(sub("x-%(project_id)s-%(count)s"), Ok(Some("x-p1-3".into())));
        assert_eq!(sub("%(flag)s"), Ok(Some("True".into())));
        assert_eq!(sub("%(project_id)r"), Ok(Some("'p1'".into())));
        assert_eq!(sub("100%%"), Ok(Some("100%".into())));
        assert_eq!(sub("%(a(b))s"), Ok(Some("nested".into())));
        assert_eq!(sub("plain"), Ok(Some("plain".into())));
        assert_eq!(sub("%(missing)s"), Ok(None));
        for broken in ["%s", "100%", "%(project_id)d", "%(project_id", "%(project_id)"] {
            assert!(sub(broken).is_err(), "{broken}");
        }
    }
}
