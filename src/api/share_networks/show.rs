//! `GET /{project_id}/share-networks/{id}`.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::share_networks;

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let network = db::call(&state.pool, move |conn| share_networks::show(conn, &context, &id)).await?;
    Ok(HttpResponse::Ok().json(views::single(&network, &version)))
}
