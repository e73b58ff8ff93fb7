//! `/{project_id}/types/{type_id}/extra_specs[/{key}]`: a volume type's
//! extra specs (Cinder's `os-types-extra-specs`).

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::api::state::HttpState;
use crate::api::volume::route::{accepted_empty, VolumeBody};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_types as service;

#[derive(Serialize)]
struct Specs {
    extra_specs: BTreeMap<String, String>,
}

/// The path's parameters, read by name: the routes answer with and
/// without the project segment.
#[derive(serde::Deserialize)]
pub struct TypePath {
    type_id: String,
}

#[derive(serde::Deserialize)]
pub struct SpecPath {
    type_id: String,
    key: String,
}

pub async fn index(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<TypePath>,
) -> Result<HttpResponse, Error> {
    let TypePath { type_id } = path.into_inner();
    let extra_specs = db::call(&state.pool, move |conn| {
        service::extra_specs_index(conn, &context, &type_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Specs { extra_specs }))
}

pub async fn create(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<TypePath>,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let TypePath { type_id } = path.into_inner();
    let body = body.required()?;
    let extra_specs = db::call(&state.pool, move |conn| {
        service::extra_specs_set(conn, &context, &type_id, None, body)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Specs { extra_specs }))
}

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<SpecPath>,
) -> Result<HttpResponse, Error> {
    let SpecPath { type_id, key } = path.into_inner();
    let (key, value) = db::call(&state.pool, move |conn| {
        service::extra_spec_show(conn, &context, &type_id, &key)
    })
    .await?;
    Ok(HttpResponse::Ok().json(BTreeMap::from([(key, value)])))
}

pub async fn update(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<SpecPath>,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let SpecPath { type_id, key } = path.into_inner();
    let body = body.required()?;
    let specs = db::call(&state.pool, move |conn| {
        service::extra_specs_set(conn, &context, &type_id, Some(&key), body)
    })
    .await?;
    Ok(HttpResponse::Ok().json(specs))
}

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<SpecPath>,
) -> Result<HttpResponse, Error> {
    let SpecPath { type_id, key } = path.into_inner();
    db::call(&state.pool, move |conn| {
        service::extra_spec_delete(conn, &context, &type_id, &key)
    })
    .await?;
    Ok(accepted_empty())
}
