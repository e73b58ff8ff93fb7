//! Microversions: what the client asked for, whether this server speaks it,
//! whether a route answers it, and the headers that say so on the way out.
//!
//! Manila reads `X-OpenStack-Manila-API-Version`; we also honour the api-sig
//! header `OpenStack-API-Version: shared-file-system X.Y` and `latest`
//! (DESIGN.md section 4, item 4) and echo both headers.

use actix_web::dev::Payload;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, VARY};
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::error::Error;
use crate::version::{ApiVersion, DEFAULT_VERSION, MAX_VERSION, MIN_VERSION};

pub const VERSION_HEADER: &str = "x-openstack-manila-api-version";
pub const API_SIG_HEADER: &str = "openstack-api-version";
pub const EXPERIMENTAL_HEADER: &str = "x-openstack-manila-api-experimental";
/// The service type named in `OpenStack-API-Version`.
const SERVICE_TYPE: &str = "shared-file-system";

/// The version a request is served at, and whether it opted in to
/// experimental APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestVersion {
    pub version: ApiVersion,
    pub experimental: bool,
}

/// Handlers read the version the route wrapper negotiated.
impl FromRequest for RequestVersion {
    type Error = Error;
    type Future = std::future::Ready<Result<RequestVersion, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<RequestVersion>()
                .copied()
                .ok_or_else(|| Error::Internal("route registered without a version gate".into())),
        )
    }
}

impl RequestVersion {
    /// Whether the request is at `version` or later.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        self.version >= ApiVersion::new(major, minor)
    }
}

impl RequestVersion {
    /// Reads the request headers. `Err` is either the 400 for a malformed
    /// value or the 406 for a version outside [`MIN_VERSION`, `MAX_VERSION`].
    pub fn negotiate(headers: &HeaderMap) -> Result<RequestVersion, Error> {
        let version = match requested_version_text(headers) {
            None => DEFAULT_VERSION,
            // Lowercase only, as Manila, Cinder and Nova read it.
            Some(text) if text == "latest" => MAX_VERSION,
            Some(text) => {
                let version = ApiVersion::parse(&text).ok_or_else(|| Error::MalformedVersion(text.clone()))?;
                if version < MIN_VERSION || version > MAX_VERSION {
                    return Err(Error::VersionNotSupported {
                        requested: text,
                        min: MIN_VERSION,
                        max: MAX_VERSION,
                    });
                }
                version
            }
        };
        Ok(RequestVersion {
            version,
            experimental: experimental_requested(headers),
        })
    }

    /// `/v1` ignores the version header and always serves 1.0.
    pub fn pinned(version: ApiVersion, headers: &HeaderMap) -> RequestVersion {
        RequestVersion {
            version,
            experimental: experimental_requested(headers),
        }
    }

    /// Headers every response carries once the version is known.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        write_version_headers(headers, &self.version.to_string());
        if self.experimental {
            headers.insert(
                HeaderName::from_static(EXPERIMENTAL_HEADER),
                HeaderValue::from_static("True"),
            );
        }
    }
}

/// The version headers of a response; `version` is the effective version,
/// or for a 406 the one the client asked for.
pub fn write_version_headers(headers: &mut HeaderMap, version: &str) {
    let legacy = HeaderValue::from_str(version);
    let api_sig = HeaderValue::from_str(&format!("{SERVICE_TYPE} {version}"));
    if let (Ok(legacy), Ok(api_sig)) = (legacy, api_sig) {
        headers.insert(HeaderName::from_static(VERSION_HEADER), legacy);
        headers.insert(HeaderName::from_static(API_SIG_HEADER), api_sig);
        headers.insert(
            VARY,
            HeaderValue::from_static("X-OpenStack-Manila-API-Version, OpenStack-API-Version"),
        );
    }
}

/// The api-sig header wins when it names our service type; otherwise the
/// legacy header. The value is trimmed, as HTTP servers strip header
/// whitespace before Manila sees it.
fn requested_version_text(headers: &HeaderMap) -> Option<String> {
    let api_sig = headers
        .get_all(API_SIG_HEADER)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|entry| {
            let (service, version) = entry.trim().split_once(' ')?;
            service
                .eq_ignore_ascii_case(SERVICE_TYPE)
                .then(|| version.trim().to_string())
        });
    api_sig.or_else(|| {
        headers
            .get(VERSION_HEADER)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_string())
    })
}

/// oslo's non-strict `bool_from_string`: a few truthy words, all else false.
fn experimental_requested(headers: &HeaderMap) -> bool {
    headers
        .get(EXPERIMENTAL_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            matches!(
                value.trim().to_ascii_lowercase().as_str(),
                "1" | "t" | "true" | "on" | "y" | "yes"
            )
        })
        .unwrap_or(false)
}

/// The versions a route answers, declared once in the route table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionGate {
    min: ApiVersion,
    max: Option<ApiVersion>,
    experimental: bool,
    /// `/v1` routes skip negotiation and serve this version.
    pinned: Option<ApiVersion>,
}

impl VersionGate {
    /// Answers `min` and everything after it.
    pub const fn since(min: ApiVersion) -> VersionGate {
        VersionGate {
            min,
            max: None,
            experimental: false,
            pinned: None,
        }
    }

