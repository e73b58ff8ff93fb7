//! `POST /v2/{project_id}/shares/{id}/action`: the admin actions
//! `reset_status` and `force_delete` (`os-` spelled before 2.7), and the
//! admin flow they exist for: a share of a group reset to `error` keeps a
//! cgsnapshot of the group from being taken.

use awc::http::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{admin, assert_fault, headers, member, Backend, TestApp, TestResponse, PROJECT};

async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    version: &str,
    path: &str,
    body: Option<&str>,
) -> TestResponse {
    app.request(method, &format!("/v2/{PROJECT}{path}"), &headers(token, version), body)
        .await
}

async fn action(app: &TestApp, token: &str, version: &str, id: &str, body: &str) -> TestResponse {
    send(
        app,
        token,
        Method::POST,
        version,
        &format!("/shares/{id}/action"),
        Some(body),
    )
    .await
}

fn assert_empty_accepted(response: &TestResponse, version: &str) {
    assert_eq!(response.status, 202, "{}", response.text());
    assert!(response.body.is_empty());
    assert_eq!(response.header("content-type"), Some("text/html; charset=UTF-8"));
    assert_eq!(response.header("x-openstack-manila-api-version"), Some(version));
    assert_eq!(response.header("x-compute-request-id"), None);
}

async fn created(response: TestResponse, key: &str) -> String {
    assert!(response.status == 200 || response.status == 202, "{}", response.text());
    response.json()[key]["id"].as_str().unwrap().to_string()
}

/// The share as an admin sees it, `None` once it is gone.
async fn share(app: &TestApp, id: &str) -> Option<Value> {
    let response = send(app, &admin(), Method::GET, "2.30", &format!("/shares/{id}"), None).await;
    (response.status == 200).then(|| response.json()["share"].clone())
}

