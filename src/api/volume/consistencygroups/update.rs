//! `PUT /{project_id}/consistencygroups/{id}` (Cinder's v3 controller,
//! whose 3.6 allows blank names) and `PUT .../{id}/update` (the older
//! controller, at every version): 202, empty.

use actix_web::{web, HttpResponse};

use crate::api::state::HttpState;
use crate::api::volume::route::{accepted_empty, ResourceId, VolumeBody, VolumeVersion};
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_consistency_groups::{self as service, UpdateRules};

async fn run(
    state: &HttpState,
    context: RequestContext,
    id: String,
    body: VolumeBody,
    rules: UpdateRules,
) -> Result<HttpResponse, Error> {
    let body = body.required()?;
    db::call(&state.pool, move |conn| {
        service::update(conn, &context, &id, &body, rules)
    })
    .await?;
    Ok(accepted_empty())
}

pub async fn update(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: VolumeVersion,
    ResourceId(id): ResourceId,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    let rules = if version.at_least(3, 6) {
        UpdateRules::BlankAllowed
    } else {
        UpdateRules::Classic
    };
    run(&state, context, id, body, rules).await
}

pub async fn update_classic(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
    body: VolumeBody,
) -> Result<HttpResponse, Error> {
    run(&state, context, id, body, UpdateRules::Classic).await
}
