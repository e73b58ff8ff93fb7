//! `GET /v2/{project_id}/shares` and `.../detail`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::listing::Paged;
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::{Page, QueryParams};
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
    let paged = Paged {
        req: &req,
        links: &links,
        project_id: &context.project_id,
        query: &query,
        collection: views::COLLECTION,
    };
    let last = shares.last().map(|item| item.share.id.as_str());
    Ok(if detailed {
        let items = shares
            .iter()
            .map(|share| views::detail(share, &links, &context, &version));
        HttpResponse::Ok().json(paged.body(views::KEYS, items.collect(), last))
    } else {
        let items = shares.iter().map(|share| views::summary(share, &links, &context));
        HttpResponse::Ok().json(paged.body(views::KEYS, items.collect(), last))
    })
}
