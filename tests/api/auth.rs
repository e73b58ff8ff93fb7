//! noauth and noauth2 (reference section 13.2, DESIGN.md section 5).

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use manila_cg_api::config::AuthStrategy;

both_backends!(no_token_gets_the_noauth_login_answer, |app: TestApp| async move {
    let response = app.get("/v2/", &[]).await;
    assert_eq!(response.status, 204);
    assert!(response.body.is_empty());
    assert_eq!(response.header("x-auth-token"), Some("admin:admin"));
    assert_eq!(
        response.header("x-server-management-url"),
        Some(format!("{}/v2/admin", app.address).as_str())
    );
    assert_eq!(
        response.header_names(),
        ["content-type", "x-auth-token", "x-server-management-url"]
    );

    let response = app
        .get(
            "/v2/some/unknown/path",
            &[("X-Auth-User", "alice"), ("X-Auth-Project-Id", "p1")],
        )
        .await;
    assert_eq!(response.status, 204, "auth answers before routing");
    assert_eq!(response.header("x-auth-token"), Some("alice:p1"));
    assert_eq!(
        response.header("x-server-management-url"),
        Some(format!("{}/v2/some/unknown/path/p1", app.address).as_str())
    );
});

both_backends!(root_needs_no_token, |app: TestApp| async move {
    assert_eq!(app.get("/", &[]).await.status, 300);
});

/// With noauth2 only `admin` is an administrator; the login answer and the
/// token format are the same.
#[actix_web::test]
async fn noauth2_keeps_the_noauth_token_format() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| config.auth_strategy = AuthStrategy::NoAuth2).await;
        let response = app.get("/v2/", &[]).await;
        assert_eq!(response.status, 204);
        assert_eq!(response.header("x-auth-token"), Some("admin:admin"));
        let response = app.get("/v2/", &[("X-Auth-Token", "alice:p1")]).await;
        assert_eq!(response.status, 200);
    }
}
