//! `DELETE /{project_id}/snapshots/{id}`: 202, empty.

use actix_web::{web, HttpResponse};

use crate::api::state::HttpState;
use crate::api::volume::route::accepted_empty;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_snapshots as service;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    db::call(&state.pool, move |conn| service::delete(conn, &context, &id)).await?;
    Ok(accepted_empty())
}
