//! `GET /{project_id}/types/{id}` and `GET /{project_id}/types/default`.

use actix_web::{web, HttpResponse};

use super::{views, TypePath};
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::share_types;

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<TypePath>,
) -> Result<HttpResponse, Error> {
    let id = path.into_inner().id;
    let caller = context.clone();
    let shown = db::call(&state.pool, move |conn| share_types::show(conn, &caller, &id)).await?;
    Ok(HttpResponse::Ok().json(views::one(&views::share_type(&shown, &version, &context))))
}

pub async fn default(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
) -> Result<HttpResponse, Error> {
    let configured = state.config.default_share_type.clone();
    let caller = context.clone();
    let shown = db::call(&state.pool, move |conn| {
        share_types::show_default(conn, &caller, configured.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::one(&views::share_type(&shown, &version, &context))))
}
