//! `GET /v2/{project_id}/shares/{share_id}/export_locations` and
//! `.../export_locations/{export_location_uuid}`, from 2.9.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use crate::api::microversion::RequestVersion;
use crate::api::state::HttpState;
use crate::db;
use crate::db::shares::ExportLocation;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::export_locations as service;
use crate::timestamps;

/// `preferred` from 2.14; the share instance and the admin-only flag for
/// admins; times in the detail view only.
fn view(location: &ExportLocation, version: &RequestVersion, context: &RequestContext, detail: bool) -> Value {
    let mut view = json!({ "id": location.id, "path": location.path });
    if version.at_least(2, 14) {
        view["preferred"] = json!(location.preferred);
    }
    if context.is_admin {
        // A share has one instance here, whose id is the share's.
        view["share_instance_id"] = json!(location.share_id);
        view["is_admin_only"] = json!(location.is_admin_only);
    }
    if detail {
        view["created_at"] = json!(timestamps::render(&location.created_at));
        view["updated_at"] = json!(location.updated_at.as_ref().map(timestamps::render));
    }
    view
}

pub async fn index(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, share_id) = path.into_inner();
    let caller = context.clone();
    let locations = db::call(&state.pool, move |conn| service::list(conn, &caller, &share_id)).await?;
    let items: Vec<Value> = locations
        .iter()
        .map(|location| view(location, &version, &context, false))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "export_locations": items })))
}

pub async fn show(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, share_id, id) = path.into_inner();
    let caller = context.clone();
    let location = db::call(&state.pool, move |conn| service::show(conn, &caller, &share_id, &id)).await?;
    Ok(HttpResponse::Ok().json(json!({ "export_location": view(&location, &version, &context, true) })))
}
