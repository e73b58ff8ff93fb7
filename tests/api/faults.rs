//! Fault bodies and the answers of the layers in front of the routes.

use awc::http::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;

const ADMIN: (&str, &str) = ("X-Auth-Token", "admin:admin");

both_backends!(unknown_paths_get_the_plain_router_404, |app: TestApp| async move {
    for path in [
        "/v2/admin/no-such-thing",
        "/v2/admin/consistency-groups/",
        "/v3/",
        "/nothing",
    ] {
        let response = app.get(path, &[ADMIN, ("X-OpenStack-Manila-API-Version", "2.4")]).await;
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(
            response.text(),
            "404 Not Found\n\nThe resource could not be found.\n\n   "
        );
        assert_eq!(response.header_names(), ["content-type"], "{path}");
        assert_eq!(response.header("content-type"), Some("text/plain; charset=UTF-8"));
    }
});

both_backends!(
    wrong_method_on_a_known_path_gets_405_bad_method,
    |app: TestApp| async move {
        for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            let response = app.request(method.clone(), "/v2/", &[ADMIN], None).await;
            assert_eq!(response.status, 405, "{method}");
            assert_eq!(
                response.json(),
                json!({"badMethod": {"code": 405, "message": format!("The method {method} is not allowed for this resource.")}})
            );
            assert_eq!(response.header("allow"), Some("GET"));
            response.assert_request_id();
        }
    }
);

both_backends!(bodies_over_the_limit_get_413_over_limit, |app: TestApp| async move {
    let big = "x".repeat(114_689);
    let response = app
        .request(
            Method::POST,
            "/v2/admin/consistency-groups",
            &[ADMIN, ("Content-Type", "application/json")],
            Some(&big),
        )
        .await;
    assert_eq!(response.status, 413);
    assert_eq!(
        response.json(),
        json!({"overLimit": {"code": 413, "message": "Request is too large."}})
    );
    // The unread body leaves the connection unusable, so the server closes it.
    assert_eq!(
        response.header_names(),
        [
            "connection",
            "content-type",
            "x-compute-request-id",
            "x-openstack-request-id"
        ]
    );
    assert_eq!(response.header("connection"), Some("close"));
    response.assert_request_id();

    let just_fits = "x".repeat(114_688);
    let response = app.request(Method::POST, "/v2/", &[ADMIN], Some(&just_fits)).await;
    assert_eq!(response.status, 405, "a body at the limit passes the size check");
});

both_backends!(invalid_json_beats_the_version_gate, |app: TestApp| async move {
    // A route that exists at the request's version reads the body first.
    let response = app
        .request(
            Method::GET,
            "/v2/",
            &[ADMIN, ("Content-Type", "application/json; charset=UTF-8")],
            Some("{not json"),
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        json!({"badRequest": {"code": 400, "message": "Malformed request body"}})
    );
    assert_eq!(response.header("x-openstack-manila-api-version"), Some("2.0"));

    // Any other content type means the body is ignored.
    let response = app
        .request(
            Method::GET,
            "/v2/",
            &[ADMIN, ("Content-Type", "text/plain")],
            Some("{not json"),
        )
        .await;
    assert_eq!(response.status, 200);
});

/// The database goes away under a running server: requests that need it
/// get 503 `serviceUnavailable`, not a 500 or a dropped connection.
#[actix_web::test]
async fn a_lost_database_means_503() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;

    let app = crate::helpers::TestApp::spawn_with(crate::helpers::Backend::Postgres, |config| {
        config.database.pool_timeout_secs = 1;
    })
    .await;
    let headers = [
        ADMIN,
        ("X-OpenStack-Manila-API-Version", "2.7"),
        ("X-OpenStack-Manila-API-Experimental", "True"),
    ];
    assert_eq!(app.get("/v2/admin/consistency-groups", &headers).await.status, 200);
    let url = app.database_url().to_string();
    let (admin_url, name) = url.rsplit_once('/').unwrap();
    let mut admin = diesel::PgConnection::establish(&format!("{admin_url}/postgres")).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .unwrap();

    let response = app.get("/v2/admin/consistency-groups", &headers).await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(
        response.json(),
        json!({"serviceUnavailable": {"code": 503, "message": "The server is currently unavailable. Please try again at a later time."}})
    );
    response.assert_request_id();
}
