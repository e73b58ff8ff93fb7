//! Declaring a route: its path, the versions it answers and its handlers,
//! in one line of the route table. What each declared route does per
//! request lives beside this file: `checks` (Manila's per-request checks,
//! in Manila's order), `body` (reading the body) and `recorder` (the route
//! list behind `api::routes()`).

mod body;
mod checks;
mod recorder;

use std::rc::Rc;

use actix_web::guard;
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::web::{self, ServiceConfig};
use actix_web::{FromRequest, Handler, Resource, Responder};

use crate::api::microversion::VersionGate;

pub(crate) use body::read_body;
pub use body::{limit_body_size, JsonBody};
pub use checks::ActionCall;
pub use recorder::{recorded, scope, Served};

use checks::{admit, RouteChecks};
pub(crate) use recorder::record;

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

/// `get`, `post`, `put` and `delete`: a handler for that method.
macro_rules! method_builders {
    ($($name:ident => $method:ident),*) => {
        $(
            pub fn $name<F, Args>(self, handler: F) -> Self
            where
                F: Handler<Args>,
                Args: FromRequest + 'static,
                F::Output: Responder + 'static,
            {
                self.on(Method::$method, handler)
            }
        )*
    };
}

impl ApiResource {
    method_builders!(get => GET, post => POST, put => PUT, delete => DELETE);

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
    fn nothing_is_recorded_outside_recorded() {
        let _ = actix_web::App::new().service(plain("/", &[Method::GET], nothing));
        assert_eq!(recorded(|| {}), Vec::new());
    }
}
