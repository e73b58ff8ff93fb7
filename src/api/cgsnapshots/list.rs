//! `GET /v2/{project_id}/cgsnapshots` and `.../detail`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::listing::Paged;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::{ListRequest, QueryParams};
use crate::policy::RequestContext;
use crate::service::cgsnapshots::{self as service, LIST};

pub async fn index(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    respond(state, req, context, query, false).await
}

pub async fn detail(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    respond(state, req, context, query, true).await
}

async fn respond(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
    detailed: bool,
) -> Result<HttpResponse, Error> {
    let request = ListRequest::parse(&query, state.config.max_limit, &LIST)?;
    let caller = context.clone();
    let snapshots = db::call(&state.pool, move |conn| service::list(conn, &caller, &request)).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    let paged = Paged {
        req: &req,
        links: &links,
        project_id: &context.project_id,
        query: &query,
        collection: views::COLLECTION,
    };
    let last = snapshots.last().map(|snapshot| snapshot.id.as_str());
    Ok(if detailed {
        let items = snapshots
            .iter()
            .map(|snapshot| views::detail(snapshot, &links, &context));
        HttpResponse::Ok().json(paged.body(views::KEYS, items.collect(), last))
    } else {
        let items = snapshots
            .iter()
            .map(|snapshot| views::summary(snapshot, &links, &context));
        HttpResponse::Ok().json(paged.body(views::KEYS, items.collect(), last))
    })
}
