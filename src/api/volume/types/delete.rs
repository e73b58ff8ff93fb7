//! `DELETE /{project_id}/types/{id}`: 202, empty.

use actix_web::{web, HttpResponse};

use crate::api::state::HttpState;
use crate::api::volume::route::{accepted_empty, ResourceId};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_types as service;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
) -> Result<HttpResponse, Error> {
    let default_name = state.config.volume.default_volume_type.clone();
    db::call(&state.pool, move |conn| {
        service::delete(conn, &context, &default_name, &id)
    })
    .await?;
    Ok(accepted_empty())
}
