//! `GET /{project_id}/types`.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::QueryParams;
use crate::policy::RequestContext;
use crate::service::share_types;

pub async fn list(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    // Share types are not paged; `is_public` is their one filter.
    let is_public = query.get("is_public").map(str::to_string);
    let caller = context.clone();
    let listed = db::call(&state.pool, move |conn| {
        share_types::list(conn, &caller, is_public.as_deref())
    })
    .await?;
    let shown: Vec<_> = listed
        .iter()
        .map(|described| views::share_type(described, &version, &context))
        .collect();
    Ok(HttpResponse::Ok().json(views::index(&shown)))
}
