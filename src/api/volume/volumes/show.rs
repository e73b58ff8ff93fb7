//! `GET /{project_id}/volumes/{id}`

use actix_web::{web, HttpRequest, HttpResponse};

use super::views::{self, Extended};
use crate::api::state::HttpState;
use crate::api::volume::links::VolumeLinks;
use crate::api::volume::route::{ResourceId, VolumeVersion};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volumes as service;

pub async fn show(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: VolumeVersion,
    ResourceId(id): ResourceId,
) -> Result<HttpResponse, Error> {
    let caller = context.clone();
    let volume = db::call(&state.pool, move |conn| service::show(conn, &caller, &id)).await?;
    let links = VolumeLinks::of(&req, &state, &version);
    Ok(HttpResponse::Ok().json(views::one(views::detail(
        &volume,
        &links,
        &context,
        &version,
        Extended::Yes,
    ))))
}
