//! A set of named rules and their evaluation against a target and the
//! caller's credentials, with oslo.policy's lookups: a name without a rule
//! (asked for directly or through `rule:`) takes the `default` rule.
//!
//! Evaluation never recurses without bound: a `rule:` that leads back to a
//! rule being evaluated, or a chain deeper than [`MAX_RULE_DEPTH`], denies
//! and is logged (oslo would overflow Python's stack there).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::parser::Check;
use crate::python::{self, Kind};

/// The rule a name without its own rule falls back to.
pub const DEFAULT_RULE: &str = "default";

/// How many `rule:` references deep an evaluation may go.
pub const MAX_RULE_DEPTH: usize = 100;

/// The caller as checks see it (oslo's credentials). A JSON value is the
/// general form; the API's callers have a typed view of their own
/// (`policy::Caller`) so that no JSON is built per request.
pub trait Credentials {
    /// Whether the credential at the dotted `path`, as text (or any item of
    /// a list on the way), equals `wanted`: oslo's `_find_in_dict`.
    fn matches(&self, path: &[String], wanted: &str) -> bool;
    /// Whether one of the roles, lowercased, is `wanted` (already lowercase).
    fn has_role(&self, wanted: &str) -> bool;
}

impl Credentials for Value {
    fn matches(&self, path: &[String], wanted: &str) -> bool {
        find_in(self, path, wanted)
    }

    fn has_role(&self, wanted: &str) -> bool {
        match self.get("roles") {
            Some(Value::Array(roles)) => roles.iter().any(|role| python::py3_str(role).to_lowercase() == wanted),
            _ => false,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: HashMap<String, Check>,
}

impl RuleSet {
    pub fn new(rules: HashMap<String, Check>) -> RuleSet {
        RuleSet { rules }
    }

    pub fn get(&self, name: &str) -> Option<&Check> {
        self.rules.get(name)
    }

    /// The rule that governs `name`, and the name it is known by.
    fn resolve<'a>(&'a self, name: &'a str) -> Option<(&'a str, &'a Check)> {
        match self.rules.get_key_value(name) {
            Some((name, check)) => Some((name.as_str(), check)),
            None => self
                .rules
                .get_key_value(DEFAULT_RULE)
                .map(|(name, check)| (name.as_str(), check)),
        }
    }

    /// Whether the rule `name` admits `credentials` acting on `target`.
    pub fn allows(&self, name: &str, target: &Map<String, Value>, credentials: &dyn Credentials) -> bool {
        let Some((resolved, check)) = self.resolve(name) else {
            log::debug!("policy rule {name:?} does not exist and there is no {DEFAULT_RULE:?} rule; denied");
            return false;
        };
        let mut evaluation = Evaluation {
            rules: self,
            target,
            credentials,
            path: vec![resolved],
        };
        evaluation.check(check)
    }

    /// Names of rules whose `rule:` references come back to themselves,
    /// and of rules referring to names with no rule, sorted (oslo warns
    /// about both when it loads a file).
    pub fn suspicious(&self) -> (Vec<String>, Vec<String>) {
        let mut cyclic = Vec::new();
        let mut undefined = Vec::new();
        for (name, check) in &self.rules {
            let mut references = Vec::new();
            collect_references(check, &mut references);
            if references.iter().any(|target| !self.rules.contains_key(*target)) {
                undefined.push(name.clone());
            }
            if self.reaches(name, check, &mut HashSet::new()) {
                cyclic.push(name.clone());
            }
        }
        cyclic.sort();
        undefined.sort();
        (cyclic, undefined)
    }

    /// Whether following `rule:` references from `check` (an undefined
    /// name leading to `default`, as in evaluation) comes back to `start`;
    /// `visited` keeps shared sub-rules from being walked twice.
    fn reaches<'a>(&'a self, start: &str, check: &'a Check, visited: &mut HashSet<&'a str>) -> bool {
        let mut references = Vec::new();
        collect_references(check, &mut references);
        for name in references {
            let Some((resolved, next)) = self.resolve(name) else {
                continue;
            };
            if resolved == start {
                return true;
            }
            if visited.insert(resolved) && self.reaches(start, next, visited) {
                return true;
            }
        }
        false
    }
}

fn collect_references<'a>(check: &'a Check, into: &mut Vec<&'a str>) {
    match check {
        Check::Rule(name) => into.push(name),
        Check::Not(inner) => collect_references(inner, into),
        Check::And(checks) | Check::Or(checks) => checks.iter().for_each(|c| collect_references(c, into)),
        _ => {}
    }
}

