//! `DELETE /v2/{project_id}/shares/{id}`, with the
//! `?consistency_group_id=` rule for shares in a group.

use actix_web::{web, HttpResponse};

use crate::api::response;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::QueryParams;
use crate::policy::RequestContext;
use crate::service::shares as service;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let cg = query.get("consistency_group_id").map(str::to_string);
    db::call(&state.pool, move |conn| {
        service::delete(conn, &context, &id, cg.as_deref())
    })
    .await?;
    Ok(response::accepted())
}
