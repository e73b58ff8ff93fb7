//! `GET /metrics` (Prometheus text format, no authentication) and the
//! layer that counts and times every request by its route template.

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

use crate::api::state::HttpState;
use crate::config::ServedApi;
use crate::db::jobs;
use crate::metrics::{method_label, route_label, ScrapeValues, UNMATCHED};

/// The text exposition format's content type.
pub const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How long a scrape waits for the database to count the queue; past it
/// the queue family is left out and the rest is served.
const QUEUE_QUERY_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn scrape(state: web::Data<HttpState>) -> HttpResponse {
    let pool_state = state.pool.state();
    let pool = state.pool.clone();
    let query = web::block(move || {
        let mut conn = pool.get_timeout(QUEUE_QUERY_TIMEOUT).map_err(|err| err.to_string())?;
        jobs::queue_depth(&mut conn).map_err(|err| err.to_string())
    });
    let queue = match actix_web::rt::time::timeout(QUEUE_QUERY_TIMEOUT, query).await {
        Ok(Ok(Ok(rows))) => Some(
            rows.into_iter()
                .map(|(kind, status, count)| (kind, status, count.max(0) as u64))
                .collect(),
        ),
        Ok(Ok(Err(err))) => {
            log::warn!("metrics: cannot count the job queue: {err}");
            None
        }
        Ok(Err(err)) => {
            log::warn!("metrics: cannot count the job queue: {err}");
            None
        }
        Err(_) => {
            log::warn!("metrics: counting the job queue took too long");
            None
        }
    };
    let values = ScrapeValues {
        pool_in_use: pool_state.connections - pool_state.idle_connections,
        pool_idle: pool_state.idle_connections,
        pool_max: state.pool.max_size(),
        open_connections: state.lifecycle.open_connections(),
        queue,
    };
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_TEXT)))
        .body(state.metrics.render(&values))
}

/// Counts and times each request after routing and after `faultwrap`, so
/// the status is the one the client gets. A request the server failed
/// without a response (a handler panic caught by `faultwrap` is still
/// answered, so this is only actix's own errors) is counted as unmatched.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method().as_str());
    let state = req.app_data::<web::Data<HttpState>>().cloned();
    let api = match req.app_data::<ServedApi>() {
        Some(ServedApi::Volume) => "osapi_volume",
        _ => "osapi_share",
    };
    let outcome = next.call(req).await;
    if let Some(state) = state {
        let (route, status) = match &outcome {
            Ok(response) => (route_label(response.request().match_pattern()), response.status()),
            Err(err) => (UNMATCHED.to_string(), err.as_response_error().status_code()),
        };
        state
            .metrics
            .observe_request(api, route, method, status.as_u16(), started.elapsed());
    }
    outcome
}
