//! Declaring a volume API route, and the checks Cinder's WSGI resource runs
//! before its controller, in Cinder's order: the router (a method the path
//! does not route gets the router's 404 page), the version header (400 or
//! 406), the body's content type (415), the JSON itself (400), the URL's
//! project (400). `/v2` has no microversions: it is served at 2.0 and its
//! answers carry no version headers.

use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::guard;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, VARY};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::web::{self, ServiceConfig};
use actix_web::{FromRequest, Handler, HttpMessage, HttpRequest, HttpResponse, Resource, Responder};

use super::pages;
use crate::api::pipeline::RequestId;
use crate::api::route::{read_body, record};
use crate::api::state::HttpState;
use crate::error::{texts, Error};
use crate::policy::RequestContext;
use crate::version::{ApiVersion, VOLUME_MAX_VERSION, VOLUME_MIN_VERSION};

const VERSION_HEADER: &str = "openstack-api-version";
const SERVICE_TYPE: &str = "volume";
/// The content types Cinder decodes a body from.
const JSON_TYPES: [&str; 2] = ["application/json", "application/vnd.openstack.volume+json"];

/// Which of Cinder's APIs a route belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The seed's `/v2`: no microversions.
    V2,
    /// `/v3`, microversioned.
    V3,
}

/// The version a request is served at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VolumeVersion {
    level: Level,
    version: ApiVersion,
}

impl FromRequest for VolumeVersion {
    type Error = Error;
    type Future = std::future::Ready<Result<VolumeVersion, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<VolumeVersion>()
                .copied()
                .ok_or_else(|| Error::Internal("volume route registered without its checks".into())),
        )
    }
}

impl VolumeVersion {
    /// A `/v2` request.
    pub fn is_legacy(&self) -> bool {
        self.level == Level::V2
    }

    /// Whether a `/v3` request is at `major.minor` or later; never on `/v2`.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        !self.is_legacy() && self.version >= ApiVersion::new(major, minor)
    }

    /// Cinder's reading of `OpenStack-API-Version`: the first entry naming
    /// `volume`; `latest` is the maximum; without the header, the minimum.
    /// The error comes with the version to echo, if any: a 406 names the
    /// version asked for when its major is 3 or more.
    fn negotiate(level: Level, headers: &HeaderMap) -> Result<VolumeVersion, (Error, Option<String>)> {
        if level == Level::V2 {
            return Ok(VolumeVersion {
                level,
                version: ApiVersion::new(2, 0),
            });
        }
        let Some(value) = headers.get(VERSION_HEADER) else {
            return Ok(VolumeVersion {
                level,
                version: VOLUME_MIN_VERSION,
            });
        };
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let entry = value
            .split(',')
            .find(|entry| entry.contains(SERVICE_TYPE))
            .ok_or((Error::Invalid(texts::BAD_REQUEST.into()), None))?;
        let text = match entry.split_whitespace().collect::<Vec<_>>()[..] {
            [_, version] => version.to_string(),
            _ => return Err((Error::MalformedVersion(entry.trim().to_string()), None)),
        };
        if text == "latest" {
            return Ok(VolumeVersion {
                level,
                version: VOLUME_MAX_VERSION,
            });
        }
        let version = ApiVersion::parse(&text).ok_or_else(|| (Error::MalformedVersion(text.clone()), None))?;
        if version < VOLUME_MIN_VERSION || version > VOLUME_MAX_VERSION {
            let echoed = (version.major >= 3).then(|| version.to_string());
            return Err((
                Error::VersionNotSupported {
                    requested: version.to_string(),
                    min: VOLUME_MIN_VERSION,
                    max: VOLUME_MAX_VERSION,
                },
                echoed,
            ));
        }
        Ok(VolumeVersion { level, version })
    }

    fn write_headers(&self, headers: &mut HeaderMap) {
        if !self.is_legacy() {
            write_version_headers(headers, &self.version.to_string());
        }
    }
}

