//! `/v2/{project_id}/consistency-groups`: experimental, from 2.4.

mod action;
mod create;
mod delete;
mod list;
mod show;
mod update;
pub mod views;

use actix_web::http::Method;
use actix_web::web::ServiceConfig;

use crate::api::admin_actions::ACTIONS;
use crate::api::microversion::VersionGate;
use crate::api::route::{exact, resource};
use crate::version::ApiVersion;

const GATE: VersionGate = VersionGate::since(ApiVersion::new(2, 4)).experimental();

pub fn routes(cfg: &mut ServiceConfig) {
    resource("/{project_id}/consistency-groups", GATE)
        .get(list::list)
        .post(create::create)
        .register(cfg);
    resource("/{project_id}/consistency-groups/detail", GATE)
        .get(list::list)
        .register(cfg);
    // Routes maps `new` and `{id}/edit`, which no controller method answers.
    resource("/{project_id}/consistency-groups/new", GATE)
        .unimplemented(Method::GET)
        .fall_through()
        .register(cfg);
    resource("/{project_id}/consistency-groups/{id}/edit", GATE)
        .unimplemented(Method::GET)
        .register(cfg);
    exact("/{project_id}/consistency-groups/{id}/action", GATE)
        .actions_on_any_method(&ACTIONS, action::dispatch)
        .register(cfg);
    resource("/{project_id}/consistency-groups/{id}", GATE)
        .get(show::show)
        .put(update::update)
        .delete(delete::delete)
        .register(cfg);
}
