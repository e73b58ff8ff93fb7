//! Version discovery: `GET /` lists every API version, `GET /v1/` and
//! `GET /v2/` describe their own (reference section 14).

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::api::links::host_url;
use crate::version::{MAX_VERSION, MIN_VERSION};

/// The two API versions Manila knows, sorted by id as Manila sorts them.
#[derive(Clone, Copy)]
enum Known {
    V1,
    V2,
}

/// One version's document; fields in the order Manila writes them (sorted).
#[derive(Serialize)]
struct VersionDocument {
    id: &'static str,
    links: [VersionLink; 2],
    #[serde(rename = "media-types")]
    media_types: [MediaType; 1],
    min_version: String,
    status: &'static str,
    updated: &'static str,
    version: String,
}

#[derive(Serialize)]
struct VersionLink {
    href: String,
    rel: &'static str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    media_type: Option<&'static str>,
}

#[derive(Serialize)]
struct MediaType {
    base: &'static str,
    #[serde(rename = "type")]
    media_type: &'static str,
}

#[derive(Serialize)]
struct Versions {
    versions: Vec<VersionDocument>,
}

impl Known {
    fn document(self, base: &str) -> VersionDocument {
        let (id, status, version, min_version, path) = match self {
            Known::V1 => ("v1.0", "SUPPORTED", String::new(), String::new(), "v1"),
            Known::V2 => (
                "v2.0",
                "CURRENT",
                MAX_VERSION.to_string(),
                MIN_VERSION.to_string(),
                "v2",
            ),
        };
        VersionDocument {
            id,
            links: [
                VersionLink {
                    href: "http://docs.openstack.org/".into(),
                    rel: "describedby",
                    media_type: Some("text/html"),
                },
                VersionLink {
                    href: format!("{base}/{path}/"),
                    rel: "self",
                    media_type: None,
                },
            ],
            media_types: [MediaType {
                base: "application/json",
                media_type: "application/vnd.openstack.share+json;version=1",
            }],
            min_version,
            status,
            updated: "2015-08-27T11:33:21Z",
            version,
        }
    }
}

fn versions(req: &HttpRequest, status: StatusCode, known: &[Known]) -> HttpResponse {
    let base = host_url(req);
    let versions = known.iter().map(|version| version.document(&base)).collect();
    HttpResponse::build(status).json(Versions { versions })
}

/// `GET /`: 300 Multiple Choices, outside authentication and microversions.
pub async fn all(req: HttpRequest) -> HttpResponse {
    versions(&req, StatusCode::MULTIPLE_CHOICES, &[Known::V1, Known::V2])
}

pub async fn v1(req: HttpRequest) -> HttpResponse {
    versions(&req, StatusCode::OK, &[Known::V1])
}

pub async fn v2(req: HttpRequest) -> HttpResponse {
    versions(&req, StatusCode::OK, &[Known::V2])
}

/// `GET /v2` sends the client to `/v2/`, as the Routes redirect did.
pub async fn to_v2(req: HttpRequest) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((LOCATION, format!("{}/v2/", host_url(&req))))
        .finish()
}
