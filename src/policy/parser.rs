//! oslo.policy's rule language into a tree of checks.
//!
//! The text form (`role:admin or (project_id:%(project_id)s and not
//! rule:frozen)`) is read with oslo's greedy shift-reduce grammar, so the
//! same texts are accepted and bind the same way: `not` before `and`
//! before `or`, parentheses around anything. The legacy list form
//! (`[["role:a", "role:b"], ["@"]]`: or of ands) is read too.
//!
//! Like oslo, nothing here fails: a text or check it cannot understand
//! becomes a check that denies, and the reason is handed back for the
//! caller to log with the rule's name.

use std::fmt;

use crate::python::{self, Kind};

/// A parsed rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// `@`, `""`, `[]`.
    Allow,
    /// `!`, and whatever could not be understood.
    Deny,
    Not(Box<Check>),
    And(Vec<Check>),
    Or(Vec<Check>),
    /// `rule:<name>`: another rule, by name.
    Rule(String),
    /// `role:<match>`: the match (after substitution from the target) is
    /// one of the caller's roles, ignoring case.
    Role(String),
    /// `<kind>:<match>`: a literal or a credential, as text, equals the
    /// match after substitution from the target.
    Generic {
        kind: String,
        subject: Kind,
        template: String,
    },
    /// `http:` and `https:` ask a remote server; not supported, so deny.
    Remote(String),
}

/// oslo's canonical text of a check (its `__str__`), for logs and tests.
impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, checks: &[Check], word: &str| {
            let parts: Vec<String> = checks.iter().map(Check::to_string).collect();
            write!(f, "({})", parts.join(word))
        };
        match self {
            Check::Allow => f.write_str("@"),
            Check::Deny => f.write_str("!"),
            Check::Not(inner) => write!(f, "not {inner}"),
            Check::And(checks) => join(f, checks, " and "),
            Check::Or(checks) => join(f, checks, " or "),
            Check::Rule(name) => write!(f, "rule:{name}"),
            Check::Role(template) => write!(f, "role:{template}"),
            Check::Generic { kind, template, .. } => write!(f, "{kind}:{template}"),
            Check::Remote(text) => f.write_str(text),
        }
    }
}

/// A parsed rule and what was wrong with its text, if anything.
#[derive(Debug, PartialEq)]
pub struct Parsed {
    pub check: Check,
    pub problems: Vec<String>,
}

/// Deeper nesting than this (parentheses or `not`s) is refused, so that a
/// hostile or mistaken file cannot exhaust the stack when evaluated.
const MAX_NESTING: usize = 64;

/// Reads a rule written in the policy language.
pub fn parse_text(text: &str) -> Parsed {
    let mut problems = Vec::new();
    if text.is_empty() {
        return Parsed {
            check: Check::Allow,
            problems,
        };
    }
    let tokens = tokenize(text, &mut problems);
    let (mut depth, mut deepest, mut nots) = (0usize, 0usize, 0usize);
    for token in &tokens {
        match token {
            Token::Open => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Token::Close => depth = depth.saturating_sub(1),
            Token::Not => nots += 1,
            _ => {}
        }
    }
    if deepest > MAX_NESTING || nots > MAX_NESTING {
        problems.push(format!(
            "cannot understand rule {text:?}: nested more than {MAX_NESTING} levels deep; it denies"
        ));
        return Parsed {
            check: Check::Deny,
            problems,
        };
    }
    let mut state = Stack::default();
    for token in tokens {
        state.shift(token);
    }
    match state.result() {
        Some(check) => Parsed { check, problems },
        None => {
            problems.push(format!("cannot understand rule {text:?}; it denies"));
            Parsed {
                check: Check::Deny,
                problems,
            }
        }
    }
}

/// One entry of the legacy list form's outer list.
#[derive(Clone, Debug, PartialEq)]
pub enum ListEntry {
    /// An empty string, an empty list or a null: skipped, as oslo does.
    Skip,
    /// Checks that must all pass; `None` for an element that is not a
    /// string (it denies).
    AllOf(Vec<Option<String>>),
}

