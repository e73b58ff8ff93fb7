//! Answers that are not views: what Manila sends when a handler returns
//! a bare WebOb response instead of a dict.

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;

/// Manila's `webob.Response(status_int=202)` (deletes, actions): an empty
/// body under WebOb's default content type. Not being JSON, it carries no
/// request id, as upstream's does not.
pub fn accepted() -> HttpResponse {
    HttpResponse::Accepted()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=UTF-8"),
        ))
        .finish()
}
