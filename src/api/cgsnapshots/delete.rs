//! `DELETE /v2/{project_id}/cgsnapshots/{id}`.

use actix_web::{web, HttpResponse};

use crate::api::response;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::cgsnapshots as service;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    db::call(&state.pool, move |conn| service::delete(conn, &context, &id)).await?;
    Ok(response::accepted())
}
