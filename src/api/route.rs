//! Declaring a route: its path, the versions it answers and its handlers,
//! in one line of the route table. The wrapper installed here runs
//! Manila's per-request checks in Manila's order (reference section 1):
//! method, version headers, body, URL project, the route's version gate.
//! Every route declared here is also recorded, so that the route table can
//! be listed (for the API reference and its tests) without a second list.

use std::cell::RefCell;
use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::guard;
use actix_web::http::header::{HeaderValue, ALLOW, CONTENT_LENGTH};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::web::{self, ServiceConfig};
use actix_web::{FromRequest, Handler, HttpMessage, HttpRequest, Resource, Responder, Scope};
use futures_util::StreamExt;

use crate::api::microversion::{write_version_headers, RequestVersion, VersionGate};
use crate::api::state::HttpState;
use crate::error::Error;
use crate::policy::RequestContext;

/// One route of the table as it was registered.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Served {
    /// `GET`, `POST`, ...; `*` where the route answers every method.
    pub method: String,
    /// The whole path template, scope included: `/v2/{project_id}/shares/{id}`.
    pub path: String,
    /// Also answered at the path with `.json` appended.
    pub json_twin: bool,
    /// Routed, but always answered 404 `itemNotFound` (see [`ApiResource::unimplemented`]).
    pub unimplemented: bool,
}

/// The routes registered on this thread while [`recorded`] runs, and the
/// scopes being configured (actix runs `configure` closures at once, on
/// the calling thread).
#[derive(Default)]
struct Recording {
    active: bool,
    prefixes: Vec<String>,
    routes: Vec<Served>,
}

thread_local! {
    static RECORDING: RefCell<Recording> = RefCell::new(Recording::default());
}

fn record(method: &str, path: &str, json_twin: bool, unimplemented: bool) {
    RECORDING.with_borrow_mut(|recording| {
        if recording.active {
            let path = format!("{}{}", recording.prefixes.concat(), template(path));
            recording.routes.push(Served {
                method: method.to_string(),
                path,
                json_twin,
                unimplemented,
            });
        }
    });
}

/// An actix path as an OpenAPI template: `{tail:.*}` becomes `{tail}`.
fn template(path: &str) -> String {
    let mut template = String::with_capacity(path.len());
    let mut depth = 0u32;
    let mut in_pattern = false;
    for c in path.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ':' if depth == 1 => in_pattern = true,
            _ => {}
        }
        if depth == 0 {
            in_pattern = false;
        }
        if !in_pattern {
            template.push(c);
        }
    }
    template
}

/// Runs `register` (which builds routes through this module) and returns
/// the routes it registered, in order.
pub fn recorded(register: impl FnOnce()) -> Vec<Served> {
    RECORDING.with_borrow_mut(|recording| {
        *recording = Recording {
            active: true,
            ..Recording::default()
        }
    });
    register();
    RECORDING.with_borrow_mut(|recording| std::mem::take(recording).routes)
}

/// `web::scope(prefix)` with the routes `routes` registers, recorded under `prefix`.
pub fn scope(prefix: &str, routes: impl FnOnce(&mut ServiceConfig)) -> Scope {
    RECORDING.with_borrow_mut(|recording| recording.prefixes.push(prefix.to_string()));
    let scope = web::scope(prefix).configure(routes);
    RECORDING.with_borrow_mut(|recording| recording.prefixes.pop());
    scope
}

/// A route outside the API's per-request checks (version discovery,
/// redirects): a plain actix resource answering `methods`, recorded.
pub fn plain<F, Args>(path: &str, methods: &[Method], handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    let mut resource = web::resource(path);
    for method in methods {
        record(method.as_str(), path, false, false);
        resource = resource.route(web::method(method.clone()).to(handler.clone()));
    }
    resource
}

/// [`plain`] for every method, as oslo's healthcheck answers.
pub fn plain_any<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    record("*", path, false, false);
    web::resource(path).route(web::route().to(handler))
}

