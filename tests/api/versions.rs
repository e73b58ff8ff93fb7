//! Version discovery documents (reference section 14).

use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{TestApp, JSON_HEADERS};

const ADMIN: (&str, &str) = ("X-Auth-Token", "admin:admin");

fn entry(base: &str, v2: bool) -> Value {
    let (id, status, version, min_version, path) = if v2 {
        ("v2.0", "CURRENT", "2.30", "2.0", "v2")
    } else {
        ("v1.0", "SUPPORTED", "", "", "v1")
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

both_backends!(
    root_lists_every_version_with_300_and_no_api_headers,
    |app: TestApp| async move {
        for version in [None, Some("2.4"), Some("9.9"), Some("garbage")] {
            let headers: Vec<(&str, &str)> = version
                .map(|v| ("X-OpenStack-Manila-API-Version", v))
                .into_iter()
                .collect();
            let response = app.get("/", &headers).await;
            assert_eq!(response.status, 300, "{version:?}");
            assert_eq!(
                response.json(),
                json!({"versions": [entry(&app.address, false), entry(&app.address, true)]})
            );
            assert_eq!(response.header_names(), ["content-type"], "{version:?}");
            assert_eq!(response.header("content-type"), Some("application/json"));
        }
    }
);

both_backends!(
    v2_describes_itself_at_the_requested_version,
    |app: TestApp| async move {
        let response = app.get("/v2/", &[ADMIN]).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json(), json!({"versions": [entry(&app.address, true)]}));
        assert_eq!(response.header_names(), JSON_HEADERS);
        assert_eq!(response.header("x-openstack-manila-api-version"), Some("2.0"));
        assert_eq!(response.header("openstack-api-version"), Some("shared-file-system 2.0"));
        assert_eq!(
            response.header("vary"),
            Some("X-OpenStack-Manila-API-Version, OpenStack-API-Version")
        );
        response.assert_request_id();

        let response = app
            .get("/v2/", &[ADMIN, ("X-OpenStack-Manila-API-Version", "2.15")])
            .await;
        assert_eq!(response.status, 200);
        assert_eq!(response.header("x-openstack-manila-api-version"), Some("2.15"));
        assert_eq!(
            response.header("openstack-api-version"),
            Some("shared-file-system 2.15")
        );
    }
);

both_backends!(v1_is_pinned_to_1_0_whatever_is_asked, |app: TestApp| async move {
    for asked in ["2.5", "garbage", "9.0"] {
        let response = app
            .get("/v1/", &[ADMIN, ("X-OpenStack-Manila-API-Version", asked)])
            .await;
        assert_eq!(response.status, 200, "{asked}");
        assert_eq!(response.json(), json!({"versions": [entry(&app.address, false)]}));
        assert_eq!(response.header("x-openstack-manila-api-version"), Some("1.0"));
        assert_eq!(response.header_names(), JSON_HEADERS);
    }
});

both_backends!(v2_without_slash_redirects_to_v2_with_slash, |app: TestApp| async move {
    let response = app.get("/v2", &[ADMIN]).await;
    assert_eq!(response.status, 302);
    assert_eq!(
        response.header("location"),
        Some(format!("{}/v2/", app.address).as_str())
    );
    assert!(response.body.is_empty());
});

both_backends!(links_follow_the_host_the_client_used, |app: TestApp| async move {
    let response = app.get("/v2/", &[ADMIN, ("Host", "share.example.org:8786")]).await;
    assert_eq!(
        response.json(),
        json!({"versions": [entry("http://share.example.org:8786", true)]})
    );
});
