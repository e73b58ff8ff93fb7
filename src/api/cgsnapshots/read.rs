//! `GET /v2/{project_id}/cgsnapshots`, `.../detail`, `.../{id}` and
//! `.../{id}/members`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::views;
use crate::api::links::LinkBase;
use crate::api::state::HttpState;
use crate::db;
use crate::db::cgsnapshots::{CgSnapshot, ListFilter};
use crate::db::consistency_groups::SortKey;
use crate::error::Error;
use crate::listing::{invalid_sort_key, ListParams};
use crate::listing::{parse_integer, QueryParams};
use crate::policy::RequestContext;
use crate::service::cgsnapshots::{self as service, ListRequest};

pub async fn index(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    list(state, req, context, query, views::summary).await
}

pub async fn detail(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    list(state, req, context, query, views::detail).await
}

type View = fn(&CgSnapshot, &LinkBase, &RequestContext) -> Value;

async fn list(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    query: QueryParams,
    view: View,
) -> Result<HttpResponse, Error> {
    let params = ListParams::from_query(&query, state.config.max_limit)?;
    let sort_key = match params.sort_key.as_deref() {
        None | Some("created_at") => SortKey::CreatedAt,
        Some("id") => SortKey::Id,
        Some("name") => SortKey::Name,
        Some("status") => SortKey::Status,
        Some(other) => return Err(invalid_sort_key(other, "created_at, id, name, status")),
    };
    let text = |key: &str| query.get(key).map(str::to_string);
    let request = ListRequest {
        offset: params.page.offset,
        limit: params.page.limit,
        marker: params.marker,
        sort_key,
        descending: params.descending,
        all_tenants: params.all_tenants,
        filter: ListFilter {
            project_id: text("project_id"),
            name: text("name"),
            status: text("status"),
            consistency_group_id: text("consistency_group_id"),
        },
    };
    let caller = context.clone();
    let snapshots = db::call(&state.pool, move |conn| service::list(conn, &caller, &request)).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    let items: Vec<Value> = snapshots
        .iter()
        .map(|snapshot| view(snapshot, &links, &context))
        .collect();
    let mut body = json!({ "cgsnapshots": items });
    if let Some(last) = full_page(&query, snapshots.len()).then(|| snapshots.last()).flatten() {
        // Upstream's key is singular: `cgsnapshot_links`.
        body["cgsnapshot_links"] = json!([links.next(&req, &context.project_id, views::COLLECTION, &last.id)]);
    }
    Ok(HttpResponse::Ok().json(body))
}

/// Manila adds a next link when the page is as long as the limit asked for.
fn full_page(query: &QueryParams, items: usize) -> bool {
    query
        .get("limit")
        .and_then(parse_integer)
        .is_some_and(|limit| limit > 0 && limit as usize == items)
}

pub async fn show(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let caller = context.clone();
    let snapshot = db::call(&state.pool, move |conn| service::show(conn, &caller, &id)).await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    Ok(HttpResponse::Ok().json(json!({ "cgsnapshot": views::detail(&snapshot, &links, &context) })))
}

pub async fn members(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    path: web::Path<(String, String)>,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let params = ListParams::from_query(&query, state.config.max_limit)?;
    let (caller, snapshot_id) = (context.clone(), id.clone());
    let members = db::call(&state.pool, move |conn| {
        service::members(
            conn,
            &caller,
            &snapshot_id,
            params.marker.as_deref(),
            params.page.offset,
            params.page.limit,
        )
    })
    .await?;
    let mut body = json!({ "cgsnapshot_members": members.iter().map(views::member).collect::<Vec<_>>() });
    if let Some(last) = full_page(&query, members.len()).then(|| members.last()).flatten() {
        let links = LinkBase::of(&req, state.config.base_url.as_deref());
        let collection = format!("{}/{id}/members", views::COLLECTION);
        body["cgsnapshot_members_links"] = json!([links.next(&req, &context.project_id, &collection, &last.id)]);
    }
    Ok(HttpResponse::Ok().json(body))
}