/// A resource of the API under construction; see [`resource`].
pub struct ApiResource {
    resource: Resource,
    /// The path as declared, for the record.
    path: String,
    json_twin: bool,
    gate: VersionGate,
    methods: Vec<Method>,
    actions: Option<&'static [Action]>,
    /// Methods Routes maps here whose controller method does not exist.
    unimplemented: Vec<Method>,
    /// Whether other methods are left to the routes registered after this one.
    fall_through: bool,
    any_method: bool,
}

/// One action of an `/action` URL: the body's single key, and the
/// versions it answers (`os-reset_status` until 2.6, `reset_status` from 2.7).
#[derive(Clone, Copy, Debug)]
pub struct Action {
    pub name: &'static str,
    pub gate: VersionGate,
}

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

/// Starts the declaration of a REST resource at `path`, answering the
/// versions `gate` admits. Like upstream's `mapper.resource`, it also
/// answers at `path.json` (the twin is tried first, so `{id}.json` yields
/// the bare id).
pub fn resource(path: &str, gate: VersionGate) -> ApiResource {
    ApiResource {
        resource: web::resource(vec![format!("{path}.json"), path.to_string()]),
        path: path.to_string(),
        json_twin: true,
        gate,
        methods: Vec::new(),
        actions: None,
        unimplemented: Vec::new(),
        fall_through: false,
        any_method: false,
    }
}

/// A route registered with `mapper.connect`: the path alone, no `.json` twin.
pub fn exact(path: &str, gate: VersionGate) -> ApiResource {
    ApiResource {
        resource: web::resource(path),
        path: path.to_string(),
        json_twin: false,
        gate,
        methods: Vec::new(),
        actions: None,
        unimplemented: Vec::new(),
        fall_through: false,
        any_method: false,
    }
}

impl ApiResource {
    pub fn get<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.on(Method::GET, handler)
    }

    pub fn post<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.on(Method::POST, handler)
    }

    pub fn put<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.on(Method::PUT, handler)
    }

    pub fn delete<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.on(Method::DELETE, handler)
    }

    /// A method Routes maps to this path although the controller has no
    /// such method (`GET .../new`, `GET .../{id}/edit`, a collection's
    /// `detail` without a handler): Manila looks the method up before it
    /// reads the body or checks the URL's project, and answers a JSON 404.
    pub fn unimplemented(mut self, method: Method) -> Self {
        self.methods.push(method.clone());
        self.unimplemented.push(method);
        self
    }

    /// Lets requests with methods this resource does not declare go on to
    /// the routes registered after it. Routes declares a collection's extra
    /// paths (`/types/default`) for one method only, so there
    /// `DELETE /types/default` is a delete of the type with id `default`.
    pub fn fall_through(mut self) -> Self {
        self.fall_through = true;
        self
    }

    fn on<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::method(method.clone()).to(handler));
        self.methods.push(method);
        self
    }

    /// Answers `POST` `/action` requests: the body's single key picks one
    /// of `table`, whose gate then applies.
    pub fn actions<F, Args>(mut self, table: &'static [Action], handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.actions = Some(table);
        self.on(Method::POST, handler)
    }

    /// [`actions`](Self::actions) for every HTTP method, as the CG action
    /// URL answered upstream (it was registered with a misspelt condition).
    pub fn actions_on_any_method<F, Args>(mut self, table: &'static [Action], handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::route().to(handler));
        self.actions = Some(table);
        self.any_method = true;
        self
    }

    pub fn register(self, cfg: &mut ServiceConfig) {
        if self.any_method {
            record("*", &self.path, self.json_twin, false);
        }
        for method in &self.methods {
            let unimplemented = self.unimplemented.contains(method);
            record(method.as_str(), &self.path, self.json_twin, unimplemented);
        }
        let mut resource = self.resource;

        if self.fall_through {
            let declared = self.methods.clone();
            resource = resource.guard(guard::fn_guard(move |context| {
                declared.contains(&context.head().method)
            }));
        }
        let route = Rc::new(RouteChecks {
            gate: self.gate,
            methods: self.methods,
            any_method: self.any_method,
            actions: self.actions,
            unimplemented: self.unimplemented,
        });
        cfg.service(resource.wrap(from_fn(move |req, next| admit(route.clone(), req, next))));
    }
}

