//! `/metrics`: Prometheus text format, no authentication, one registry per
//! server, request series by route template only.

use std::time::Duration;

use awc::http::Method;

use crate::both_backends;
use crate::helpers::{headers, queue_cg, Backend, TestApp, TestResponse, PROJECT};
use manila_cg_api::db::jobs::JobKind;

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

async fn scrape(app: &TestApp) -> TestResponse {
    let response = app.get("/metrics", &[]).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header_names(), ["content-type"]);
    assert_eq!(response.header("content-type"), Some(CONTENT_TYPE));
    response
}

/// The series of `family` (with labels), as `name{labels} value` lines.
fn series(text: &str, family: &str) -> Vec<String> {
    text.lines()
        .filter(|line| line.starts_with(&format!("{family}{{")) || line.starts_with(&format!("{family} ")))
        .map(str::to_string)
        .collect()
}

both_backends!(
    requests_are_counted_by_route_template_method_and_status,
    |app: TestApp| async move {
        let token = format!("admin:{PROJECT}");
        let headers = headers(&token, "2.30");
        let cg_path = format!("/v2/{PROJECT}/consistency-groups/0b1c9c3a-0000-4000-8000-000000000001");
        assert_eq!(app.get(&cg_path, &headers).await.status, 404);
        assert_eq!(app.get(&format!("{cg_path}.json"), &headers).await.status, 404);
        let list = format!("/v2/{PROJECT}/consistency-groups");
        assert_eq!(app.get(&list, &headers).await.status, 200);
        assert_eq!(app.get("/healthcheck", &[]).await.status, 200);
        for path in ["/no/such/thing", "/another/unknown/path"] {
            assert_eq!(app.get(path, &[]).await.status, 404);
        }
        let odd = app
            .request(Method::from_bytes(b"BREW").unwrap(), "/healthcheck", &[], None)
            .await;
        assert_eq!(odd.status, 200);

        let text = scrape(&app).await.text();
        assert_eq!(
            series(&text, "http_requests_total"),
            [
                "http_requests_total{api=\"osapi_share\",route=\"/healthcheck\",method=\"GET\",status=\"200\"} 1",
                "http_requests_total{api=\"osapi_share\",route=\"/healthcheck\",method=\"other\",status=\"200\"} 1",
                "http_requests_total{api=\"osapi_share\",route=\"/v2/{project_id}/consistency-groups\",method=\"GET\",status=\"200\"} 1",
                "http_requests_total{api=\"osapi_share\",route=\"/v2/{project_id}/consistency-groups/{id}\",method=\"GET\",status=\"404\"} 2",
                "http_requests_total{api=\"osapi_share\",route=\"unmatched\",method=\"GET\",status=\"404\"} 2",
            ],
            "{text}"
        );
        assert!(
            !text.contains(PROJECT) && !text.contains("/no/such"),
            "no raw paths: {text}"
        );
        let counts = series(&text, "http_request_duration_seconds_count");
        assert_eq!(
            counts,
            [
                "http_request_duration_seconds_count{api=\"osapi_share\",route=\"/healthcheck\",method=\"GET\"} 1",
                "http_request_duration_seconds_count{api=\"osapi_share\",route=\"/healthcheck\",method=\"other\"} 1",
                "http_request_duration_seconds_count{api=\"osapi_share\",route=\"/v2/{project_id}/consistency-groups\",method=\"GET\"} 1",
                "http_request_duration_seconds_count{api=\"osapi_share\",route=\"/v2/{project_id}/consistency-groups/{id}\",method=\"GET\"} 2",
                "http_request_duration_seconds_count{api=\"osapi_share\",route=\"unmatched\",method=\"GET\"} 2",
            ]
        );
        let infinite = series(&text, "http_request_duration_seconds_bucket")
            .into_iter()
            .filter(|line| line.contains("le=\"+Inf\""))
            .count();
        assert_eq!(infinite, 5);

        // The scrape itself is counted from the next scrape on.
        let again = scrape(&app).await.text();
        assert!(
            again.contains(
                "http_requests_total{api=\"osapi_share\",route=\"/metrics\",method=\"GET\",status=\"200\"} 1\n"
            ),
            "{again}"
        );
    }
);

