//! `GET /{project_id}/types`

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::views::{self, View};
use crate::api::state::HttpState;
use crate::api::volume::links::{Link, VolumeLinks};
use crate::api::volume::route::VolumeVersion;
use crate::db;
use crate::error::Error;
use crate::listing::QueryParams;
use crate::policy::RequestContext;
use crate::service::volume_lists::wants_next_link;
use crate::service::volume_types as service;

#[derive(Serialize)]
struct Page {
    volume_types: Vec<View>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volume_type_links: Option<[Link; 1]>,
}

pub async fn list(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: VolumeVersion,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    let max_limit = state.config.max_limit;
    // From 3.52 a non-administrator's unknown filter is a 400.
    let reject_unknown_filters = version.at_least(3, 52);
    let (caller, params) = (context.clone(), query.clone());
    let types = db::call(&state.pool, move |conn| {
        service::list(conn, &caller, &params, max_limit, reject_unknown_filters)
    })
    .await?;
    let links = VolumeLinks::of(&req, &state, &version);
    let next = types
        .last()
        .filter(|_| wants_next_link(&query, max_limit, types.len()))
        .map(|last| [links.next(&req, &context.project_id, "types", &last.row.id)]);
    Ok(HttpResponse::Ok().json(Page {
        volume_types: types.iter().map(|found| views::view(found, &context)).collect(),
        volume_type_links: next,
    }))
}