/// The request body as Manila's deserialiser sees it: `None` unless the
/// content type is JSON and the body is not empty.
#[derive(Clone, Debug, Default)]
pub struct JsonBody(pub Option<serde_json::Value>);

impl FromRequest for JsonBody {
    type Error = Error;
    type Future = std::future::Ready<Result<JsonBody, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(req.extensions_mut().remove::<JsonBody>().unwrap_or_default()))
    }
}

/// What the wrapper checks for one resource.
struct RouteChecks {
    gate: VersionGate,
    methods: Vec<Method>,
    any_method: bool,
    actions: Option<&'static [Action]>,
    unimplemented: Vec<Method>,
}

async fn admit(
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

/// Manila's `sizelimit`: a body declared larger than the limit is refused
/// before authentication and routing. Bodies without a declared length
/// are held to the same limit while they are read.
pub async fn limit_body_size(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limit = body_limit(&req)?;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Ok(req.error_response(Error::BodyTooLarge));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn body_limit(req: &ServiceRequest) -> Result<usize, Error> {
    req.app_data::<web::Data<HttpState>>()
        .map(|state| state.config.max_request_body_size)
        .ok_or_else(|| Error::Internal("application state missing".into()))
}

/// Reads the whole body (refusing more than `limit` bytes) and parses it
/// when it is declared JSON; any other content type is treated as absent.
async fn read_json_body(req: &mut ServiceRequest, limit: usize) -> Result<JsonBody, Error> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| Error::MalformedBody)?;
        if body.len() + chunk.len() > limit {
            return Err(Error::BodyTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let is_json = matches!(req.mime_type(), Ok(Some(mime)) if mime.essence_str() == "application/json");
    if !is_json || body.is_empty() {
        return Ok(JsonBody(None));
    }
    serde_json::from_slice(&body)
        .map(|value| JsonBody(Some(value)))
        .map_err(|_| Error::MalformedBody)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::MIN_VERSION;

    async fn nothing() -> &'static str {
        ""
    }

    fn served(method: &str, path: &str, json_twin: bool, unimplemented: bool) -> Served {
        Served {
            method: method.into(),
            path: path.into(),
            json_twin,
            unimplemented,
        }
    }

    #[test]
    fn registering_records_each_method_under_its_scope() {
        let gate = VersionGate::since(MIN_VERSION);
        let routes = recorded(|| {
            actix_web::App::new()
                .service(plain("/", &[Method::GET, Method::HEAD], nothing))
                .service(plain_any("/healthcheck/{tail:.*}", nothing))
                .service(scope("/v9", |v9| {
                    resource("/{project_id}/things", gate)
                        .get(nothing)
                        .post(nothing)
                        .register(v9);
                    resource("/{project_id}/things/new", gate)
                        .unimplemented(Method::GET)
                        .fall_through()
                        .register(v9);
                    exact("/{project_id}/things/{id}/action", gate)
                        .actions_on_any_method(&[], nothing)
                        .register(v9);
                }));
        });
        assert_eq!(
            routes,
            vec![
                served("GET", "/", false, false),
                served("HEAD", "/", false, false),
                served("*", "/healthcheck/{tail}", false, false),
                served("GET", "/v9/{project_id}/things", true, false),
                served("POST", "/v9/{project_id}/things", true, false),
                served("GET", "/v9/{project_id}/things/new", true, true),
                served("*", "/v9/{project_id}/things/{id}/action", false, false),
            ]
        );
    }

    #[test]
    fn patterns_are_left_out_of_templates() {
        assert_eq!(template("/healthcheck/{tail:.*}"), "/healthcheck/{tail}");
        assert_eq!(template("/a/{id:[0-9]{1,3}}/b"), "/a/{id}/b");
        assert_eq!(template("/v2/{project_id}/shares"), "/v2/{project_id}/shares");
    }

    #[test]
    fn nothing_is_recorded_outside_recorded() {
        let _ = actix_web::App::new().service(plain("/", &[Method::GET], nothing));
        assert_eq!(recorded(|| {}), Vec::new());
    }
}
