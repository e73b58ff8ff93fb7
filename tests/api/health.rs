//! `/healthcheck`: oslo.middleware's healthcheck app as upstream Manila
//! mounts it, outside authentication and microversions, with a real probe
//! of the database.

use std::time::{Duration, Instant};

use awc::http::Method;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::both_backends;
use crate::helpers::{Backend, TestApp, TestResponse};

const JSON_OK: &str = "{\n    \"detailed\": false,\n    \"reasons\": [\n        \"OK\"\n    ]\n}";
const JSON_DOWN: &str = "{\n    \"detailed\": false,\n    \"reasons\": [\n        \"DATABASE UNAVAILABLE\"\n    ]\n}";
const HTML_OK: &str = "<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n\n<H2>Result of 1 checks:</H2>\n\
<TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n<TR>\n\n<TH>\nReason\n</TH>\n</TR>\n<TR>\n\n    <TD>OK</TD>\n\n</TR>\n\
</TBODY>\n</TABLE>\n<HR></HR>\n\n</BODY>\n</HTML>";

fn assert_answer(response: &TestResponse, status: u16, content_type: &str, body: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(
        response.header_names(),
        ["content-type"],
        "no version or request id headers"
    );
    assert_eq!(response.header("content-type"), Some(content_type));
    assert_eq!(response.text(), body);
}

both_backends!(a_healthy_server_answers_ok_as_text, |app: TestApp| async move {
    let response = app.get("/healthcheck", &[]).await;
    assert_answer(&response, 200, "text/plain; charset=UTF-8", "OK");
});

both_backends!(head_answers_204_without_a_body, |app: TestApp| async move {
    let response = app.request(Method::HEAD, "/healthcheck", &[], None).await;
    assert_answer(&response, 204, "text/plain; charset=UTF-8", "");
});

both_backends!(the_accept_header_picks_text_html_or_json, |app: TestApp| async move {
    let json = app.get("/healthcheck", &[("Accept", "application/json")]).await;
    assert_answer(&json, 200, "application/json", JSON_OK);
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let html = app.get("/healthcheck", &[("Accept", browser)]).await;
    assert_answer(&html, 200, "text/html; charset=UTF-8", HTML_OK);
    // Nothing acceptable, or a header that does not parse: text, never 406.
    for accept in [
        "image/png",
        "application/json;q=2",
        "text/plain;q=0, application/json;q=0",
    ] {
        let response = app.get("/healthcheck", &[("Accept", accept)]).await;
        assert_answer(&response, 200, "text/plain; charset=UTF-8", "OK");
    }
});

both_backends!(
    it_needs_no_token_and_ignores_version_headers,
    |app: TestApp| async move {
        for headers in [
            vec![("X-Auth-Token", "nobody:nowhere")],
            vec![("X-OpenStack-Manila-API-Version", "9.99")],
            vec![("X-OpenStack-Manila-API-Version", "not-a-version")],
        ] {
            let response = app.get("/healthcheck", &headers).await;
            assert_answer(&response, 200, "text/plain; charset=UTF-8", "OK");
        }
    }
);

both_backends!(
    any_method_and_any_path_below_it_is_the_check,
    |app: TestApp| async move {
        // Upstream's paste urlmap hands /healthcheck/... to the app, which
        // does not look at the method.
        let post = app.request(Method::POST, "/healthcheck", &[], Some("{}")).await;
        assert_answer(&post, 200, "text/plain; charset=UTF-8", "OK");
        let below = app.get("/healthcheck/anything/at/all", &[]).await;
        assert_answer(&below, 200, "text/plain; charset=UTF-8", "OK");
        let beside = app.get("/healthchecks", &[]).await;
        assert_eq!(beside.status, 404);
    }
);

/// Runs `sql` as the PostgreSQL superuser the tests use.
fn as_admin(sql: &str) {
    let admin = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    PgConnection::establish(&admin).unwrap().batch_execute(sql).unwrap();
}

/// The database refuses connections and its sessions are ended: the check
/// fails promptly with oslo's 503 and our reason, and passes again once
/// the database is back.
#[actix_web::test]
async fn an_unreachable_database_is_503_until_it_returns() {
    let app = TestApp::spawn_with(Backend::Postgres, |config| config.worker.workers = 0).await;
    assert_eq!(app.get("/healthcheck", &[]).await.status, 200);
    let name = app.database_url().rsplit('/').next().unwrap().to_string();
    as_admin(&format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; \
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ));

    for _ in 0..2 {
        let started = Instant::now();
        let text = app.get("/healthcheck", &[]).await;
        assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
        assert_answer(&text, 503, "text/plain; charset=UTF-8", "DATABASE UNAVAILABLE");
    }
    let json = app.get("/healthcheck", &[("Accept", "application/json")]).await;
    assert_answer(&json, 503, "application/json", JSON_DOWN);
    let head = app.request(Method::HEAD, "/healthcheck", &[], None).await;
    assert_answer(&head, 503, "text/plain; charset=UTF-8", "");

    as_admin(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"));
    let started = Instant::now();
    loop {
        let response = app.get("/healthcheck", &[]).await;
        if response.status == 200 {
            assert_answer(&response, 200, "text/plain; charset=UTF-8", "OK");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still {}", response.text());
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}
