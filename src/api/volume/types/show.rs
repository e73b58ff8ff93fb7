//! `GET /{project_id}/types/{id}` (`default`: the configured default type).

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::state::HttpState;
use crate::api::volume::route::ResourceId;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_types as service;

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
) -> Result<HttpResponse, Error> {
    let default_name = state.config.volume.default_volume_type.clone();
    let caller = context.clone();
    let found = db::call(&state.pool, move |conn| {
        service::show(conn, &caller, &default_name, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::one(&found, &context)))
}
