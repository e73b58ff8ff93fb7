//! `POST /{project_id}/consistencygroups/{id}/delete`, and `DELETE
//! .../{id}` with a body: 202, empty.

use actix_web::{web, HttpResponse};

use crate::api::state::HttpState;
use crate::api::volume::route::{accepted_empty, ResourceId, VolumeBody};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_consistency_groups as service;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let body = body.required()?;
    db::call(&state.pool, move |conn| service::delete(conn, &context, &id, &body)).await?;
    Ok(accepted_empty())
}
