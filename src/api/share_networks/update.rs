//! `PUT /{project_id}/share-networks/{id}`.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::microversion::RequestVersion;
use crate::api::route::JsonBody;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::share_networks;

pub async fn update(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<(String, String)>,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let network = db::call(&state.pool, move |conn| {
        share_networks::update(conn, &context, &id, body.0.as_ref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::single(&network, &version)))
}
