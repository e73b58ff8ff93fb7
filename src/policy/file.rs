//! The operator's policy file (`[oslo_policy] policy_file`): reading it
//! (YAML, of which JSON is a subset) and watching it for changes.
//!
//! The file maps policy names to rules, each a text in the policy language
//! or the legacy list of lists. Anything that is not that mapping is a
//! broken file: refused at start-up, and ignored (the rules in force stay)
//! when it shows up on a reload.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Weak;
use std::time::{Duration, SystemTime};

use yaml_serde::Value;

use super::parser::{parse_list, parse_text, ListEntry, Parsed};
use super::Enforcer;

/// How often the watcher looks at the file. A change is taken once it
/// has stood still for one period, so a file caught half written is not
/// read (a writer should still replace it atomically: write, then rename).
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("policy file {} does not exist", .0.display())]
    Missing(PathBuf),
    #[error("cannot read policy file {path}: {source}", path = .0.display(), source = .1)]
    Unreadable(PathBuf, std::io::Error),
    #[error("policy file {path} is broken: {reason}", path = .0.display(), reason = .1)]
    Broken(PathBuf, String),
}

/// The rules of the file at `path`, each with what was wrong with it.
pub fn read(path: &Path) -> Result<Vec<(String, Parsed)>, FileError> {
    let text = std::fs::read_to_string(path).map_err(|err| match err.kind() {
        ErrorKind::NotFound => FileError::Missing(path.to_path_buf()),
        _ => FileError::Unreadable(path.to_path_buf(), err),
    })?;
    parse_document(&text).map_err(|reason| FileError::Broken(path.to_path_buf(), reason))
}

/// A policy document: a mapping of names to rules (an empty document has
/// no rules).
pub fn parse_document(text: &str) -> Result<Vec<(String, Parsed)>, String> {
    let document: Value = yaml_serde::from_str(text).map_err(|err| err.to_string())?;
    let mapping = match document {
        Value::Null => return Ok(Vec::new()),
        Value::Mapping(mapping) => mapping,
        other => {
            return Err(format!(
                "expected a mapping of policy names to rules, found {}",
                shape(&other)
            ))
        }
    };
    let mut rules = Vec::with_capacity(mapping.len());
    for (key, value) in mapping {
        let Value::String(name) = key else {
            log::warn!("policy file: ignoring the rule under a key that is not a string ({key:?})");
            continue;
        };
        rules.push((name.clone(), parse_value(&name, value)?));
    }
    Ok(rules)
}

fn parse_value(name: &str, value: Value) -> Result<Parsed, String> {
    match value {
        Value::String(text) => Ok(parse_text(&text)),
        // oslo reads a null rule as an empty list: always allowed.
        Value::Null => {
            log::warn!("policy file: rule {name:?} is empty (null), which allows everyone");
            Ok(parse_list(&[]))
        }
        Value::Sequence(items) => {
            let entries = items
                .into_iter()
                .map(|item| match item {
                    Value::Null => Ok(ListEntry::Skip),
                    Value::String(text) if text.is_empty() => Ok(ListEntry::Skip),
                    Value::String(text) => Ok(ListEntry::AllOf(vec![Some(text)])),
                    Value::Sequence(inner) if inner.is_empty() => Ok(ListEntry::Skip),
                    Value::Sequence(inner) => Ok(ListEntry::AllOf(
                        inner
                            .into_iter()
                            .map(|atom| match atom {
                                Value::String(text) => Some(text),
                                _ => None,
                            })
                            .collect(),
                    )),
                    other => Err(format!(
                        "rule {name:?}: a list rule holds {}, not a string or a list of strings",
                        shape(&other)
                    )),
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(parse_list(&entries))
        }
        other => Err(format!(
            "rule {name:?} is {}, not a string or a list of lists",
            shape(&other)
        )),
    }
}

fn shape(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// What identifies one version of the file: a rewrite in place changes the
/// time or size, a replacement by rename changes the inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    modified: Option<SystemTime>,
    len: u64,
    inode: (u64, u64),
}

/// The file's signature now; `None` when it cannot be seen.
pub fn signature(path: &Path) -> Option<Signature> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        (metadata.dev(), metadata.ino())
    };
    #[cfg(not(unix))]
    let inode = (0, 0);
    Some(Signature {
        modified: metadata.modified().ok(),
        len: metadata.len(),
        inode,
    })
}

