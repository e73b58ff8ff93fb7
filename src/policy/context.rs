//! Who is calling: the caller's identity and roles, and the rules to judge
//! them by. The auth layer builds it; services and views read it. It lives
//! with the policy because every policy decision is about it.

use std::sync::Arc;

use crate::policy::Enforcer;

/// Manila's `RequestContext`, cut down to what the API consults.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub request_id: String,
    pub user_id: String,
    pub project_id: String,
    pub roles: Vec<String>,
    /// Decided once, by the auth layer, as Manila does: forced by the
    /// strategy, or `policy.is_admin(&roles)` (`context_is_admin`).
    pub is_admin: bool,
    /// The application's rules, which `policy::enforce` judges by.
    pub policy: Arc<Enforcer>,
}
