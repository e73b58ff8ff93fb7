//! `GET /{project_id}/volumes` and `/volumes/detail`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::views::{self, Extended};
use crate::api::state::HttpState;
use crate::api::volume::links::{Link, VolumeLinks};
use crate::api::volume::route::VolumeVersion;
use crate::db;
use crate::error::Error;
use crate::listing::{QueryParams, View};
use crate::policy::RequestContext;
use crate::service::volume_lists::wants_next_link;
use crate::service::volumes::{self as service, ListSettings};

#[derive(Serialize)]
struct Page<T> {
    volumes: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volumes_links: Option<[Link; 1]>,
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
        with_group_filter: version.at_least(3, 10),
    };
    let (caller, params) = (context.clone(), query.clone());
    let volumes = db::call(&state.pool, move |conn| service::list(conn, &caller, &params, settings)).await?;
    let links = VolumeLinks::of(&req, &state, &version);
    let next = volumes
        .last()
        .filter(|_| wants_next_link(&query, state.config.max_limit, volumes.len()))
        .map(|last| {
            let collection = match view {
                View::Summary => "volumes",
                View::Detail => "volumes/detail",
            };
            [links.next(&req, &context.project_id, collection, &last.volume.id)]
        });
    Ok(match view {
        View::Summary => HttpResponse::Ok().json(Page {
            volumes: volumes.iter().map(|volume| views::summary(volume, &links)).collect(),
            volumes_links: next,
        }),
        View::Detail => HttpResponse::Ok().json(Page {
            volumes: volumes
                .iter()
                .map(|volume| views::detail(volume, &links, &context, &version, Extended::Yes))
                .collect(),
            volumes_links: next,
        }),
    })
}
