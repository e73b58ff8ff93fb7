//! Cinder's listener: version discovery, microversion negotiation and the
//! router's own pages (what Cinder 29.0.0 answers, `/v2` as the seed).

use awc::http::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::TestApp;

const ADMIN: (&str, &str) = ("X-Auth-Token", "admin:6a1b2c3d");

fn document(base: &str, v3: bool) -> Value {
    if v3 {
        json!({
            "id": "v3.0", "status": "CURRENT", "version": "3.71", "min_version": "3.0",
            "updated": "2023-08-31T00:00:00Z",
            "links": [
                {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
                {"rel": "self", "href": format!("{base}/v3/")},
            ],
            "media-types": [{"base": "application/json", "type": "application/vnd.openstack.volume+json;version=3"}],
        })
    } else {
        json!({
            "id": "v2.0", "status": "DEPRECATED", "version": "", "min_version": "",
            "updated": "2017-02-25T12:00:00Z",
            "links": [
                {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
                {"rel": "self", "href": format!("{base}/v2/")},
            ],
            "media-types": [{"base": "application/json", "type": "application/vnd.openstack.volume+json;version=2"}],
        })
    }
}

fn header<'a>(response: &'a crate::helpers::TestResponse, name: &str) -> Option<&'a str> {
    response.headers.get(name).and_then(|value| value.to_str().ok())
}

