//! `POST /{project_id}/share-networks`: 200 with the new network (the
//! api-ref says 202; upstream's controller answers 200).

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::microversion::RequestVersion;
use crate::api::route::JsonBody;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::share_networks;

pub async fn create(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    let network = db::call(&state.pool, move |conn| {
        share_networks::create(conn, &context, body.0.as_ref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::single(&network, &version)))
}
