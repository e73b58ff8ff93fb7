//! `GET /v2/{project_id}/consistency-groups` and `.../detail`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::state::HttpState;
use crate::db::consistency_groups::{ListFilter, Sort, SortKey};
use crate::error::Error;
use crate::listing::{invalid_sort_key, ListParams};
use crate::listing::{parse_integer, QueryParams};
use crate::policy::RequestContext;
use crate::service::consistency_groups::{self as service, ListRequest};

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
    let mut request = list_request(&query, state.config.max_limit)?;
    request.with_share_types = kind == List::Detail;
    let cgs = service::list(&state.cg_reads, &state.pool, &context, &request).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    // Manila adds a next link when the page is as long as the limit asked for.
    let asked = query.get("limit").and_then(parse_integer).filter(|limit| *limit > 0);
    let next = match (asked, cgs.last()) {
        (Some(asked), Some(last)) if asked as usize == cgs.len() => {
            Some([links.next(&req, &context.project_id, views::COLLECTION, &last.cg.id)])
        }
        _ => None,
    };
    Ok(match kind {
        List::Summary => HttpResponse::Ok().json(views::Page {
            consistency_groups: cgs.iter().map(|cg| views::summary(cg, &links, &context)).collect(),
            consistency_groups_links: next,
        }),
        List::Detail => HttpResponse::Ok().json(views::Page {
            consistency_groups: cgs.iter().map(|cg| views::detail(cg, &links, &context)).collect(),
            consistency_groups_links: next,
        }),
    })
}

/// The query string as a list request: upstream's `limit`/`offset` rules,
/// plus marker, sorting and exact filters (DESIGN.md section 4, item 3).
fn list_request(query: &QueryParams, max_limit: i64) -> Result<ListRequest, Error> {
    let params = ListParams::from_query(query, max_limit)?;
    let key = match params.sort_key.as_deref() {
        None | Some("created_at") => SortKey::CreatedAt,
        Some("id") => SortKey::Id,
        Some("name") => SortKey::Name,
        Some("status") => SortKey::Status,
        Some(other) => return Err(invalid_sort_key(other, "created_at, id, name, status")),
    };
    let text = |key: &str| query.get(key).map(str::to_string);
    Ok(ListRequest {
        offset: params.page.offset,
        limit: params.page.limit,
        marker: params.marker,
        sort: Sort {
            key,
            descending: params.descending,
        },
        all_tenants: params.all_tenants,
        filter: ListFilter {
            project_id: text("project_id"),
            name: text("name"),
            status: text("status"),
            share_network_id: text("share_network_id"),
        },
        with_share_types: false,
    })
}
