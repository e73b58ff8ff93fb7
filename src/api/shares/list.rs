//! `GET /v2/{project_id}/shares` and `.../detail`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::views;
use crate::api::links::LinkBase;
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::Page;
use crate::listing::{parse_integer, QueryParams};
use crate::policy::RequestContext;
use crate::service::shares::{self as service, ListRequest};

pub async fn index(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: RequestVersion,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    respond(state, req, context, version, query, false).await
}

pub async fn detail(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: RequestVersion,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    respond(state, req, context, version, query, true).await
}

async fn respond(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: RequestVersion,
    query: QueryParams,
    detailed: bool,
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
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    let items: Vec<Value> = shares
        .iter()
        .map(|share| {
            if detailed {
                views::detail(share, &links, &context, &version)
            } else {
                views::summary(share, &links, &context)
            }
        })
        .collect();
    let mut body = json!({ "shares": items });
    // Manila adds a next link when the page is as long as the limit asked for.
    let asked = query.get("limit").and_then(parse_integer).filter(|limit| *limit > 0);
    if let (Some(asked), Some(last)) = (asked, shares.last()) {
        if asked as usize == shares.len() {
            body["shares_links"] = json!([links.next(&req, &context.project_id, views::COLLECTION, &last.share.id)]);
        }
    }
    Ok(HttpResponse::Ok().json(body))
}
