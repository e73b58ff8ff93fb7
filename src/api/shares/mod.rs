//! `/v2/{project_id}/shares`: every version from 2.0, not experimental.

mod action;
mod create;
mod delete;
mod export_locations;
mod list;
mod show;
mod update;
pub mod views;

use actix_web::http::Method;
use actix_web::web::ServiceConfig;

use crate::api::admin_actions::SHARE_ACTIONS;
use crate::api::microversion::VersionGate;
use crate::api::route::{exact, resource};
use crate::version::{ApiVersion, MIN_VERSION};

const GATE: VersionGate = VersionGate::since(MIN_VERSION);

pub fn routes(cfg: &mut ServiceConfig) {
    resource("/{project_id}/shares", GATE)
        .get(list::list)
        .post(create::create)
        .register(cfg);
    resource("/{project_id}/shares/detail", GATE)
        .get(list::list)
        .register(cfg);
    // Routes maps `new` and `{id}/edit`, which no controller method answers.
    resource("/{project_id}/shares/new", GATE)
        .unimplemented(Method::GET)
        .fall_through()
        .register(cfg);
    resource("/{project_id}/shares/{id}/edit", GATE)
        .unimplemented(Method::GET)
        .register(cfg);
    // Export locations left the share view at 2.9 for their own API.
    let since_2_9 = VersionGate::since(ApiVersion::new(2, 9));
    exact("/{project_id}/shares/{share_id}/export_locations", since_2_9)
        .get(export_locations::index)
        .register(cfg);
    exact(
        "/{project_id}/shares/{share_id}/export_locations/{export_location_uuid}",
        since_2_9,
    )
    .get(export_locations::show)
    .register(cfg);
    resource("/{project_id}/shares/{id}/action", GATE)
        .actions(&SHARE_ACTIONS, action::dispatch)
        .register(cfg);
    resource("/{project_id}/shares/{id}", GATE)
        .get(show::show)
        .put(update::update)
        .delete(delete::delete)
        .register(cfg);
}