/// Polls the share until `done` holds, for at most 10 s.
async fn until(app: &TestApp, id: &str, done: impl Fn(Option<&Value>) -> bool) -> Option<Value> {
    for _ in 0..500 {
        let found = share(app, id).await;
        if done(found.as_ref()) {
            return found;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("share {id} never reached the expected state");
}

fn status_is(status: &'static str) -> impl Fn(Option<&Value>) -> bool {
    move |share| share.is_some_and(|share| share["status"] == status)
}

async fn available_share(app: &TestApp, body: Value) -> String {
    let response = send(app, &member(), Method::POST, "2.30", "/shares", Some(&body.to_string())).await;
    let id = created(response, "share").await;
    until(app, &id, status_is("available")).await;
    id
}

async fn plain_share(app: &TestApp) -> String {
    available_share(app, json!({"share": {"share_proto": "NFS", "size": 1}})).await
}

both_backends!(reset_status_is_admin_only_and_era_named, |app: TestApp| async move {
    let id = plain_share(&app).await;
    for (version, key) in [
        ("2.0", "os-reset_status"),
        ("2.6", "os-reset_status"),
        ("2.7", "reset_status"),
    ] {
        let body = format!(r#"{{"{key}": {{"status": "error"}}}}"#);
        let response = action(&app, &member(), version, &id, &body).await;
        assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");
        assert_eq!(share(&app, &id).await.unwrap()["status"], "available");
        assert_empty_accepted(&action(&app, &admin(), version, &id, &body).await, version);
        assert_eq!(share(&app, &id).await.unwrap()["status"], "error");
        let back = format!(r#"{{"{key}": {{"status": "available"}}}}"#);
        assert_empty_accepted(&action(&app, &admin(), version, &id, &back).await, version);
    }
    // The other era's name is not found.
    for (version, body) in [
        ("2.7", r#"{"os-reset_status": {"status": "error"}}"#),
        ("2.6", r#"{"reset_status": {"status": "error"}}"#),
        ("2.7", r#"{"os-force_delete": null}"#),
        ("2.6", r#"{"force_delete": null}"#),
    ] {
        let response = action(&app, &admin(), version, &id, body).await;
        assert_fault(&response, 404, "itemNotFound", "The resource could not be found.");
    }
    assert_eq!(share(&app, &id).await.unwrap()["status"], "available");
});

both_backends!(action_bodies_are_checked_like_upstream, |app: TestApp| async move {
    let id = plain_share(&app).await;
    let path = format!("/shares/{id}/action");
    let states =
        "Invalid state. Valid states: available, creating, migrating_to, error_deleting, error, migrating, deleting.";
    let cases: [(Option<&str>, &str); 8] = [
        (None, "There is no such action: None"),
        (Some(r#"{"frobnicate": {}}"#), "There is no such action: frobnicate"),
        (
            Some(r#"{"reset_status": {}, "force_delete": {}}"#),
            "Malformed request body",
        ),
        (Some("{broken"), "Malformed request body"),
        (Some(r#"{"reset_status": {}}"#), "Must specify 'status'"),
        (Some(r#"{"reset_status": null}"#), "Must specify 'status'"),
        (Some(r#"{"reset_status": {"status": "inactive"}}"#), states),
        (Some(r#"{"reset_status": {"status": 5}}"#), states),
    ];
    for (body, message) in cases {
        let response = send(&app, &admin(), Method::POST, "2.7", &path, body).await;
        assert_fault(&response, 400, "badRequest", message);
    }
    assert_eq!(share(&app, &id).await.unwrap()["status"], "available");
    let missing = "6f519a48-3183-46cf-a32f-41815f816666";
    for body in [r#"{"reset_status": {"status": "error"}}"#, r#"{"force_delete": null}"#] {
        let response = action(&app, &admin(), "2.7", missing, body).await;
        assert_fault(&response, 404, "itemNotFound", "The resource could not be found.");
    }
});

#[actix_web::test]
async fn force_delete_removes_the_share_even_when_the_backend_fails() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn(backend).await;
        let (kept, forced) = (plain_share(&app).await, plain_share(&app).await);
        // From here on the backend fails every operation.
        let failing = app.spawn_beside(|config| config.backends[0].simulated.failure_rate = 1.0);
        app.stop.stop_workers();
        let app = &failing;
        let response = send(app, &member(), Method::DELETE, "2.30", &format!("/shares/{kept}"), None).await;
        assert_empty_accepted(&response, "2.30");
        until(app, &kept, status_is("error_deleting")).await;

        let response = action(app, &member(), "2.7", &forced, r#"{"force_delete": null}"#).await;
        assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");
        for id in [&kept, &forced] {
            let response = action(app, &admin(), "2.7", id, r#"{"force_delete": {}}"#).await;
            assert_empty_accepted(&response, "2.7");
            until(app, id, |found| found.is_none()).await;
        }
    }
}

both_backends!(
    force_delete_of_an_unplaced_share_is_immediate,
    |app: TestApp| async move {
        // Without workers the share waits, `creating` and unplaced.
        app.stop.stop_workers();
        let body = json!({"share": {"share_proto": "NFS", "size": 1}});
        let response = send(
            &app,
            &member(),
            Method::POST,
            "2.30",
            "/shares",
            Some(&body.to_string()),
        )
        .await;
        let id = created(response, "share").await;
        let unplaced = share(&app, &id).await.unwrap();
        assert_eq!(
            (&unplaced["status"], &unplaced["host"]),
            (&json!("creating"), &json!(""))
        );
        let response = action(&app, &admin(), "2.6", &id, r#"{"os-force_delete": null}"#).await;
        assert_empty_accepted(&response, "2.6");
        assert_eq!(share(&app, &id).await, None, "gone at once");
    }
);

both_backends!(
    a_share_reset_to_error_keeps_its_group_from_being_snapshotted,
    |app: TestApp| async move {
        let body = json!({"share_type": {"name": "gold", "extra_specs": {"driver_handles_share_servers": false}}});
        let response = send(&app, &admin(), Method::POST, "2.7", "/types", Some(&body.to_string())).await;
        let type_id = created(response, "share_type").await;
        let body = json!({"consistency_group": {"name": "cg", "share_types": [type_id]}});
        let response = send(
            &app,
            &member(),
            Method::POST,
            "2.7",
            "/consistency-groups",
            Some(&body.to_string()),
        )
        .await;
        let cg = created(response, "consistency_group").await;
        for _ in 0..500 {
            let shown = send(
                &app,
                &member(),
                Method::GET,
                "2.7",
                &format!("/consistency-groups/{cg}"),
                None,
            )
            .await;
            if shown.json()["consistency_group"]["status"] == "available" {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let id = available_share(
            &app,
            json!({"share": {"share_proto": "NFS", "size": 1, "share_type": type_id, "consistency_group_id": cg}}),
        )
        .await;
        let snapshot = json!({"cgsnapshot": {"consistency_group_id": cg}}).to_string();

        assert_empty_accepted(
            &action(&app, &admin(), "2.7", &id, r#"{"reset_status": {"status": "error"}}"#).await,
            "2.7",
        );
        let response = send(&app, &member(), Method::POST, "2.7", "/cgsnapshots", Some(&snapshot)).await;
        assert_fault(
            &response,
            409,
            "conflictingRequest",
            &format!("Invalid ConsistencyGroup: Share {id} in consistency group must have status of available in order to create a CG snapshot"),
        );

        // Back to available, the snapshot is taken; a share with
        // cgsnapshot members cannot be force-deleted (upstream's 400).
        assert_empty_accepted(
            &action(
                &app,
                &admin(),
                "2.7",
                &id,
                r#"{"reset_status": {"status": "available"}}"#,
            )
            .await,
            "2.7",
        );
        let response = send(&app, &member(), Method::POST, "2.7", "/cgsnapshots", Some(&snapshot)).await;
        assert_eq!(response.status, 202, "{}", response.text());
        let response = action(&app, &admin(), "2.7", &id, r#"{"force_delete": null}"#).await;
        assert_fault(
            &response,
            400,
            "badRequest",
            "Invalid share: Share still has 1 dependent cgsnapshot members.",
        );
        assert_eq!(share(&app, &id).await.unwrap()["status"], "available");
    }
);