struct Evaluation<'a> {
    rules: &'a RuleSet,
    target: &'a Map<String, Value>,
    credentials: &'a dyn Credentials,
    /// The rules being evaluated, outermost first.
    path: Vec<&'a str>,
}

impl<'a> Evaluation<'a> {
    fn check(&mut self, check: &'a Check) -> bool {
        match check {
            Check::Allow => true,
            Check::Deny | Check::Remote(_) => false,
            Check::Not(inner) => !self.check(inner),
            Check::And(checks) => checks.iter().all(|c| self.check(c)),
            Check::Or(checks) => checks.iter().any(|c| self.check(c)),
            Check::Rule(name) => self.rule(name),
            Check::Role(template) => self.role(template),
            Check::Generic { subject, template, .. } => self.generic(subject, template),
        }
    }

    fn rule(&mut self, name: &'a str) -> bool {
        let Some((resolved, check)) = self.rules.resolve(name) else {
            return false;
        };
        if self.path.contains(&resolved) || self.path.len() >= MAX_RULE_DEPTH {
            log::error!(
                "policy rule:{name} is part of a cycle or nested too deeply ({} -> {resolved}); denied",
                self.path.join(" -> ")
            );
            return false;
        }
        self.path.push(resolved);
        let allowed = self.check(check);
        self.path.pop();
        allowed
    }

    /// The match, after substitution from the target; `None` (no match)
    /// when a key is missing or the template cannot be formatted.
    fn substituted(&self, template: &str) -> Option<String> {
        match python::substitute(template, self.target) {
            Ok(text) => text,
            Err(err) => {
                log::error!("policy check match {}; denied", err.0);
                None
            }
        }
    }

    fn role(&self, template: &str) -> bool {
        let Some(wanted) = self.substituted(template) else {
            return false;
        };
        self.credentials.has_role(&wanted.to_lowercase())
    }

    fn generic(&self, subject: &Kind, template: &str) -> bool {
        let Some(wanted) = self.substituted(template) else {
            return false;
        };
        match subject {
            Kind::Literal(text) => *text == wanted,
            Kind::Path(segments) => self.credentials.matches(segments, &wanted),
            Kind::Unreadable(_) => false,
        }
    }
}