/// Reads the legacy list-of-lists form: any entry passing allows, an entry
/// passes when all its checks do. `[]` allows; a list of nothing but
/// skipped entries denies (oslo's quirk, kept).
pub fn parse_list(entries: &[ListEntry]) -> Parsed {
    let mut problems = Vec::new();
    if entries.is_empty() {
        return Parsed {
            check: Check::Allow,
            problems,
        };
    }
    let mut any_of: Vec<Check> = entries
        .iter()
        .filter_map(|entry| match entry {
            ListEntry::Skip => None,
            ListEntry::AllOf(atoms) => {
                let mut all_of: Vec<Check> = atoms
                    .iter()
                    .map(|atom| match atom {
                        Some(text) => parse_atom(text, &mut problems),
                        None => {
                            problems.push("a list rule holds something that is not a string; it denies".into());
                            Check::Deny
                        }
                    })
                    .collect();
                Some(if all_of.len() == 1 {
                    all_of.remove(0)
                } else {
                    Check::And(all_of)
                })
            }
        })
        .collect();
    let check = match any_of.len() {
        0 => Check::Deny,
        1 => any_of.remove(0),
        _ => Check::Or(any_of),
    };
    Parsed { check, problems }
}

/// One check without operators: `!`, `@`, `kind:match`.
fn parse_atom(text: &str, problems: &mut Vec<String>) -> Check {
    match text {
        "!" => return Check::Deny,
        "@" => return Check::Allow,
        _ => {}
    }
    let Some((kind, template)) = text.split_once(':') else {
        problems.push(format!(
            "cannot understand check {text:?} (expected kind:match); it denies"
        ));
        return Check::Deny;
    };
    match kind {
        "rule" => Check::Rule(template.to_string()),
        "role" => Check::Role(template.to_string()),
        "http" | "https" => {
            problems.push(format!("{text:?}: http and https checks are not supported; it denies"));
            Check::Remote(text.to_string())
        }
        _ => {
            let subject = python::kind_of(kind);
            if let Kind::Unreadable(reason) = &subject {
                problems.push(format!("check {text:?}: {reason}; it denies"));
            }
            Check::Generic {
                kind: kind.to_string(),
                subject,
                template: template.to_string(),
            }
        }
    }
}

#[derive(Debug)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    /// A quoted word; oslo tokenizes it but no grammar rule takes it.
    Quoted,
    Check(Check),
    AndExpr(Vec<Check>),
    OrExpr(Vec<Check>),
}

/// Words are split at whitespace; parentheses are peeled off a word's
/// ends only, since `%(key)s` inside a check has its own.
fn tokenize(text: &str, problems: &mut Vec<String>) -> Vec<Token> {
    let mut tokens = Vec::new();
    for word in text.split_whitespace() {
        let inner = word.trim_start_matches('(');
        tokens.extend((0..word.len() - inner.len()).map(|_| Token::Open));
        if inner.is_empty() {
            continue;
        }
        let clean = inner.trim_end_matches(')');
        let closing = inner.len() - clean.len();
        match clean.to_lowercase().as_str() {
            "and" => tokens.push(Token::And),
            "or" => tokens.push(Token::Or),
            "not" => tokens.push(Token::Not),
            "" => {}
            _ => {
                let quoted = inner.len() >= 2
                    && ((inner.starts_with('"') && inner.ends_with('"'))
                        || (inner.starts_with('\'') && inner.ends_with('\'')));
                if quoted {
                    tokens.push(Token::Quoted);
                } else {
                    tokens.push(Token::Check(parse_atom(clean, problems)));
                }
            }
        }
        tokens.extend((0..closing).map(|_| Token::Close));
    }
    tokens
}

/// oslo's parse state: every shifted token is followed by as many
/// reductions as apply, looking at the top three tokens, then two.
#[derive(Default)]
struct Stack(Vec<Token>);

impl Stack {
    fn shift(&mut self, token: Token) {
        self.0.push(token);
        while self.reduce_three() || self.reduce_two() {}
    }

