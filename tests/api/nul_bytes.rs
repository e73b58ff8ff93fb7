//! A NUL character wherever a client's string reaches SQL: PostgreSQL
//! cannot hold one, SQLite can; both answer alike. An id with NUL names no
//! resource (404), a filter with NUL matches nothing, and a value with NUL
//! to be written is refused (400).

use awc::http::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{admin, assert_fault, headers, member, TestApp, TestResponse, PROJECT};

async fn send(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> TestResponse {
    let text = body.map(|body| body.to_string());
    app.request(
        method,
        &format!("/v2/{PROJECT}{path}"),
        &headers(token, "2.30"),
        text.as_deref(),
    )
    .await
}

/// An available-or-creating group of the member's, with a share type.
async fn make_cg(app: &TestApp) -> String {
    let body = json!({"share_type": {"name": "gold", "extra_specs": {"driver_handles_share_servers": false}}});
    let made = send(app, &admin(), Method::POST, "/types", Some(body)).await;
    let type_id = made.json()["share_type"]["id"].as_str().unwrap().to_string();
    let body = json!({"consistency_group": {"name": "cg", "share_types": [type_id]}});
    let made = send(app, &member(), Method::POST, "/consistency-groups", Some(body)).await;
    assert_eq!(made.status, 202, "{}", made.text());
    made.json()["consistency_group"]["id"].as_str().unwrap().to_string()
}

both_backends!(an_id_with_nul_names_nothing, |app: TestApp| async move {
    let generic = "The resource could not be found.";
    let cases = [
        (
            member(),
            Method::GET,
            "/consistency-groups/%00",
            "Consistency group \u{0} not found.",
        ),
        (
            member(),
            Method::PUT,
            "/consistency-groups/a%00",
            "Consistency group a\u{0} not found.",
        ),
        (
            member(),
            Method::DELETE,
            "/consistency-groups/%00",
            "Consistency group \u{0} not found.",
        ),
        (
            member(),
            Method::GET,
            "/cgsnapshots/%00",
            "Consistency group snapshot \u{0} not found.",
        ),
        (
            member(),
            Method::GET,
            "/cgsnapshots/%00/members",
            "Consistency group snapshot \u{0} not found.",
        ),
        (
            member(),
            Method::DELETE,
            "/cgsnapshots/%00",
            "Consistency group snapshot \u{0} not found.",
        ),
        (member(), Method::GET, "/shares/%00", generic),
        (
            member(),
            Method::GET,
            "/shares/%00/export_locations",
            "Share '\u{0}' not found.",
        ),
        (admin(), Method::GET, "/types/%00", "Share type not found."),
    ];
    for (token, method, path, message) in cases {
        let body = match method {
            Method::PUT => Some(json!({"consistency_group": {"name": "x"}})),
            _ => None,
        };
        let response = send(&app, &token, method, path, body).await;
        assert_fault(&response, 404, "itemNotFound", message);
    }
    // A spec key with NUL is no key of the type.
    let body = json!({"share_type": {"name": "t", "extra_specs": {"driver_handles_share_servers": false}}});
    let made = send(&app, &admin(), Method::POST, "/types", Some(body)).await;
    let type_id = made.json()["share_type"]["id"].as_str().unwrap().to_string();
    for method in [Method::GET, Method::DELETE] {
        let response = send(
            &app,
            &admin(),
            method,
            &format!("/types/{type_id}/extra_specs/k%00"),
            None,
        )
        .await;
        assert_eq!(response.status, 404, "{}", response.text());
    }
    for path in [
        "/consistency-groups/%00/action",
        "/cgsnapshots/%00/action",
        "/shares/%00/action",
    ] {
        for body in [
            json!({"reset_status": {"status": "error"}}),
            json!({"force_delete": null}),
        ] {
            let response = send(&app, &admin(), Method::POST, path, Some(body)).await;
            assert_fault(&response, 404, "itemNotFound", generic);
        }
    }
});

both_backends!(a_filter_with_nul_matches_nothing, |app: TestApp| async move {
    make_cg(&app).await;
    for (path, key) in [
        ("/consistency-groups?name=%00", "consistency_groups"),
        ("/consistency-groups/detail?status=a%00", "consistency_groups"),
        ("/cgsnapshots?name=%00", "cgsnapshots"),
        ("/cgsnapshots/detail?consistency_group_id=%00", "cgsnapshots"),
        ("/shares?name=%00", "shares"),
        ("/shares/detail?status=%00", "shares"),
    ] {
        let response = send(&app, &member(), Method::GET, path, None).await;
        assert_eq!(response.status, 200, "{path}: {}", response.text());
        assert_eq!(response.json(), json!({ key: [] }), "{path}");
    }
    let response = send(
        &app,
        &admin(),
        Method::GET,
        "/consistency-groups?all_tenants=1&project_id=%00",
        None,
    )
    .await;
    assert_eq!(response.json(), json!({"consistency_groups": []}));
    let response = send(
        &app,
        &admin(),
        Method::GET,
        "/shares?all_tenants=1&project_id=%00",
        None,
    )
    .await;
    assert_eq!(response.json(), json!({"shares": []}));
    let response = send(&app, &member(), Method::GET, "/consistency-groups?marker=%00", None).await;
    assert_fault(&response, 400, "badRequest", "Marker \u{0} could not be found.");
});

both_backends!(a_value_with_nul_is_not_written, |app: TestApp| async move {
    let nul = |key: &str| format!("Invalid input received: {key} contains a NUL character.");
    let cg = make_cg(&app).await;
    let cases = [
        (
            Method::POST,
            "/consistency-groups".to_string(),
            json!({"consistency_group": {"name": "a\u{0}"}}),
            nul("name"),
        ),
        (
            Method::PUT,
            format!("/consistency-groups/{cg}"),
            json!({"consistency_group": {"description": "\u{0}"}}),
            nul("description"),
        ),
        (
            Method::POST,
            "/cgsnapshots".to_string(),
            json!({"cgsnapshot": {"consistency_group_id": cg, "name": "\u{0}"}}),
            nul("name"),
        ),
        (
            Method::POST,
            "/cgsnapshots".to_string(),
            json!({"cgsnapshot": {"consistency_group_id": "\u{0}"}}),
            "The 'consistency_group_id' attribute must be a uuid.".to_string(),
        ),
        (
            Method::POST,
            "/consistency-groups".to_string(),
            json!({"consistency_group": {"share_network_id": "\u{0}"}}),
            "The 'share_network_id' attribute must be a uuid.".to_string(),
        ),
        (
            Method::POST,
            "/shares".to_string(),
            json!({"share": {"share_proto": "NFS", "size": 1, "description": "\u{0}"}}),
            nul("description"),
        ),
    ];
    for (method, path, body, message) in cases {
        let response = send(&app, &member(), method, &path, Some(body)).await;
        assert_fault(&response, 400, "badRequest", &message);
    }
    let type_cases = [
        (
            json!({"share_type": {"name": "a\u{0}", "extra_specs": {"driver_handles_share_servers": false}}}),
            "Type name is not valid.",
        ),
        (
            json!({"share_type": {"name": "t", "extra_specs": {"driver_handles_share_servers": false, "k\u{0}": "v"}}}),
            "Invalid extra_spec: k\u{0}: v",
        ),
        (
            json!({"share_type": {"name": "t", "extra_specs": {"driver_handles_share_servers": false, "k": "v\u{0}"}}}),
            "Invalid extra_spec: k: v\u{0}",
        ),
    ];
    for (body, message) in type_cases {
        let response = send(&app, &admin(), Method::POST, "/types", Some(body)).await;
        assert_fault(&response, 400, "badRequest", message);
    }
    let shown = send(&app, &member(), Method::GET, &format!("/consistency-groups/{cg}"), None).await;
    assert_eq!(
        shown.json()["consistency_group"]["description"],
        Value::Null,
        "nothing was written"
    );
});
