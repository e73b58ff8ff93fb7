//! Who is calling: the request context every handler receives, built by
//! the auth layer and read back here.

use std::future::{ready, Ready};
use std::sync::Arc;

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};

use crate::error::Error;
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

impl FromRequest for RequestContext {
    type Error = Error;
    type Future = Ready<Result<RequestContext, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<RequestContext>()
                .cloned()
                .ok_or_else(|| Error::Internal("route registered outside the auth layer".into())),
        )
    }
}
