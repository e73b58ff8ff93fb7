//! Authentication: turns the caller's credentials into a [`RequestContext`]
//! for everything under `/v1` and `/v2`, and stamps the request id on the
//! JSON answers Manila stamps it on.

pub mod keystone;
pub mod noauth;
mod token_cache;

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use crate::api::pipeline::{stamp_request_id, RequestId};
use crate::api::state::HttpState;
use crate::config::AuthStrategy;
use crate::error::Error;
use crate::policy::Enforcer;
use crate::policy::RequestContext;

/// What an auth strategy makes of a request.
pub enum Identity {
    Caller(RequestContext),
    /// The request is answered by the auth layer itself.
    Answer(actix_web::HttpResponse),
}

pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<HttpState>>()
        .cloned()
        .ok_or_else(|| Error::Internal("application state missing".into()))?;
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .ok_or_else(|| Error::Internal("request id missing".into()))?;
    let policy = state.policy.clone();
    let identity = match state.config.auth_strategy {
        AuthStrategy::NoAuth => noauth::identify(req.request(), request_id, noauth::Admins::Everyone, policy),
        AuthStrategy::NoAuth2 => noauth::identify(req.request(), request_id, noauth::Admins::UserNamedAdmin, policy),
        AuthStrategy::Keystone => match state.keystone.identify(req.request()).await? {
            Some(owner) => Identity::Caller(caller(owner, request_id, policy)),
            None => Identity::Answer(state.keystone.reject()),
        },
    };
    let context = match identity {
        Identity::Caller(context) => context,
        Identity::Answer(response) => return Ok(req.into_response(response)),
    };
    let request_id = context.request_id.clone();
    req.extensions_mut().insert(context);

    let mut response = next.call(req).await?.map_into_boxed_body();
    if is_json(response.headers()) {
        stamp_request_id(response.headers_mut(), &request_id);
    }
    Ok(response)
}

/// The context of a Keystone-validated caller: its roles are the token's,
/// and the policy's `context_is_admin` decides whether it is an
/// administrator (by default: has the role `admin`, in any case).
fn caller(owner: keystone::TokenOwner, request_id: String, policy: Arc<Enforcer>) -> RequestContext {
    let is_admin = policy.is_admin(&owner.roles);
    RequestContext {
        request_id,
        user_id: owner.user_id,
        project_id: owner.project_id,
        roles: owner.roles,
        is_admin,
        policy,
    }
}

/// Manila stamps its request id on the bodies it builds (dicts and faults),
/// not on empty answers; a JSON content type is exactly that set.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}