/// Starts a thread that reloads `enforcer`'s rules whenever the file at
/// `path` changes, until the enforcer is dropped. `loaded` is the version
/// the enforcer holds now.
pub fn watch(enforcer: Weak<Enforcer>, path: PathBuf, loaded: Option<Signature>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("policy-watch".into())
        .spawn(move || {
            let mut watcher = Watcher {
                path,
                loaded,
                seen: loaded,
            };
            loop {
                std::thread::sleep(POLL_INTERVAL);
                let Some(enforcer) = enforcer.upgrade() else {
                    return;
                };
                watcher.poll(&enforcer);
            }
        })
        .map(|_| ())
}

struct Watcher {
    path: PathBuf,
    /// The version the rules in force came from (or last failed to).
    loaded: Option<Signature>,
    /// The version seen one period ago.
    seen: Option<Signature>,
}

impl Watcher {
    fn poll(&mut self, enforcer: &Enforcer) {
        let now = signature(&self.path);
        let settled = now == self.seen;
        self.seen = now;
        if now == self.loaded || !settled {
            return;
        }
        if now.is_none() {
            self.loaded = None;
            log::warn!(
                "policy file {} is gone; the rules in force stay until it is back",
                self.path.display()
            );
            return;
        }
        let result = read(&self.path);
        if signature(&self.path) != now {
            return; // changed while being read: next time
        }
        self.loaded = now;
        match result {
            Ok(rules) => {
                enforcer.install(rules);
                log::info!("policy file {} reloaded", self.path.display());
            }
            Err(err) => log::error!("{err}; the rules in force stay"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(document: &str) -> Vec<(String, String)> {
        parse_document(document)
            .unwrap()
            .into_iter()
            .map(|(name, parsed)| (name, parsed.check.to_string()))
            .collect()
    }

    #[test]
    fn yaml_and_json_documents() {
        assert_eq!(
            texts("\"a\": \"role:x\"\nb: rule:a or @\n"),
            [("a".into(), "role:x".into()), ("b".into(), "(rule:a or @)".into())]
        );
        assert_eq!(
            texts("{\"a\": \"role:x\", \"b\": \"\"}"),
            [("a".into(), "role:x".into()), ("b".into(), "@".into())]
        );
        assert!(texts("").is_empty());
        assert!(texts("# only a comment\n").is_empty());
    }

    #[test]
    fn list_rules_and_nulls() {
        assert_eq!(
            texts("a: [[\"role:x\", \"role:y\"], [\"@\"]]\nb: []\nc: [[]]\nd: ~\ne: [\"role:z\", \"\"]\n"),
            [
                ("a".into(), "((role:x and role:y) or @)".into()),
                ("b".into(), "@".into()),
                ("c".into(), "!".into()),
                ("d".into(), "@".into()),
                ("e".into(), "role:z".into()),
            ]
        );
        let parsed = parse_document("a: [[1, \"role:x\"]]").unwrap();
        assert_eq!(parsed[0].1.check.to_string(), "(! and role:x)");
        assert_eq!(parsed[0].1.problems.len(), 1);
    }

    #[test]
    fn broken_documents_say_what_is_wrong() {
        for (document, expected) in [
            ("a: [unclosed", "did not find expected"),
            (
                "- a\n- b\n",
                "expected a mapping of policy names to rules, found a list",
            ),
            ("\"a b\"", "found a string"),
            ("a: 5\n", "rule \"a\" is a number, not a string or a list of lists"),
            ("a: {b: c}\n", "rule \"a\" is a mapping"),
            ("a: [5]\n", "rule \"a\": a list rule holds a number"),
            ("a: x\na: y\n", "duplicate entry"),
        ] {
            let err = parse_document(document).unwrap_err();
            assert!(err.contains(expected), "{document:?}: {err}");
        }
    }

    #[test]
    fn read_tells_a_missing_file_from_a_broken_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.yaml");
        assert!(matches!(read(&path), Err(FileError::Missing(_))));
        assert_eq!(signature(&path), None);
        std::fs::write(&path, "a: [").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("policy file {} is broken: ", path.display())),
            "{err}"
        );
        std::fs::write(&path, "a: '@'").unwrap();
        assert_eq!(read(&path).unwrap()[0].1.check.to_string(), "@");
        let before = signature(&path).unwrap();
        std::fs::write(&path, "a: '!'\n").unwrap();
        assert_ne!(signature(&path), Some(before));
    }
}
