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

/// One entry of a resource's `links`; the fields in the order a JSON
/// object's keys are written (sorted), as in every other answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    pub href: String,
    pub rel: &'static str,
}

/// What a summary list shows of consistency groups, cgsnapshots and
/// shares alike: id, links and name, in sorted order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Summary<'a> {
    id: &'a str,
    links: [Link; 2],
    name: Option<&'a str>,
}

/// Where links in a response point: the API's base (`http://host/v2`) and
/// the bookmark base (`http://host`), with `osapi_share_base_URL`'s scheme
/// and authority in place of the request's when configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkBase {
    root: String,
}

impl LinkBase {
    pub fn of(req: &HttpRequest, base_url: Option<&str>) -> LinkBase {
        let root = match base_url {
            Some(base) => scheme_and_authority(base).to_string(),
            None => host_url(req),
        };
        LinkBase { root }
    }

    /// The `self` and `bookmark` links of one resource (reference 6.6,
    /// with the real collection path: DESIGN.md section 4, item 2).
    pub fn resource_links(&self, project_id: &str, collection: &str, id: &str) -> [Link; 2] {
        [
            Link {
                href: format!("{}/v2/{project_id}/{collection}/{id}", self.root),
                rel: "self",
            },
            Link {
                href: format!("{}/{project_id}/{collection}/{id}", self.root),
                rel: "bookmark",
            },
        ]
    }

    /// The summary view of a resource that has one with links.
    pub fn summary<'a>(&self, project_id: &str, collection: &str, id: &'a str, name: Option<&'a str>) -> Summary<'a> {
        Summary {
            id,
            links: self.resource_links(project_id, collection, id),
            name,
        }
    }

    /// The `next` link of a list page at `list_path` (the path after the
    /// project id): the request's query with `marker` moved to the end and
    /// set to the page's last id.
    pub fn next(&self, req: &HttpRequest, project_id: &str, list_path: &str, last_id: &str) -> Link {
        let mut query: Vec<&str> = req
            .query_string()
            .split('&')
            .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("marker"))
            .collect();
        let marker = format!("marker={last_id}");
        query.push(&marker);
        Link {
            href: format!("{}/v2/{project_id}/{list_path}?{}", self.root, query.join("&")),
            rel: "next",
        }
    }
}

/// `https://host:port` of a configured base URL, whatever path follows.
pub fn scheme_and_authority(url: &str) -> &str {
    let after_scheme = url.find("://").map(|at| at + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_base_keeps_only_scheme_and_authority() {
        assert_eq!(
            scheme_and_authority("https://share.example.org:8786/some/path"),
            "https://share.example.org:8786"
        );
        assert_eq!(
            scheme_and_authority("https://share.example.org"),
            "https://share.example.org"
        );
    }

    #[test]
    fn resource_links_are_self_then_bookmark() {
        let base = LinkBase {
            root: "http://h:1".into(),
        };
        assert_eq!(
            serde_json::json!(base.resource_links("p", "consistency-groups", "x")),
            serde_json::json!([
                {"rel": "self", "href": "http://h:1/v2/p/consistency-groups/x"},
                {"rel": "bookmark", "href": "http://h:1/p/consistency-groups/x"},
            ])
        );
    }
}
