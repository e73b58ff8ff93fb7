//! `PUT /{project_id}/volumes/{id}`: 200 with the detail view.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views::{self, Extended};
use crate::api::state::HttpState;
use crate::api::volume::links::VolumeLinks;
use crate::api::volume::route::{ResourceId, VolumeBody, VolumeVersion};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volumes as service;

pub async fn update(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: VolumeVersion,
    ResourceId(id): ResourceId,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let body = body.required()?;
    // From 3.53 the body must name something to change.
    let require_a_field = version.at_least(3, 53);
    let caller = context.clone();
    let volume = db::call(&state.pool, move |conn| {
        service::update(conn, &caller, &id, body, require_a_field)
    })
    .await?;
    let links = VolumeLinks::of(&req, &state, &version);
    Ok(HttpResponse::Ok().json(views::one(views::detail(
        &volume,
        &links,
        &context,
        &version,
        Extended::No,
    ))))
}
