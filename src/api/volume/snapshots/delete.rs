//! `DELETE /{project_id}/snapshots/{id}`: 202, empty.

use actix_web::{web, HttpResponse};

use crate::api::state::HttpState;
use crate::api::volume::route::{accepted_empty, ResourceId};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_snapshots as service;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
) -> Result<HttpResponse, Error> {
    db::call(&state.pool, move |conn| service::delete(conn, &context, &id)).await?;
    Ok(accepted_empty())
}
