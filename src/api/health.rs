//! `/healthcheck`, as upstream Manila serves it through oslo.middleware's
//! healthcheck application: outside authentication and microversions, for
//! load balancers. Its one check is a real probe of the database through
//! the pool. `GET` (and any method but `HEAD`) answers 200 or 503 with the
//! reasons as text, HTML or JSON by the `Accept` header, as oslo does;
//! `HEAD` answers 204 or 503 without a body.

use std::time::Duration;

use actix_web::http::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::api::state::HttpState;

/// The longest a probe may take, checkout and query together, so a dead
/// or unreachable database answers 503 promptly instead of hanging the
/// load balancer's check.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// oslo's reason when a check passes.
const OK: &str = "OK";
/// Our reason when the database cannot be reached (oslo's own backends
/// say e.g. `DISABLED BY FILE`).
const DATABASE_UNAVAILABLE: &str = "DATABASE UNAVAILABLE";

pub async fn healthcheck(req: HttpRequest, state: web::Data<HttpState>) -> HttpResponse {
    let reason = match probe(&state).await {
        Ok(()) => None,
        Err(err) => {
            log::warn!("healthcheck: database unavailable: {err}");
            Some(DATABASE_UNAVAILABLE)
        }
    };
    let healthy = reason.is_none();
    let reasons = [reason.unwrap_or(OK)];
    if req.method() == Method::HEAD {
        let status = if healthy {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        return HttpResponse::build(status)
            .insert_header((CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=UTF-8")))
            .finish();
    }
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let accept = req
        .headers()
        .get_all(ACCEPT)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect::<Vec<_>>();
    let accept = (!accept.is_empty()).then(|| accept.join(", "));
    let (content_type, body) = match negotiate(accept.as_deref()) {
        Offer::Text => ("text/plain; charset=UTF-8", reasons.concat()),
        Offer::Html => ("text/html; charset=UTF-8", html(&reasons)),
        Offer::Json => ("application/json", json(&reasons)),
    };
    HttpResponse::build(status)
        .insert_header((CONTENT_TYPE, HeaderValue::from_static(content_type)))
        .body(body)
}

/// Checks a connection out of the pool and pings the database, on the
/// blocking pool, within [`PROBE_TIMEOUT`].
async fn probe(state: &HttpState) -> Result<(), String> {
    let pool = state.pool.clone();
    let check = web::block(move || {
        let mut conn = pool.get_timeout(PROBE_TIMEOUT).map_err(|err| err.to_string())?;
        diesel::r2d2::R2D2Connection::ping(&mut *conn).map_err(|err| err.to_string())
    });
    match actix_web::rt::time::timeout(PROBE_TIMEOUT, check).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())),
    }
}

/// The representations oslo offers, in its order of preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Offer {
    Text,
    Html,
    Json,
}

const OFFERS: [(Offer, &str, &str); 3] = [
    (Offer::Text, "text", "plain"),
    (Offer::Html, "text", "html"),
    (Offer::Json, "application", "json"),
];

/// WebOb's `acceptable_offers` over oslo's three offers: each offer takes
/// the quality of the most specific media range that matches it; the
/// highest quality wins, ties going to the earlier offer. No header or an
/// unparsable one accepts everything; when nothing is acceptable oslo
/// answers text rather than 406.
fn negotiate(accept: Option<&str>) -> Offer {
    let Some(ranges) = accept.and_then(parse_accept) else {
        return Offer::Text;
    };
    let mut best: Option<(Offer, u16)> = None;
    for (offer, kind, subtype) in OFFERS {
        let mut matched: Option<(u8, u16)> = None;
        for range in &ranges {
            let specificity = if range.kind == kind && range.subtype == subtype {
                if range.has_params {
                    continue;
                }
                3
            } else if range.subtype == "*" && range.kind == kind {
                2
            } else if range.kind == "*" && range.subtype == "*" {
                1
            } else {
                continue;
            };
            if matched.is_none_or(|(seen, _)| specificity > seen) {
                matched = Some((specificity, range.quality));
            }
        }
        if let Some((_, quality)) = matched.filter(|(_, quality)| *quality > 0) {
            if best.is_none_or(|(_, best_quality)| quality > best_quality) {
                best = Some((offer, quality));
            }
        }
    }
    best.map_or(Offer::Text, |(offer, _)| offer)
}

#[derive(Debug, PartialEq, Eq)]
struct MediaRange {
    kind: String,
    subtype: String,
    /// Media type parameters (not `q` or what follows it): a range with
    /// them only matches an offer with the same ones, and ours have none.
    has_params: bool,
    /// In thousandths.
    quality: u16,
}

