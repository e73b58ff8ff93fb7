//! Placement belongs to the deployment, not to one process: a group
//! placed by one replica takes shares and volumes that another replica
//! (with another `[DEFAULT] host`) places, and a group placed before a
//! restart under a new `host` still takes them afterwards.

use std::time::Duration;

use awc::http::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{admin, headers, TestApp, PROJECT};
use crate::volume_consistency_groups::{self as volume, available_group, call, wait_for};

async fn send(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Value {
    let text = body.map(|body| body.to_string());
    let response = app
        .request(
            method,
            &format!("/v2/{PROJECT}{path}"),
            &headers(&admin(), "2.30"),
            text.as_deref(),
        )
        .await;
    assert!(response.status < 300, "{path}: {}", response.text());
    response.json()
}

/// Shows `path` until its `key` object leaves `creating`; that object.
async fn settled(app: &TestApp, path: &str, key: &str) -> Value {
    for _ in 0..500 {
        let body = send(app, Method::GET, path, None).await[key].clone();
        if body["status"] != "creating" {
            return body;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} stayed creating");
}

/// The share type `gold` and an available CG of it, placed by `app`'s
/// workers; the CG's id.
async fn placed_cg(app: &TestApp) -> String {
    let extra_specs = json!({"driver_handles_share_servers": false});
    let gold = send(
        app,
        Method::POST,
        "/types",
        Some(json!({"share_type": {"name": "gold", "extra_specs": extra_specs}})),
    )
    .await["share_type"]["id"]
        .clone();
    let body = json!({"consistency_group": {"name": "cg", "share_types": [gold]}});
    let id = send(app, Method::POST, "/consistency-groups", Some(body)).await["consistency_group"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cg = settled(app, &format!("/consistency-groups/{id}"), "consistency_group").await;
    assert_eq!(cg["status"], "available");
    id
}

/// A share of type `gold` in `cg`, placed and made by `app`'s workers.
async fn share_in(app: &TestApp, cg: &str) -> Value {
    let body = json!({"share": {"share_proto": "NFS", "size": 1, "share_type": "gold", "consistency_group_id": cg}});
    let id = send(app, Method::POST, "/shares", Some(body)).await["share"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    settled(app, &format!("/shares/{id}"), "share").await
}

both_backends!(
    a_replica_with_another_host_fills_groups_the_first_placed,
    |first: TestApp| async move {
        first.stop.stop_workers();
        let first_host = first.spawn_beside(|config| config.host = "replica-a".into());
        let cg = placed_cg(&first_host).await;
        let group = available_group(&first_host, "g").await;
        let placed = send(&first_host, Method::GET, &format!("/consistency-groups/{cg}"), None).await;
        assert_eq!(placed["consistency_group"]["host"], "replica-a@alpha#pool0");
        // Only the second replica's workers run from here on.
        first_host.stop.stop_workers();

        let second = first.spawn_beside(|config| config.host = "replica-b".into());
        let share = share_in(&second, &cg).await;
        assert_eq!(
            (&share["status"], &share["host"]),
            (&json!("available"), &json!("replica-a@alpha#pool0")),
            "the CG's place, under the name it was placed with"
        );

        let body = json!({"volume": {"size": 1, "consistencygroup_id": group, "volume_type": "__DEFAULT__"}});
        let volumes = format!("/v3/{}/volumes", volume::PROJECT);
        let created = call(&second, Method::POST, &volumes, volume::MEMBER, None, Some(body)).await;
        assert_eq!(created.status, 202, "{}", created.text());
        let id = created.json()["volume"]["id"].as_str().unwrap().to_string();
        let made = wait_for(&second, &format!("{volumes}/{id}"), "volume", "available").await;
        assert_eq!(made["os-vol-host-attr:host"], "replica-a@lvm#LVM");
    }
);

both_backends!(
    a_group_placed_before_a_restart_under_a_new_host_takes_shares,
    |first: TestApp| async move {
        first.stop.stop_workers();
        let before = first.spawn_beside(|config| config.host = "before".into());
        let cg = placed_cg(&before).await;
        before.stop.halt().await;

        let after = first.spawn_beside(|config| config.host = "after".into());
        let share = share_in(&after, &cg).await;
        assert_eq!(share["status"], "available");
        assert_eq!(share["host"], "before@alpha#pool0");
        let alone = json!({"share": {"share_proto": "NFS", "size": 1, "share_type": "gold"}});
        let id = send(&after, Method::POST, "/shares", Some(alone)).await["share"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let outside = settled(&after, &format!("/shares/{id}"), "share").await;
        assert_eq!(outside["host"], "after@alpha#pool0", "new placements take the new name");
    }
);
