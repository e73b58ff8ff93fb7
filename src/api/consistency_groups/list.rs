//! `GET /v2/{project_id}/consistency-groups` and `.../detail`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::listing::Paged;
use crate::api::state::HttpState;
use crate::error::Error;
use crate::listing::{ListRequest, QueryParams};
use crate::policy::RequestContext;
use crate::service::consistency_groups::{self as service, LIST};

pub async fn index(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    respond(state, req, context, query, List::Summary).await
}

pub async fn detail(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    respond(state, req, context, query, List::Detail).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Summary,
    Detail,
}

async fn respond(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
    kind: List,
) -> Result<HttpResponse, Error> {
    let request = ListRequest::parse(&query, state.config.max_limit, &LIST)?;
    let cgs = service::list(&state.cg_reads, &state.pool, &context, &request, kind == List::Detail).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    let paged = Paged {
        req: &req,
        links: &links,
        project_id: &context.project_id,
        query: &query,
        collection: views::COLLECTION,
    };
    let last = cgs.last().map(|item| item.cg.id.as_str());
    Ok(match kind {
        List::Summary => HttpResponse::Ok().json(paged.body(
            views::KEYS,
            cgs.iter().map(|cg| views::summary(cg, &links, &context)).collect(),
            last,
        )),
        List::Detail => HttpResponse::Ok().json(paged.body(
            views::KEYS,
            cgs.iter().map(|cg| views::detail(cg, &links, &context)).collect(),
            last,
        )),
    })
}
