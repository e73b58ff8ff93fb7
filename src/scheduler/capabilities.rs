//! What a backend pool reports, and whether a share type's extra specs
//! accept it: Manila's `capabilities_satisfied` and `extra_specs_ops`.

use std::collections::BTreeMap;

/// A capability value, typed as Manila's drivers report them: the type
/// decides how a requirement compares (a boolean `True` is not the text
/// `"True"`, a number only meets numeric operators).
#[derive(Clone, Debug, PartialEq)]
pub enum Capability {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl Capability {
    /// Reads a value from configuration the way a driver would report it.
    pub fn from_config(text: &str) -> Capability {
        match text {
            "True" | "true" => Capability::Bool(true),
            "False" | "false" => Capability::Bool(false),
            _ => text
                .parse::<f64>()
                .map(Capability::Number)
                .unwrap_or_else(|_| Capability::Text(text.to_string())),
        }
    }

    fn as_number(&self) -> Option<f64> {
        match self {
            Capability::Bool(value) => Some(f64::from(u8::from(*value))),
            Capability::Number(value) => Some(*value),
            Capability::Text(text) => text.trim().parse().ok(),
        }
    }

    fn as_flag(&self) -> bool {
        match self {
            Capability::Bool(value) => *value,
            Capability::Number(value) => *value == 1.0,
            Capability::Text(text) => is_truthy(text),
        }
    }
}

pub type Capabilities = BTreeMap<String, Capability>;

/// oslo's `bool_from_string` true words.
fn is_truthy(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "1" | "t" | "true" | "on" | "y" | "yes"
    )
}

fn is_falsy(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "0" | "f" | "false" | "off" | "n" | "no"
    )
}

/// Every extra spec is met. Keys scoped with anything but `capabilities:`
/// (vendor hints) are ignored; a capability the pool lacks fails.
pub fn satisfied<'a>(capabilities: &Capabilities, extra_specs: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    extra_specs.into_iter().all(|(key, requirement)| {
        let name = match key.split_once(':') {
            None => key,
            Some(("capabilities", rest)) if !rest.contains(':') => rest,
            Some(_) => return true,
        };
        capabilities.get(name).is_some_and(|value| matches(value, requirement))
    })
}

/// One requirement against one value, with the operators of
/// `extra_specs_ops` (`<is>`, `<in>`, `<or>`, numeric and `s`-string ones).
pub fn matches(value: &Capability, requirement: &str) -> bool {
    let mut words = requirement.split_whitespace();
    let operator = words.next();
    let operand = words.next();
    match (operator, operand) {
        (Some("<or>"), _) => {
            let Capability::Text(text) = value else {
                return false;
            };
            requirement
                .split_whitespace()
                .skip(1)
                .step_by(2)
                .any(|choice| choice == text)
        }
        (Some("<is>"), Some(operand)) => value.as_flag() == is_truthy(operand),
        (Some("<in>"), Some(operand)) => {
            matches!(value, Capability::Text(text) if text.contains(operand))
        }
        (Some(op @ ("=" | ">=" | "<=" | "==" | "!=")), Some(operand)) => {
            let (Some(have), Ok(want)) = (value.as_number(), operand.parse::<f64>()) else {
                return false;
            };
            match op {
                "=" | ">=" => have >= want,
                "<=" => have <= want,
                "==" => have == want,
                _ => have != want,
            }
        }
        (Some(op @ ("s==" | "s!=" | "s<" | "s<=" | "s>" | "s>=")), Some(operand)) => {
            let Capability::Text(text) = value else {
                return op == "s!=";
            };
            let text = text.as_str();
            match op {
                "s==" => text == operand,
                "s!=" => text != operand,
                "s<" => text < operand,
                "s<=" => text <= operand,
                "s>" => text > operand,
                _ => text >= operand,
            }
        }
        (
            Some("<is>" | "<in>" | "=" | ">=" | "<=" | "==" | "!=" | "s==" | "s!=" | "s<" | "s<=" | "s>" | "s>="),
            None,
        ) => false,
        _ => match value {
            Capability::Bool(flag) => (is_truthy(requirement) && *flag) || (is_falsy(requirement) && !*flag),
            Capability::Text(text) => text == requirement,
            Capability::Number(_) => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Capability {
        Capability::Text(value.to_string())
    }

    #[test]
    fn plain_requirements_compare_by_type() {
        assert!(matches(&Capability::Bool(false), "False"));
        assert!(matches(&Capability::Bool(true), "true"));
        assert!(!matches(&Capability::Bool(true), "False"));
        assert!(!matches(&Capability::Bool(true), "maybe"));
        assert!(matches(&text("NFS"), "NFS"));
        assert!(!matches(&text("NFS"), "nfs"));
        assert!(!matches(&Capability::Number(10.0), "10"), "a number never equals text");
    }

    #[test]
    fn operators_follow_extra_specs_ops() {
        assert!(matches(&Capability::Bool(true), "<is> True"));
        assert!(matches(&text("yes"), "<is> true"));
        assert!(!matches(&Capability::Bool(false), "<is> True"));
        assert!(matches(&text("host"), "<or> host <or> pool"));
        assert!(matches(&text("pool"), "<or> host <or> pool"));
        assert!(!matches(&Capability::Bool(false), "<or> host <or> pool"));
        assert!(matches(&text("gold-tier"), "<in> gold"));
        assert!(matches(&Capability::Number(100.0), ">= 50"));
        assert!(matches(&Capability::Number(100.0), "= 100"));
        assert!(!matches(&Capability::Number(10.0), "<= 5"));
        assert!(matches(&text("7"), "== 7"));
        assert!(!matches(&text("seven"), "== 7"));
        assert!(matches(&text("b"), "s> a"));
        assert!(
            !matches(&text("b"), "<is>"),
            "an operator without operand never matches"
        );
    }

    #[test]
    fn scoped_keys_are_ignored_unless_capabilities() {
        let capabilities: Capabilities = [("compression".to_string(), Capability::Bool(true))].into();
        assert!(satisfied(&capabilities, [("vendor:thing", "x")]));
        assert!(satisfied(&capabilities, [("capabilities:compression", "<is> True")]));
        assert!(
            !satisfied(&capabilities, [("dedupe", "True")]),
            "a missing capability fails"
        );
        assert!(satisfied(&capabilities, []));
    }

    #[test]
    fn configuration_text_becomes_typed() {
        assert_eq!(Capability::from_config("True"), Capability::Bool(true));
        assert_eq!(Capability::from_config("12"), Capability::Number(12.0));
        assert_eq!(Capability::from_config("gold"), text("gold"));
    }
}