fn write_version_headers(headers: &mut HeaderMap, version: &str) {
    if let Ok(value) = HeaderValue::from_str(&format!("{SERVICE_TYPE} {version}")) {
        headers.insert(HeaderName::from_static(VERSION_HEADER), value);
        headers.insert(VARY, HeaderValue::from_static("OpenStack-API-Version"));
    }
}

/// The `{id}` of a member route. Read by name, since the same route
/// answers with and without the project segment before it.
#[derive(Clone, Debug)]
pub struct ResourceId(pub String);

impl FromRequest for ResourceId {
    type Error = Error;
    type Future = std::future::Ready<Result<ResourceId, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.match_info()
                .get("id")
                .map(|id| ResourceId(id.to_string()))
                .ok_or_else(|| Error::Internal("a member handler on a route without {id}".into())),
        )
    }
}

/// The request body as Cinder's deserialiser sees it: `None` when it is
/// empty or sent without a content type.
#[derive(Clone, Debug, Default)]
pub struct VolumeBody(pub Option<serde_json::Value>);

impl FromRequest for VolumeBody {
    type Error = Error;
    type Future = std::future::Ready<Result<VolumeBody, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(req.extensions_mut().remove::<VolumeBody>().unwrap_or_default()))
    }
}

impl VolumeBody {
    /// The body a create, update or action needs. Cinder's controllers
    /// fail with a 500 when there is none; this server answers WebOb's
    /// generic 400 instead (a deliberate difference).
    pub fn required(self) -> Result<serde_json::Value, Error> {
        self.0.ok_or_else(|| Error::Invalid(texts::BAD_REQUEST.into()))
    }
}

/// Cinder's empty 202 (update, delete): a bare WebOb response.
pub fn accepted_empty() -> HttpResponse {
    HttpResponse::Accepted()
        .insert_header((CONTENT_TYPE, HeaderValue::from_static("text/html; charset=UTF-8")))
        .finish()
}

/// A route of the volume API under construction.
pub struct VolumeRoute {
    resource: Resource,
    paths: Vec<String>,
    json_twin: bool,
    level: Level,
    methods: Vec<Method>,
    since: ApiVersion,
    fall_through: bool,
}

/// The URL's project segment: Cinder's router takes only hex digits and
/// dashes there, so `/v3/admin/...` is a path it does not route.
const PROJECT_SEGMENT: &str = "/{project_id:[0-9a-f-]+}";

/// The paths a route answers: `path` as declared (its leading
/// `/{project_id}` held to [`PROJECT_SEGMENT`]) and, as Cinder's router
/// has them, the same without the project segment (clients whose endpoint
/// has no project, as today's catalogs and `--os-endpoint .../v3` give).
/// The declared path, for the record, first.
fn paths(path: &str) -> Vec<String> {
    let tail = path
        .strip_prefix("/{project_id}")
        .or_else(|| path.strip_prefix(PROJECT_SEGMENT));
    match tail {
        Some(tail) => vec![format!("{PROJECT_SEGMENT}{tail}"), tail.to_string()],
        None => vec![path.to_string()],
    }
}

/// A REST resource at `path`, also answered at `path.json` as Routes'
/// `mapper.resource` does (the twin is tried first).
pub fn resource(path: &str, level: Level) -> VolumeRoute {
    let paths = paths(path);
    let answered: Vec<String> = paths
        .iter()
        .flat_map(|path| [format!("{path}.json"), path.clone()])
        .collect();
    VolumeRoute {
        resource: web::resource(answered),
        paths,
        json_twin: true,
        level,
        methods: Vec::new(),
        since: VOLUME_MIN_VERSION,
        fall_through: false,
    }
}

/// A route registered with `mapper.connect`: the path alone.
pub fn exact(path: &str, level: Level) -> VolumeRoute {
    let paths = paths(path);
    VolumeRoute {
        resource: web::resource(paths.clone()),
        paths,
        json_twin: false,
        level,
        methods: Vec::new(),
        since: VOLUME_MIN_VERSION,
        fall_through: false,
    }
}

