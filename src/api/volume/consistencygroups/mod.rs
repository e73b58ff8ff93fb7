//! `/{project_id}/consistencygroups`: Cinder's consistency groups, the
//! same routes under `/v2` and `/v3`. As Cinder routes them, `GET
//! .../create_from_src` is a show of that id, and `new`, `{id}/edit` and
//! `POST {id}/action` are routed to no method (a 404 fault, not the
//! router's page).

mod create;
mod delete;
mod list;
mod show;
mod update;
pub mod views;

use actix_web::web::ServiceConfig;
use actix_web::HttpResponse;

use super::route::{exact, resource, Level};
use crate::error::Error;

const BASE: &str = "/{project_id:[0-9a-f-]+}/consistencygroups";

pub fn routes(cfg: &mut ServiceConfig, level: Level) {
    resource(BASE, level).get(list::list).post(create::create).register(cfg);
    resource(&format!("{BASE}/detail"), level).get(list::list).register(cfg);
    resource(&format!("{BASE}/new"), level).get(no_method).register(cfg);
    // Mapped for POST only: a GET is a show of the id `create_from_src`.
    resource(&format!("{BASE}/create_from_src"), level)
        .post(create::create_from_src)
        .fall_through()
        .register(cfg);
    resource(&format!("{BASE}/{{id}}/delete"), level)
        .post(delete::delete)
        .register(cfg);
    resource(&format!("{BASE}/{{id}}/update"), level)
        .put(update::update_classic)
        .register(cfg);
    // Cinder's router maps the action URL, but the controller has no actions.
    exact(&format!("{BASE}/{{id}}/action"), level)
        .post(no_method)
        .register(cfg);
    resource(&format!("{BASE}/{{id}}/edit"), level)
        .get(no_method)
        .register(cfg);
    resource(&format!("{BASE}/{{id}}"), level)
        .get(show::show)
        .put(update::update)
        .delete(delete::delete)
        .register(cfg);
}

/// A route Cinder's mapper has but its controller does not answer.
pub(crate) async fn no_method() -> Result<HttpResponse, Error> {
    Err(Error::RouteNotFound)
}
