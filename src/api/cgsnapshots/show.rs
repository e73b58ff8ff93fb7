//! `GET /v2/{project_id}/cgsnapshots/{id}`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::cgsnapshots as service;

pub async fn show(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let caller = context.clone();
    let snapshot = db::call(&state.pool, move |conn| service::show(conn, &caller, &id)).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    Ok(HttpResponse::Ok().json(views::one(&snapshot, &links, &context)))
}