/// Follows `segments` into `value`; a list on the way matches when any of
/// its items does, as oslo's `_find_in_dict`.
fn find_in(value: &Value, segments: &[String], wanted: &str) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return python::py3_str(value) == wanted;
    };
    match value.get(first.as_str()) {
        Some(Value::Array(items)) => items.iter().any(|item| find_in(item, rest, wanted)),
        Some(next) if value.is_object() => find_in(next, rest, wanted),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parser::parse_text;
    use serde_json::json;

    fn rules(pairs: &[(&str, &str)]) -> RuleSet {
        RuleSet::new(
            pairs
                .iter()
                .map(|(name, text)| (name.to_string(), parse_text(text).check))
                .collect(),
        )
    }

    fn member() -> Value {
        json!({"user_id": "u1", "project_id": "p1", "roles": ["Member", "reader"], "is_admin": false,
               "token": {"user": {"domain": {"id": "d1"}}, "groups": [{"name": "g1"}, {"name": "g2"}]}})
    }

    fn target() -> Map<String, Value> {
        json!({"project_id": "p1", "user_id": "u1"})
            .as_object()
            .unwrap()
            .clone()
    }

    fn allows(set: &RuleSet, name: &str) -> bool {
        set.allows(name, &target(), &member())
    }

    fn allows_text(text: &str) -> bool {
        allows(&rules(&[("x", text)]), "x")
    }

    #[test]
    fn upstream_defaults_behave_as_upstream() {
        let set = rules(&[
            ("context_is_admin", "role:admin"),
            ("admin_or_owner", "is_admin:True or project_id:%(project_id)s"),
            ("default", "rule:admin_or_owner"),
            ("admin_api", "is_admin:True"),
            ("cg:create", "rule:default"),
            ("cg:reset", "rule:admin_api"),
        ]);
        assert!(allows(&set, "cg:create"));
        assert!(!allows(&set, "cg:reset"));
        let admin = json!({"project_id": "other", "roles": ["admin"], "is_admin": true});
        assert!(set.allows("cg:reset", &target(), &admin));
        assert!(set.allows("cg:create", &target(), &admin));
        let stranger = json!({"project_id": "p2", "roles": [], "is_admin": false});
        assert!(!set.allows("cg:create", &target(), &stranger));
    }

    #[test]
    fn roles_match_without_case_and_after_substitution() {
        assert!(allows_text("role:member"));
        assert!(allows_text("role:READER"));
        assert!(!allows_text("role:admin"));
        assert!(allows_text("role:%(user_id)s or role:reader"));
        assert!(!allows_text("role:%(nothing)s"), "a missing target key is no match");
        let no_roles = json!({"project_id": "p1"});
        assert!(!rules(&[("x", "role:member")]).allows("x", &target(), &no_roles));
    }

    #[test]
    fn generic_checks_compare_text() {
        assert!(allows_text("project_id:%(project_id)s"));
        assert!(allows_text("user_id:u1"));
        assert!(!allows_text("user_id:U1"), "only roles ignore case");
        assert!(allows_text("is_admin:False"));
        assert!(!allows_text("is_admin:True"));
        assert!(!allows_text("project_id:%(missing)s"));
        assert!(!allows_text("nothing_there:x"), "a missing credential is no match");
        // Dotted paths, and lists on the way match any item.
        assert!(allows_text("token.user.domain.id:d1"));
        assert!(allows_text("token.groups.name:g2"));
        assert!(!allows_text("token.groups.name:g3"));
        assert!(allows_text("roles:reader"), "a list credential matches any item");
        assert!(!allows_text("roles:READER"));
        assert!(!allows_text("user_id.deeper:u1"), "cannot index into text");
    }

    #[test]
    fn literal_left_sides_compare_with_the_substituted_match() {
        assert!(allows_text("'p1':%(project_id)s"));
        assert!(!allows_text("'p2':%(project_id)s"));
        assert!(allows_text("True:True"));
        assert!(allows_text("20:20"));
        assert!(allows_text("0x14:20"));
        assert!(allows_text("1.50:1.5"));
        assert!(!allows_text("007:7"), "unreadable literals deny");
    }

    #[test]
    fn combinators_and_constants() {
        assert!(allows_text("@"));
        assert!(!allows_text("!"));
        assert!(allows_text(""));
        assert!(allows_text("not role:admin"));
        assert!(!allows_text("role:admin and role:member"));
        assert!(allows_text("role:admin or role:member"));
        assert!(allows_text("! or @ and role:member"), "and binds tighter than or");
        assert!(!allows_text("(! or @) and role:admin"));
        assert!(!allows_text("http://policy.example.com/check"));
        assert!(!allows_text("role:member nonsense"));
    }

    #[test]
    fn missing_names_fall_back_to_default_directly_and_through_rule() {
        let set = rules(&[("default", "role:member"), ("x", "rule:nowhere")]);
        assert!(allows(&set, "unknown"));
        assert!(allows(&set, "x"));
        let set = rules(&[("default", "!"), ("x", "rule:nowhere")]);
        assert!(!allows(&set, "unknown"));
        assert!(!allows(&set, "x"));
        let without_default = rules(&[("x", "rule:nowhere or rule:y"), ("y", "@")]);
        assert!(!allows(&without_default, "unknown"));
        assert!(allows(&without_default, "x"));
    }

    #[test]
    fn cycles_deny_instead_of_overflowing() {
        let set = rules(&[
            ("a", "rule:b"),
            ("b", "rule:a"),
            ("c", "@ or rule:c"),
            ("d", "rule:d or @"),
        ]);
        assert!(!allows(&set, "a"));
        assert!(allows(&set, "c"), "short-circuit never reaches the cycle");
        assert!(allows(&set, "d"), "the cyclic branch denies, the other allows");
        // A missing name falls back to a default that refers to it.
        let set = rules(&[("default", "rule:nowhere")]);
        assert!(!allows(&set, "anything"));
        let (cyclic, undefined) = set.suspicious();
        assert_eq!(cyclic, ["default"]);
        assert_eq!(undefined, ["default"]);
    }

    #[test]
    fn deep_chains_are_cut_off() {
        let names: Vec<(String, String)> = (0..300)
            .map(|i| (format!("r{i}"), format!("rule:r{}", i + 1)))
            .chain([("r300".to_string(), "@".to_string())])
            .collect();
        let pairs: Vec<(&str, &str)> = names.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let set = rules(&pairs);
        assert!(allows(&set, "r250"), "a chain of 50 is fine");
        assert!(!allows(&set, "r0"), "a chain of 300 is cut off");
    }

    #[test]
    fn suspicious_rules_are_named() {
        let set = rules(&[
            ("a", "rule:b"),
            ("b", "rule:a"),
            ("c", "rule:a"),
            ("d", "rule:missing or @"),
            ("e", "not (@ and rule:e)"),
        ]);
        let (cyclic, undefined) = set.suspicious();
        assert_eq!(cyclic, ["a", "b", "e"]);
        assert_eq!(undefined, ["d"]);
    }
}
