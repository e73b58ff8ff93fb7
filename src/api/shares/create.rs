//! `POST /v2/{project_id}/shares`: 200 with the new share, `creating`
//! (upstream answers create with 200, not 202); a job places and makes it.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::LinkBase;
use crate::api::microversion::RequestVersion;
use crate::api::route::JsonBody;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::shares::{self as service, CreateSettings};

pub async fn create(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: RequestVersion,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    let caller = context.clone();
    let settings = CreateSettings {
        default_share_type: state.config.default_share_type.clone(),
        availability_zone: state.config.storage_availability_zone.clone(),
        enabled_protocols: state.config.enabled_share_protocols.clone(),
        with_consistency_groups: version.at_least(2, 4),
    };
    let share = db::call(&state.pool, move |conn| {
        service::create(conn, &caller, &settings, body.0)
    })
    .await?;
    let links = LinkBase::of(&req, state.config.base_url.as_deref());
    Ok(HttpResponse::Ok().json(views::one(&share, &links, &context, &version)))
}
