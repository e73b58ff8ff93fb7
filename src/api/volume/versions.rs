//! Version discovery on the volume listener: `GET /` lists `/v2` (as
//! Cinder listed it while it still served it, deprecated) and `/v3`;
//! `GET /v2/` and `GET /v3/` describe their own.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use super::route::VolumeVersion;
use crate::api::links::host_url;
use crate::version::{VOLUME_MAX_VERSION, VOLUME_MIN_VERSION};

/// When Cinder 29.0.0's newest microversion was added, as it reports it.
const V3_UPDATED: &str = "2023-08-31T00:00:00Z";
/// When Cinder stopped changing `/v2`, as it reported it.
const V2_UPDATED: &str = "2017-02-25T12:00:00Z";

#[derive(Clone, Copy)]
enum Known {
    V2,
    V3,
}

/// One version's document, its keys in Cinder's order.
#[derive(Serialize)]
struct VersionDocument {
    id: &'static str,
    status: &'static str,
    version: String,
    min_version: String,
    updated: &'static str,
    links: [VersionLink; 2],
    #[serde(rename = "media-types")]
    media_types: [MediaType; 1],
}

#[derive(Serialize)]
struct VersionLink {
    rel: &'static str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    media_type: Option<&'static str>,
    href: String,
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
        let (id, status, version, min_version, updated, path, media_type) = match self {
            Known::V2 => (
                "v2.0",
                "DEPRECATED",
                String::new(),
                String::new(),
                V2_UPDATED,
                "v2",
                "application/vnd.openstack.volume+json;version=2",
            ),
            Known::V3 => (
                "v3.0",
                "CURRENT",
                VOLUME_MAX_VERSION.to_string(),
                VOLUME_MIN_VERSION.to_string(),
                V3_UPDATED,
                "v3",
                "application/vnd.openstack.volume+json;version=3",
            ),
        };
        VersionDocument {
            id,
            status,
            version,
            min_version,
            updated,
            links: [
                VersionLink {
                    rel: "describedby",
                    media_type: Some("text/html"),
                    href: "https://docs.openstack.org/".into(),
                },
                VersionLink {
                    rel: "self",
                    media_type: None,
                    href: format!("{base}/{path}/"),
                },
            ],
            media_types: [MediaType {
                base: "application/json",
                media_type,
            }],
        }
    }
}

fn versions(req: &HttpRequest, status: StatusCode, known: &[Known]) -> HttpResponse {
    let base = host_url(req);
    let versions = known.iter().map(|version| version.document(&base)).collect();
    HttpResponse::build(status).json(Versions { versions })
}

/// `GET /`: 300, outside authentication.
pub async fn all(req: HttpRequest) -> HttpResponse {
    versions(&req, StatusCode::MULTIPLE_CHOICES, &[Known::V2, Known::V3])
}

/// `GET /v2/` or `GET /v3/`: the version the path names.
pub async fn own(req: HttpRequest, version: VolumeVersion) -> HttpResponse {
    let known = if version.is_legacy() { Known::V2 } else { Known::V3 };
    versions(&req, StatusCode::OK, &[known])
}
