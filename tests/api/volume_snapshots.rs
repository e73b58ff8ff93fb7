//! Snapshots of volumes: made by cgsnapshots (inserted here as rows),
//! listed, shown and deleted through the snapshot API.

use std::time::Duration;

use awc::http::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{TestApp, OTHER_PROJECT, PROJECT};
use crate::volume_volumes::{
    admin_token, assert_accepted_empty, assert_fault, available_volume, call, execute, member_token, stranger_token,
    DEFAULT_TYPE_ID,
};

fn insert_snapshot(app: &TestApp, id: &str, volume_id: &str, cgsnapshot_id: Option<&str>, status: &str) {
    let cgsnapshot = cgsnapshot_id
        .map(|id| format!("'{id}'"))
        .unwrap_or_else(|| "NULL".into());
    execute(
        app,
        &format!(
            "INSERT INTO volume_snapshots (id, user_id, project_id, volume_id, cgsnapshot_id, name, status, \
             progress, volume_size, volume_type_id, created_at, deleted) VALUES ('{id}', 'alice', '{PROJECT}', \
             '{volume_id}', {cgsnapshot}, 'snap', '{status}', '100%', 1, '{DEFAULT_TYPE_ID}', \
             CURRENT_TIMESTAMP, 'False')"
        ),
    );
}

both_backends!(snapshots_are_listed_shown_and_deleted, |app: TestApp| async move {
    let volume = available_volume(&app, &member_token(), json!({"size": 1})).await;
    let lone = "3c0d7b5e-1111-4111-8111-111111111111";
    insert_snapshot(&app, lone, &volume, None, "available");

    let shown = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/snapshots/{lone}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(shown.status, 200, "{}", shown.text());
    shown.assert_request_id();
    let created_at = shown.json()["snapshot"]["created_at"].clone();
    let summary = json!({
        "id": lone, "created_at": created_at, "updated_at": null, "name": "snap", "description": null,
        "volume_id": volume, "status": "available", "size": 1, "metadata": {},
    });
    let mut detail = summary.clone();
    detail["os-extended-snapshot-attributes:project_id"] = json!(PROJECT);
    detail["os-extended-snapshot-attributes:progress"] = json!("100%");
    assert_eq!(shown.json(), json!({"snapshot": detail}));
    let listed = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/snapshots"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(listed.json(), json!({"snapshots": [summary]}));
    let latest = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/snapshots/detail"),
        &member_token(),
        Some("3.71"),
        None,
    )
    .await;
    let item = &latest.json()["snapshots"][0];
    assert_eq!(item["group_snapshot_id"], Value::Null);
    assert_eq!(item["user_id"], "alice");
    assert_eq!(item["consumes_quota"], true);
    let hidden = call(
        &app,
        Method::GET,
        &format!("/v3/{OTHER_PROJECT}/snapshots/{lone}"),
        &stranger_token(),
        None,
        None,
    )
    .await;
    assert_fault(
        &hidden,
        404,
        "itemNotFound",
        &format!("Snapshot {lone} could not be found."),
    );

    // The volume has a snapshot: it cannot be deleted.
    let refused = call(
        &app,
        Method::DELETE,
        &format!("/v3/{PROJECT}/volumes/{volume}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(refused.status, 400);

    assert_accepted_empty(
        &call(
            &app,
            Method::DELETE,
            &format!("/v3/{PROJECT}/snapshots/{lone}"),
            &member_token(),
            None,
            None,
        )
        .await,
    );
    let mut gone = None;
    for _ in 0..200 {
        let shown = call(
            &app,
            Method::GET,
            &format!("/v3/{PROJECT}/snapshots/{lone}"),
            &admin_token(),
            None,
            None,
        )
        .await;
        if shown.status == 404 {
            gone = Some(shown);
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_fault(
        &gone.expect("the snapshot goes"),
        404,
        "itemNotFound",
        &format!("Snapshot {lone} could not be found."),
    );
    let again = call(
        &app,
        Method::DELETE,
        &format!("/v3/{PROJECT}/volumes/{volume}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_accepted_empty(&again);
});

both_backends!(a_cgsnapshots_snapshot_cannot_go_alone, |app: TestApp| async move {
    let group = "0b6a7a2e-44a4-4a57-9a3c-2f8b4d1d0c21";
    crate::volume_volumes::insert_group(
        &app,
        group,
        PROJECT,
        Some("testhost@lvm#LVM"),
        DEFAULT_TYPE_ID,
        "available",
    );
    let volume = available_volume(
        &app,
        &member_token(),
        json!({"size": 1, "consistencygroup_id": group, "volume_type": "__DEFAULT__"}),
    )
    .await;
    let cgsnapshot = "4d0e8c6f-2222-4222-8222-222222222222";
    execute(
        &app,
        &format!(
            "INSERT INTO volume_cgsnapshots (id, consistencygroup_id, user_id, project_id, status, created_at, \
             deleted) VALUES ('{cgsnapshot}', '{group}', 'alice', '{PROJECT}', 'available', CURRENT_TIMESTAMP, 'False')"
        ),
    );
    let member = "3c0d7b5e-3333-4333-8333-333333333333";
    insert_snapshot(&app, member, &volume, Some(cgsnapshot), "available");
    let refused = call(
        &app,
        Method::DELETE,
        &format!("/v3/{PROJECT}/snapshots/{member}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_fault(
        &refused,
        400,
        "badRequest",
        "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.",
    );
    let shown = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/snapshots/{member}"),
        &member_token(),
        Some("3.14"),
        None,
    )
    .await;
    assert_eq!(shown.json()["snapshot"]["group_snapshot_id"], cgsnapshot);
    let bad = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/snapshots?limit=x"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_fault(&bad, 400, "badRequest", "limit param must be an integer");
});
