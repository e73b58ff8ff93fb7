//! What the left side of a policy check means to Python: a literal read
//! by `ast.literal_eval` (then compared as its `str()`), or a path into the
//! credentials. Kept to the forms policy files use.

use super::float_repr;

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

/// `ast.literal_eval(kind)` rendered with `str()`, or why it is not a literal.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