both_backends!(pool_and_connections_are_reported, |app: TestApp| async move {
    let text = scrape(&app).await.text();
    assert_eq!(series(&text, "db_pool_max_connections"), ["db_pool_max_connections 4"]);
    let pool = series(&text, "db_pool_connections");
    assert_eq!(pool.len(), 2, "{pool:?}");
    let value = |line: &str| line.rsplit_once(' ').unwrap().1.parse::<u32>().unwrap();
    assert!(pool[0].starts_with("db_pool_connections{state=\"in_use\"} "));
    assert!(pool[1].starts_with("db_pool_connections{state=\"idle\"} "));
    let open = value(&pool[0]) + value(&pool[1]);
    assert!(
        (1..=4).contains(&open),
        "at least the one kept idle, at most the pool's size: {pool:?}"
    );
    // The scrape's own connection.
    assert_eq!(series(&text, "http_connections_open"), ["http_connections_open 1"]);
});

#[actix_web::test]
async fn queue_depth_is_read_at_scrape_time() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| config.worker.workers = 0).await;
        let pool = app.pool();
        for _ in 0..3 {
            queue_cg(&pool, PROJECT);
        }
        let text = scrape(&app).await.text();
        let depth = series(&text, "job_queue_depth");
        assert_eq!(
            depth.len(),
            JobKind::ALL.len() * 2,
            "every kind in both states: {depth:?}"
        );
        assert!(
            depth.contains(&"job_queue_depth{kind=\"create_consistency_group\",state=\"pending\"} 3".to_string()),
            "{depth:?}"
        );
        let busy: Vec<_> = depth.iter().filter(|line| !line.ends_with(" 0")).collect();
        assert_eq!(busy.len(), 1, "{backend:?}: {depth:?}");
    }
}

#[actix_web::test]
async fn job_outcomes_are_counted_by_the_worker_that_ran_them() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn(backend).await;
        let idle = app.spawn_beside(|config| {
            config.worker.workers = 0;
        });
        let pool = app.pool();
        for _ in 0..2 {
            queue_cg(&pool, PROJECT);
        }
        let mut text = String::new();
        for _ in 0..500 {
            text = scrape(&app).await.text();
            if text.contains("outcome=\"succeeded\"} 2\n") {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        let counted: Vec<_> = series(&text, "jobs_completed_total")
            .into_iter()
            .filter(|line| !line.ends_with(" 0"))
            .collect();
        assert_eq!(
            counted,
            ["jobs_completed_total{kind=\"create_consistency_group\",outcome=\"succeeded\"} 2"],
            "{backend:?}"
        );
        // A registry per server: the one beside it ran nothing and saw
        // none of these requests.
        let other = scrape(&idle).await.text();
        assert!(series(&other, "jobs_completed_total")
            .iter()
            .all(|line| line.ends_with(" 0")));
        assert_eq!(
            series(&other, "http_requests_total"),
            Vec::<String>::new(),
            "its first scrape is not yet counted"
        );
    }
}

both_backends!(metrics_answer_get_and_head_only, |app: TestApp| async move {
    let head = app.request(Method::HEAD, "/metrics", &[], None).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some(CONTENT_TYPE));
    assert!(head.body.is_empty());
    let post = app.request(Method::POST, "/metrics", &[], Some("x")).await;
    assert_eq!(post.status, 405);
    assert!(post.body.is_empty());
    // No token needed, even under noauth2.
    let scraped = app.get("/metrics", &[("X-Auth-Token", "mallory:elsewhere")]).await;
    assert_eq!(scraped.status, 200);
});
