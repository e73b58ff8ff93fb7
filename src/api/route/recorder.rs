//! The route recorder: every route declared through `api::route` is noted
//! here while [`recorded`] runs, so the route table can be listed (for the
//! API reference and its tests) without a second list.

use std::cell::RefCell;

use actix_web::web::{self, ServiceConfig};
use actix_web::Scope;

/// One route of the table as it was registered.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Served {
    /// `GET`, `POST`, ...; `*` where the route answers every method.
    pub method: String,
    /// The whole path template, scope included: `/v2/{project_id}/shares/{id}`.
    pub path: String,
    /// Also answered at the path with `.json` appended.
    pub json_twin: bool,
    /// Routed, but always answered 404 `itemNotFound` (see [`ApiResource::unimplemented`](super::ApiResource::unimplemented)).
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

pub(crate) fn record(method: &str, path: &str, json_twin: bool, unimplemented: bool) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_left_out_of_templates() {
        assert_eq!(template("/healthcheck/{tail:.*}"), "/healthcheck/{tail}");
        assert_eq!(template("/a/{id:[0-9]{1,3}}/b"), "/a/{id}/b");
        assert_eq!(template("/v2/{project_id}/shares"), "/v2/{project_id}/shares");
    }
}
