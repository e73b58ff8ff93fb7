//! `DELETE /v2/{project_id}/consistency-groups/{id}`

use actix_web::{web, HttpResponse};

use crate::api::context::RequestContext;
use crate::api::response;
use crate::db;
use crate::error::Error;
use crate::service::consistency_groups as service;
use crate::startup::AppState;

pub async fn delete(
    state: web::Data<AppState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    db::call(&state.pool, move |conn| service::delete(conn, &context, &id)).await?;
    Ok(response::accepted())
}
