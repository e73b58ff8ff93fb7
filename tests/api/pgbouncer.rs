//! The server behind a real PgBouncer in transaction pooling mode
//! (started by `scripts/test` through `scripts/lib/pgbouncer.sh`, which
//! exports `PGBOUNCER_URL`), with `[database] prepared_statements = false`:
//! many requests at once all answer 2xx, and the jobs they queue finish.

use std::collections::HashSet;
use std::time::Duration;

use awc::http::Method;
use futures_util::future::join_all;
use manila_cg_api::config::DatabaseConfig;
use manila_cg_api::db;
use serde_json::{json, Value};

use crate::helpers::{admin, database_url, headers, Backend, TestApp, PROJECT};

/// How many clients talk to the server at once, as `wrk -c64` does.
const CLIENTS: usize = 64;
/// How many times each creates, shows, lists and lists in detail.
const ROUNDS: usize = 2;

fn pgbouncer_url() -> String {
    std::env::var("PGBOUNCER_URL").unwrap_or_else(|_| {
        panic!(
            "PGBOUNCER_URL is not set: these tests need a real PgBouncer in transaction pooling mode. \
             Run them through scripts/test, which installs and starts one (scripts/lib/pgbouncer.sh)."
        )
    })
}

/// `url`'s database, reached through PgBouncer.
fn through_pgbouncer(url: &str) -> String {
    let name = url.rsplit('/').next().and_then(|tail| tail.split('?').next()).unwrap();
    database_url(&pgbouncer_url(), name)
}

async fn send(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let token = admin();
    let text = body.map(|body| body.to_string());
    let response = app
        .request(
            method,
            &format!("/v2/{PROJECT}{path}"),
            &headers(&token, "2.30"),
            text.as_deref(),
        )
        .await;
    let status = response.status;
    let body = if response.body.is_empty() {
        Value::Null
    } else {
        response.json()
    };
    (status, body)
}

#[actix_web::test]
async fn every_request_and_job_succeeds_through_a_transaction_pooler() {
    let app = TestApp::spawn_with(Backend::Postgres, |config| {
        config.database.connection = through_pgbouncer(&config.database.connection);
        config.database.prepared_statements = false;
        config.database.max_pool_size = 16;
        config.workers = 2;
    })
    .await;
    let (status, created) = send(
        &app,
        Method::POST,
        "/types",
        Some(json!({"share_type": {"name": "gold", "extra_specs": {"driver_handles_share_servers": false}}})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let gold = created["share_type"]["id"].as_str().unwrap().to_string();
    let create = json!({"consistency_group": {"share_types": [gold]}});
    let (status, first) = send(&app, Method::POST, "/consistency-groups", Some(create.clone())).await;
    assert_eq!(status, 202, "{first}");
    let first = first["consistency_group"]["id"].as_str().unwrap().to_string();

    // Each client creates a group, then shows one, lists and lists in
    // detail, over and over: the statements of every kind interleave on
    // PgBouncer's server connections.
    let clients = (0..CLIENTS).map(|_| {
        let (app, create, first) = (&app, create.clone(), first.clone());
        async move {
            let mut failures = Vec::new();
            let mut made = Vec::new();
            for _ in 0..ROUNDS {
                let (status, body) = send(app, Method::POST, "/consistency-groups", Some(create.clone())).await;
                match body["consistency_group"]["id"].as_str() {
                    Some(id) if status == 202 => made.push(id.to_string()),
                    _ => failures.push(format!("create: {status} {body}")),
                }
                for path in [
                    format!("/consistency-groups/{first}"),
                    "/consistency-groups".to_string(),
                    "/consistency-groups/detail".to_string(),
                ] {
                    let (status, body) = send(app, Method::GET, &path, None).await;
                    if status != 200 {
                        failures.push(format!("GET {path}: {status} {body}"));
                    }
                }
            }
            (made, failures)
        }
    });
    let mut made: HashSet<String> = HashSet::from([first.clone()]);
    let mut failures = Vec::new();
    for (ids, failed) in join_all(clients).await {
        made.extend(ids);
        failures.extend(failed);
    }
    assert_eq!(failures, Vec::<String>::new(), "every request answers 2xx");
    assert_eq!(made.len(), CLIENTS * ROUNDS + 1);

    // Every create's job runs to the end: the groups all become available.
    let mut statuses = Vec::new();
    for _ in 0..1500 {
        let (status, body) = send(&app, Method::GET, "/consistency-groups/detail", None).await;
        assert_eq!(status, 200, "{body}");
        statuses = body["consistency_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|cg| {
                (
                    cg["id"].as_str().unwrap().to_string(),
                    cg["status"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>();
        if statuses.len() == made.len() && statuses.iter().all(|(_, status)| status == "available") {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let listed: HashSet<String> = statuses.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(listed, made);
    let unfinished: Vec<_> = statuses.iter().filter(|(_, status)| status != "available").collect();
    assert_eq!(unfinished, Vec::<&(String, String)>::new(), "every job finished");
}

/// Two replicas migrating one empty database through PgBouncer at once:
/// the migration lock is held by a transaction, not a session, so it
/// serialises them even though each statement may reach another server
/// connection; one applies every migration, the other finds none left.
#[test]
fn replicas_migrate_an_empty_database_through_a_transaction_pooler() {
    let database = crate::helpers::EmptyDatabase::create();
    let url = through_pgbouncer(&database.url());
    let replicas: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut conn = db::connect(&DatabaseConfig {
                    connection: url,
                    max_pool_size: 1,
                    pool_timeout_secs: 30,
                    prepared_statements: false,
                })
                .expect("connect through PgBouncer")
                .get()
                .unwrap();
                db::migrate(&mut conn).expect("migrate through PgBouncer").len()
            })
        })
        .collect();
    let mut applied: Vec<usize> = replicas.into_iter().map(|replica| replica.join().unwrap()).collect();
    applied.sort_unstable();
    assert_eq!(applied[0], 0, "the second replica found nothing left to do");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .count();
    assert_eq!(applied[1], migrations, "the first replica applied every migration");
}
