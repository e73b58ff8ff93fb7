//! Version discovery: `GET /` lists every API version, `GET /v1/` and
//! `GET /v2/` describe their own (reference section 14).

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{json, Value};

use crate::api::links::host_url;
use crate::version::{MAX_VERSION, MIN_VERSION};

/// The two API versions Manila knows, sorted by id as Manila sorts them.
#[derive(Clone, Copy)]
enum Known {
    V1,
    V2,
}

impl Known {
    fn document(self, base: &str) -> Value {
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
        json!({
            "id": id,
            "status": status,
            "version": version,
            "min_version": min_version,
            "updated": "2015-08-27T11:33:21Z",
            "links": [
                {"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"},
                {"rel": "self", "href": format!("{base}/{path}/")},
            ],
            "media-types": [
                {"base": "application/json", "type": "application/vnd.openstack.share+json;version=1"},
            ],
        })
    }
}

fn versions(req: &HttpRequest, status: StatusCode, known: &[Known]) -> HttpResponse {
    let base = host_url(req);
    let documents: Vec<Value> = known.iter().map(|version| version.document(&base)).collect();
    HttpResponse::build(status).json(json!({ "versions": documents }))
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
