//! `/v2/{project_id}/cgsnapshots` (reference 6.3-6.5, 7.7-7.11, 16.2).

use awc::http::Method;
use diesel::prelude::*;
use manila_cg_api::db;
use manila_cg_api::db::schema::shares;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{admin, assert_fault, headers, member, stranger, Backend, TestApp, TestResponse, PROJECT};

async fn send(
    app: &TestApp,
    method: Method,
    token: &str,
    version: &str,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let project = token.split(':').nth(1).unwrap();
    let text = body.map(|body| body.to_string());
    app.request(
        method,
        &format!("/v2/{project}{path}"),
        &headers(token, version),
        text.as_deref(),
    )
    .await
}

async fn wait_for_status(app: &TestApp, token: &str, path: &str, key: &str, until: &str) -> Value {
    for _ in 0..500 {
        let response = send(app, Method::GET, token, "2.7", path, None).await;
        let body = response.json()[key].clone();
        if body["status"] == until {
            return body;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{path} never became {until}");
}

/// An available CG of `token`'s project, made through the API.
async fn available_cg(app: &TestApp, token: &str) -> (String, String) {
    let type_body = json!({"share_type": {"name": format!("t-{}", uuid::Uuid::new_v4()), "extra_specs": {"driver_handles_share_servers": false}}});
    let created = send(app, Method::POST, &admin(), "2.7", "/types", Some(type_body)).await;
    let type_id = created.json()["share_type"]["id"].as_str().unwrap().to_string();
    let response = send(
        app,
        Method::POST,
        token,
        "2.7",
        "/consistency-groups",
        Some(json!({"consistency_group": {"share_types": [type_id]}})),
    )
    .await;
    assert_eq!(response.status, 202, "{}", response.text());
    let id = response.json()["consistency_group"]["id"].as_str().unwrap().to_string();
    wait_for_status(
        app,
        token,
        &format!("/consistency-groups/{id}"),
        "consistency_group",
        "available",
    )
    .await;
    (id, type_id)
}

/// A share in the CG, written straight to the database.
fn insert_share(app: &TestApp, cg_id: &str, type_id: &str, status: &str, size: i32) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(shares::table)
        .values((
            shares::id.eq(&id),
            shares::user_id.eq("alice"),
            shares::project_id.eq(PROJECT),
            shares::size.eq(size),
            shares::share_proto.eq("NFS"),
            shares::status.eq(status),
            shares::share_type_id.eq(type_id),
            shares::consistency_group_id.eq(cg_id),
            shares::host.eq("testhost@alpha#pool0"),
            shares::created_at.eq(db::now()),
            shares::deleted.eq(db::LIVE),
        ))
        .execute(&mut app.pool().get().unwrap())
        .unwrap();
    id
}

/// A request body, the headers it is sent with, and the fault's text.
type BodyCase<'a> = (Option<&'a str>, &'a [(&'a str, &'a str)], &'a str);

both_backends!(a_snapshot_records_every_share_of_the_cg, |app: TestApp| async move {
    let member = member();
    let (cg, type_id) = available_cg(&app, &member).await;
    let first = insert_share(&app, &cg, &type_id, "available", 1);
    let second = insert_share(&app, &cg, &type_id, "available", 3);
    let body = json!({"cgsnapshot": {"consistency_group_id": cg, "name": "snapshot_cg1", "description": "Snapshot of cg1", "ignored": 1}});
    let response = send(&app, Method::POST, &member, "2.7", "/cgsnapshots", Some(body)).await;
    assert_eq!(response.status, 202, "{}", response.text());
    response.assert_request_id();
    let created = response.json()["cgsnapshot"].clone();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        created,
        json!({
            "id": id,
            "name": "snapshot_cg1",
            "created_at": created["created_at"],
            "status": "creating",
            "description": "Snapshot of cg1",
            "project_id": PROJECT,
            "consistency_group_id": cg,
            "links": [
                {"rel": "self", "href": format!("{}/v2/{PROJECT}/cgsnapshots/{id}", app.address)},
                {"rel": "bookmark", "href": format!("{}/{PROJECT}/cgsnapshots/{id}", app.address)},
            ],
        })
    );
    let shown = wait_for_status(&app, &member, &format!("/cgsnapshots/{id}"), "cgsnapshot", "available").await;
    assert_eq!(shown["consistency_group_id"], json!(cg));

    let members = send(
        &app,
        Method::GET,
        &member,
        "2.7",
        &format!("/cgsnapshots/{id}/members"),
        None,
    )
    .await
    .json();
    let items = members["cgsnapshot_members"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    // Members are taken at one instant; order them by size to compare.
    let mut by_size = items.clone();
    by_size.sort_by_key(|item| item["size"].as_i64());
    for (item, (share, size)) in by_size.iter().zip([(&first, 1), (&second, 3)]) {
        assert_eq!(
            item,
            &json!({
                "id": item["id"],
                "created_at": item["created_at"],
                "size": size,
                "share_protocol": "NFS",
                "project_id": PROJECT,
                "share_type_id": type_id,
                "cgsnapshot_id": id,
                "share_id": share,
            })
        );
    }
    let page = send(
        &app,
        Method::GET,
        &member,
        "2.7",
        &format!("/cgsnapshots/{id}/members?limit=1"),
        None,
    )
    .await
    .json();
    assert_eq!(page["cgsnapshot_members"].as_array().unwrap().len(), 1);
    assert!(page["cgsnapshot_members_links"][0]["href"]
        .as_str()
        .unwrap()
        .ends_with(&format!(
            "/cgsnapshots/{id}/members?limit=1&marker={}",
            items[0]["id"].as_str().unwrap()
        )));
    let offset = send(
        &app,
        Method::GET,
        &member,
        "2.7",
        &format!("/cgsnapshots/{id}/members?limit=1&offset=1"),
        None,
    )
    .await
    .json();
    assert_eq!(offset["cgsnapshot_members"][0]["id"], items[1]["id"]);
});

