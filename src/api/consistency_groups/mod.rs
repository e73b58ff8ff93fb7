//! `/v2/{project_id}/consistency-groups`: experimental, from 2.4.

mod action;
mod delete;
mod show;
mod update;
pub mod views;

use actix_web::web::ServiceConfig;

use crate::api::microversion::{ApiVersion, VersionGate};
use crate::api::route::{exact, resource};

const GATE: VersionGate = VersionGate::since(ApiVersion::new(2, 4)).experimental();

pub fn routes(cfg: &mut ServiceConfig) {
    exact("/{project_id}/consistency-groups/{id}/action", GATE)
        .actions(&action::ACTIONS, action::dispatch)
        .register(cfg);
    resource("/{project_id}/consistency-groups/{id}", GATE)
        .get(show::show)
        .put(update::update)
        .delete(delete::delete)
        .register(cfg);
}
