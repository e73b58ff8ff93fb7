//! Reading the request body: Manila's size limit, and the body as its
//! JSON deserialiser sees it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::middleware::Next;
use actix_web::web;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;

use crate::api::pipeline::{stamp_request_id, RequestId};
use crate::api::state::HttpState;
use crate::error::Error;

/// The request body as Manila's deserialiser sees it: `None` unless the
/// content type is JSON and the body is not empty.
#[derive(Clone, Debug, Default)]
pub struct JsonBody(pub Option<serde_json::Value>);

impl FromRequest for JsonBody {
    type Error = Error;
    type Future = std::future::Ready<Result<JsonBody, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(req.extensions_mut().remove::<JsonBody>().unwrap_or_default()))
    }
}

/// Manila's `sizelimit`: a body declared larger than the limit is refused
/// before authentication and routing. Bodies without a declared length
/// are held to the same limit while they are read.
pub async fn limit_body_size(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limit = body_limit(&req)?;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        // Refused before authentication, which stamps the request id on
        // every other fault; this one carries it too.
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        let mut response = req.error_response(Error::BodyTooLarge);
        if let Some(request_id) = request_id {
            stamp_request_id(response.headers_mut(), &request_id);
        }
        return Ok(response);
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

pub(super) fn body_limit(req: &ServiceRequest) -> Result<usize, Error> {
    req.app_data::<web::Data<HttpState>>()
        .map(|state| state.config.max_request_body_size)
        .ok_or_else(|| Error::Internal("application state missing".into()))
}

/// The whole body, refusing more than `limit` bytes (whatever length was
/// declared): both APIs read it so before they decide what it holds.
pub(crate) async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<web::BytesMut, Error> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| Error::MalformedBody)?;
        if body.len() + chunk.len() > limit {
            return Err(Error::BodyTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads the whole body (refusing more than `limit` bytes) and parses it
/// when it is declared JSON; any other content type is treated as absent.
pub(super) async fn read_json_body(req: &mut ServiceRequest, limit: usize) -> Result<JsonBody, Error> {
    let body = read_body(req, limit).await?;
    let is_json = matches!(req.mime_type(), Ok(Some(mime)) if mime.essence_str() == "application/json");
    if !is_json || body.is_empty() {
        return Ok(JsonBody(None));
    }
    serde_json::from_slice(&body)
        .map(|value| JsonBody(Some(value)))
        .map_err(|_| Error::MalformedBody)
}
