//! `POST /{project_id}/volumes/{id}/action`: `os-reset_status` and
//! `os-force_delete`, each a 202 with an empty body.

use actix_web::{web, HttpResponse};

use crate::api::state::HttpState;
use crate::api::volume::route::{accepted_empty, ResourceId, VolumeBody};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volumes as service;

pub async fn action(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let body = body.0;
    db::call(&state.pool, move |conn| service::action(conn, &context, &id, body)).await?;
    Ok(accepted_empty())
}
