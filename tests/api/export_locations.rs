//! `/v2/{project_id}/shares/{share_id}/export_locations` (from 2.9): what
//! the client's `manila show` reads at 2.9 and later.

use std::time::Duration;

use awc::http::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{TestApp, TestResponse, PROJECT};

async fn call(
    app: &TestApp,
    user: &str,
    version: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let token = format!("{user}:{PROJECT}");
    let headers = [
        ("X-Auth-Token", token.as_str()),
        ("X-OpenStack-Manila-API-Version", version),
        ("Content-Type", "application/json"),
    ];
    let text = body.map(|body| body.to_string());
    app.request(method, &format!("/v2/{PROJECT}{path}"), &headers, text.as_deref())
        .await
}

/// An available NFS share of a new type.
async fn available_share(app: &TestApp) -> String {
    let body = json!({"share_type": {"name": "gold", "extra_specs": {"driver_handles_share_servers": false}}});
    let created = call(app, "admin", "2.9", Method::POST, "/types", Some(body)).await;
    let type_id = created.json()["share_type"]["id"].as_str().unwrap().to_string();
    let body = json!({"share": {"share_proto": "NFS", "size": 1, "share_type": type_id}});
    let response = call(app, "alice", "2.9", Method::POST, "/shares", Some(body)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let id = response.json()["share"]["id"].as_str().unwrap().to_string();
    for _ in 0..500 {
        if call(app, "alice", "2.9", Method::GET, &format!("/shares/{id}"), None)
            .await
            .json()["share"]["status"]
            == "available"
        {
            return id;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("share {id} never became available");
}

both_backends!(
    export_locations_are_listed_and_shown_from_2_9,
    |app: TestApp| async move {
        let share = available_share(&app).await;
        let path = format!("/shares/{share}/export_locations");

        let response = call(&app, "alice", "2.9", Method::GET, &path, None).await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.assert_request_id();
        let listed = response.json()["export_locations"].clone();
        let [location] = listed.as_array().unwrap().clone().try_into().unwrap();
        let id = location["id"].as_str().unwrap().to_string();
        let export = location["path"].as_str().unwrap().to_string();
        assert!(export.ends_with(&format!(":/shares/share-{share}")), "{export}");
        assert_eq!(
            location,
            json!({"id": id, "path": export}),
            "a member sees id and path at 2.9"
        );

        let admin = call(&app, "admin", "2.14", Method::GET, &path, None).await.json();
        assert_eq!(
            admin["export_locations"],
            json!([{"id": id, "path": export, "preferred": true, "share_instance_id": share, "is_admin_only": false}])
        );

        let shown = call(&app, "alice", "2.9", Method::GET, &format!("{path}/{id}"), None)
            .await
            .json();
        let detail = shown["export_location"].clone();
        assert_eq!(
            detail,
            json!({"id": id, "path": export, "created_at": detail["created_at"], "updated_at": null})
        );
        assert_eq!(detail["created_at"].as_str().unwrap().len(), 26);

        // Not at 2.8 (the share view has them there), and unknown ids.
        let response = call(&app, "alice", "2.8", Method::GET, &path, None).await;
        assert_eq!(
            response.json(),
            json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
        );
        let missing = "6f519a48-3183-46cf-a32f-41815f816666";
        let response = call(
            &app,
            "alice",
            "2.9",
            Method::GET,
            &format!("/shares/{missing}/export_locations"),
            None,
        )
        .await;
        assert_eq!(
            response.json(),
            json!({"itemNotFound": {"code": 404, "message": format!("Share '{missing}' not found.")}})
        );
        let response = call(&app, "alice", "2.9", Method::GET, &format!("{path}/{missing}"), None).await;
        assert_eq!(
            response.json(),
            json!({"itemNotFound": {"code": 404, "message": format!("Export location '{missing}' not found.")}})
        );
    }
);

both_backends!(
    another_projects_private_share_has_no_export_locations_to_read,
    |app: TestApp| async move {
        let share = available_share(&app).await;
        let path = format!("/shares/{share}/export_locations");
        let listed = call(&app, "alice", "2.9", Method::GET, &path, None).await.json();
        let id = listed["export_locations"][0]["id"].as_str().unwrap().to_string();

        // Mallory calls through her own project's URL, with Alice's ids.
        let token = "mallory:other-project";
        let headers = [("X-Auth-Token", token), ("X-OpenStack-Manila-API-Version", "2.9")];
        let not_found = json!({"itemNotFound": {"code": 404, "message": format!("Share '{share}' not found.")}});
        for suffix in ["", &format!("/{id}")] {
            let response = app.get(&format!("/v2/other-project{path}{suffix}"), &headers).await;
            assert_eq!(response.status, 404);
            assert_eq!(response.json(), not_found);
        }

        // Made public, its locations are everyone's to read, as the share is.
        let body = json!({"share": {"is_public": true}});
        let response = call(
            &app,
            "alice",
            "2.9",
            Method::PUT,
            &format!("/shares/{share}"),
            Some(body),
        )
        .await;
        assert_eq!(response.status, 200, "{}", response.text());
        let response = app.get(&format!("/v2/other-project{path}"), &headers).await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json()["export_locations"][0]["id"], json!(id));
    }
);
