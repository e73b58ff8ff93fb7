//! Authorization: every API operation asks [`enforce`] with upstream's
//! policy name before it looks at the request body (reference section 12).
//!
//! The rules are oslo.policy's: the defaults in code ([`defaults`]),
//! overridden name by name by the operator's policy file, re-read when it
//! changes ([`file`]), in oslo's language ([`parser`]) and evaluated with
//! oslo's semantics ([`rules`]). Each application has its own
//! [`Enforcer`]; the auth layer hands it to every request in the
//! [`RequestContext`].
//!
//! As upstream passes the caller's own project as the target,
//! `rule:default` admits any caller with a project; ownership of a
//! resource is enforced by the database lookups, not here.

mod context;
pub mod defaults;
pub mod file;
pub mod parser;
pub mod rules;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use serde_json::{json, Map, Value};

use crate::config::PolicyConfig;
use crate::error::{texts, Error};
pub use context::RequestContext;
use parser::Parsed;
use rules::{Credentials, RuleSet};

/// The rule that decides who is an administrator.
pub const CONTEXT_IS_ADMIN: &str = "context_is_admin";

/// The rules in force for one application.
pub struct Enforcer {
    rules: RwLock<Arc<RuleSet>>,
    /// The policy file the rules come from, if one is configured.
    file: Option<PathBuf>,
}

impl std::fmt::Debug for Enforcer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enforcer")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl Enforcer {
    /// The in-code defaults alone.
    pub fn with_defaults() -> Arc<Enforcer> {
        Arc::new(Enforcer::from_file_rules(None, Vec::new()))
    }

    /// The defaults overridden by the rules of a policy document (YAML or
    /// JSON text); for tests and tools.
    pub fn from_document(text: &str) -> Result<Arc<Enforcer>, String> {
        Ok(Arc::new(Enforcer::from_file_rules(None, file::parse_document(text)?)))
    }

    /// The enforcer `[oslo_policy]` asks for, its file watched for changes.
    /// A configured file that is missing, or any file that is broken, is an
    /// error; a missing default file means the defaults alone.
    pub fn from_config(config: &PolicyConfig) -> Result<Arc<Enforcer>, String> {
        let Some(path) = &config.policy_file else {
            return Ok(Enforcer::with_defaults());
        };
        let loaded = file::signature(path);
        let file_rules = match file::read(path) {
            Ok(rules) => {
                log::info!("policy rules from {}", path.display());
                rules
            }
            Err(file::FileError::Missing(_)) if !config.required => {
                log::info!(
                    "no policy file at {}: the default rules apply until one appears",
                    path.display()
                );
                Vec::new()
            }
            Err(err) => return Err(err.to_string()),
        };
        let enforcer = Arc::new(Enforcer::from_file_rules(Some(path.clone()), file_rules));
        file::watch(Arc::downgrade(&enforcer), path.clone(), loaded)
            .map_err(|err| format!("cannot start watching the policy file: {err}"))?;
        Ok(enforcer)
    }

    fn from_file_rules(file: Option<PathBuf>, file_rules: Vec<(String, Parsed)>) -> Enforcer {
        Enforcer {
            rules: RwLock::new(Arc::new(merge(file_rules))),
            file,
        }
    }

    /// Puts the rules of a (re-read) file in force, over the defaults.
    fn install(&self, file_rules: Vec<(String, Parsed)>) {
        let merged = Arc::new(merge(file_rules));
        match self.rules.write() {
            Ok(mut rules) => *rules = merged,
            Err(poisoned) => *poisoned.into_inner() = merged,
        }
    }

    fn current(&self) -> Arc<RuleSet> {
        match self.rules.read() {
            Ok(rules) => rules.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Whether the rule `action` admits `credentials` acting on `target`.
    pub fn allows(&self, action: &str, target: &Map<String, Value>, credentials: &dyn Credentials) -> bool {
        self.current().allows(action, target, credentials)
    }

    /// `context_is_admin` for a caller with these roles: Manila's
    /// `check_is_admin`, which knows the roles and nothing else. The auth
    /// layer calls it to decide `RequestContext::is_admin`.
    pub fn is_admin(&self, roles: &[String]) -> bool {
        let target = json!({"project_id": ""});
        let credentials = json!({ "roles": roles });
        let target = target.as_object().cloned().unwrap_or_default();
        self.allows(CONTEXT_IS_ADMIN, &target, &credentials)
    }
}

/// The defaults, each replaced by the file's rule of the same name, plus
/// the file's other rules; what was wrong with the file's rules is logged.
fn merge(file_rules: Vec<(String, Parsed)>) -> RuleSet {
    let mut rules: HashMap<String, parser::Check> = defaults::DEFAULTS
        .iter()
        .map(|default| (default.name.to_string(), parser::parse_text(default.check_str).check))
        .collect();
    for (name, parsed) in file_rules {
        for problem in &parsed.problems {
            log::error!("policy rule {name:?}: {problem}");
        }
        rules.insert(name, parsed.check);
    }
    let set = RuleSet::new(rules);
    let (cyclic, undefined) = set.suspicious();
    if !cyclic.is_empty() {
        log::warn!("policy rules {cyclic:?} are part of a cyclical reference and deny where it is reached");
    }
    if !undefined.is_empty() {
        log::warn!("policy rules {undefined:?} refer to rules that are not defined (those fall back to \"default\")");
    }
    set
}

/// The caller as the rules see it (oslo's credentials), as JSON: what
/// [`Caller`] answers without building it. `is_admin` is a boolean, so
/// `is_admin:True` compares it as Python's `str(True)`; `user` and
/// `tenant` are the aliases Manila's context has.
pub fn credentials(context: &RequestContext) -> Value {
    json!({
        "user_id": context.user_id,
        "project_id": context.project_id,
        "user": context.user_id,
        "tenant": context.project_id,
        "roles": context.roles,
        "is_admin": context.is_admin,
    })
}

/// [`credentials`] read straight from the context: checks ask for a
/// credential or the roles, and building the JSON for them (and freeing
/// it) on every request cost more than evaluating the rule.
pub struct Caller<'a>(pub &'a RequestContext);

