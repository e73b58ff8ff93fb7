//! What a consistency group is for: its shares snapshotted at one instant,
//! and a new CG made from that snapshot (reference 7.1 source path, 9.2,
//! issue 5 items 3 and 5).

use std::collections::BTreeSet;
use std::time::Duration;

use awc::http::Method;
use diesel::prelude::*;
use manila_cg_api::db::schema::{cgsnapshot_members, cgsnapshots, shares};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{headers, member, Backend, TestApp, TestResponse, PROJECT};

async fn send(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> TestResponse {
    let token = member();
    let text = body.map(|body| body.to_string());
    app.request(
        method,
        &format!("/v2/{PROJECT}{path}"),
        &headers(&token, "2.7"),
        text.as_deref(),
    )
    .await
}

async fn wait_status(app: &TestApp, path: &str, key: &str, until: &str) -> Value {
    for _ in 0..1000 {
        let body = send(app, Method::GET, path, None).await.json()[key].clone();
        if body["status"] == until {
            return body;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} never became {until}");
}

/// A share type (as admin), and an available CG of it.
async fn cg_with_type(app: &TestApp) -> (String, String) {
    cg_with_type_named(app, "gold").await
}

async fn create_share(app: &TestApp, cg: &str, type_id: &str, size: i64) -> TestResponse {
    let body =
        json!({"share": {"share_proto": "NFS", "size": size, "share_type": type_id, "consistency_group_id": cg}});
    send(app, Method::POST, "/shares", Some(body)).await
}

async fn available_share(app: &TestApp, cg: &str, type_id: &str, size: i64) -> String {
    let response = create_share(app, cg, type_id, size).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let id = response.json()["share"]["id"].as_str().unwrap().to_string();
    wait_status(app, &format!("/shares/{id}"), "share", "available").await;
    id
}

async fn snapshot(app: &TestApp, cg: &str) -> String {
    let response = send(
        app,
        Method::POST,
        "/cgsnapshots",
        Some(json!({"cgsnapshot": {"consistency_group_id": cg}})),
    )
    .await;
    assert_eq!(response.status, 202, "{}", response.text());
    let id = response.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();
    wait_status(app, &format!("/cgsnapshots/{id}"), "cgsnapshot", "available").await;
    id
}

both_backends!(
    a_cg_made_from_a_snapshot_gets_one_share_per_member,
    |app: TestApp| async move {
        let (source_cg, type_id) = cg_with_type(&app).await;
        let first = available_share(&app, &source_cg, &type_id, 1).await;
        let second = available_share(&app, &source_cg, &type_id, 2).await;
        let snapshot_id = snapshot(&app, &source_cg).await;
        let source_host = send(&app, Method::GET, &format!("/consistency-groups/{source_cg}"), None)
            .await
            .json()["consistency_group"]["host"]
            .clone();

        let body = json!({"consistency_group": {"name": "restored", "source_cgsnapshot_id": snapshot_id}});
        let response = send(&app, Method::POST, "/consistency-groups", Some(body)).await;
        assert_eq!(response.status, 202, "{}", response.text());
        let created = response.json()["consistency_group"].clone();
        assert_eq!(created["status"], "creating");
        assert_eq!(created["source_cgsnapshot_id"], json!(snapshot_id));
        assert_eq!(created["share_types"], json!([type_id]), "inherited from the source CG");
        assert_eq!(created["host"], source_host, "placed with the source, unscheduled");
        let new_cg = created["id"].as_str().unwrap().to_string();
        wait_status(
            &app,
            &format!("/consistency-groups/{new_cg}"),
            "consistency_group",
            "available",
        )
        .await;

        let listed = send(
            &app,
            Method::GET,
            &format!("/shares/detail?consistency_group_id={new_cg}"),
            None,
        )
        .await
        .json();
        let made = listed["shares"].as_array().unwrap();
        assert_eq!(made.len(), 2);
        let members = send(&app, Method::GET, &format!("/cgsnapshots/{snapshot_id}/members"), None)
            .await
            .json();
        let member_by_share: Vec<(String, String, i64)> = members["cgsnapshot_members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["id"].as_str().unwrap().into(),
                    m["share_id"].as_str().unwrap().into(),
                    m["size"].as_i64().unwrap(),
                )
            })
            .collect();
        for share in made {
            assert_eq!(share["status"], "available");
            assert_eq!(share["consistency_group_id"], json!(new_cg));
            assert_eq!(share["host"], source_host);
            let member_id = share["source_cgsnapshot_member_id"].as_str().unwrap();
            let (_, original, size) = member_by_share
                .iter()
                .find(|(id, _, _)| id == member_id)
                .expect("made from a member");
            assert!([&first, &second].contains(&original));
            assert_eq!(share["size"].as_i64(), Some(*size));
            assert_eq!(share["share_proto"], "NFS");
        }
    }
);

