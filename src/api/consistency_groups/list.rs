//! `GET /v2/{project_id}/consistency-groups` and `.../detail`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::listing::Paged;
use crate::api::state::HttpState;
use crate::error::Error;
use crate::listing::{ListRequest, QueryParams, View};
use crate::policy::RequestContext;
use crate::service::consistency_groups::{self as service, LIST};

/// Both lists: the route says which ([`View`]).
pub async fn list(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
    view: View,
) -> Result<HttpResponse, Error> {
    let request = ListRequest::parse(&query, state.config.max_limit, &LIST)?;
    let cgs = service::list(&state.cg_reads, &state.pool, &context, &request, view == View::Detail).await?;
    let paged = Paged::new(&req, &state, &context, &query, views::COLLECTION);
    let last = cgs.last().map(|item| item.cg.id.as_str());
    Ok(match view {
        View::Summary => HttpResponse::Ok().json(
            paged.body(
                views::KEYS,
                cgs.iter()
                    .map(|cg| views::summary(cg, &paged.links, &context))
                    .collect(),
                last,
            ),
        ),
        View::Detail => HttpResponse::Ok().json(paged.body(
            views::KEYS,
            cgs.iter().map(|cg| views::detail(cg, &paged.links, &context)).collect(),
            last,
        )),
    })
}
