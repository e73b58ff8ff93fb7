//! `GET /{project_id}/snapshots/{id}`

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::state::HttpState;
use crate::api::volume::route::{ResourceId, VolumeVersion};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_snapshots as service;

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: VolumeVersion,
    ResourceId(id): ResourceId,
) -> Result<HttpResponse, Error> {
    let caller = context.clone();
    let snapshot = db::call(&state.pool, move |conn| service::show(conn, &caller, &id)).await?;
    Ok(HttpResponse::Ok().json(views::one(&snapshot, &context, &version)))
}
