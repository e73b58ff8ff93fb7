//! `GET /v2/{project_id}/cgsnapshots/{id}/members`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::listing::Paged;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::{ListParams, QueryParams};
use crate::policy::RequestContext;
use crate::service::cgsnapshots as service;

/// Paged by the shared parameters only: members are neither sorted by
/// the client nor filtered.
pub async fn members(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    path: web::Path<(String, String)>,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let params = ListParams::from_query(&query, state.config.max_limit)?;
    let (caller, snapshot_id) = (context.clone(), id.clone());
    let members = db::call(&state.pool, move |conn| {
        service::members(
            conn,
            &caller,
            &snapshot_id,
            params.marker.as_deref(),
            params.page.offset,
            params.page.limit,
        )
    })
    .await?;
    let collection = format!("{}/{id}/members", views::COLLECTION);
    let paged = Paged::new(&req, &state, &context, &query, &collection);
    let last = members.last().map(|member| member.id.as_str());
    let items = members.iter().map(views::member).collect();
    Ok(HttpResponse::Ok().json(paged.body(views::MEMBER_KEYS, items, last)))
}
