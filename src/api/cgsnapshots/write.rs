//! `POST /v2/{project_id}/cgsnapshots`, `PUT` and `DELETE .../{id}`, and
//! the admin actions at `.../{id}/action`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::views;
use crate::api::admin_actions::AdminAction;
use crate::api::links::LinkBase;
use crate::api::response;
use crate::api::route::{ActionCall, JsonBody};
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
    Ok(HttpResponse::Accepted().json(json!({ "cgsnapshot": views::detail(&snapshot, &links, &context) })))
}

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
    Ok(HttpResponse::Ok().json(json!({ "cgsnapshot": views::detail(&snapshot, &links, &context) })))
}

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    db::call(&state.pool, move |conn| service::delete(conn, &context, &id)).await?;
    Ok(response::accepted())
}

pub async fn action(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
    call: ActionCall,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    db::call(&state.pool, move |conn| match AdminAction::of(call.name) {
        AdminAction::ResetStatus => service::reset_status(conn, &context, &id, &call.body),
        AdminAction::ForceDelete => service::force_delete(conn, &context, &id),
    })
    .await?;
    Ok(response::accepted())
}
