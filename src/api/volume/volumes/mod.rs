//! `/{project_id}/volumes`: create, list (summary and detail), show,
//! update, delete, and the administrators' actions.

mod action;
mod create;
mod delete;
mod list;
mod show;
mod update;
pub mod views;

use actix_web::web::ServiceConfig;

use super::route::{exact, resource, Level};

pub fn routes(cfg: &mut ServiceConfig, level: Level) {
    resource("/{project_id:[0-9a-f-]+}/volumes", level)
        .get(list::list)
        .post(create::create)
        .register(cfg);
    resource("/{project_id:[0-9a-f-]+}/volumes/detail", level)
        .get(list::list)
        .register(cfg);
    exact("/{project_id:[0-9a-f-]+}/volumes/{id}/action", level)
        .post(action::action)
        .register(cfg);
    resource("/{project_id:[0-9a-f-]+}/volumes/{id}", level)
        .get(show::show)
        .put(update::update)
        .delete(delete::delete)
        .register(cfg);
}
