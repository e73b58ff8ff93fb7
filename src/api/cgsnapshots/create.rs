//! `POST /v2/{project_id}/cgsnapshots`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::route::JsonBody;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::cgsnapshots as service;

pub async fn create(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    let caller = context.clone();
    let snapshot = db::call(&state.pool, move |conn| service::create(conn, &caller, body.0)).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    Ok(HttpResponse::Accepted().json(views::one(&snapshot, &links, &context)))
}
