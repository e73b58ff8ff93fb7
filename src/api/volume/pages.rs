//! The pages Cinder's router answers itself (a path or method it does not
//! route): WebOb's error pages, not API faults, in the form the `Accept`
//! header picks. They carry no version headers.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::api::pipeline::RequestId;

/// What WebOb renders for an `Accept` header: HTML when the client takes
/// it (`*/*` included), JSON when it asks for JSON, plain text otherwise.
#[derive(Debug, PartialEq, Eq)]
enum Form {
    Html,
    Json,
    Plain,
}

fn form(accept: Option<&str>) -> Form {
    let Some(accept) = accept else {
        return Form::Plain;
    };
    let types: Vec<String> = accept
        .split(',')
        .filter_map(|item| item.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .collect();
    if types
        .iter()
        .any(|media| media == "text/html" || media == "*/*" || media == "text/*")
    {
        Form::Html
    } else if types
        .iter()
        .any(|media| media == "application/json" || media == "application/*")
    {
        Form::Json
    } else {
        Form::Plain
    }
}

/// WebOb's JSON error page, keys in its order.
#[derive(serde::Serialize)]
struct JsonPage {
    message: String,
    code: String,
    title: &'static str,
}

/// The router's 404 for anything it does not route.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    page(&req, StatusCode::NOT_FOUND, "The resource could not be found.")
}

/// The size limiter's 413 for a body over `max_request_body_size`. The
/// `%s` is sent as it stands: oslo.middleware never fills it in.
pub fn too_large(req: &HttpRequest) -> HttpResponse {
    page(
        req,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Request is too large. Larger than max_request_body_size (%s).",
    )
}

/// WebOb's error page for `status` with `explanation`, in the form the
/// request's `Accept` picks.
fn page(req: &HttpRequest, status: StatusCode, explanation: &str) -> HttpResponse {
    // WebOb's titles are the HTTP reason phrases of its day.
    let title = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Request Entity Too Large",
        _ => status.canonical_reason().unwrap_or(""),
    };
    let status_line = format!("{} {title}", status.as_u16());
    let accept = req.headers().get(header::ACCEPT).and_then(|value| value.to_str().ok());
    let (content_type, body) = match form(accept) {
        Form::Html => (
            "text/html; charset=UTF-8",
            format!(
                "<html>\n <head>\n  <title>{status_line}</title>\n </head>\n <body>\n  <h1>{status_line}</h1>\n  {explanation}<br /><br />\n\n\n </body>\n</html>"
            ),
        ),
        Form::Json => (
            "application/json",
            serde_json::to_string(&JsonPage {
                message: format!("{explanation}<br /><br />\n\n\n"),
                code: status_line,
                title,
            })
            .unwrap_or_default(),
        ),
        Form::Plain => (
            "text/plain; charset=UTF-8",
            format!("{status_line}\n\n{explanation}\n\n   "),
        ),
    };
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type)));
    // Cinder's request-id middleware stamps every answer, these included.
    if let Some(RequestId(id)) = req.extensions().get::<RequestId>() {
        response.insert_header(("x-openstack-request-id", id.as_str()));
    }
    response.body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_picks_the_page_form() {
        assert_eq!(form(None), Form::Plain);
        assert_eq!(form(Some("application/json")), Form::Json);
        assert_eq!(form(Some("text/html")), Form::Html);
        assert_eq!(form(Some("*/*")), Form::Html);
        assert_eq!(form(Some("application/json;q=0.9, text/html")), Form::Html);
        assert_eq!(form(Some("text/plain")), Form::Plain);
    }
}
