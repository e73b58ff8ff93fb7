//! `GET /v2/{project_id}/cgsnapshots` and `.../detail`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::listing::Paged;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::{ListRequest, QueryParams, View};
use crate::policy::RequestContext;
use crate::service::cgsnapshots::{self as service, LIST};

/// Both lists: the route says which ([`View`]).
pub async fn list(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
    view: View,
) -> Result<HttpResponse, Error> {
    let request = ListRequest::parse(&query, state.config.max_limit, &LIST)?;
    let caller = context.clone();
    let snapshots = db::call(&state.pool, move |conn| service::list(conn, &caller, &request)).await?;
    let paged = Paged::new(&req, &state, &context, &query, views::COLLECTION);
    let last = snapshots.last().map(|snapshot| snapshot.id.as_str());
    Ok(if view == View::Detail {
        let items = snapshots
            .iter()
            .map(|snapshot| views::detail(snapshot, &paged.links, &context));
        HttpResponse::Ok().json(paged.body(views::KEYS, items.collect(), last))
    } else {
        let items = snapshots
            .iter()
            .map(|snapshot| views::summary(snapshot, &paged.links, &context));
        HttpResponse::Ok().json(paged.body(views::KEYS, items.collect(), last))
    })
}