both_backends!(
    the_source_snapshot_must_exist_and_be_available,
    |app: TestApp| async move {
        let (cg, type_id) = cg_with_type(&app).await;
        available_share(&app, &cg, &type_id, 1).await;
        let snapshot_id = snapshot(&app, &cg).await;
        let admin = format!("admin:{PROJECT}");
        let reset = json!({"reset_status": {"status": "error"}}).to_string();
        let headers = [
            ("X-Auth-Token", admin.as_str()),
            ("X-OpenStack-Manila-API-Version", "2.7"),
            ("X-OpenStack-Manila-API-Experimental", "True"),
            ("Content-Type", "application/json"),
        ];
        app.request(
            Method::POST,
            &format!("/v2/{PROJECT}/cgsnapshots/{snapshot_id}/action"),
            &headers,
            Some(&reset),
        )
        .await;
        let response = send(
            &app,
            Method::POST,
            "/consistency-groups",
            Some(json!({"consistency_group": {"source_cgsnapshot_id": snapshot_id}})),
        )
        .await;
        assert_eq!(response.status, 409);
        assert_eq!(
            response.json(),
            json!({"conflictingRequest": {"code": 409, "message": "Invalid CGSnapshot: Consistency group snapshot status must be available"}})
        );
        let other = "6f519a48-3183-46cf-a32f-41815f816666";
        let response = send(
            &app,
            Method::POST,
            "/consistency-groups",
            Some(json!({"consistency_group": {"source_cgsnapshot_id": other}})),
        )
        .await;
        assert_eq!(
            response.json(),
            json!({"badRequest": {"code": 400, "message": format!("Consistency group snapshot {other} could not be found.")}})
        );
    }
);

#[actix_web::test]
async fn a_failing_restore_leaves_the_cg_and_its_shares_in_error() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn(backend).await;
        let (cg, type_id) = cg_with_type(&app).await;
        available_share(&app, &cg, &type_id, 1).await;
        let snapshot_id = snapshot(&app, &cg).await;
        let failing = app.spawn_beside(|config| config.backends[0].simulated.failure_rate = 1.0);
        app.stop.stop_workers();
        let response = send(
            &failing,
            Method::POST,
            "/consistency-groups",
            Some(json!({"consistency_group": {"source_cgsnapshot_id": snapshot_id}})),
        )
        .await;
        let new_cg = response.json()["consistency_group"]["id"].as_str().unwrap().to_string();
        wait_status(
            &failing,
            &format!("/consistency-groups/{new_cg}"),
            "consistency_group",
            "error",
        )
        .await;
        let listed = send(
            &failing,
            Method::GET,
            &format!("/shares/detail?consistency_group_id={new_cg}"),
            None,
        )
        .await
        .json();
        let statuses: Vec<&str> = listed["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["error"], "{backend:?}");
    }
}

