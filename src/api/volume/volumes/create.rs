//! `POST /{project_id}/volumes`: 202 with the new volume's detail view.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views::{self, Extended};
use crate::api::state::HttpState;
use crate::api::volume::links::VolumeLinks;
use crate::api::volume::route::{VolumeBody, VolumeVersion};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volumes::{self as service, CreateSettings};

pub async fn create(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: VolumeVersion,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let body = body.required()?;
    let settings = CreateSettings {
        default_volume_type: state.config.volume.default_volume_type.clone(),
        availability_zone: state.config.storage_availability_zone.clone(),
        with_group_id: version.at_least(3, 13),
        with_backup_id: version.at_least(3, 47),
        strict_keys: version.at_least(3, 53),
    };
    let caller = context.clone();
    let volume = db::call(&state.pool, move |conn| service::create(conn, &caller, &settings, body)).await?;
    let links = VolumeLinks::of(&req, &state, &version);
    Ok(HttpResponse::Accepted().json(views::one(views::detail(
        &volume,
        &links,
        &context,
        &version,
        Extended::No,
    ))))
}
