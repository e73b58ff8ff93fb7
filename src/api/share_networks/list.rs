//! `GET /{project_id}/share-networks` (summaries) and `.../detail`.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::listing::ListBody;
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::listing::{QueryParams, View};
use crate::policy::RequestContext;
use crate::service::share_networks;

/// Both lists: the route says which ([`View`]).
pub async fn list(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    query: QueryParams,
    view: View,
) -> Result<HttpResponse, Error> {
    let max_limit = state.config.max_limit;
    let networks = db::call(&state.pool, move |conn| {
        share_networks::list(conn, &context, view, &query, max_limit)
    })
    .await?;
    Ok(match view {
        View::Summary => {
            let items = networks.iter().map(views::summary).collect();
            HttpResponse::Ok().json(ListBody::unpaged(views::KEY, items))
        }
        View::Detail => {
            let items = networks
                .iter()
                .map(|network| views::detail(network, &version))
                .collect();
            HttpResponse::Ok().json(ListBody::unpaged(views::KEY, items))
        }
    })
}
