//! `POST /{project_id}/consistencygroups` and `.../create_from_src`: 202
//! with the new group's summary; a job places and makes it.

use actix_web::{web, HttpResponse};

use super::views;
use crate::api::state::HttpState;
use crate::api::volume::route::VolumeBody;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_consistency_groups::{self as service, GroupSettings};

fn settings(state: &HttpState) -> GroupSettings {
    GroupSettings {
        availability_zone: state.config.storage_availability_zone.clone(),
        quota_groups: state.config.volume.quota_groups,
    }
}

fn accepted(group: &crate::db::volume_consistency_groups::VolumeGroup) -> HttpResponse {
    HttpResponse::Accepted().json(views::One {
        consistencygroup: views::summary(group),
    })
}

pub async fn create(
    state: web::Data<HttpState>,
    context: RequestContext,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let body = body.required()?;
    let settings = settings(&state);
    let group = db::call(&state.pool, move |conn| {
        service::create(conn, &context, &settings, &body)
    })
    .await?;
    Ok(accepted(&group))
}

pub async fn create_from_src(
    state: web::Data<HttpState>,
    context: RequestContext,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let body = body.required()?;
    let settings = settings(&state);
    let group = db::call(&state.pool, move |conn| {
        service::create_from_src(conn, &context, &settings, &body)
    })
    .await?;
    Ok(accepted(&group))
}
