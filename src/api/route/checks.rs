//! The per-request checks a declared route runs before its handler, in
//! Manila's order (reference section 1): method, version headers, body,
//! the action key, URL project, the route's (or action's) version gate.

use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, ALLOW};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use super::body::{body_limit, read_json_body, JsonBody};
use super::Action;
use crate::api::microversion::{write_version_headers, RequestVersion, VersionGate};
use crate::error::Error;
use crate::policy::RequestContext;

/// The action a request asked for, and the value under its key.
#[derive(Clone, Debug)]
pub struct ActionCall {
    pub name: &'static str,
    pub body: serde_json::Value,
}

impl FromRequest for ActionCall {
    type Error = Error;
    type Future = std::future::Ready<Result<ActionCall, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions_mut()
                .remove::<ActionCall>()
                .ok_or_else(|| Error::Internal("handler registered without an action table".into())),
        )
    }
}

/// What the wrapper checks for one resource.
pub(super) struct RouteChecks {
    pub(super) gate: VersionGate,
    pub(super) methods: Vec<Method>,
    pub(super) any_method: bool,
    pub(super) actions: Option<&'static [Action]>,
    pub(super) unimplemented: Vec<Method>,
}

pub(super) async fn admit(
    route: Rc<RouteChecks>,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !route.any_method && !route.methods.contains(req.method()) {
        let method = req.method().to_string();
        let allow = route.methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
        let mut response = req.error_response(Error::MethodNotAllowed(method));
        if let Ok(allow) = HeaderValue::from_str(&allow) {
            response.headers_mut().insert(ALLOW, allow);
        }
        return Ok(response);
    }

    let version = match route.gate.negotiate(req.headers()) {
        Ok(version) => version,
        Err(err) => {
            let echoed = match &err {
                Error::VersionNotSupported { requested, .. } => Some(requested.clone()),
                _ => None,
            };
            let mut response = req.error_response(err);
            if let Some(requested) = echoed {
                write_version_headers(response.headers_mut(), &requested);
            }
            return Ok(response);
        }
    };

    if route.unimplemented.contains(req.method()) {
        let mut response = req.error_response(Error::RouteNotFound);
        version.write_headers(response.headers_mut());
        return Ok(response);
    }

    let mut response = match check_request(&route, &version, &mut req).await {
        Ok(()) => {
            req.extensions_mut().insert(version);
            next.call(req).await?.map_into_boxed_body()
        }
        Err(err) => req.error_response(err),
    };
    version.write_headers(response.headers_mut());
    Ok(response)
}

/// Steps 4 to 7 of the reference's pipeline, in that order, so the same
/// mistakes win as in Manila: the action key, then a broken body, then a
/// wrong project, then a version the route (or action) does not answer.
async fn check_request(route: &RouteChecks, version: &RequestVersion, req: &mut ServiceRequest) -> Result<(), Error> {
    let limit = body_limit(req)?;
    let body = read_json_body(req, limit).await?;
    let gate = match route.actions {
        Some(table) => {
            let call = pick_action(table, body)?;
            let gate = table
                .iter()
                .find(|action| action.name == call.name)
                .map(|action| action.gate)
                .unwrap_or(route.gate);
            req.extensions_mut().insert(call);
            gate
        }
        None => {
            req.extensions_mut().insert(body);
            route.gate
        }
    };

    if let Some(project_id) = req.match_info().get("project_id") {
        let extensions = req.extensions();
        let context = extensions
            .get::<RequestContext>()
            .ok_or_else(|| Error::Internal("route registered outside the auth layer".into()))?;
        if context.project_id != project_id {
            return Err(Error::ProjectMismatch);
        }
    }

    if gate.admits(version) {
        Ok(())
    } else {
        Err(Error::RouteNotFound)
    }
}

/// Manila's action peek: exactly one top-level key, which must name an
/// action of this URL in some version (the version is checked later).
fn pick_action(table: &'static [Action], body: JsonBody) -> Result<ActionCall, Error> {
    let Some(body) = body.0 else {
        return Err(Error::Invalid("There is no such action: None".into()));
    };
    let serde_json::Value::Object(object) = body else {
        return Err(Error::MalformedBody);
    };
    let mut entries = object.into_iter();
    let (Some((key, value)), None) = (entries.next(), entries.next()) else {
        return Err(Error::MalformedBody);
    };
    table
        .iter()
        .find(|action| action.name == key)
        .map(|action| ActionCall {
            name: action.name,
            body: value,
        })
        .ok_or_else(|| Error::Invalid(format!("There is no such action: {key}")))
}
