//! `/v2/{project_id}/shares`: the views by microversion, creation into a
//! consistency group and its rules (reference section 11), the lifecycle
//! through the worker, delete rules and the cross-resource refusals (9.4).

use awc::http::Method;
use diesel::RunQueryDsl;
use manila_cg_api::config::Config;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{
    admin, assert_fault, headers, member, stranger, Backend, TestApp, TestResponse, JSON_HEADERS, OTHER_PROJECT,
    PROJECT,
};

const POOL: &str = "testhost@alpha#pool0";

fn project_of(token: &str) -> &str {
    token.split(':').nth(1).unwrap_or(PROJECT)
}

async fn send(
    app: &TestApp,
    method: Method,
    token: &str,
    version: &str,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let text = body.map(|body| body.to_string());
    app.request(
        method,
        &format!("/v2/{}{path}", project_of(token)),
        &headers(token, version),
        text.as_deref(),
    )
    .await
}

async fn create_type(app: &TestApp, name: &str) -> String {
    let body = json!({"share_type": {"name": name, "extra_specs": {"driver_handles_share_servers": false}}});
    let response = send(app, Method::POST, &admin(), "2.7", "/types", Some(body)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["share_type"]["id"].as_str().unwrap().to_string()
}

async fn create_cg(app: &TestApp, types: &[&str]) -> String {
    let body = json!({"consistency_group": {"name": "cg", "share_types": types}});
    let response = send(app, Method::POST, &member(), "2.7", "/consistency-groups", Some(body)).await;
    assert_eq!(response.status, 202, "{}", response.text());
    let id = response.json()["consistency_group"]["id"].as_str().unwrap().to_string();
    for _ in 0..500 {
        let cg = send(
            app,
            Method::GET,
            &member(),
            "2.7",
            &format!("/consistency-groups/{id}"),
            None,
        )
        .await;
        if cg.json()["consistency_group"]["status"] == "available" {
            return id;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("consistency group {id} never became available");
}

async fn create_share(app: &TestApp, token: &str, version: &str, share: Value) -> TestResponse {
    send(
        app,
        Method::POST,
        token,
        version,
        "/shares",
        Some(json!({ "share": share })),
    )
    .await
}

async fn create_ok(app: &TestApp, token: &str, share: Value) -> String {
    let response = create_share(app, token, "2.30", share).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["share"]["id"].as_str().unwrap().to_string()
}

async fn show(app: &TestApp, token: &str, version: &str, id: &str) -> TestResponse {
    send(app, Method::GET, token, version, &format!("/shares/{id}"), None).await
}

/// Waits for the worker to move the share out of `from`.
async fn settled(app: &TestApp, id: &str, from: &str) -> Value {
    for _ in 0..500 {
        let response = show(app, &admin(), "2.30", id).await;
        if response.status == 404 {
            return Value::Null;
        }
        let share = response.json()["share"].clone();
        if share["status"] != from {
            return share;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("share {id} stayed {from}");
}

fn links(app: &TestApp, id: &str) -> Value {
    let root = &app.address;
    json!([
        {"rel": "self", "href": format!("{root}/v2/{PROJECT}/shares/{id}")},
        {"rel": "bookmark", "href": format!("{root}/{PROJECT}/shares/{id}")},
    ])
}

both_backends!(the_share_view_follows_the_microversion, |app: TestApp| async move {
    let type_id = create_type(&app, "gold").await;
    let response = create_share(
        &app,
        &member(),
        "2.30",
        json!({"share_proto": "nfs", "size": "1", "name": "s1", "description": "d",
               "share_type": "gold", "metadata": {"k": "v"}, "availability_zone": "nova"}),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    for header in JSON_HEADERS {
        assert!(response.header(header).is_some(), "{header}");
    }
    let created = response.json()["share"].clone();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["status"], "creating");
    assert_eq!(created["host"], "");
    let done = settled(&app, &id, "creating").await;
    assert_eq!(done["status"], "available");
    let created_at = done["created_at"].clone();
    let export = show(&app, &member(), "2.8", &id).await.json()["share"]["export_location"].clone();
    assert!(
        export.as_str().unwrap().ends_with(&format!(":/shares/share-{id}")),
        "{export}"
    );

    // A type created before 2.24 implies snapshot_support, which the share copies.
    let base = json!({
        "id": id, "size": 1, "availability_zone": "nova", "created_at": created_at,
        "status": "available", "name": "s1", "description": "d", "project_id": PROJECT,
        "host": POOL, "snapshot_id": null, "share_network_id": null, "share_proto": "NFS",
        "export_location": export, "metadata": {"k": "v"}, "share_type": "gold",
        "volume_type": "gold", "links": links(&app, &id), "is_public": false,
        "export_locations": [export], "snapshot_support": true,
    });
    let at = |version: &str, changes: Value, removed: &[&str]| {
        let mut view = base.clone();
        for (key, value) in changes.as_object().unwrap() {
            view[key] = value.clone();
        }
        for key in removed {
            view.as_object_mut().unwrap().remove(*key);
        }
        (version.to_string(), view)
    };
    let cg_fields = json!({"consistency_group_id": null, "source_cgsnapshot_member_id": null});
    let mut v24 = cg_fields.clone();
    v24["task_state"] = Value::Null;
    v24["share_type"] = json!(type_id);
    v24["share_type_name"] = json!("gold");
    let mut v210 = v24.clone();
    v210["access_rules_status"] = json!("active");
    let mut v216 = v210.clone();
    v216["replication_type"] = Value::Null;
    v216["has_replicas"] = json!(false);
    v216["user_id"] = json!("alice");
    let mut v230 = v216.clone();
    v230["create_share_from_snapshot_support"] = json!(false);
    v230["revert_to_snapshot_support"] = json!(false);
    let mut v26 = v24.clone();
    v26.as_object_mut().unwrap().remove("task_state");
    let mut v25 = cg_fields.clone();
    v25["task_state"] = Value::Null;
    let exports = ["export_location", "export_locations"];
    let expected = [
        at("2.3", json!({}), &[]),
        at("2.4", cg_fields.clone(), &[]),
        at("2.6", v24.clone(), &[]),
        at("2.9", v24.clone(), &exports),
        at("2.10", v210, &exports),
        at("2.16", v216, &exports),
        at("2.30", v230, &exports),
    ];
    for (version, view) in expected {
        let response = show(&app, &member(), &version, &id).await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json(), json!({ "share": view }), "at {version}");
        assert_eq!(
            response.header("x-openstack-manila-api-version"),
            Some(version.as_str())
        );
    }
    // Administrators also see the share server.
    let response = show(&app, &admin(), "2.3", &id).await;
    let mut view = base.clone();
    view["share_server_id"] = Value::Null;
    assert_eq!(response.json(), json!({ "share": view }));
    // The summary list: id, name, links.
    let response = send(&app, Method::GET, &member(), "2.30", "/shares", None).await;
    assert_eq!(
        response.json(),
        json!({"shares": [{"id": id, "name": "s1", "links": links(&app, &id)}]})
    );
});

both_backends!(a_share_created_into_a_cg_lands_on_its_pool, |app: TestApp| async move {
    let type_id = create_type(&app, "gold").await;
    let cg = create_cg(&app, &[&type_id]).await;
    let body = json!({"share_proto": "NFS", "size": 1, "share_type": type_id, "consistency_group_id": cg});
    // Below 2.4 the field is dropped.
    let old = create_share(&app, &member(), "2.3", body.clone()).await;
    assert_eq!(old.status, 200, "{}", old.text());
    assert!(old.json()["share"].get("consistency_group_id").is_none());
    let old_id = old.json()["share"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        settled(&app, &old_id, "creating").await["consistency_group_id"],
        Value::Null
    );

    let id = create_ok(&app, &member(), body).await;
    let share = settled(&app, &id, "creating").await;
    assert_eq!(share["status"], "available");
    assert_eq!(share["host"], POOL);
    assert_eq!(share["consistency_group_id"], json!(cg));

    let filtered = send(
        &app,
        Method::GET,
        &member(),
        "2.4",
        &format!("/shares?consistency_group_id={cg}"),
        None,
    )
    .await;
    let listed = filtered.json();
    let ids: Vec<&str> = listed["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|share| share["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![id.as_str()]);
    let unknown = send(
        &app,
        Method::GET,
        &member(),
        "2.4",
        "/shares/detail?consistency_group_id=nope",
        None,
    )
    .await;
    assert_eq!(unknown.json(), json!({"shares": []}));

    // Delete needs the group named, and named right.
    let path = format!("/shares/{id}");
    assert_fault(
        &send(&app, Method::DELETE, &member(), "2.4", &path, None).await,
        400,
        "badRequest",
        "Must provide 'consistency_group_id' as a request parameter when deleting a share in a consistency group.",
    );
    assert_fault(
        &send(
            &app,
            Method::DELETE,
            &member(),
            "2.4",
            &format!("{path}?consistency_group_id=other"),
            None,
        )
        .await,
        400,
        "badRequest",
        "The specified 'consistency_group_id' does not match the consistency group id of the share.",
    );
    // A live cgsnapshot member of the share blocks its deletion.
    let pool = app.pool();
    let mut conn = pool.get().unwrap();
    let snap = uuid::Uuid::new_v4().to_string();
    diesel::sql_query(format!(
        "INSERT INTO cgsnapshots (id, consistency_group_id, user_id, project_id, status, created_at, deleted) \
         VALUES ('{snap}', '{cg}', 'alice', '{PROJECT}', 'available', CURRENT_TIMESTAMP, 'False')"
    ))
    .execute(&mut conn)
    .unwrap();
    diesel::sql_query(format!(
        "INSERT INTO cgsnapshot_members (id, cgsnapshot_id, share_id, share_instance_id, share_type_id, size, status, \
         share_proto, user_id, project_id, created_at, deleted) VALUES ('{}', '{snap}', '{id}', '{id}', '{type_id}', 1, \
         'available', 'NFS', 'alice', '{PROJECT}', CURRENT_TIMESTAMP, 'False')",
        uuid::Uuid::new_v4()
    ))
    .execute(&mut conn)
    .unwrap();
    let with_cg = format!("{path}?consistency_group_id={cg}");
    assert_fault(
        &send(&app, Method::DELETE, &member(), "2.4", &with_cg, None).await,
        403,
        "forbidden",
        "Invalid share: Share still has 1 dependent cgsnapshot members.",
    );
    diesel::sql_query(format!(
        "UPDATE cgsnapshot_members SET deleted = id WHERE cgsnapshot_id = '{snap}'"
    ))
    .execute(&mut conn)
    .unwrap();
    // While a cgsnapshot of the group is being created, no share joins it.
    diesel::sql_query(format!(
        "UPDATE cgsnapshots SET status = 'creating' WHERE id = '{snap}'"
    ))
    .execute(&mut conn)
    .unwrap();
    let body = json!({"share_proto": "NFS", "size": 1, "share_type": type_id, "consistency_group_id": cg});
    assert_fault(
        &create_share(&app, &member(), "2.4", body).await,
        409,
        "conflictingRequest",
        "Invalid ConsistencyGroup: Cannot add a share while a cgsnapshot of the consistency group is being created",
    );
    let response = send(&app, Method::DELETE, &member(), "2.4", &with_cg, None).await;
    assert_eq!(response.status, 202, "{}", response.text());
    assert!(response.body.is_empty());
    assert_eq!(settled(&app, &id, "deleting").await, Value::Null);
});

both_backends!(the_cg_rules_of_share_create, |app: TestApp| async move {
    let gold = create_type(&app, "gold").await;
    let silver = create_type(&app, "silver").await;
    let cg = create_cg(&app, &[&gold]).await;
    let missing = uuid::Uuid::new_v4().to_string();
    let cases = [
        (
            json!({"share_type": gold, "consistency_group_id": missing}),
            format!("ConsistencyGroup {missing} could not be found."),
        ),
        (
            json!({"share_type": silver, "consistency_group_id": cg}),
            format!("The specified share type ({silver}) is not supported by the specified consistency group ({cg})."),
        ),
    ];
    for (extra, message) in cases {
        let mut body = json!({"share_proto": "NFS", "size": 1});
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        assert_fault(
            &create_share(&app, &member(), "2.4", body).await,
            400,
            "badRequest",
            &message,
        );
    }
    let net = send(
        &app,
        Method::POST,
        &member(),
        "2.7",
        "/share-networks",
        Some(json!({"share_network": {"neutron_net_id": "n", "neutron_subnet_id": "s"}})),
    )
    .await
    .json()["share_network"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = json!({"share_proto": "NFS", "size": 1, "share_type": gold, "consistency_group_id": cg, "share_network_id": net});
    assert_fault(
        &create_share(&app, &member(), "2.4", body).await,
        400,
        "badRequest",
        &format!("The specified share network ({net}) is not supported by the specified consistency group ({cg})."),
    );
    let reset = send(
        &app,
        Method::POST,
        &admin(),
        "2.7",
        &format!("/consistency-groups/{cg}/action"),
        Some(json!({"reset_status": {"status": "error"}})),
    )
    .await;
    assert_eq!(reset.status, 202);
    let body = json!({"share_proto": "NFS", "size": 1, "share_type": gold, "consistency_group_id": cg});
    assert_fault(
        &create_share(&app, &member(), "2.4", body).await,
        400,
        "badRequest",
        "Consistency group status must be available, goterror.",
    );
});

both_backends!(bad_input_is_refused_and_nothing_is_written, |app: TestApp| async move {
    let long = "x".repeat(256);
    let cases = [
        (json!({"share": {"share_proto": "NFS", "size": 0}}), 400, "Invalid input received: Share size '0' must be an integer and greater than 0."),
        (json!({"share": {"share_proto": "NFS", "size": "big"}}), 400, "Invalid input received: Share size 'big' must be an integer and greater than 0."),
        (json!({"share": {"share_proto": "XFS", "size": 1}}), 400, "Invalid input received: Invalid share protocol provided: XFS. It is either disabled or unsupported. Available protocols: ['NFS', 'CIFS']."),
        (json!({"share": {"share_proto": "NFS"}}), 400, "The server could not comply with the request since it is either malformed or otherwise incorrect."),
        (json!({"share": {"share_proto": 5, "size": 1}}), 400, "The server could not comply with the request since it is either malformed or otherwise incorrect."),
        (json!({"share": {"share_proto": "NFS", "size": 1, "name": long}}), 400, "Invalid input received: name has more than 255 characters."),
        (json!({"share": {"share_proto": "NFS", "size": 1, "is_public": "maybe"}}), 400, "Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"),
        (json!({"share": {"share_proto": "NFS", "size": 1, "share_type": "nope"}}), 404, "Share type not found."),
        (json!({"share": {"share_proto": "NFS", "size": 1, "availability_zone": "mars"}}), 404, "Availability zone mars could not be found."),
        (json!({"share": {"share_proto": "NFS", "size": 1, "share_network_id": "nope"}}), 404, "Share network nope could not be found."),
        (json!({"share": {"share_proto": "NFS", "size": 1, "metadata": {"k": ""}}}), 400, "Metadata property value is blank."),
    ];
    for (body, status, message) in cases {
        let response = send(&app, Method::POST, &member(), "2.30", "/shares", Some(body.clone())).await;
        let name = if status == 404 { "itemNotFound" } else { "badRequest" };
        assert_fault(&response, status, name, message);
    }
    let response = send(
        &app,
        Method::POST,
        &member(),
        "2.30",
        "/shares",
        Some(json!({"nope": {}})),
    )
    .await;
    assert_eq!(response.status, 422, "{}", response.text());
    // No usable body never reached upstream's controller: WebOb's 400,
    // for create and update alike.
    let plain = "The server could not comply with the request since it is either malformed or otherwise incorrect.";
    for (method, path) in [
        (Method::POST, format!("/v2/{PROJECT}/shares")),
        (
            Method::PUT,
            format!("/v2/{PROJECT}/shares/6f519a48-3183-46cf-a32f-41815f816666"),
        ),
    ] {
        for body in [None, Some("")] {
            let response = app
                .request(method.clone(), &path, &headers(&member(), "2.30"), body)
                .await;
            assert_fault(&response, 400, "badRequest", plain);
        }
    }
    let listed = send(&app, Method::GET, &admin(), "2.30", "/shares?all_tenants=1", None).await;
    assert_eq!(listed.json(), json!({"shares": []}));
    for id in ["not-a-uuid", "%00"] {
        assert_fault(
            &show(&app, &member(), "2.30", id).await,
            404,
            "itemNotFound",
            "The resource could not be found.",
        );
    }
});

both_backends!(
    other_projects_see_neither_private_shares_nor_their_lists,
    |app: TestApp| async move {
        let id = create_ok(&app, &member(), json!({"share_proto": "CIFS", "size": 2})).await;
        settled(&app, &id, "creating").await;
        assert_fault(
            &show(&app, &stranger(), "2.30", &id).await,
            403,
            "forbidden",
            "Policy doesn't allow share:get to be performed.",
        );
        let listed = send(&app, Method::GET, &stranger(), "2.30", "/shares/detail", None).await;
        assert_eq!(listed.json(), json!({"shares": []}));
        // Made public, it shows, and a list with is_public includes it; it
        // still cannot be deleted by the stranger.
        let update = send(
            &app,
            Method::PUT,
            &member(),
            "2.30",
            &format!("/shares/{id}"),
            Some(json!({"share": {"is_public": true, "display_name": "pub"}})),
        )
        .await;
        assert_eq!(update.status, 200, "{}", update.text());
        assert_eq!(update.json()["share"]["name"], "pub");
        assert_eq!(show(&app, &stranger(), "2.30", &id).await.status, 200);
        let listed = send(&app, Method::GET, &stranger(), "2.30", "/shares?is_public=true", None).await;
        assert_eq!(listed.json()["shares"].as_array().unwrap().len(), 1);
        assert_fault(
            &send(
                &app,
                Method::DELETE,
                &stranger(),
                "2.30",
                &format!("/shares/{id}"),
                None,
            )
            .await,
            403,
            "forbidden",
            "Policy doesn't allow share:delete to be performed.",
        );
        // The admin sees every project's shares with all_tenants.
        let all = send(
            &app,
            Method::GET,
            &format!("admin:{OTHER_PROJECT}"),
            "2.30",
            "/shares?all_tenants=1",
            None,
        )
        .await;
        assert_eq!(all.json()["shares"].as_array().unwrap().len(), 1);
        // A full page links to the next page of the same list.
        for list in ["shares", "shares/detail"] {
            let page = send(&app, Method::GET, &member(), "2.30", &format!("/{list}?limit=1"), None).await;
            assert_eq!(
                page.json()["shares_links"],
                json!([{"rel": "next", "href": format!("{}/v2/{PROJECT}/{list}?limit=1&marker={id}", app.address)}])
            );
        }
    }
);

both_backends!(networks_and_types_in_use_are_not_deleted, |app: TestApp| async move {
    let gold = create_type(&app, "gold").await;
    let id = create_ok(
        &app,
        &member(),
        json!({"share_proto": "NFS", "size": 1, "share_type": gold}),
    )
    .await;
    assert_fault(
        &send(&app, Method::DELETE, &admin(), "2.30", &format!("/types/{gold}"), None).await,
        400,
        "badRequest",
        "Target share type is still in use.",
    );
    let net = send(
        &app,
        Method::POST,
        &admin(),
        "2.30",
        "/share-networks",
        Some(json!({"share_network": {"neutron_net_id": "n", "neutron_subnet_id": "s"}})),
    )
    .await
    .json()["share_network"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let dhss = send(
        &app,
        Method::POST,
        &admin(),
        "2.7",
        "/types",
        Some(json!({"share_type": {"name": "dhss", "extra_specs": {"driver_handles_share_servers": true}}})),
    )
    .await;
    assert_eq!(dhss.status, 200);
    assert_fault(
        &create_share(
            &app,
            &admin(),
            "2.30",
            json!({"share_proto": "NFS", "size": 1, "share_type": "dhss"}),
        )
        .await,
        400,
        "badRequest",
        "Share network must be set when the driver_handles_share_servers is true.",
    );
    let on_net = create_ok(
        &app,
        &admin(),
        json!({"share_proto": "NFS", "size": 1, "share_type": "dhss", "share_network_id": net}),
    )
    .await;
    assert_fault(
        &send(
            &app,
            Method::DELETE,
            &admin(),
            "2.30",
            &format!("/share-networks/{net}"),
            None,
        )
        .await,
        409,
        "conflictingRequest",
        &format!("Can not delete share network {net}, it has 1 share(s)."),
    );
    // No DHSS backend: the share goes to error, and can then be deleted.
    assert_eq!(settled(&app, &on_net, "creating").await["status"], "error");
    let gone = send(
        &app,
        Method::DELETE,
        &admin(),
        "2.30",
        &format!("/shares/{on_net}"),
        None,
    )
    .await;
    assert_eq!(gone.status, 202, "{}", gone.text());
    assert_eq!(settled(&app, &on_net, "deleting").await, Value::Null);
    assert_eq!(
        send(
            &app,
            Method::DELETE,
            &admin(),
            "2.30",
            &format!("/share-networks/{net}"),
            None
        )
        .await
        .status,
        202
    );
    assert_eq!(settled(&app, &id, "creating").await["status"], "available");
});

fn failing(config: &mut Config) {
    config.backends[0].simulated.failure_rate = 1.0;
}

#[actix_web::test]
async fn a_failing_backend_leaves_error_then_error_deleting() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, failing).await;
        let id = create_ok(&app, &member(), json!({"share_proto": "NFS", "size": 1})).await;
        let share = settled(&app, &id, "creating").await;
        assert_eq!(share["status"], "error");
        assert_eq!(share["host"], POOL);
        let response = send(&app, Method::DELETE, &member(), "2.30", &format!("/shares/{id}"), None).await;
        assert_eq!(response.status, 202, "{}", response.text());
        assert_eq!(settled(&app, &id, "deleting").await["status"], "error_deleting");
        assert_fault(
            &send(&app, Method::DELETE, &member(), "2.30", &format!("/shares/{id}"), None).await,
            403,
            "forbidden",
            "Invalid share: Share status must be one of ('available', 'error', 'inactive').",
        );
    }
}

both_backends!(
    share_lists_filter_sort_and_page_as_upstream,
    |app: TestApp| async move {
        let mut made = Vec::new();
        for (name, size) in [(Some("b"), 1), (None, 2), (Some("a"), 3)] {
            let mut share = json!({"share_proto": "NFS", "size": size});
            if let Some(name) = name {
                share["name"] = json!(name);
            }
            let id = create_ok(&app, &member(), share).await;
            settled(&app, &id, "creating").await;
            made.push(id);
        }
        let list = |path: String, token: String| {
            let app = &app;
            async move {
                let response = send(app, Method::GET, &token, "2.30", &path, None).await;
                assert_eq!(response.status, 200, "{path}: {}", response.text());
                response.json()["shares"].as_array().unwrap().clone()
            }
        };
        let ids = |shares: &[Value]| -> Vec<String> {
            shares
                .iter()
                .map(|share| share["id"].as_str().unwrap().to_string())
                .collect()
        };
        let details = list("/shares/detail?sort_key=id&sort_dir=asc".into(), member()).await;
        assert_eq!(details.len(), 3);
        // Upstream's order: the key with nulls first, then id, all reversed
        // for desc; the default is created_at desc.
        let sorted = |key: &str, descending: bool| -> Vec<String> {
            let mut shares = details.clone();
            shares.sort_by(|a, b| {
                let order = match (&a[key], &b[key]) {
                    (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
                    (Value::Null, _) => std::cmp::Ordering::Less,
                    (_, Value::Null) => std::cmp::Ordering::Greater,
                    (Value::Number(x), Value::Number(y)) => x.as_i64().cmp(&y.as_i64()),
                    (x, y) => x.as_str().cmp(&y.as_str()),
                }
                .then_with(|| a["id"].as_str().cmp(&b["id"].as_str()));
                if descending {
                    order.reverse()
                } else {
                    order
                }
            });
            ids(&shares)
        };
        assert_eq!(ids(&list("/shares".into(), member()).await), sorted("created_at", true));
        for (key, field) in [
            ("name", "name"),
            ("size", "size"),
            ("created_at", "created_at"),
            ("id", "id"),
        ] {
            for direction in ["asc", "desc"] {
                assert_eq!(
                    ids(&list(format!("/shares?sort_key={key}&sort_dir={direction}"), member()).await),
                    sorted(field, direction == "desc"),
                    "{key} {direction}"
                );
            }
        }
        assert_eq!(sorted("name", false)[0], made[1], "unnamed first ascending");
        // offset and limit after the order.
        assert_eq!(
            ids(&list("/shares?sort_key=name&sort_dir=asc&limit=2&offset=1".into(), member()).await),
            [made[2].clone(), made[0].clone()]
        );
        // Filters compare the attribute, as text, with the value.
        let created = details.iter().find(|share| share["id"] == json!(made[0])).unwrap()["created_at"]
            .as_str()
            .unwrap()
            .to_string();
        for (query, token, expected) in [
            ("name=a".to_string(), member(), vec![made[2].clone()]),
            ("status=available&name=b".to_string(), member(), vec![made[0].clone()]),
            ("name=nothing".to_string(), member(), vec![]),
            (format!("created_at={created}"), admin(), vec![made[0].clone()]),
            (format!("created_at={}", &created[..19]), admin(), vec![]),
            ("size=1".to_string(), admin(), vec![]),
            ("no_such_attribute=1".to_string(), admin(), vec![]),
            // Members' filters outside upstream's list are dropped.
            (
                "size=1&sort_key=id&sort_dir=asc".to_string(),
                member(),
                sorted("id", false),
            ),
        ] {
            assert_eq!(ids(&list(format!("/shares?{query}"), token).await), expected, "{query}");
        }
    }
);