impl Credentials for Caller<'_> {
    fn matches(&self, path: &[String], wanted: &str) -> bool {
        let context = self.0;
        // Every credential is text, a list of text or a boolean, so a
        // longer path indexes into text and never matches.
        let [key] = path else {
            return false;
        };
        match key.as_str() {
            "user_id" | "user" => context.user_id == wanted,
            "project_id" | "tenant" => context.project_id == wanted,
            "roles" => context.roles.iter().any(|role| role == wanted),
            "is_admin" => wanted == if context.is_admin { "True" } else { "False" },
            _ => false,
        }
    }

    fn has_role(&self, wanted: &str) -> bool {
        self.0.roles.iter().any(|role| role.to_lowercase() == wanted)
    }
}

/// What the caller acts on, as upstream passes it: the caller's own
/// project and user (reference section 12.2).
pub fn target(context: &RequestContext) -> Map<String, Value> {
    let mut target = Map::new();
    target.insert("project_id".into(), Value::String(context.project_id.clone()));
    target.insert("user_id".into(), Value::String(context.user_id.clone()));
    target
}

/// Whether `context` may perform `action`.
pub fn allows(context: &RequestContext, action: &str) -> bool {
    context.policy.allows(action, &target(context), &Caller(context))
}

/// Cinder's check: the target is the resource's project (the caller's
/// when there is no resource yet), and a denial is 403 `Policy doesn't
/// allow <action> to be performed.`.
pub fn authorize(context: &RequestContext, action: &str, owner: Option<&str>) -> Result<(), Error> {
    let mut target = target(context);
    if let Some(owner) = owner {
        target.insert("project_id".into(), Value::String(owner.to_string()));
    }
    if context.policy.allows(action, &target, &Caller(context)) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "Policy doesn't allow {action} to be performed."
        )))
    }
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

    fn caller(policy: Arc<Enforcer>, roles: &[&str]) -> RequestContext {
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        RequestContext {
            request_id: "req-x".into(),
            user_id: "u".into(),
            project_id: "p".into(),
            is_admin: policy.is_admin(&roles),
            roles,
            policy,
        }
    }

    #[test]
    fn admin_api_rules_need_an_admin() {
        let defaults = Enforcer::with_defaults();
        assert!(enforce(&caller(defaults.clone(), &[]), "consistency_group:reset_status").is_err());
        assert!(enforce(&caller(defaults.clone(), &["Admin"]), "consistency_group:reset_status").is_ok());
        assert!(enforce(&caller(defaults, &["member"]), "share_type:create").is_err());
    }

    #[test]
    fn default_rules_admit_any_caller_acting_on_its_own_project() {
        let defaults = Enforcer::with_defaults();
        assert!(enforce(&caller(defaults.clone(), &[]), "consistency_group:create").is_ok());
        let mut nobody = caller(defaults, &[]);
        nobody.project_id.clear();
        // The target is the caller's own (empty) project, so even that passes.
        assert!(enforce(&nobody, "consistency_group:create").is_ok());
        assert!(enforce(&nobody, "share:create").is_ok(), "share:create is \"\"");
    }

    #[test]
    fn unknown_names_fall_back_to_default() {
        let strict = Enforcer::from_document("default: '!'").unwrap();
        assert!(!allows(&caller(strict.clone(), &["admin"]), "no_such:rule"));
        assert!(allows(&caller(strict, &[]), "share:create"), "defaults in code stay");
        assert!(allows(&caller(Enforcer::with_defaults(), &[]), "no_such:rule"));
    }

    #[test]
    fn the_file_overrides_defaults_name_by_name() {
        let policy = Enforcer::from_document(
            "context_is_admin: role:cloud-admin\n\
             consistency_group:reset_status: role:storage-operator or rule:admin_api\n",
        )
        .unwrap();
        let operator = caller(policy.clone(), &["Storage-Operator"]);
        assert!(!operator.is_admin);
        assert!(enforce(&operator, "consistency_group:reset_status").is_ok());
        assert!(enforce(&operator, "cgsnapshot:reset_status").is_err());
        let old_admin = caller(policy.clone(), &["admin"]);
        assert!(!old_admin.is_admin, "context_is_admin decides who is admin");
        let cloud_admin = caller(policy, &["cloud-admin"]);
        assert!(cloud_admin.is_admin);
        assert!(enforce(&cloud_admin, "cgsnapshot:reset_status").is_ok());
    }

    #[test]
    fn credentials_and_target_are_the_callers() {
        let context = caller(Enforcer::with_defaults(), &["admin", "member"]);
        assert_eq!(
            credentials(&context),
            json!({"user_id": "u", "project_id": "p", "user": "u", "tenant": "p",
                   "roles": ["admin", "member"], "is_admin": true})
        );
        assert_eq!(
            Value::Object(target(&context)),
            json!({"project_id": "p", "user_id": "u"})
        );
    }

    #[test]
    fn the_typed_caller_answers_as_its_json_credentials() {
        let policy = Enforcer::with_defaults();
        let texts = [
            "role:admin",
            "role:ADMIN",
            "role:member",
            "role:%(project_id)s",
            "roles:admin",
            "roles:Admin",
            "is_admin:True",
            "is_admin:False",
            "is_admin:true",
            "user_id:u",
            "user:u",
            "tenant:p",
            "project_id:%(project_id)s",
            "project_id:%(user_id)s",
            "user_id:%(missing)s",
            "roles.x:admin",
            "user_id.x:u",
            "token.user.id:u",
            "nothing:u",
            "'p':%(project_id)s",
        ];
        for roles in [&[][..], &["admin"], &["Admin", "member"], &["p"]] {
            for project in ["p", "u"] {
                let mut context = caller(policy.clone(), roles);
                context.project_id = project.into();
                let json = credentials(&context);
                for text in texts {
                    let set = RuleSet::new(HashMap::from([("x".to_string(), parser::parse_text(text).check)]));
                    let target = target(&context);
                    assert_eq!(
                        set.allows("x", &target, &Caller(&context)),
                        set.allows("x", &target, &json),
                        "{text} for roles {roles:?}, project {project}"
                    );
                }
            }
        }
    }

    #[test]
    fn denial_text_is_upstreams() {
        let err = enforce(&caller(Enforcer::with_defaults(), &[]), "cgsnapshot:force_delete").unwrap_err();
        assert_eq!(err.to_string(), "Access was denied to this resource.");
    }

    #[test]
    fn a_missing_default_file_means_defaults_and_a_missing_named_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.yaml");
        let optional = PolicyConfig {
            policy_file: Some(path.clone()),
            required: false,
        };
        let enforcer = Enforcer::from_config(&optional).unwrap();
        assert!(!enforcer.is_admin(&["member".into()]));
        let required = PolicyConfig {
            policy_file: Some(path.clone()),
            required: true,
        };
        let err = Enforcer::from_config(&required).unwrap_err();
        assert_eq!(err, format!("policy file {} does not exist", path.display()));
        std::fs::write(&path, "context_is_admin: [oops").unwrap();
        let err = Enforcer::from_config(&optional).unwrap_err();
        assert!(
            err.starts_with(&format!("policy file {} is broken: ", path.display())),
            "{err}"
        );
    }

    #[test]
    fn the_watcher_reloads_and_keeps_the_last_good_rules() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.yaml");
        std::fs::write(&path, "context_is_admin: role:one\n").unwrap();
        let config = PolicyConfig {
            policy_file: Some(path.clone()),
            required: true,
        };
        let enforcer = Enforcer::from_config(&config).unwrap();
        let one = vec!["one".to_string()];
        let two = vec!["two".to_string()];
        assert!(enforcer.is_admin(&one));
        let replace = |text: &str| {
            let staged = dir.path().join("staged");
            std::fs::write(&staged, text).unwrap();
            std::fs::rename(&staged, &path).unwrap();
        };
        let wait_for = |wanted: bool, roles: &[String]| {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while enforcer.is_admin(roles) != wanted {
                assert!(std::time::Instant::now() < deadline, "the rule did not change in time");
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        };
        replace("context_is_admin: role:two\n");
        wait_for(true, &two);
        assert!(!enforcer.is_admin(&one));
        replace("context_is_admin: [broken\n");
        std::thread::sleep(file::POLL_INTERVAL * 3);
        assert!(enforcer.is_admin(&two), "a broken file keeps the last good rules");
        std::fs::remove_file(&path).unwrap();
        std::thread::sleep(file::POLL_INTERVAL * 3);
        assert!(enforcer.is_admin(&two), "a vanished file keeps the last good rules");
        replace("{}");
        wait_for(false, &two);
        assert!(
            enforcer.is_admin(&["admin".to_string()]),
            "an empty file means the defaults"
        );
    }
}
