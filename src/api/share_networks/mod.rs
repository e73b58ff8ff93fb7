//! Share networks, `/v2/{project_id}/share-networks`, at every 2.x
//! version: list, detail, show, create, update, delete. The member
//! `action` route (security services) is not served.

mod create;
mod delete;
mod list;
mod show;
mod update;
pub mod views;

use actix_web::web::ServiceConfig;

use crate::api::microversion::VersionGate;
use crate::api::route::resource;
use crate::version::MIN_VERSION;

pub fn routes(cfg: &mut ServiceConfig) {
    let gate = VersionGate::since(MIN_VERSION);
    resource("/{project_id}/share-networks", gate)
        .get(list::list)
        .post(create::create)
        .register(cfg);
    // Before `{id}`, which would otherwise take "detail" for an id.
    resource("/{project_id}/share-networks/detail", gate)
        .get(list::list)
        .register(cfg);
    resource("/{project_id}/share-networks/{id}", gate)
        .get(show::show)
        .put(update::update)
        .delete(delete::delete)
        .register(cfg);
}