/// RFC 7231's `Accept` grammar; `None` when the header does not follow it
/// (WebOb then treats it as absent).
fn parse_accept(header: &str) -> Option<Vec<MediaRange>> {
    let mut ranges = Vec::new();
    for element in split_outside_quotes(header, ',') {
        let element = element.trim_matches([' ', '\t']);
        if element.is_empty() {
            continue;
        }
        let mut parts = split_outside_quotes(element, ';').into_iter();
        let media = parts.next()?.trim_end_matches([' ', '\t']);
        let (kind, subtype) = media.split_once('/')?;
        if !is_token(kind) || !is_token(subtype) {
            return None;
        }
        let mut range = MediaRange {
            kind: kind.to_ascii_lowercase(),
            subtype: subtype.to_ascii_lowercase(),
            has_params: false,
            quality: 1000,
        };
        let mut weighted = false;
        for parameter in parts {
            let parameter = parameter.trim_matches([' ', '\t']);
            let (name, value) = match parameter.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (parameter, None),
            };
            if !is_token(name) || value.is_some_and(|value| !is_token(value) && !is_quoted(value)) {
                return None;
            }
            if weighted {
                // Accept extensions after the weight; a value is optional.
                continue;
            }
            if name.eq_ignore_ascii_case("q") {
                range.quality = parse_quality(value?)?;
                weighted = true;
            } else {
                value?;
                range.has_params = true;
            }
        }
        ranges.push(range);
    }
    Some(ranges)
}

fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (index, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&text[start..index]);
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn is_quoted(text: &str) -> bool {
    text.len() >= 2 && text.starts_with('"') && text.ends_with('"')
}

/// `0`, `0.5`, `0.125`, `1`, `1.000`: at most three decimals, at most 1.
fn parse_quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// oslo's page for browsers, without its detailed section.
fn html(reasons: &[&str]) -> String {
    let mut rows = String::new();
    for reason in reasons {
        rows.push_str(&format!("<TR>\n\n    <TD>{}</TD>\n\n</TR>\n", escape_html(reason)));
    }
    format!(
        "<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n\n\
         <H2>Result of {} checks:</H2>\n<TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n\
         <TR>\n\n<TH>\nReason\n</TH>\n</TR>\n{rows}</TBODY>\n</TABLE>\n<HR></HR>\n\n</BODY>\n</HTML>",
        reasons.len()
    )
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// oslo's JSON: keys sorted, indented by four spaces.
fn json(reasons: &[&str]) -> String {
    let listed = reasons
        .iter()
        .map(|reason| format!("        {}", serde_json::Value::from(*reason)))
        .collect::<Vec<_>>()
        .join(",\n");
    format!("{{\n    \"detailed\": false,\n    \"reasons\": [\n{listed}\n    ]\n}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cases WebOb 1.8 was asked, with the offer oslo picked.
    #[test]
    fn negotiation_follows_webob() {
        for (accept, expected) in [
            (None, Offer::Text),
            (Some("application/json"), Offer::Json),
            (Some("*/*"), Offer::Text),
            (Some("application/json, text/plain;q=0.5"), Offer::Json),
            (Some("text/*;q=0.5, application/json;q=0.5"), Offer::Text),
            (Some("image/png"), Offer::Text),
            (Some("garbage;;q=x"), Offer::Text),
            (Some("application/*"), Offer::Json),
            (Some("application/json;q=0"), Offer::Text),
            (Some("*/*;q=0.1, application/json"), Offer::Json),
            (Some("text/plain;q=0, */*"), Offer::Html),
            (Some(""), Offer::Text),
            (
                Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                Offer::Html,
            ),
            (Some("text/plain;charset=utf-8, application/json;q=0.9"), Offer::Json),
            (Some("Application/JSON"), Offer::Json),
            (Some("application/json;q=1.5"), Offer::Text),
            (Some("application/json;q=0.5;ext=\"a,b\", text/html;q=0.4"), Offer::Json),
            (Some("application/json;q=0.5;ext, text/html;q=0.4"), Offer::Json),
            (Some("application/json;foo, text/html"), Offer::Text),
        ] {
            assert_eq!(negotiate(accept), expected, "{accept:?}");
        }
    }

    #[test]
    fn qualities_have_at_most_three_decimals_and_at_most_one() {
        assert_eq!(parse_quality("0"), Some(0));
        assert_eq!(parse_quality("0.5"), Some(500));
        assert_eq!(parse_quality("0.125"), Some(125));
        assert_eq!(parse_quality("1.000"), Some(1000));
        assert_eq!(parse_quality("1."), Some(1000));
        assert_eq!(parse_quality("1.001"), None);
        assert_eq!(parse_quality("0.1234"), None);
        assert_eq!(parse_quality(".5"), None);
    }

    #[test]
    fn bodies_are_oslos_templates() {
        assert_eq!(
            json(&["OK"]),
            "{\n    \"detailed\": false,\n    \"reasons\": [\n        \"OK\"\n    ]\n}"
        );
        assert_eq!(
            html(&["a<b&\"'"]),
            "<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n\n<H2>Result of 1 checks:</H2>\n\
             <TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n<TR>\n\n<TH>\nReason\n</TH>\n</TR>\n<TR>\n\n    \
             <TD>a&lt;b&amp;&#34;&#39;</TD>\n\n</TR>\n</TBODY>\n</TABLE>\n<HR></HR>\n\n</BODY>\n</HTML>"
        );
    }
}