both_backends!(create_checks_in_upstreams_order, |app: TestApp| async move {
    let member = member();
    let (cg, type_id) = available_cg(&app, &member).await;
    let missing = "6f519a48-3183-46cf-a32f-41815f816666";
    let cases = [
        (
            json!({"cgsnapshots": {}}),
            400,
            "'cgsnapshot' is missing from the request body".to_string(),
        ),
        (
            json!({"cgsnapshot": "x"}),
            400,
            "'cgsnapshot' is missing from the request body".to_string(),
        ),
        (
            json!({"cgsnapshot": {}}),
            400,
            "Must supply 'consistency_group_id' attribute.".to_string(),
        ),
        (
            json!({"cgsnapshot": {"consistency_group_id": ""}}),
            400,
            "Must supply 'consistency_group_id' attribute.".to_string(),
        ),
        (
            json!({"cgsnapshot": {"consistency_group_id": "nope"}}),
            400,
            "The 'consistency_group_id' attribute must be a uuid.".to_string(),
        ),
        (
            json!({"cgsnapshot": {"consistency_group_id": missing}}),
            400,
            format!("ConsistencyGroup {missing} could not be found."),
        ),
        (
            json!({"cgsnapshot": {"consistency_group_id": cg, "name": 5}}),
            400,
            "Invalid input received: name is not a string or unicode".to_string(),
        ),
    ];
    for (body, status, message) in cases {
        let response = send(&app, Method::POST, &member, "2.7", "/cgsnapshots", Some(body)).await;
        assert_fault(&response, status, "badRequest", &message);
    }
    // No usable body never reached upstream's controller: WebOb's 400.
    let plain = "The server could not comply with the request since it is either malformed or otherwise incorrect.";
    let text_plain = [
        ("X-Auth-Token", member.as_str()),
        ("X-OpenStack-Manila-API-Version", "2.7"),
        ("X-OpenStack-Manila-API-Experimental", "True"),
        ("Content-Type", "text/plain"),
    ];
    let path = format!("/v2/{PROJECT}/cgsnapshots");
    let json_headers = headers(&member, "2.7");
    let cases: [BodyCase; 4] = [
        (None, &json_headers, plain),
        (Some(""), &json_headers, plain),
        (Some(r#"{"cgsnapshot": {}}"#), &text_plain, plain),
        (
            Some("null"),
            &json_headers,
            "'cgsnapshot' is missing from the request body",
        ),
    ];
    for (body, sent, message) in cases {
        for method in [Method::POST, Method::PUT] {
            let target = match method {
                Method::PUT => format!("{path}/{missing}"),
                _ => path.clone(),
            };
            let response = app.request(method, &target, sent, body).await;
            assert_fault(&response, 400, "badRequest", message);
        }
    }
    let share = insert_share(&app, &cg, &type_id, "creating", 1);
    let response = send(
        &app,
        Method::POST,
        &member,
        "2.7",
        "/cgsnapshots",
        Some(json!({"cgsnapshot": {"consistency_group_id": cg}})),
    )
    .await;
    assert_fault(&response, 409, "conflictingRequest", &format!("Invalid ConsistencyGroup: Share {share} in consistency group must have status of available in order to create a CG snapshot"));
    let reset = json!({"reset_status": {"status": "error"}});
    send(
        &app,
        Method::POST,
        &admin(),
        "2.7",
        &format!("/consistency-groups/{cg}/action"),
        Some(reset),
    )
    .await;
    let response = send(
        &app,
        Method::POST,
        &member,
        "2.7",
        "/cgsnapshots",
        Some(json!({"cgsnapshot": {"consistency_group_id": cg}})),
    )
    .await;
    assert_fault(
        &response,
        409,
        "conflictingRequest",
        "Invalid ConsistencyGroup: Consistency group status must be available",
    );
    let listed = send(&app, Method::GET, &member, "2.7", "/cgsnapshots", None).await;
    assert_eq!(listed.json(), json!({"cgsnapshots": []}), "nothing was written");
    // Another project's CG is not found either.
    let stranger = stranger();
    let response = send(
        &app,
        Method::POST,
        &stranger,
        "2.7",
        "/cgsnapshots",
        Some(json!({"cgsnapshot": {"consistency_group_id": cg}})),
    )
    .await;
    assert_fault(
        &response,
        400,
        "badRequest",
        &format!("ConsistencyGroup {cg} could not be found."),
    );
});

both_backends!(show_update_list_and_other_projects, |app: TestApp| async move {
    let member = member();
    let (cg, _) = available_cg(&app, &member).await;
    let mut ids = Vec::new();
    for name in ["one", "two"] {
        let response = send(
            &app,
            Method::POST,
            &member,
            "2.7",
            "/cgsnapshots",
            Some(json!({"cgsnapshot": {"consistency_group_id": cg, "name": name}})),
        )
        .await;
        let id = response.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();
        wait_for_status(&app, &member, &format!("/cgsnapshots/{id}"), "cgsnapshot", "available").await;
        ids.push(id);
    }
    let response = send(
        &app,
        Method::PUT,
        &member,
        "2.7",
        &format!("/cgsnapshots/{}", ids[0]),
        Some(json!({"cgsnapshot": {"description": "changed"}})),
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["cgsnapshot"]["description"], "changed");
    let response = send(
        &app,
        Method::PUT,
        &member,
        "2.7",
        &format!("/cgsnapshots/{}", ids[0]),
        Some(json!({"cgsnapshot": {"created_at": "x"}})),
    )
    .await;
    assert_fault(
        &response,
        400,
        "badRequest",
        "The fields set([u'created_at']) are invalid or not allowed to be updated.",
    );

    let summaries = send(&app, Method::GET, &member, "2.7", "/cgsnapshots?limit=1", None)
        .await
        .json();
    assert_eq!(summaries["cgsnapshots"][0]["id"], json!(ids[0]));
    assert_eq!(
        summaries["cgsnapshots"][0].as_object().unwrap().len(),
        3,
        "id, name, links"
    );
    assert_eq!(
        summaries["cgsnapshot_links"],
        json!([{"rel": "next", "href": format!("{}/v2/{PROJECT}/cgsnapshots?limit=1&marker={}", app.address, ids[0])}])
    );
    let detail_page = send(&app, Method::GET, &member, "2.7", "/cgsnapshots/detail?limit=1", None)
        .await
        .json();
    assert_eq!(
        detail_page["cgsnapshot_links"],
        json!([{"rel": "next", "href": format!("{}/v2/{PROJECT}/cgsnapshots/detail?limit=1&marker={}", app.address, ids[0])}])
    );
    let details = send(
        &app,
        Method::GET,
        &member,
        "2.7",
        "/cgsnapshots/detail?sort_key=name&sort_dir=desc",
        None,
    )
    .await
    .json();
    let names: Vec<&str> = details["cgsnapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["two", "one"]);

    let stranger = stranger();
    for path in [
        format!("/cgsnapshots/{}", ids[0]),
        format!("/cgsnapshots/{}/members", ids[0]),
    ] {
        let response = send(&app, Method::GET, &stranger, "2.7", &path, None).await;
        assert_fault(
            &response,
            404,
            "itemNotFound",
            &format!("Consistency group snapshot {} not found.", ids[0]),
        );
    }
    assert_eq!(
        send(&app, Method::GET, &stranger, "2.7", "/cgsnapshots", None)
            .await
            .json(),
        json!({"cgsnapshots": []})
    );
    // The version gate, and POST only on the action URL.
    let response = app
        .get(
            &format!("/v2/{PROJECT}/cgsnapshots"),
            &[
                ("X-Auth-Token", member.as_str()),
                ("X-OpenStack-Manila-API-Version", "2.4"),
            ],
        )
        .await;
    assert_fault(&response, 404, "itemNotFound", "The resource could not be found.");
    let response = send(
        &app,
        Method::GET,
        &member,
        "2.7",
        &format!("/cgsnapshots/{}/action", ids[0]),
        None,
    )
    .await;
    assert_eq!(response.status, 405);
});

both_backends!(delete_and_the_cg_rules, |app: TestApp| async move {
    let member = member();
    let (cg, type_id) = available_cg(&app, &member).await;
    let response = send(
        &app,
        Method::POST,
        &member,
        "2.7",
        "/cgsnapshots",
        Some(json!({"cgsnapshot": {"consistency_group_id": cg}})),
    )
    .await;
    let id = response.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();
    wait_for_status(&app, &member, &format!("/cgsnapshots/{id}"), "cgsnapshot", "available").await;

    let response = send(
        &app,
        Method::DELETE,
        &member,
        "2.7",
        &format!("/consistency-groups/{cg}"),
        None,
    )
    .await;
    assert_fault(
        &response,
        409,
        "conflictingRequest",
        "Invalid ConsistencyGroup: Cannot delete a consistency group with cgsnapshots",
    );
    let reset = json!({"reset_status": {"status": "creating"}});
    let response = send(
        &app,
        Method::POST,
        &member,
        "2.7",
        &format!("/cgsnapshots/{id}/action"),
        Some(reset.clone()),
    )
    .await;
    assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");
    let response = send(
        &app,
        Method::POST,
        &admin(),
        "2.7",
        &format!("/cgsnapshots/{id}/action"),
        Some(reset),
    )
    .await;
    assert_eq!(response.status, 202);
    let response = send(
        &app,
        Method::DELETE,
        &member,
        "2.7",
        &format!("/cgsnapshots/{id}"),
        None,
    )
    .await;
    assert_fault(
        &response,
        409,
        "conflictingRequest",
        "Invalid CGSnapshot: Consistency group snapshot status must be one of ('available', 'error')",
    );
    let back = json!({"os-reset_status": {"status": "error"}});
    assert_eq!(
        send(
            &app,
            Method::POST,
            &admin(),
            "2.6",
            &format!("/cgsnapshots/{id}/action"),
            Some(back)
        )
        .await
        .status,
        202
    );
    let response = send(
        &app,
        Method::DELETE,
        &member,
        "2.7",
        &format!("/cgsnapshots/{id}"),
        None,
    )
    .await;
    assert_eq!(response.status, 202);
    assert!(response.body.is_empty());
    for _ in 0..500 {
        if send(&app, Method::GET, &member, "2.7", &format!("/cgsnapshots/{id}"), None)
            .await
            .status
            == 404
        {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        send(&app, Method::GET, &member, "2.7", &format!("/cgsnapshots/{id}"), None)
            .await
            .status,
        404
    );

    insert_share(&app, &cg, &type_id, "available", 1);
    let response = send(
        &app,
        Method::DELETE,
        &member,
        "2.7",
        &format!("/consistency-groups/{cg}"),
        None,
    )
    .await;
    assert_fault(
        &response,
        409,
        "conflictingRequest",
        "Invalid ConsistencyGroup: Cannot delete a consistency group with shares",
    );
});

both_backends!(force_delete_removes_snapshot_and_members, |app: TestApp| async move {
    let member = member();
    let (cg, type_id) = available_cg(&app, &member).await;
    insert_share(&app, &cg, &type_id, "available", 1);
    let response = send(
        &app,
        Method::POST,
        &member,
        "2.7",
        "/cgsnapshots",
        Some(json!({"cgsnapshot": {"consistency_group_id": cg}})),
    )
    .await;
    let id = response.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();
    let response = send(
        &app,
        Method::POST,
        &admin(),
        "2.6",
        &format!("/cgsnapshots/{id}/action"),
        Some(json!({"force_delete": null})),
    )
    .await;
    assert_fault(&response, 404, "itemNotFound", "The resource could not be found.");
    let response = send(
        &app,
        Method::POST,
        &admin(),
        "2.7",
        &format!("/cgsnapshots/{id}/action"),
        Some(json!({"force_delete": {}})),
    )
    .await;
    assert_eq!(response.status, 202);
    assert_eq!(
        send(&app, Method::GET, &member, "2.7", &format!("/cgsnapshots/{id}"), None)
            .await
            .status,
        404
    );
});

#[actix_web::test]
async fn a_failing_backend_leaves_the_snapshot_in_error() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn(backend).await;
        let member = member();
        let (cg, _) = available_cg(&app, &member).await;
        // From now on every driver call of this server fails.
        let failing = app.spawn_beside(|config| config.backends[0].simulated.failure_rate = 1.0);
        app.stop.stop_workers();
        let response = send(
            &failing,
            Method::POST,
            &member,
            "2.7",
            "/cgsnapshots",
            Some(json!({"cgsnapshot": {"consistency_group_id": cg}})),
        )
        .await;
        let id = response.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();
        wait_for_status(&failing, &member, &format!("/cgsnapshots/{id}"), "cgsnapshot", "error").await;
    }
}
