//! Handlers receive the caller's [`RequestContext`], which the auth layer
//! stored in the request's extensions.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};

use crate::error::Error;
use crate::policy::RequestContext;

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
