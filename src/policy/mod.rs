//! Authorization: every API operation asks [`enforce`] with upstream's
//! policy name before it looks at the request body (reference section 12).
//!
//! The rules are upstream's defaults (`etc/manila/policy.json` at the CG-era
//! commit). As upstream passes the caller's own project as the target,
//! `rule:default` admits any caller with a project; ownership of a resource
//! is enforced by the database lookups, not here.

use crate::api::context::RequestContext;
use crate::error::{texts, Error};

/// The shapes of rule the defaults use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `""`: always allowed.
    Anyone,
    /// `rule:default` = `is_admin:True or project_id:%(project_id)s`.
    AdminOrOwner,
    /// `rule:admin_api` = `is_admin:True`.
    AdminApi,
}

impl Rule {
    fn allows(self, context: &RequestContext) -> bool {
        match self {
            Rule::Anyone => true,
            Rule::AdminOrOwner => context.is_admin || !context.project_id.is_empty(),
            Rule::AdminApi => context.is_admin,
        }
    }
}

/// Upstream's default rule for every policy name this server checks.
pub const DEFAULT_RULES: &[(&str, Rule)] = &[
    ("consistency_group:create", Rule::AdminOrOwner),
    ("consistency_group:delete", Rule::AdminOrOwner),
    ("consistency_group:update", Rule::AdminOrOwner),
    ("consistency_group:get", Rule::AdminOrOwner),
    ("consistency_group:get_all", Rule::AdminOrOwner),
    ("consistency_group:force_delete", Rule::AdminApi),
    ("consistency_group:reset_status", Rule::AdminApi),
    ("cgsnapshot:create", Rule::AdminOrOwner),
    ("cgsnapshot:update", Rule::AdminOrOwner),
    ("cgsnapshot:delete", Rule::AdminOrOwner),
    ("cgsnapshot:get_cgsnapshot", Rule::AdminOrOwner),
    ("cgsnapshot:get_all", Rule::AdminOrOwner),
    ("cgsnapshot:force_delete", Rule::AdminApi),
    ("cgsnapshot:reset_status", Rule::AdminApi),
    ("share:create", Rule::Anyone),
    ("share:delete", Rule::AdminOrOwner),
    ("share:get", Rule::AdminOrOwner),
    ("share:get_all", Rule::AdminOrOwner),
    ("share:update", Rule::AdminOrOwner),
    ("share:force_delete", Rule::AdminApi),
    ("share_export_location:index", Rule::AdminOrOwner),
    ("share_export_location:show", Rule::AdminOrOwner),
    ("share_type:index", Rule::AdminOrOwner),
    ("share_type:show", Rule::AdminOrOwner),
    ("share_type:default", Rule::AdminOrOwner),
    ("share_type:create", Rule::AdminApi),
    ("share_type:delete", Rule::AdminApi),
    ("share_types_extra_spec:create", Rule::AdminApi),
    ("share_types_extra_spec:update", Rule::AdminApi),
    ("share_types_extra_spec:show", Rule::AdminApi),
    ("share_types_extra_spec:index", Rule::AdminApi),
    ("share_types_extra_spec:delete", Rule::AdminApi),
    ("share_network:create", Rule::AdminOrOwner),
    ("share_network:delete", Rule::AdminOrOwner),
    ("share_network:update", Rule::AdminOrOwner),
    ("share_network:index", Rule::AdminOrOwner),
    ("share_network:detail", Rule::AdminOrOwner),
    ("share_network:show", Rule::AdminOrOwner),
    ("share_network:get_all_share_networks", Rule::AdminApi),
];

/// A name without a rule falls back to `default`, as in oslo.policy.
fn rule_for(action: &str) -> Rule {
    DEFAULT_RULES
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, rule)| *rule)
        .unwrap_or(Rule::AdminOrOwner)
}

/// Whether `context` may perform `action`.
pub fn allows(context: &RequestContext, action: &str) -> bool {
    rule_for(action).allows(context)
}

/// 403 `Access was denied to this resource.` unless allowed.
pub fn enforce(context: &RequestContext, action: &str) -> Result<(), Error> {
    if allows(context, action) {
        Ok(())
    } else {
        Err(Error::Forbidden(texts::FORBIDDEN.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(is_admin: bool) -> RequestContext {
        RequestContext {
            request_id: "req-x".into(),
            user_id: "u".into(),
            project_id: "p".into(),
            roles: if is_admin { vec!["admin".into()] } else { vec![] },
            is_admin,
        }
    }

    #[test]
    fn admin_api_rules_need_an_admin() {
        assert!(enforce(&caller(false), "consistency_group:reset_status").is_err());
        assert!(enforce(&caller(true), "consistency_group:reset_status").is_ok());
        assert!(enforce(&caller(false), "share_type:create").is_err());
    }

    #[test]
    fn default_rules_admit_any_caller_with_a_project() {
        assert!(enforce(&caller(false), "consistency_group:create").is_ok());
        let mut nobody = caller(false);
        nobody.project_id.clear();
        assert!(enforce(&nobody, "consistency_group:create").is_err());
        assert!(enforce(&nobody, "share:create").is_ok(), "share:create is \"\"");
    }

    #[test]
    fn unknown_names_fall_back_to_default() {
        assert_eq!(rule_for("no_such:rule"), Rule::AdminOrOwner);
    }

    #[test]
    fn denial_text_is_upstreams() {
        let err = enforce(&caller(false), "cgsnapshot:force_delete").unwrap_err();
        assert_eq!(err.to_string(), "Access was denied to this resource.");
    }
}
