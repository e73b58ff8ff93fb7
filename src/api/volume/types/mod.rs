//! `/{project_id}/types`: list, show, create and delete volume types,
//! and their extra specs.

mod create;
mod delete;
mod extra_specs;
mod list;
mod show;
pub mod views;

use actix_web::web::ServiceConfig;

use super::route::{resource, Level};

pub fn routes(cfg: &mut ServiceConfig, level: Level) {
    resource("/{project_id:[0-9a-f-]+}/types", level)
        .get(list::list)
        .post(create::create)
        .register(cfg);
    resource("/{project_id:[0-9a-f-]+}/types/{type_id}/extra_specs", level)
        .get(extra_specs::index)
        .post(extra_specs::create)
        .register(cfg);
    resource("/{project_id:[0-9a-f-]+}/types/{type_id}/extra_specs/{key}", level)
        .get(extra_specs::show)
        .put(extra_specs::update)
        .delete(extra_specs::delete)
        .register(cfg);
    resource("/{project_id:[0-9a-f-]+}/types/{id}", level)
        .get(show::show)
        .delete(delete::delete)
        .register(cfg);
}
