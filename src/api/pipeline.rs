//! The outermost layer, Manila's `faultwrap`: gives every request its id,
//! turns a panic into a 500 fault instead of a dropped connection, and
//! writes the log lines of the request: a fault's reason, then the access
//! line.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use futures_util::FutureExt;

use crate::error::Error;

/// `req-<uuid4>`, as oslo.context makes them.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

impl RequestId {
    fn generate() -> RequestId {
        RequestId(format!("req-{}", uuid::Uuid::new_v4()))
    }

    /// Only ids of our own form are believed, so nothing odd reaches the logs.
    fn is_well_formed(text: &str) -> bool {
        text.strip_prefix("req-")
            .and_then(|uuid| uuid::Uuid::try_parse(uuid).ok())
            .is_some_and(|uuid| uuid.hyphenated().to_string() == text[4..])
    }
}

const GLOBAL_REQUEST_ID_HEADER: &str = "x-openstack-request-id";

/// The request id headers of Manila's JSON answers and faults: Nova's
/// `x-compute-request-id` and, with the same value, the api-sig's
/// `x-openstack-request-id`.
pub fn stamp_request_id(headers: &mut HeaderMap, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(HeaderName::from_static("x-compute-request-id"), value.clone());
        headers.insert(HeaderName::from_static(GLOBAL_REQUEST_ID_HEADER), value);
    }
}

pub async fn faultwrap(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = RequestId::generate();
    let global_id = req
        .headers()
        .get(GLOBAL_REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| RequestId::is_well_formed(value))
        .map(|value| format!(" global={value}"))
        .unwrap_or_default();
    req.extensions_mut().insert(request_id.clone());
    let line = format!("{} {}", req.method(), req.uri());

    // The request cannot be cloned before routing (actix writes the match
    // into it), so a panic is answered as an error that actix renders
    // through `ResponseError`: the same 500 fault body.
    let outcome = match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(outcome) => outcome.map(ServiceResponse::map_into_boxed_body),
        Err(_) => Err(Error::Internal("request handler panicked".into()).into()),
    };

    let (status, failure) = match &outcome {
        Ok(response) => (response.status(), response.response().error().map(ToString::to_string)),
        Err(err) => (err.as_response_error().status_code(), Some(err.to_string())),
    };
    // A fault's reason, as Manila's wsgi layer logs it: a client's mistake
    // at info, ours at error.
    match failure {
        Some(failure) if status.is_server_error() => log::error!("[{}{global_id}] {line}: {failure}", request_id.0),
        Some(failure) if status.is_client_error() => {
            log::info!("[{}{global_id}] HTTP exception thrown: {failure}", request_id.0)
        }
        _ => {}
    }
    log::info!(
        "[{}{global_id}] \"{line}\" status: {} time: {:.4}",
        request_id.0,
        status.as_u16(),
        started.elapsed().as_secs_f64()
    );
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::middleware::from_fn;
    use actix_web::{web, App, HttpServer};

    /// Over a real socket: the client gets a fault body, not a reset.
    #[actix_web::test]
    async fn a_panicking_handler_is_answered_with_a_500_fault() {
        async fn boom() -> &'static str {
            panic!("handler bug")
        }
        let server = HttpServer::new(|| App::new().route("/boom", web::get().to(boom)).wrap(from_fn(faultwrap)))
            .workers(1)
            .bind(("127.0.0.1", 0))
            .unwrap();
        let port = server.addrs()[0].port();
        let running = server.run();
        let handle = running.handle();
        actix_web::rt::spawn(running);

        let mut response = awc::Client::default()
            .get(format!("http://127.0.0.1:{port}/boom"))
            .send()
            .await
            .expect("the connection must survive a panic");
        assert_eq!(response.status().as_u16(), 500);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body,
            serde_json::json!({"computeFault": {"code": 500, "message": crate::error::texts::INTERNAL}})
        );
        handle.stop(false).await;
    }

    #[test]
    fn generated_ids_are_well_formed() {
        let id = RequestId::generate();
        assert!(RequestId::is_well_formed(&id.0), "{}", id.0);
        assert_eq!(id.0.len(), 40);
    }

    #[test]
    fn foreign_ids_must_match_our_form() {
        assert!(!RequestId::is_well_formed("req-not-a-uuid"));
        assert!(!RequestId::is_well_formed("7b2c8f3e-3b7b-4c1e-9d7a-2f0e6a1f1c55"));
        assert!(!RequestId::is_well_formed("req-7B2C8F3E-3B7B-4C1E-9D7A-2F0E6A1F1C55"));
        assert!(RequestId::is_well_formed("req-7b2c8f3e-3b7b-4c1e-9d7a-2f0e6a1f1c55"));
    }
}
