//! `GET /{project_id}/consistencygroups` and `.../detail`; a page that
//! fills its `limit` links to the next, always at the summary path.

use actix_web::{web, HttpRequest, HttpResponse};

use super::views;
use crate::api::links::host_url;
use crate::api::state::HttpState;
use crate::api::volume::route::VolumeVersion;
use crate::db;
use crate::error::Error;
use crate::listing::{QueryParams, View};
use crate::policy::RequestContext;
use crate::service::volume_consistency_groups as service;

pub async fn list(
    state: web::Data<HttpState>,
    req: HttpRequest,
    context: RequestContext,
    version: VolumeVersion,
    query: QueryParams,
    view: View,
) -> Result<HttpResponse, Error> {
    let max_limit = state.config.max_limit;
    let caller = context.clone();
    let page = db::call(&state.pool, move |conn| service::list(conn, &caller, &query, max_limit)).await?;
    let next = match page.groups.last() {
        Some(last) if usize::try_from(page.limit).is_ok_and(|limit| limit == page.groups.len()) => {
            Some([views::NextLink {
                rel: "next",
                href: next_href(&req, &state, &context, version, &last.id),
            }])
        }
        _ => None,
    };
    Ok(match view {
        View::Summary => HttpResponse::Ok().json(views::List {
            consistencygroups: page.groups.iter().map(views::summary).collect(),
            consistencygroup_links: next,
        }),
        View::Detail => HttpResponse::Ok().json(views::List {
            consistencygroups: page.groups.iter().map(views::detail).collect(),
            consistencygroup_links: next,
        }),
    })
}

/// The summary path of the caller's project with the request's query,
/// its `marker` replaced by `last` at the end, as Cinder writes it.
fn next_href(
    req: &HttpRequest,
    state: &HttpState,
    context: &RequestContext,
    version: VolumeVersion,
    last: &str,
) -> String {
    let root = match &state.config.volume.base_url {
        Some(base) => base.trim_end_matches('/').to_string(),
        None => host_url(req),
    };
    let api = if version.is_legacy() { "v2" } else { "v3" };
    let pairs = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|query| query.into_inner())
        .unwrap_or_default();
    let mut query: Vec<String> = pairs
        .iter()
        .filter(|(key, _)| key != "marker")
        .map(|(key, value)| format!("{}={}", quote_plus(key), quote_plus(value)))
        .collect();
    query.push(format!("marker={}", quote_plus(last)));
    format!(
        "{root}/{api}/{}/consistencygroups?{}",
        context.project_id,
        query.join("&")
    )
}

/// Python's `urllib.parse.quote_plus`.
fn quote_plus(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quote_plus;

    #[test]
    fn quotes_as_python_does() {
        assert_eq!(quote_plus("a b&c=d/é~"), "a+b%26c%3Dd%2F%C3%A9~");
    }
}
