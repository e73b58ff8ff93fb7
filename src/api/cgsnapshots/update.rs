//! `PUT /v2/{project_id}/cgsnapshots/{id}`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::route::JsonBody;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::cgsnapshots as service;

pub async fn update(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    path: web::Path<(String, String)>,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let caller = context.clone();
    let snapshot = db::call(&state.pool, move |conn| service::update(conn, &caller, &id, body.0)).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    Ok(HttpResponse::Ok().json(views::one(&snapshot, &links, &context)))
}
