//! `/{project_id}/cgsnapshots`: Cinder's cgsnapshots, the same routes
//! under `/v2` and `/v3`. `PUT .../{id}` is routed to no method (Cinder
//! never had a cgsnapshot update): a 404 fault.

mod create;
mod delete;
mod list;
mod show;
pub mod views;

use actix_web::web::ServiceConfig;

use super::consistencygroups::no_method;
use super::route::{resource, Level};

const BASE: &str = "/{project_id:[0-9a-f-]+}/cgsnapshots";

pub fn routes(cfg: &mut ServiceConfig, level: Level) {
    resource(BASE, level).get(list::list).post(create::create).register(cfg);
    resource(&format!("{BASE}/detail"), level).get(list::list).register(cfg);
    resource(&format!("{BASE}/new"), level).get(no_method).register(cfg);
    resource(&format!("{BASE}/{{id}}/edit"), level)
        .get(no_method)
        .register(cfg);
    resource(&format!("{BASE}/{{id}}"), level)
        .get(show::show)
        .put(no_method)
        .delete(delete::delete)
        .register(cfg);
}
