//! A request's query string as Manila's controllers read it (WebOb's
//! `req.GET`): every pair in order, a key without `=` present with an
//! empty value, and the last of repeated keys winning a lookup.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub fn new(pairs: Vec<(String, String)>) -> QueryParams {
        QueryParams(pairs)
    }

    /// The value of `key`; of repeated keys the last, as `req.GET[key]`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    pub fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|(name, _)| name == key)
    }

    /// Each key once, in order of first appearance, with its [`get`](Self::get)
    /// value: what `dict(req.GET)` holds.
    pub fn latest(&self) -> Vec<(&str, &str)> {
        let mut seen: Vec<&str> = Vec::new();
        for (name, _) in &self.0 {
            if !seen.contains(&name.as_str()) {
                seen.push(name);
            }
        }
        seen.into_iter()
            .filter_map(|name| self.get(name).map(|value| (name, value)))
            .collect()
    }
}

/// Python's `int()` of a query value: surrounding whitespace and one sign
/// allowed, decimal digits only. `None` where Python raises `ValueError`.
/// Magnitudes beyond `i64` saturate: Python has no bound, and such a
/// number can only mean "more than any row".
pub fn parse_integer(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().fold(0i64, |value, digit| {
        value.saturating_mul(10).saturating_add(i64::from(digit - b'0'))
    });
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> QueryParams {
        QueryParams::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn the_last_of_repeated_keys_wins() {
        let query = params(&[("limit", "1"), ("name", "a"), ("limit", "2")]);
        assert_eq!(query.get("limit"), Some("2"));
        assert_eq!(query.get("offset"), None);
        assert_eq!(query.latest(), [("limit", "2"), ("name", "a")]);
    }

    #[test]
    fn integers_parse_as_python_int_does() {
        for (text, value) in [
            ("0", 0),
            ("7", 7),
            (" 12 ", 12),
            ("+3", 3),
            ("-4", -4),
            ("-0", 0),
            ("007", 7),
            ("99999999999999999999999", i64::MAX),
            ("-99999999999999999999999", -i64::MAX),
        ] {
            assert_eq!(parse_integer(text), Some(value), "{text:?}");
        }
        for text in ["", " ", "+", "-", "1.5", "1e3", "0x10", "- 4", "1 2", "abc"] {
            assert_eq!(parse_integer(text), None, "{text:?}");
        }
    }
}
