//! The HTTP API: the one route table, and the layers every request passes.

pub mod admin_actions;
pub mod auth;
pub mod cgsnapshots;
pub mod consistency_groups;
pub mod context;
pub mod fault;
pub mod health;
pub mod links;
pub mod metrics;
pub mod microversion;
pub mod pagination;
pub mod pipeline;
pub mod query;
pub mod response;
pub mod route;
pub mod share_networks;
pub mod share_types;
pub mod shares;
pub mod timestamps;
pub mod versions;

use actix_web::middleware::from_fn;
use actix_web::web::{self, ServiceConfig};

use microversion::{VersionGate, MIN_VERSION, V1};
use route::exact;

/// Every route the server answers. Paths outside it get Manila's plain 404.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        web::resource("/")
            .route(web::get().to(versions::all))
            .default_service(web::to(fault::unknown_path)),
    )
    // Outside the API's layers, as upstream's paste pipeline maps
    // /healthcheck (with anything below it) straight to oslo's app.
    .service(web::resource(["/healthcheck", "/healthcheck/{tail:.*}"]).route(web::route().to(health::healthcheck)))
    .service(
        web::resource("/metrics")
            .route(web::get().to(metrics::scrape))
            .route(web::head().to(metrics::scrape)),
    )
    .service(
        web::scope("/v1")
            .wrap(from_fn(auth::authenticate))
            .wrap(from_fn(route::limit_body_size))
            .configure(|v1| {
                exact("/", VersionGate::pinned(V1)).get(versions::v1).register(v1);
                share_types::routes(v1, VersionGate::pinned(V1));
            })
            .default_service(web::to(fault::unknown_path)),
    )
    .service(
        web::scope("/v2")
            .wrap(from_fn(auth::authenticate))
            .wrap(from_fn(route::limit_body_size))
            .route("", web::get().to(versions::to_v2))
            .configure(|v2| {
                exact("/", VersionGate::since(MIN_VERSION))
                    .get(versions::v2)
                    .register(v2);
                consistency_groups::routes(v2);
                cgsnapshots::routes(v2);
                share_networks::configure(v2);
                share_types::routes(v2, VersionGate::since(MIN_VERSION));
                shares::routes(v2);
            })
            .default_service(web::to(fault::unknown_path)),
    )
    .default_service(web::to(fault::unknown_path));
}