both_backends!(root_lists_v2_deprecated_and_v3_current, |app: TestApp| async move {
    let base = app.volume_address.clone().unwrap();
    let response = app.volume_request(Method::GET, "/", &[], None).await;
    assert_eq!(response.status, 300);
    assert_eq!(
        response.json(),
        json!({"versions": [document(&base, false), document(&base, true)]})
    );
    // Keys in Cinder's order, not sorted.
    let text = String::from_utf8(response.body.clone()).unwrap();
    assert!(
        text.starts_with(r#"{"versions":[{"id":"v2.0","status":"DEPRECATED","version":"""#),
        "{text}"
    );
    assert_eq!(header(&response, "openstack-api-version"), Some("volume 3.0"));
    assert_eq!(header(&response, "vary"), Some("OpenStack-API-Version"));
    assert!(header(&response, "x-openstack-request-id").is_some_and(|id| id.starts_with("req-")));
});

both_backends!(each_version_describes_itself, |app: TestApp| async move {
    let base = app.volume_address.clone().unwrap();
    let v3 = app.volume_request(Method::GET, "/v3/", &[ADMIN], None).await;
    assert_eq!(v3.status, 200);
    assert_eq!(v3.json(), json!({"versions": [document(&base, true)]}));
    assert_eq!(header(&v3, "openstack-api-version"), Some("volume 3.0"));
    let id = header(&v3, "x-openstack-request-id").unwrap();
    assert_eq!(header(&v3, "x-compute-request-id"), Some(id));

    let v2 = app.volume_request(Method::GET, "/v2/", &[ADMIN], None).await;
    assert_eq!(v2.status, 200);
    assert_eq!(v2.json(), json!({"versions": [document(&base, false)]}));
    // /v2 has no microversions, so no version headers.
    assert_eq!(header(&v2, "openstack-api-version"), None);
    assert_eq!(header(&v2, "vary"), None);
});

both_backends!(versions_are_negotiated_as_cinder_does, |app: TestApp| async move {
    let at = |value: &'static str| [ADMIN, ("OpenStack-API-Version", value)];
    let latest = app
        .volume_request(Method::GET, "/v3/", &at("volume latest"), None)
        .await;
    assert_eq!(header(&latest, "openstack-api-version"), Some("volume 3.71"));
    let mixed = app
        .volume_request(Method::GET, "/v3/", &at("compute 2.1, volume 3.6"), None)
        .await;
    assert_eq!(header(&mixed, "openstack-api-version"), Some("volume 3.6"));

    let too_new = app.volume_request(Method::GET, "/v3/", &at("volume 3.72"), None).await;
    assert_eq!(too_new.status, 406);
    assert_eq!(
        too_new.json(),
        json!({"computeFault": {"code": 406, "message": "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71."}})
    );
    assert_eq!(header(&too_new, "openstack-api-version"), Some("volume 3.72"));
    let too_old = app.volume_request(Method::GET, "/v3/", &at("volume 2.0"), None).await;
    assert_eq!(too_old.status, 406);
    assert_eq!(header(&too_old, "openstack-api-version"), None);

    let malformed = app.volume_request(Method::GET, "/v3/", &at("volume 3.06"), None).await;
    assert_eq!(malformed.status, 400);
    assert_eq!(
        malformed.json(),
        json!({"badRequest": {"code": 400, "message": "API Version String 3.06 is of invalid format. Must be of format MajorNum.MinorNum."}})
    );
    assert_eq!(header(&malformed, "openstack-api-version"), None);
    let other_service = app.volume_request(Method::GET, "/v3/", &at("compute 3.5"), None).await;
    assert_eq!(
        other_service.json(),
        json!({"badRequest": {"code": 400, "message": "The server could not comply with the request since it is either malformed or otherwise incorrect."}})
    );
    // /v2 ignores the header altogether.
    let v2 = app.volume_request(Method::GET, "/v2/", &at("volume 9.9"), None).await;
    assert_eq!(v2.status, 200);
});

both_backends!(
    unrouted_paths_get_the_routers_page_by_accept,
    |app: TestApp| async move {
        let plain = app.volume_request(Method::GET, "/v9/nothing", &[], None).await;
        assert_eq!(plain.status, 404);
        assert_eq!(header(&plain, "content-type"), Some("text/plain; charset=UTF-8"));
        assert_eq!(plain.body, b"404 Not Found\n\nThe resource could not be found.\n\n   ");
        assert!(header(&plain, "x-openstack-request-id").is_some());
        assert_eq!(header(&plain, "x-compute-request-id"), None);

        let json = app
            .volume_request(Method::GET, "/v9/nothing", &[("Accept", "application/json")], None)
            .await;
        assert_eq!(
            String::from_utf8(json.body.clone()).unwrap(),
            r#"{"message":"The resource could not be found.<br /><br />\n\n\n","code":"404 Not Found","title":"Not Found"}"#
        );
        let html = app
            .volume_request(Method::GET, "/v3/x", &[ADMIN, ("Accept", "*/*")], None)
            .await;
        assert_eq!(header(&html, "content-type"), Some("text/html; charset=UTF-8"));
        assert!(String::from_utf8(html.body.clone())
            .unwrap()
            .contains("<h1>404 Not Found</h1>"));

        // No 405 anywhere: a method the path does not route is the same 404.
        let wrong_method = app.volume_request(Method::DELETE, "/", &[], None).await;
        assert_eq!(wrong_method.status, 404);
        assert_eq!(header(&wrong_method, "openstack-api-version"), None);
    }
);

both_backends!(manila_listener_is_unchanged_beside_it, |app: TestApp| async move {
    let manila = app.get("/", &[]).await;
    assert_eq!(manila.status, 300);
    assert_eq!(manila.json()["versions"][1]["id"], "v2.0");
    assert_ne!(app.address, app.volume_address.clone().unwrap());
});

both_backends!(oversized_bodies_get_the_size_limiters_page, |app: TestApp| async move {
    let body = "x".repeat(114_689);
    let response = app
        .volume_request(
            Method::POST,
            "/v3/6a1b2c3d/consistencygroups",
            &[ADMIN, ("Content-Type", "application/json")],
            Some(&body),
        )
        .await;
    assert_eq!(response.status, 413);
    assert_eq!(header(&response, "content-type"), Some("text/plain; charset=UTF-8"));
    assert_eq!(
        response.body,
        b"413 Request Entity Too Large\n\nRequest is too large. Larger than max_request_body_size (%s).\n\n   "
    );
    assert_eq!(header(&response, "openstack-api-version"), None);
    assert!(header(&response, "x-openstack-request-id").is_some());
});
