//! `/{project_id}/snapshots`: list (summary and detail), show, delete.
//! Snapshots are made by cgsnapshots.

mod delete;
mod list;
mod show;
pub mod views;

use actix_web::web::ServiceConfig;

use super::route::{resource, Level};

pub fn routes(cfg: &mut ServiceConfig, level: Level) {
    resource("/{project_id:[0-9a-f-]+}/snapshots", level)
        .get(list::list)
        .register(cfg);
    resource("/{project_id:[0-9a-f-]+}/snapshots/detail", level)
        .get(list::list)
        .register(cfg);
    resource("/{project_id:[0-9a-f-]+}/snapshots/{id}", level)
        .get(show::show)
        .delete(delete::delete)
        .register(cfg);
}