macro_rules! method_builders {
    ($($name:ident => $method:ident),*) => {
        $(
            pub fn $name<F, Args>(mut self, handler: F) -> Self
            where
                F: Handler<Args>,
                Args: FromRequest + 'static,
                F::Output: Responder + 'static,
            {
                self.resource = self.resource.route(web::method(Method::$method).to(handler));
                self.methods.push(Method::$method);
                self
            }
        )*
    };
}

impl VolumeRoute {
    method_builders!(get => GET, post => POST, put => PUT, delete => DELETE);

    /// Lets other methods go on to the routes registered after this one:
    /// Routes maps a collection's extra path (`create_from_src`) for one
    /// method only, so `GET .../create_from_src` is a show of that id.
    pub fn fall_through(mut self) -> Self {
        self.fall_through = true;
        self
    }

    /// Answers `/v3` requests from `major.minor` on; below it, Cinder's
    /// JSON 404 (`The resource could not be found.`), as for a controller
    /// method without that version.
    pub fn since(mut self, major: u32, minor: u32) -> Self {
        self.since = ApiVersion::new(major, minor);
        self
    }

    pub fn register(self, cfg: &mut ServiceConfig) {
        for path in &self.paths {
            for method in &self.methods {
                record(method.as_str(), path, self.json_twin, false);
            }
        }
        let mut resource = self.resource;
        if self.fall_through {
            let declared = self.methods.clone();
            resource = resource.guard(guard::fn_guard(move |context| {
                declared.contains(&context.head().method)
            }));
        }
        let checks = Rc::new(Checks {
            level: self.level,
            methods: self.methods,
            since: self.since,
        });
        cfg.service(resource.wrap(from_fn(move |req, next| admit(checks.clone(), req, next))));
    }
}

struct Checks {
    level: Level,
    methods: Vec<Method>,
    since: ApiVersion,
}

async fn admit(
    checks: Rc<Checks>,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !checks.methods.contains(req.method()) {
        let (http, _) = req.into_parts();
        let page = pages::not_found(http.clone()).await;
        return Ok(ServiceResponse::new(http, page));
    }
    let version = match VolumeVersion::negotiate(checks.level, req.headers()) {
        Ok(version) => version,
        Err((err, echoed)) => {
            let mut response = req.error_response(err);
            if let Some(echoed) = echoed {
                write_version_headers(response.headers_mut(), &echoed);
            }
            return Ok(stamp(response));
        }
    };
    let mut response = match check_request(&mut req).await {
        Ok(()) if !version.is_legacy() && version.version < checks.since => req.error_response(Error::RouteNotFound),
        Ok(()) => {
            req.extensions_mut().insert(version);
            next.call(req).await?.map_into_boxed_body()
        }
        // The size limiter answers before the API: its page, no version.
        Err(Error::BodyTooLarge) => {
            let page = pages::too_large(req.request());
            return Ok(req.into_response(page));
        }
        Err(err) => req.error_response(err),
    };
    version.write_headers(response.headers_mut());
    Ok(stamp(response))
}

/// oslo.middleware's size limiter, in front of Cinder's pipeline: a body
/// declared larger than `max_request_body_size` gets its 413 page before
/// authentication (a body that only turns out too large while it is read
/// gets the same page from [`admit`]).
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
        let page = pages::too_large(req.request());
        return Ok(req.into_response(page));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn body_limit(req: &ServiceRequest) -> Result<usize, Error> {
    req.app_data::<web::Data<HttpState>>()
        .map(|state| state.config.max_request_body_size)
        .ok_or_else(|| Error::Internal("application state missing".into()))
}

/// Every answer carries `X-OpenStack-Request-Id`; the JSON ones (stamped
/// by the auth layer) also `X-Compute-Request-Id`.
fn stamp(mut response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let request_id = response
        .request()
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone());
    let name = HeaderName::from_static("x-openstack-request-id");
    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        if !response.headers().contains_key(&name) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The body (its content type, then its JSON), then the URL's project.
