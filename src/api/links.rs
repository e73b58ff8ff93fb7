//! URLs the API hands back to clients, built from the request the way
//! WebOb's `application_url` is: scheme and `Host` of the request.

use actix_web::http::header::HOST;
use actix_web::HttpRequest;

/// `http://host[:port]`: where the client reached us. Proxy headers are not
/// consulted (Manila ignores them unless told otherwise).
pub fn host_url(req: &HttpRequest) -> String {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| !host.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| req.app_config().local_addr().to_string());
    format!("http://{host}")
}

/// The full request URL, query string included (WebOb's `req.url`).
pub fn request_url(req: &HttpRequest) -> String {
    match req.uri().query() {
        Some(query) => format!("{}{}?{}", host_url(req), req.path(), query),
        None => format!("{}{}", host_url(req), req.path()),
    }
}
