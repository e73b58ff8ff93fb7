//! `GET /{project_id}/snapshots` and `/snapshots/detail`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::views::{self, View as SnapshotView};
use crate::api::state::HttpState;
use crate::api::volume::links::{Link, VolumeLinks};
use crate::api::volume::route::VolumeVersion;
use crate::db;
use crate::error::Error;
use crate::listing::{QueryParams, View};
use crate::policy::RequestContext;
use crate::service::volume_lists::wants_next_link;
use crate::service::volume_snapshots as service;
use crate::service::volumes::ListSettings;

#[derive(Serialize)]
struct Page {
    snapshots: Vec<SnapshotView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshots_links: Option<[Link; 1]>,
}

pub async fn list(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: VolumeVersion,
    view: View,
    query: QueryParams,
) -> Result<HttpResponse, Error> {
    let settings = ListSettings {
        max_limit: state.config.max_limit,
        reject_unknown_filters: version.at_least(3, 31),
        with_group_filter: false,
    };
    let (caller, params) = (context.clone(), query.clone());
    let snapshots = db::call(&state.pool, move |conn| service::list(conn, &caller, &params, settings)).await?;
    let links = VolumeLinks::of(&req, &state, &version);
    let collection = match view {
        View::Summary => "snapshots",
        View::Detail => "snapshots/detail",
    };
    let next = snapshots
        .last()
        .filter(|_| wants_next_link(&query, state.config.max_limit, snapshots.len()))
        .map(|last| [links.next(&req, &context.project_id, collection, &last.id)]);
    let items = snapshots
        .iter()
        .map(|snapshot| match view {
            View::Summary => views::summary(snapshot),
            View::Detail => views::detail(snapshot, &context, &version),
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page {
        snapshots: items,
        snapshots_links: next,
    }))
}
