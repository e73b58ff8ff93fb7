//! `DELETE /{project_id}/volumes/{id}` (`?force=` from 3.23, `?cascade=`).

use actix_web::{web, HttpResponse};

use crate::api::state::HttpState;
use crate::api::volume::route::{accepted_empty, ResourceId, VolumeVersion};
use crate::db;
use crate::error::Error;
use crate::listing::QueryParams;
use crate::policy::RequestContext;
use crate::service::volumes as service;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: VolumeVersion,
    ResourceId(id): ResourceId,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    let with_force = version.at_least(3, 23);
    db::call(&state.pool, move |conn| {
        service::delete(conn, &context, &id, &query, with_force)
    })
    .await?;
    Ok(accepted_empty())
}
