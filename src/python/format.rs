//! `%`-formatting a policy match against the target, as Python 3 does with
//! a dict: `%(key)s`, `%(key)r` and `%%`.

use serde_json::{Map, Value};

use super::{py3_repr, py3_str};

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
            Some('s') => target.get(key).map(py3_str),
            Some('r') | Some('a') => target.get(key).map(py3_repr),
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
