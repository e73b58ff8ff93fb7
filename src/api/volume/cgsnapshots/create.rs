//! `POST /{project_id}/cgsnapshots`: 202 with the summary; a job takes
//! the snapshots.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::state::HttpState;
use crate::api::volume::route::VolumeBody;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_cgsnapshots as service;

pub async fn create(
    state: web::Data<HttpState>,
    context: RequestContext,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let body = body.required()?;
    let cgsnapshot = db::call(&state.pool, move |conn| service::create(conn, &context, &body)).await?;
    Ok(HttpResponse::Accepted().json(views::One {
        cgsnapshot: views::summary(&cgsnapshot),
    }))
}
