//! `DELETE /{project_id}/types/{id}`.

use actix_web::{web, HttpResponse};

use super::TypePath;
use crate::api::response;
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::share_types;

pub async fn delete(
    state: web::Data<HttpState>,
    context: RequestContext,
    path: web::Path<TypePath>,
) -> Result<HttpResponse, Error> {
    let id = path.into_inner().id;
    db::call(&state.pool, move |conn| share_types::delete(conn, &context, &id)).await?;
    Ok(response::accepted())
}
