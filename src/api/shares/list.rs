//! `GET /v2/{project_id}/shares` and `.../detail`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::listing::Paged;
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::{Page, QueryParams, View};
use crate::policy::RequestContext;
use crate::service::shares::{self as service, ListRequest};

/// Both lists: the route says which ([`View`]).
pub async fn list(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: RequestVersion,
    query: QueryParams,
    view: View,
) -> Result<HttpResponse, Error> {
    let page = Page::from_query(&query, state.config.max_limit)?;
    let request = ListRequest {
        search: query
            .latest()
            .into_iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect(),
        offset: page.offset,
        limit: page.limit,
    };
    let caller = context.clone();
    let shares = db::call(&state.pool, move |conn| service::list(conn, &caller, &request)).await?;
    let paged = Paged::new(&req, &state, &context, &query, views::COLLECTION);
    let last = shares.last().map(|item| item.share.id.as_str());
    Ok(if view == View::Detail {
        let items = shares
            .iter()
            .map(|share| views::detail(share, &paged.links, &context, &version));
        HttpResponse::Ok().json(paged.body(views::KEYS, items.collect(), last))
    } else {
        let items = shares.iter().map(|share| views::summary(share, &paged.links, &context));
        HttpResponse::Ok().json(paged.body(views::KEYS, items.collect(), last))
    })
}
