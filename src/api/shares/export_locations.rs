//! `GET /v2/{project_id}/shares/{share_id}/export_locations` and
//! `.../export_locations/{export_location_uuid}`, from 2.9.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::listing::ListBody;
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::export_locations as service;

pub async fn index(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, share_id) = path.into_inner();
    let caller = context.clone();
    let locations = db::call(&state.pool, move |conn| service::list(conn, &caller, &share_id)).await?;
    let items = locations
        .iter()
        .map(|location| views::export_location(location, &version, &context, false))
        .collect();
    Ok(HttpResponse::Ok().json(ListBody::unpaged("export_locations", items)))
}

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, share_id, id) = path.into_inner();
    let caller = context.clone();
    let location = db::call(&state.pool, move |conn| service::show(conn, &caller, &share_id, &id)).await?;
    Ok(HttpResponse::Ok().json(views::ExportLocationOne {
        export_location: views::export_location(&location, &version, &context, true),
    }))
}
