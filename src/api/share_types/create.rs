//! `POST /{project_id}/types`.

use actix_web::{web, HttpResponse};

use super::{snapshot_support_at, views};
use crate::api::microversion::RequestVersion;
use crate::api::route::JsonBody;
use crate::api::state::HttpState;
use crate::db;
use crate::error::{texts, Error};
use crate::policy::RequestContext;
use crate::service::share_types;

pub async fn create(
    state: web::Data<HttpState>,
    context: RequestContext,
    version: RequestVersion,
    body: JsonBody,
) -> Result<HttpResponse, Error> {
    // Upstream's `create(req, body)` cannot even be called without a body
    // (a TypeError, answered with the bare 400), so this comes before the
    // policy check, unlike every other mistake in the request.
    let body = body.0.ok_or_else(|| Error::Invalid(texts::BAD_REQUEST.into()))?;
    let snapshot_support = snapshot_support_at(&version);
    let caller = context.clone();
    let created = db::call(&state.pool, move |conn| {
        share_types::create(conn, &caller, &body, snapshot_support)
    })
    .await?;
    Ok(HttpResponse::Ok().json(views::one(&views::share_type(&created, &version, &context))))
}
