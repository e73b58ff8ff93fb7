//! `GET /{project_id}/cgsnapshots/{id}`

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::state::HttpState;
use crate::api::volume::route::ResourceId;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_cgsnapshots as service;

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
) -> Result<HttpResponse, Error> {
    let cgsnapshot = db::call(&state.pool, move |conn| service::show(conn, &context, &id)).await?;
    Ok(HttpResponse::Ok().json(views::One {
        cgsnapshot: views::detail(&cgsnapshot),
    }))
}
