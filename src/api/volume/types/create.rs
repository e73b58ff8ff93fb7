//! `POST /{project_id}/types`: 200 with the new type.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::state::HttpState;
use crate::api::volume::route::VolumeBody;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_types as service;

pub async fn create(
    state: web::Data<HttpState>,
    context: RequestContext,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let body = body.required()?;
    let caller = context.clone();
    let created = db::call(&state.pool, move |conn| service::create(conn, &caller, body)).await?;
    Ok(HttpResponse::Ok().json(views::one(&created, &context)))
}
