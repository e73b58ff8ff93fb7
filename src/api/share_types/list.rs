//! `GET /{project_id}/types`.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::share_types;

pub async fn list(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, Error> {
    // A repeated parameter counts with its last value, as WebOb's do.
    let is_public = query
        .into_inner()
        .into_iter()
        .rev()
        .find_map(|(name, value)| (name == "is_public").then_some(value));
    let caller = context.clone();
    let listed = db::call(&state.pool, move |conn| {
        share_types::list(conn, &caller, is_public.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::index(&listed, &version, &context)))
}
