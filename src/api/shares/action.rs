//! `POST /v2/{project_id}/shares/{id}/action`: the admin actions.

use actix_web::{web, HttpResponse};

use crate::api::admin_actions::AdminAction;
use crate::api::response;
use crate::api::route::ActionCall;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::shares as service;

pub async fn dispatch(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
    call: ActionCall,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    db::call(&state.pool, move |conn| match AdminAction::of(call.name) {
        AdminAction::ResetStatus => service::reset_status(conn, &context, &id, &call.body),
        AdminAction::ForceDelete => service::force_delete(conn, &context, &id),
    })
    .await?;
    Ok(response::accepted())
}
