//! What the real binary tells an operator at the default level: a fault's
//! reason beside its request id, each job's claim and the state it left
//! its resource in, and nothing at error level through a clean stop.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{Backend, TestDatabase, PROJECT};
use crate::shutdown::Server;

/// Sends a request as noauth2's admin at 2.30; status, request id (a 202
/// without a body has none), body.
async fn send(server: &Server, method: &str, path: &str, body: Option<Value>) -> (u16, Option<String>, Value) {
    let client = awc::Client::default();
    let url = format!("http://127.0.0.1:{}/v2/{PROJECT}{path}", server.port);
    let request = client
        .request(method.parse().unwrap(), url)
        .insert_header(("X-Auth-Token", format!("admin:{PROJECT}")))
        .insert_header(("X-OpenStack-Manila-API-Version", "2.30"))
        .insert_header(("X-OpenStack-Manila-API-Experimental", "True"));
    let mut response = match body {
        Some(body) => request.send_json(&body).await,
        None => request.send().await,
    }
    .expect("the server answers");
    let request_id = response
        .headers()
        .get("x-openstack-request-id")
        .map(|id| id.to_str().unwrap().to_string());
    let bytes = response.body().await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (response.status().as_u16(), request_id, json)
}

/// Waits until the log holds `line`.
async fn logged(server: &Server, line: &str) {
    let started = Instant::now();
    while !server.log().contains(line) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never logged {line:?}:\n{}",
            server.log()
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

#[actix_web::test]
async fn faults_job_changes_and_a_clean_stop_are_logged() {
    let database = TestDatabase::create(Backend::Postgres);
    let mut server = Server::start(
        database.url(),
        &[
            ("MANILA_CG__DEFAULT__DEFAULT_SHARE_TYPE", "gold"),
            ("MANILA_CG__DEFAULT__JOB_POLL_INTERVAL_MS", "20"),
        ],
    );

    let (status, request_id, body) = send(&server, "GET", "/consistency-groups/missing", None).await;
    assert_eq!(status, 404);
    let reason = body["itemNotFound"]["message"].as_str().unwrap().to_string();
    let request_id = request_id.expect("a fault carries its request id");
    logged(&server, &format!("[{request_id}] HTTP exception thrown: {reason}")).await;

    let gold = json!({"share_type": {"name": "gold", "extra_specs": {"driver_handles_share_servers": false}}});
    assert_eq!(send(&server, "POST", "/types", Some(gold)).await.0, 200);
    let cg = json!({"consistency_group": {"name": "logged"}});
    let (status, _, body) = send(&server, "POST", "/consistency-groups", Some(cg)).await;
    assert_eq!(status, 202, "{body}");
    let id = body["consistency_group"]["id"].as_str().unwrap().to_string();
    logged(
        &server,
        &format!("finished: create_consistency_group of {id} is available"),
    )
    .await;
    let log = server.log();
    let claim = log
        .lines()
        .find(|line| line.contains(&format!("create_consistency_group of {id}")))
        .unwrap();
    assert!(
        claim.contains(" INFO ") && claim.contains(" claimed by replica1:"),
        "{claim}"
    );

    assert_eq!(
        send(&server, "DELETE", &format!("/consistency-groups/{id}"), None)
            .await
            .0,
        202
    );
    logged(&server, &format!("finished: delete_consistency_group of {id} deleted")).await;

    server.signal("TERM");
    let status = server.wait(Duration::from_secs(10)).expect("stops on SIGTERM");
    let log = server.log();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(!log.contains(" ERROR "), "a clean stop logs no error:\n{log}");
}
