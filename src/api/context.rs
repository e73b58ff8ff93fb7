//! Who is calling: the request context every handler receives, built by
//! the auth layer and read back here.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};

use crate::error::Error;

/// Manila's `RequestContext`, cut down to what the API consults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext {
    pub request_id: String,
    pub user_id: String,
    pub project_id: String,
    pub roles: Vec<String>,
    /// Decided once, by the auth layer, as Manila does.
    pub is_admin: bool,
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