/// Waits until no share of the CG and no snapshot is `creating`.
async fn settle(app: &TestApp, cg: &str) {
    for _ in 0..500 {
        let shares_pending = send(
            app,
            Method::GET,
            &format!("/shares/detail?consistency_group_id={cg}"),
            None,
        )
        .await
        .json()["shares"]
            .as_array()
            .unwrap()
            .iter()
            .any(|share| share["status"] == "creating");
        let snapshots_pending = send(app, Method::GET, "/cgsnapshots/detail", None).await.json()["cgsnapshots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|snapshot| snapshot["status"] == "creating");
        if !shares_pending && !snapshots_pending {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the CG's shares and snapshots never settled");
}

/// Share creates into a CG race cgsnapshot creates (the driver is slow, so
/// each snapshot is `creating` for a while). Every snapshot's members must
/// be exactly the CG's shares at one instant: the shares created before it,
/// none created while it was being taken.
#[actix_web::test]
async fn every_snapshot_sees_the_cg_at_one_instant() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| {
            config.backends[0].simulated.latency_ms = 150;
            config.worker.workers = 4;
        })
        .await;
        let (cg, type_id) = cg_with_type(&app).await;
        available_share(&app, &cg, &type_id, 1).await;
        for round in 0..6 {
            let shares = (0..3).map(|_| create_share(&app, &cg, &type_id, 1));
            let snapshots = (0..2).map(|_| {
                send(
                    &app,
                    Method::POST,
                    "/cgsnapshots",
                    Some(json!({"cgsnapshot": {"consistency_group_id": cg}})),
                )
            });
            // Odd rounds send the shares while a snapshot is being taken;
            // even rounds send the snapshots while shares are being made.
            let (first, second) = if round % 2 == 1 { (0, 40) } else { (40, 0) };
            let snapshots_after = async {
                actix_web::rt::time::sleep(Duration::from_millis(first)).await;
                futures_util::future::join_all(snapshots).await
            };
            let shares_after = async {
                actix_web::rt::time::sleep(Duration::from_millis(second)).await;
                futures_util::future::join_all(shares).await
            };
            let (snapshot_answers, share_answers) = futures_util::future::join(snapshots_after, shares_after).await;
            for answer in share_answers.iter().chain(&snapshot_answers) {
                assert!(
                    [200, 202, 409].contains(&answer.status),
                    "{}: {}",
                    answer.status,
                    answer.text()
                );
            }
            settle(&app, &cg).await;
            // And one snapshot nothing races, so there is always one to check.
            snapshot(&app, &cg).await;
        }
        let mut conn = app.pool().get().unwrap();
        let all_shares: Vec<(String, chrono::NaiveDateTime)> = shares::table
            .filter(shares::consistency_group_id.eq(&cg))
            .select((shares::id, shares::created_at))
            .load(&mut conn)
            .unwrap();
        let taken: Vec<(String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = cgsnapshots::table
            .filter(cgsnapshots::consistency_group_id.eq(&cg))
            .filter(cgsnapshots::status.eq("available"))
            .select((cgsnapshots::id, cgsnapshots::created_at, cgsnapshots::updated_at))
            .load(&mut conn)
            .unwrap();
        assert!(
            taken.len() >= 2,
            "{backend:?}: too few snapshots succeeded to prove anything: {}",
            taken.len()
        );
        assert!(
            all_shares.len() >= 3,
            "{backend:?}: too few shares joined: {}",
            all_shares.len()
        );
        for (snapshot_id, taken_at, completed_at) in &taken {
            let members: BTreeSet<String> = cgsnapshot_members::table
                .filter(cgsnapshot_members::cgsnapshot_id.eq(snapshot_id))
                .select(cgsnapshot_members::share_id)
                .load(&mut conn)
                .unwrap()
                .into_iter()
                .collect();
            let before: BTreeSet<String> = all_shares
                .iter()
                .filter(|(_, created)| created < taken_at)
                .map(|(id, _)| id.clone())
                .collect();
            assert_eq!(
                members, before,
                "{backend:?}: snapshot {snapshot_id} is not the CG at one instant"
            );
            let completed_at = completed_at.expect("a completed snapshot was updated");
            for (share, created) in &all_shares {
                assert!(
                    members.contains(share) || *created > completed_at,
                    "{backend:?}: share {share} joined while snapshot {snapshot_id} was being taken"
                );
            }
        }
    }
}

/// The deletes' failure paths: a backend that refuses leaves the CG and
/// the snapshot in `error` (not gone, not `deleting`).
#[actix_web::test]
async fn failing_deletes_leave_error() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn(backend).await;
        let (cg, type_id) = cg_with_type(&app).await;
        let share = available_share(&app, &cg, &type_id, 1).await;
        let snapshot_id = snapshot(&app, &cg).await;
        let (empty_cg, _) = cg_with_type_named(&app, "silver").await;
        let failing = app.spawn_beside(|config| config.backends[0].simulated.failure_rate = 1.0);
        app.stop.stop_workers();

        let response = send(&failing, Method::DELETE, &format!("/cgsnapshots/{snapshot_id}"), None).await;
        assert_eq!(response.status, 202);
        wait_status(&failing, &format!("/cgsnapshots/{snapshot_id}"), "cgsnapshot", "error").await;
        let response = send(
            &failing,
            Method::DELETE,
            &format!("/consistency-groups/{empty_cg}"),
            None,
        )
        .await;
        assert_eq!(response.status, 202);
        wait_status(
            &failing,
            &format!("/consistency-groups/{empty_cg}"),
            "consistency_group",
            "error",
        )
        .await;
        let response = send(
            &failing,
            Method::DELETE,
            &format!("/shares/{share}?consistency_group_id={cg}"),
            None,
        )
        .await;
        assert_eq!(
            response.status,
            403,
            "the share still has a snapshot member: {}",
            response.text()
        );
    }
}

/// Another available CG, of a new share type.
async fn cg_with_type_named(app: &TestApp, name: &str) -> (String, String) {
    let admin = format!("admin:{PROJECT}");
    let headers = [("X-Auth-Token", admin.as_str()), ("Content-Type", "application/json")];
    let body = json!({"share_type": {"name": name, "extra_specs": {"driver_handles_share_servers": false}}});
    let created = app
        .request(
            Method::POST,
            &format!("/v2/{PROJECT}/types"),
            &headers,
            Some(&body.to_string()),
        )
        .await;
    let type_id = created.json()["share_type"]["id"].as_str().unwrap().to_string();
    let response = send(
        app,
        Method::POST,
        "/consistency-groups",
        Some(json!({"consistency_group": {"share_types": [type_id]}})),
    )
    .await;
    let cg = response.json()["consistency_group"]["id"].as_str().unwrap().to_string();
    wait_status(
        app,
        &format!("/consistency-groups/{cg}"),
        "consistency_group",
        "available",
    )
    .await;
    (cg, type_id)
}
