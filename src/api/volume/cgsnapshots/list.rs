//! `GET /{project_id}/cgsnapshots` and `.../detail`.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::{QueryParams, View};
use crate::policy::RequestContext;
use crate::service::volume_cgsnapshots as service;

pub async fn list(
    state: web::Data<HttpState>,
    context: RequestContext,
    query: QueryParams,
    view: View,
) -> Result<HttpResponse, Error> {
    let max_limit = state.config.max_limit;
    let cgsnapshots = db::call(&state.pool, move |conn| {
        service::list(conn, &context, &query, max_limit)
    })
    .await?;
    Ok(match view {
        View::Summary => HttpResponse::Ok().json(views::List {
            cgsnapshots: cgsnapshots.iter().map(views::summary).collect(),
        }),
        View::Detail => HttpResponse::Ok().json(views::List {
            cgsnapshots: cgsnapshots.iter().map(views::detail).collect(),
        }),
    })
}
