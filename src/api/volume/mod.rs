//! Cinder's block storage API on its own listener (`osapi_volume`): the
//! consistency groups of volumes and what they need (volume types,
//! volumes, snapshots), under `/v3` as Cinder 29.0.0 serves it and under
//! the seed's `/v2`. It shares everything below the HTTP layer with
//! Manila's API; only its route table, its checks (`route`) and its
//! router pages (`pages`) are its own.
//!
//! Each resource lives in the folder its URL segment names, as in `api/`.

pub mod cgsnapshots;
pub mod consistencygroups;
pub mod generic_groups;
pub mod links;
pub mod pages;
pub mod route;
pub mod snapshots;
pub mod types;
pub mod versions;
pub mod volumes;

use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::web::{self, ServiceConfig};

use crate::api::{auth, health, metrics};
use route::{exact, Level};

/// Every route of the volume listener. Anything else gets the router's page.
pub fn configure(cfg: &mut ServiceConfig) {
    exact("/", Level::V3).get(versions::all).register(cfg);
    cfg.service(crate::api::route::plain_any("/healthcheck", health::healthcheck))
        .service(crate::api::route::plain_any(
            "/healthcheck/{tail:.*}",
            health::healthcheck,
        ))
        .service(crate::api::route::plain(
            "/metrics",
            &[Method::GET, Method::HEAD],
            metrics::scrape,
        ));
    for (prefix, level) in [("/v2", Level::V2), ("/v3", Level::V3)] {
        cfg.service(
            crate::api::route::scope(prefix, |api| {
                exact("/", level).get(versions::own).register(api);
                consistencygroups::routes(api, level);
                cgsnapshots::routes(api, level);
                generic_groups::routes(api, level);
                volumes::routes(api, level);
                types::routes(api, level);
                snapshots::routes(api, level);
            })
            .wrap(from_fn(auth::authenticate))
            .wrap(from_fn(route::limit_body_size))
            .default_service(web::to(pages::not_found)),
        );
    }
    cfg.default_service(web::to(pages::not_found));
}

/// Every route [`configure`] registers: what `api-ref/volume.yaml` documents.
pub fn routes() -> Vec<crate::api::route::Served> {
    crate::api::route::recorded(|| {
        actix_web::App::new().configure(configure);
    })
}
