//! `/{project_id}/types/{type_id}/extra_specs[/{key}]`: list, show, set
//! (POST), update (PUT) and unset (DELETE).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{snapshot_support_at, views};
use crate::api::microversion::RequestVersion;
use crate::api::response;
use crate::api::route::JsonBody;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::share_types::extra_specs;

#[derive(Deserialize)]
pub struct SpecsPath {
    type_id: String,
}

#[derive(Deserialize)]
pub struct SpecPath {
    type_id: String,
    /// The spec's key.
    id: String,
}

pub async fn list(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<SpecsPath>,
) -> Result<HttpResponse, Error> {
    let type_id = path.into_inner().type_id;
    let specs = db::call(&state.pool, move |conn| extra_specs::list(conn, &context, &type_id)).await?;
    Ok(HttpResponse::Ok().json(views::extra_specs(&specs)))
}

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<SpecPath>,
) -> Result<HttpResponse, Error> {
    let SpecPath { type_id, id } = path.into_inner();
    let (key, value) = db::call(&state.pool, move |conn| {
        extra_specs::show(conn, &context, &type_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::extra_spec(&key, &value)))
}

pub async fn set(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<SpecsPath>,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    let type_id = path.into_inner().type_id;
    let echoed = db::call(&state.pool, move |conn| {
        extra_specs::set(conn, &context, &type_id, body.0.as_ref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(echoed))
}

pub async fn update(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<SpecPath>,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    let SpecPath { type_id, id } = path.into_inner();
    let echoed = db::call(&state.pool, move |conn| {
        extra_specs::update(conn, &context, &type_id, &id, body.0.as_ref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(echoed))
}

pub async fn unset(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<SpecPath>,
) -> Result<HttpResponse, Error> {
    let SpecPath { type_id, id } = path.into_inner();
    let snapshot_support = snapshot_support_at(&version);
    db::call(&state.pool, move |conn| {
        extra_specs::unset(conn, &context, &type_id, &id, snapshot_support)
    })
    .await?;
    Ok(response::accepted())
}
