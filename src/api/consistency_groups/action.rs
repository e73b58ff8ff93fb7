//! `POST /v2/{project_id}/consistency-groups/{id}/action`: the admin
//! actions, named `os-reset_status`/`os-force_delete` until 2.6 and
//! `reset_status`/`force_delete` from 2.7.

use actix_web::{web, HttpResponse};

use crate::api::context::RequestContext;
use crate::api::microversion::{ApiVersion, VersionGate};
use crate::api::response;
use crate::api::route::{Action, ActionCall};
use crate::db;
use crate::error::Error;
use crate::service::consistency_groups as service;
use crate::startup::AppState;

const V2_4: ApiVersion = ApiVersion::new(2, 4);
const V2_6: ApiVersion = ApiVersion::new(2, 6);
const V2_7: ApiVersion = ApiVersion::new(2, 7);

pub const ACTIONS: [Action; 4] = [
    Action {
        name: "os-reset_status",
        gate: VersionGate::between(V2_4, V2_6).experimental(),
    },
    Action {
        name: "os-force_delete",
        gate: VersionGate::between(V2_4, V2_6).experimental(),
    },
    Action {
        name: "reset_status",
        gate: VersionGate::since(V2_7).experimental(),
    },
    Action {
        name: "force_delete",
        gate: VersionGate::since(V2_7).experimental(),
    },
];

pub async fn dispatch(
    state: web::Data<AppState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
    call: ActionCall,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    db::call(&state.pool, move |conn| match call.name {
        "os-reset_status" | "reset_status" => service::reset_status(conn, &context, &id, &call.body),
        _ => service::force_delete(conn, &context, &id),
    })
    .await?;
    Ok(response::accepted())
}