async fn check_request(req: &mut ServiceRequest) -> Result<(), Error> {
    let limit = body_limit(req)?;
    let bytes = read_body(req, limit).await?;
    let body = if bytes.is_empty() || !req.headers().contains_key(CONTENT_TYPE) {
        VolumeBody(None)
    } else {
        let is_json = matches!(req.mime_type(), Ok(Some(mime)) if JSON_TYPES.contains(&mime.essence_str()));
        if !is_json {
            return Err(Error::UnsupportedMediaType);
        }
        VolumeBody(Some(serde_json::from_slice(&bytes).map_err(|_| Error::MalformedBody)?))
    };
    req.extensions_mut().insert(body);

    if let Some(project_id) = req.match_info().get("project_id") {
        let extensions = req.extensions();
        let context = extensions
            .get::<RequestContext>()
            .ok_or_else(|| Error::Internal("route registered outside the auth layer".into()))?;
        if context.project_id != project_id {
            return Err(Error::ProjectMismatch);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(value: &'static str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(HeaderName::from_static(VERSION_HEADER), HeaderValue::from_static(value));
        map
    }

    fn negotiated(value: &'static str) -> Result<ApiVersion, (String, Option<String>)> {
        VolumeVersion::negotiate(Level::V3, &with_header(value))
            .map(|version| version.version)
            .map_err(|(err, echoed)| (err.to_string(), echoed))
    }

    #[test]
    fn no_header_is_the_minimum_and_latest_the_maximum() {
        let version = VolumeVersion::negotiate(Level::V3, &HeaderMap::new()).unwrap();
        assert_eq!(version.version, VOLUME_MIN_VERSION);
        assert_eq!(negotiated("volume latest"), Ok(VOLUME_MAX_VERSION));
        assert_eq!(negotiated("compute 2.1, volume 3.6"), Ok(ApiVersion::new(3, 6)));
    }

    #[test]
    fn out_of_range_echoes_only_majors_from_three() {
        let (message, echoed) = negotiated("volume 3.72").unwrap_err();
        assert_eq!(
            message,
            "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71."
        );
        assert_eq!(echoed.as_deref(), Some("3.72"));
        assert_eq!(negotiated("volume 4.0").unwrap_err().1.as_deref(), Some("4.0"));
        assert_eq!(negotiated("volume 2.0").unwrap_err().1, None);
    }

    #[test]
    fn malformed_and_missing_versions_are_bad_requests() {
        for value in [
            "volume abc",
            "volume 3",
            "volume 3.",
            "volume 3.6.1",
            "volume 3.06",
            "volume LATEST",
        ] {
            let (message, echoed) = negotiated(value).unwrap_err();
            assert!(message.starts_with("API Version String "), "{value}: {message}");
            assert_eq!(echoed, None);
        }
        for value in ["", "compute 3.5"] {
            assert_eq!(negotiated(value).unwrap_err().0, texts::BAD_REQUEST, "{value:?}");
        }
    }

    #[test]
    fn project_routes_also_answer_without_the_project() {
        assert_eq!(
            paths("/{project_id}/consistencygroups"),
            ["/{project_id:[0-9a-f-]+}/consistencygroups", "/consistencygroups"]
        );
        assert_eq!(
            paths("/{project_id:[0-9a-f-]+}/cgsnapshots/{id}"),
            ["/{project_id:[0-9a-f-]+}/cgsnapshots/{id}", "/cgsnapshots/{id}"]
        );
        assert_eq!(paths("/"), ["/"]);
    }

    #[test]
    fn v2_ignores_the_header() {
        let version = VolumeVersion::negotiate(Level::V2, &with_header("volume 9.9")).unwrap();
        assert!(version.is_legacy());
        assert!(!version.at_least(2, 0));
    }
}
