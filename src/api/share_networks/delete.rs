//! `DELETE /{project_id}/share-networks/{id}`: 202 and an empty body,
//! which upstream sends as WebOb's bare response (HTML content type, no
//! request id).

use actix_web::{web, HttpResponse};

use crate::api::response;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::share_networks;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    db::call(&state.pool, move |conn| share_networks::delete(conn, &context, &id)).await?;
    Ok(response::accepted())
}
