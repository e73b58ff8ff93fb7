//! Puts an [`Error`] on the wire as Manila's fault body,
//! `{"<faultName>": {"code": <status>, "message": "<text>"}}`, and renders
//! the plain (non-JSON) pages Manila's router and auth layer answer with.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde_json::json;

use crate::error::{texts, Error};

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Error::Invalid(_) | Error::MalformedBody | Error::ProjectMismatch | Error::MalformedVersion(_) => {
                StatusCode::BAD_REQUEST
            }
            Error::VersionNotSupported { .. } => StatusCode::NOT_ACCEPTABLE,
            Error::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) | Error::RouteNotFound => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::BodyTooLarge | Error::OverLimit(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let Error::OverLimit(message) = self {
            // Cinder's quota fault tells the client when to retry, in the
            // body (a string) and in the header.
            return HttpResponse::build(status)
                .insert_header((header::RETRY_AFTER, "0"))
                .json(json!({ "overLimit": { "code": 413, "message": message, "retryAfter": "0" } }));
        }
        HttpResponse::build(status).json(fault_body(status, &self.client_message()))
    }
}

impl Error {
    /// What the client is told. Server-side details stay in the log.
    fn client_message(&self) -> String {
        match self {
            Error::Internal(_) => texts::INTERNAL.to_string(),
            Error::Unavailable(_) => {
                "The server is currently unavailable. Please try again at a later time.".to_string()
            }
            other => other.to_string(),
        }
    }
}

/// Manila's map from status to fault name; the rest are `computeFault`.
pub fn fault_name(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 => "overLimit",
        415 => "badMediaType",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    }
}

pub fn fault_body(status: StatusCode, message: &str) -> serde_json::Value {
    json!({ fault_name(status): { "code": status.as_u16(), "message": message } })
}

/// The page Manila's router gives a path it does not know: WebOb's plain
/// 404, with none of the API's headers.
pub async fn unknown_path() -> HttpResponse {
    HttpResponse::NotFound()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=UTF-8"),
        ))
        .body("404 Not Found\n\nThe resource could not be found.\n\n   ")
}

/// Extractor failures (a path or query that does not fit its type) are
/// the client's mistake: a `badRequest` fault, never actix's plain text.
pub fn extractor_error(err: impl std::fmt::Display, _req: &HttpRequest) -> actix_web::Error {
    Error::Invalid(err.to_string()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_follow_manila() {
        assert_eq!(fault_name(StatusCode::BAD_REQUEST), "badRequest");
        assert_eq!(fault_name(StatusCode::NOT_ACCEPTABLE), "computeFault");
        assert_eq!(fault_name(StatusCode::INTERNAL_SERVER_ERROR), "computeFault");
        assert_eq!(fault_name(StatusCode::PAYLOAD_TOO_LARGE), "overLimit");
        assert_eq!(fault_name(StatusCode::UNPROCESSABLE_ENTITY), "computeFault");
    }

    #[test]
    fn internal_details_never_reach_the_client() {
        let err = Error::Internal("relation \"secret\" does not exist".into());
        assert_eq!(err.client_message(), texts::INTERNAL);
    }

    #[test]
    fn version_errors_carry_manila_texts() {
        assert_eq!(
            Error::VersionNotSupported {
                requested: "2.31".into(),
                min: crate::version::MIN_VERSION,
                max: crate::version::MAX_VERSION,
            }
            .to_string(),
            "Version 2.31 is not supported by the API. Minimum is 2.0 and maximum is 2.30."
        );
        assert_eq!(
            Error::MalformedVersion("2.1.4".into()).to_string(),
            "API Version String 2.1.4 is of invalid format. Must be of format MajorNum.MinorNum."
        );
    }
}
