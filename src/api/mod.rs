//! The HTTP API: the one route table, and the layers every request passes.
//!
//! Each resource lives in the folder its URL segment names, one file per
//! operation (`list`, `show`, `create`, `update`, `delete`, `action`, ...)
//! and its views in `views.rs`. Where the segment is not a Rust name:
//!
//! | URL segment           | folder                |
//! |-----------------------|-----------------------|
//! | `consistency-groups`  | `consistency_groups/` |
//! | `share-networks`      | `share_networks/`     |
//! | `types`               | `share_types/`        |

pub mod admin_actions;
pub mod auth;
pub mod cgsnapshots;
pub mod consistency_groups;
pub mod context;
pub mod fault;
pub mod health;
pub mod links;
pub mod listing;
pub mod metrics;
pub mod microversion;
pub mod pipeline;
pub mod query;
pub mod response;
pub mod route;
pub mod share_networks;
pub mod share_types;
pub mod shares;
pub mod state;
pub mod versions;
pub mod volume;

use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::web::{self, ServiceConfig};

use crate::version::{MIN_VERSION, V1};
use microversion::VersionGate;
use route::exact;

/// Every route the server answers. Paths outside it get Manila's plain 404.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        route::plain("/", &[Method::GET], versions::all)
            // Other methods get the router's plain 404, as upstream's did.
            .default_service(web::to(fault::unknown_path)),
    )
    // Outside the API's layers, as upstream's paste pipeline maps
    // /healthcheck (with anything below it) straight to oslo's app.
    .service(route::plain_any("/healthcheck", health::healthcheck))
    .service(route::plain_any("/healthcheck/{tail:.*}", health::healthcheck))
    .service(route::plain("/metrics", &[Method::GET, Method::HEAD], metrics::scrape))
    .service(
        route::scope("/v1", |v1| {
            exact("/", VersionGate::pinned(V1)).get(versions::v1).register(v1);
            share_types::routes(v1, VersionGate::pinned(V1));
        })
        .wrap(from_fn(auth::authenticate))
        .wrap(from_fn(route::limit_body_size))
        .default_service(web::to(fault::unknown_path)),
    )
    .service(
        route::scope("/v2", |v2| {
            v2.service(route::plain("", &[Method::GET], versions::to_v2));
            exact("/", VersionGate::since(MIN_VERSION))
                .get(versions::v2)
                .register(v2);
            consistency_groups::routes(v2);
            cgsnapshots::routes(v2);
            share_networks::routes(v2);
            share_types::routes(v2, VersionGate::since(MIN_VERSION));
            shares::routes(v2);
        })
        .wrap(from_fn(auth::authenticate))
        .wrap(from_fn(route::limit_body_size))
        .default_service(web::to(fault::unknown_path)),
    )
    .default_service(web::to(fault::unknown_path));
}

/// Every route [`configure`] registers, read from the same table: what
/// `api-ref/openapi.yaml` must document, no more and no less.
pub fn routes() -> Vec<route::Served> {
    route::recorded(|| {
        actix_web::App::new().configure(configure);
    })
}

/// What the views' unit tests share.
#[cfg(test)]
pub(crate) mod view_tests {
    use crate::api::links::LinkBase;
    use crate::policy::{Enforcer, RequestContext};

    /// Views are structs written as they stand; `json!` trees, which they
    /// replaced, wrote every object's keys sorted. A view whose fields are
    /// out of sorted order fails this.
    pub fn assert_written_sorted<T: serde::Serialize>(view: &T) {
        let written = serde_json::to_string(view).unwrap();
        let sorted = serde_json::to_value(view).unwrap().to_string();
        assert_eq!(written, sorted, "keys out of sorted order");
    }

    /// A caller in project `p`.
    pub fn context(is_admin: bool) -> RequestContext {
        RequestContext {
            request_id: "req-x".into(),
            user_id: "u".into(),
            project_id: "p".into(),
            roles: Vec::new(),
            is_admin,
            policy: Enforcer::with_defaults(),
        }
    }

    /// Links as a request to `h:1` gets them.
    pub fn links() -> LinkBase {
        let req = actix_web::test::TestRequest::default()
            .insert_header(("host", "h:1"))
            .to_http_request();
        LinkBase::of(&req, None)
    }
}