    /// Answers `min` through `max`, both included.
    pub const fn between(min: ApiVersion, max: ApiVersion) -> VersionGate {
        VersionGate {
            min,
            max: Some(max),
            experimental: false,
            pinned: None,
        }
    }

    /// The `/v1` world: version 1.0 whatever the client sends.
    pub const fn pinned(version: ApiVersion) -> VersionGate {
        VersionGate {
            min: version,
            max: Some(version),
            experimental: false,
            pinned: Some(version),
        }
    }

    /// Answers only requests that send the experimental header.
    pub const fn experimental(self) -> VersionGate {
        VersionGate {
            experimental: true,
            ..self
        }
    }

    /// Works out the request's version for this route (400/406 on bad headers).
    pub fn negotiate(&self, headers: &HeaderMap) -> Result<RequestVersion, Error> {
        match self.pinned {
            Some(version) => Ok(RequestVersion::pinned(version, headers)),
            None => RequestVersion::negotiate(headers),
        }
    }

    pub fn admits(&self, request: &RequestVersion) -> bool {
        request.version >= self.min
            && self.max.is_none_or(|max| request.version <= max)
            && (!self.experimental || request.experimental)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::V1;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn absent_header_is_the_default_version() {
        let request = RequestVersion::negotiate(&HeaderMap::new()).unwrap();
        assert_eq!(request.version, DEFAULT_VERSION);
        assert!(!request.experimental);
    }

    #[test]
    fn malformed_and_out_of_range_are_different_errors() {
        let malformed = RequestVersion::negotiate(&headers(&[(VERSION_HEADER, "2.1.4")]));
        assert!(matches!(malformed, Err(Error::MalformedVersion(text)) if text == "2.1.4"));
        for text in ["1.0", "1.1", "2.31", "3.0"] {
            let too_far = RequestVersion::negotiate(&headers(&[(VERSION_HEADER, Box::leak(text.into()))]));
            assert!(
                matches!(&too_far, Err(Error::VersionNotSupported { requested, .. }) if requested == text),
                "{text}: {too_far:?}"
            );
        }
    }

    #[test]
    fn only_lowercase_latest_is_the_maximum() {
        let map = headers(&[(VERSION_HEADER, "latest")]);
        assert_eq!(RequestVersion::negotiate(&map).unwrap().version, MAX_VERSION);
        for value in ["LATEST", "Latest", " latest2"] {
            let map = headers(&[(VERSION_HEADER, Box::leak(value.into()))]);
            assert!(
                matches!(RequestVersion::negotiate(&map), Err(Error::MalformedVersion(text)) if text == value.trim()),
                "{value:?}"
            );
        }
    }

    #[test]
    fn api_sig_header_wins_when_it_names_our_service() {
        let map = headers(&[
            (VERSION_HEADER, "2.5"),
            (API_SIG_HEADER, "compute 2.60, shared-file-system 2.7"),
        ]);
        assert_eq!(RequestVersion::negotiate(&map).unwrap().version, ApiVersion::new(2, 7));
        let other_service = headers(&[(VERSION_HEADER, "2.5"), (API_SIG_HEADER, "compute 2.60")]);
        assert_eq!(
            RequestVersion::negotiate(&other_service).unwrap().version,
            ApiVersion::new(2, 5)
        );
    }

    #[test]
    fn experimental_accepts_oslo_truthy_words_only() {
        for value in ["1", "t", "true", "True", " on ", "y", "YES"] {
            let map = headers(&[(EXPERIMENTAL_HEADER, Box::leak(value.into()))]);
            assert!(RequestVersion::negotiate(&map).unwrap().experimental, "{value:?}");
        }
        for value in ["", "0", "false", "no", "off", "garbage", "2"] {
            let map = headers(&[(EXPERIMENTAL_HEADER, Box::leak(value.into()))]);
            assert!(!RequestVersion::negotiate(&map).unwrap().experimental, "{value:?}");
        }
    }

    #[test]
    fn gates_check_range_and_experimental_flag() {
        let cg = VersionGate::since(ApiVersion::new(2, 4)).experimental();
        let at = |major, minor, experimental| RequestVersion {
            version: ApiVersion::new(major, minor),
            experimental,
        };
        assert!(!cg.admits(&at(2, 3, true)));
        assert!(!cg.admits(&at(2, 4, false)));
        assert!(cg.admits(&at(2, 4, true)));
        assert!(cg.admits(&at(2, 30, true)));
        let legacy_action = VersionGate::between(ApiVersion::new(2, 4), ApiVersion::new(2, 6));
        assert!(legacy_action.admits(&at(2, 6, false)));
        assert!(!legacy_action.admits(&at(2, 7, false)));
        // An experimental request still reaches non-experimental routes.
        assert!(VersionGate::since(MIN_VERSION).admits(&at(2, 0, true)));
    }

    #[test]
    fn pinned_gate_ignores_the_version_header() {
        let gate = VersionGate::pinned(V1);
        let request = gate.negotiate(&headers(&[(VERSION_HEADER, "garbage")])).unwrap();
        assert_eq!(request.version, V1);
        assert!(gate.admits(&request));
    }
}