    fn reduce_three(&mut self) -> bool {
        let n = self.0.len();
        if n < 3 {
            return false;
        }
        let is_expr = |token: &Token| matches!(token, Token::Check(_) | Token::AndExpr(_) | Token::OrExpr(_));
        let (left, middle, right) = (&self.0[n - 3], &self.0[n - 2], &self.0[n - 1]);
        let applies = match (left, middle, right) {
            (Token::Open, inner, Token::Close) => is_expr(inner),
            (Token::Check(_) | Token::AndExpr(_) | Token::OrExpr(_), Token::And | Token::Or, Token::Check(_)) => true,
            _ => false,
        };
        if !applies {
            return false;
        }
        let (Some(right), Some(middle), Some(left)) = (self.0.pop(), self.0.pop(), self.0.pop()) else {
            return false;
        };
        let reduced = match (left, middle, right) {
            (Token::Open, inner, Token::Close) => Token::Check(into_check(inner)),
            (Token::Check(a), Token::And, Token::Check(b)) => Token::AndExpr(vec![a, b]),
            (Token::AndExpr(mut all), Token::And, Token::Check(b)) => {
                all.push(b);
                Token::AndExpr(all)
            }
            // `a or b and c`: the and takes the or's last operand.
            (Token::OrExpr(mut any), Token::And, Token::Check(c)) => {
                let joined = match any.pop() {
                    Some(Check::And(mut all)) => {
                        all.push(c);
                        Check::And(all)
                    }
                    Some(last) => Check::And(vec![last, c]),
                    None => c,
                };
                any.push(joined);
                Token::OrExpr(any)
            }
            (Token::OrExpr(mut any), Token::Or, Token::Check(b)) => {
                any.push(b);
                Token::OrExpr(any)
            }
            (left, Token::Or, Token::Check(b)) => Token::OrExpr(vec![into_check(left), b]),
            // Not reached: `applies` admitted only the shapes above.
            (left, middle, right) => {
                self.0.extend([left, middle, right]);
                return false;
            }
        };
        self.0.push(reduced);
        true
    }

    fn reduce_two(&mut self) -> bool {
        let n = self.0.len();
        if n < 2 || !matches!((&self.0[n - 2], &self.0[n - 1]), (Token::Not, Token::Check(_))) {
            return false;
        }
        let Some(Token::Check(inner)) = self.0.pop() else {
            return false;
        };
        self.0.pop();
        self.0.push(Token::Check(Check::Not(Box::new(inner))));
        true
    }

    /// The whole text reduced to one expression, or `None`.
    fn result(mut self) -> Option<Check> {
        if self.0.len() != 1 {
            return None;
        }
        match self.0.pop()? {
            token @ (Token::Check(_) | Token::AndExpr(_) | Token::OrExpr(_)) => Some(into_check(token)),
            _ => None,
        }
    }
}

