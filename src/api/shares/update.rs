//! `PUT /v2/{project_id}/shares/{id}`: name, description, visibility.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::microversion::RequestVersion;
use crate::api::route::JsonBody;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::shares as service;

pub async fn update(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<(String, String)>,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let caller = context.clone();
    let share = db::call(&state.pool, move |conn| service::update(conn, &caller, &id, body.0)).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    Ok(HttpResponse::Ok().json(views::one(&share, &links, &context, &version)))
}
