//! `GET /{project_id}/consistencygroups/{id}`

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_consistency_groups as service;

pub async fn show(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
) -> Result<HttpResponse, Error> {
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    let group = db::call(&state.pool, move |conn| service::show(conn, &context, &id)).await?;
    Ok(HttpResponse::Ok().json(views::One {
        consistencygroup: views::detail(&group),
    }))
}