fn into_check(token: Token) -> Check {
    match token {
        Token::Check(check) => check,
        Token::AndExpr(all) => Check::And(all),
        Token::OrExpr(any) => Check::Or(any),
        // Only expression tokens are ever passed here.
        _ => Check::Deny,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> String {
        let parsed = parse_text(text);
        assert!(parsed.problems.is_empty(), "{text:?}: {:?}", parsed.problems);
        parsed.check.to_string()
    }

    fn fails(text: &str) -> Vec<String> {
        let parsed = parse_text(text);
        assert_eq!(parsed.check, Check::Deny, "{text:?}");
        assert!(!parsed.problems.is_empty(), "{text:?} should report a problem");
        parsed.problems
    }

    #[test]
    fn single_checks() {
        assert_eq!(parse_text("").check, Check::Allow);
        assert_eq!(parse_text("@").check, Check::Allow);
        assert_eq!(parse_text("!").check, Check::Deny);
        assert_eq!(parse_text("rule:admin_api").check, Check::Rule("admin_api".into()));
        assert_eq!(parse_text("role:admin").check, Check::Role("admin".into()));
        assert_eq!(
            parse_text("project_id:%(project_id)s").check,
            Check::Generic {
                kind: "project_id".into(),
                subject: Kind::Path(vec!["project_id".into()]),
                template: "%(project_id)s".into()
            }
        );
        assert_eq!(
            parse_text("is_admin:True").check,
            Check::Generic {
                kind: "is_admin".into(),
                subject: Kind::Path(vec!["is_admin".into()]),
                template: "True".into()
            }
        );
        // The match keeps everything after the first colon.
        assert_eq!(
            parse_text("role:compute:admin").check,
            Check::Role("compute:admin".into())
        );
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        assert_eq!(tree("a:1 or b:2 and c:3"), "(a:1 or (b:2 and c:3))");
        assert_eq!(tree("a:1 and b:2 or c:3"), "((a:1 and b:2) or c:3)");
        assert_eq!(tree("a:1 or b:2 and c:3 and d:4"), "(a:1 or (b:2 and c:3 and d:4))");
        assert_eq!(
            tree("a:1 and b:2 or c:3 and d:4 or e:5"),
            "((a:1 and b:2) or (c:3 and d:4) or e:5)"
        );
        assert_eq!(tree("not a:1 and b:2"), "(not a:1 and b:2)");
        assert_eq!(tree("a:1 or not b:2 and c:3"), "(a:1 or (not b:2 and c:3))");
        assert_eq!(tree("not not a:1"), "not not a:1");
        assert_eq!(tree("a:1 and b:2 and c:3"), "(a:1 and b:2 and c:3)");
        assert_eq!(tree("a:1 or b:2 or c:3"), "(a:1 or b:2 or c:3)");
    }

    #[test]
    fn parentheses_group_and_keywords_ignore_case() {
        assert_eq!(tree("(a:1 or b:2) and c:3"), "((a:1 or b:2) and c:3)");
        assert_eq!(tree("not (a:1 or b:2)"), "not (a:1 or b:2)");
        assert_eq!(tree("((a:1))"), "a:1");
        assert_eq!(tree("(a:1 AND b:2) Or NOT c:3"), "((a:1 and b:2) or not c:3)");
        assert_eq!(
            tree("(role:admin or project_id:%(project_id)s)"),
            "(role:admin or project_id:%(project_id)s)"
        );
        assert_eq!(tree("a:1   or\n\tb:2"), "(a:1 or b:2)");
    }

    #[test]
    fn text_that_does_not_reduce_denies_and_says_why() {
        for text in [
            "a:1 b:2",
            "a:1 and",
            "or a:1",
            "(a:1",
            "a:1)",
            "()",
            "not",
            "'quoted'",
            "a:1 and 'quoted'",
            "   ",
        ] {
            fails(text);
        }
        let problems = fails("nonsense");
        assert!(problems[0].contains("\"nonsense\""), "{problems:?}");
        assert_eq!(problems.len(), 1, "a bare word is only a bad check: {problems:?}");
    }

    #[test]
    fn bad_checks_deny_inside_a_good_expression() {
        let parsed = parse_text("nonsense or role:admin");
        assert_eq!(parsed.check, Check::Or(vec![Check::Deny, Check::Role("admin".into())]));
        assert_eq!(parsed.problems.len(), 1);
        let parsed = parse_text("007:%(x)s or @");
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
    }

    #[test]
    fn http_checks_are_refused() {
        let parsed = parse_text("http://example.com/%(name)s");
        assert_eq!(parsed.check, Check::Remote("http://example.com/%(name)s".into()));
        assert!(parsed.problems[0].contains("not supported"), "{:?}", parsed.problems);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}a:1{}", "(".repeat(100), ")".repeat(100));
        assert!(fails(&deep)[0].contains("nested"));
        let nots = format!("{}a:1", "not ".repeat(100));
        fails(&nots);
        let fine = format!("{}a:1{}", "(".repeat(60), ")".repeat(60));
        assert_eq!(tree(&fine), "a:1");
    }

    #[test]
    fn list_form_is_an_or_of_ands() {
        let all = |atoms: &[&str]| ListEntry::AllOf(atoms.iter().map(|a| Some(a.to_string())).collect());
        assert_eq!(parse_list(&[]).check, Check::Allow);
        assert_eq!(parse_list(&[ListEntry::Skip]).check, Check::Deny);
        assert_eq!(parse_list(&[all(&["role:a"])]).check, Check::Role("a".into()));
        assert_eq!(
            parse_list(&[all(&["role:a", "role:b"]), ListEntry::Skip, all(&["@"])])
                .check
                .to_string(),
            "((role:a and role:b) or @)"
        );
        let parsed = parse_list(&[ListEntry::AllOf(vec![None, Some("role:a".into())])]);
        assert_eq!(parsed.check.to_string(), "(! and role:a)");
        assert_eq!(parsed.problems.len(), 1);
        let parsed = parse_list(&[all(&["nonsense"])]);
        assert_eq!(parsed.check, Check::Deny);
        assert_eq!(parsed.problems.len(), 1);
    }
}
