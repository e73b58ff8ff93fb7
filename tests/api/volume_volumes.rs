//! Cinder's volumes on the volume listener: create (also into a
//! consistency group), show, list, update, delete, the admin actions, and
//! the view at the microversions python-cinderclient reaches.

use std::time::Duration;

use awc::http::Method;
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{TestApp, TestResponse, OTHER_PROJECT, PROJECT};

/// The type every volume without one gets (seeded by the migration).
pub const DEFAULT_TYPE_ID: &str = "7f0c3a57-7a7e-4f2e-9d4b-1c1e2a0d5b10";

pub fn admin_token() -> String {
    format!("admin:{PROJECT}")
}

pub fn member_token() -> String {
    format!("alice:{PROJECT}")
}

pub fn stranger_token() -> String {
    format!("mallory:{OTHER_PROJECT}")
}

/// A request to the volume API at `version` (`None`: no version header).
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    version: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    let version_header = version.map(|version| format!("volume {version}"));
    let mut headers = vec![("X-Auth-Token", token)];
    if let Some(value) = &version_header {
        headers.push(("OpenStack-API-Version", value.as_str()));
    }
    let text = body.map(|body| body.to_string());
    if text.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    app.volume_request(method, path, &headers, text.as_deref()).await
}

/// Asserts a Cinder fault: status, whole body, JSON headers.
pub fn assert_fault(response: &TestResponse, status: u16, name: &str, message: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(response.json(), json!({ name: {"code": status, "message": message} }));
    assert_eq!(response.header("content-type"), Some("application/json"));
    response.assert_request_id();
}

/// Asserts Cinder's empty 202: WebOb's content type, no body, no
/// compute request id.
pub fn assert_accepted_empty(response: &TestResponse) {
    assert_eq!(response.status, 202, "{}", response.text());
    assert!(response.body.is_empty());
    assert_eq!(response.header("content-type"), Some("text/html; charset=UTF-8"));
    assert!(response.header("x-openstack-request-id").is_some());
}

/// Runs SQL against the test database (fixtures the API cannot make).
pub fn execute(app: &TestApp, sql: &str) {
    let mut conn = app.pool().get().expect("a connection");
    conn.batch_execute(sql).expect("the fixture SQL runs");
}

/// A live consistency group of `project` on `host`, for `type_ids`.
pub fn insert_group(app: &TestApp, id: &str, project: &str, host: Option<&str>, type_ids: &str, status: &str) {
    let host = host.map(|host| format!("'{host}'")).unwrap_or_else(|| "NULL".into());
    execute(
        app,
        &format!(
            "INSERT INTO volume_consistency_groups (id, user_id, project_id, host, availability_zone, name, \
             volume_type_ids, status, created_at, deleted) VALUES ('{id}', 'u', '{project}', {host}, 'nova', 'cg', \
             '{type_ids}', '{status}', CURRENT_TIMESTAMP, 'False')"
        ),
    );
}

/// Shows the volume until it leaves `from`, as a client polls.
pub async fn wait_while(app: &TestApp, id: &str, from: &str) -> TestResponse {
    for _ in 0..200 {
        let shown = call(
            app,
            Method::GET,
            &format!("/v3/{PROJECT}/volumes/{id}"),
            &admin_token(),
            None,
            None,
        )
        .await;
        if shown.status != 200 || shown.json()["volume"]["status"] != from {
            return shown;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("volume {id} stayed {from}");
}

/// Creates a volume as `token` and waits for it to be `available`.
pub async fn available_volume(app: &TestApp, token: &str, volume: Value) -> String {
    let created = call(
        app,
        Method::POST,
        &format!("/v3/{PROJECT}/volumes"),
        token,
        None,
        Some(json!({"volume": volume})),
    )
    .await;
    assert_eq!(created.status, 202, "{}", created.text());
    let id = created.json()["volume"]["id"].as_str().unwrap().to_string();
    let shown = wait_while(app, &id, "creating").await;
    assert_eq!(shown.json()["volume"]["status"], "available");
    id
}

fn links(base: &str, version: &str, id: &str) -> Value {
    json!([
        {"href": format!("{base}/{version}/{PROJECT}/volumes/{id}"), "rel": "self"},
        {"href": format!("{base}/{PROJECT}/volumes/{id}"), "rel": "bookmark"},
    ])
}

both_backends!(create_show_list_delete, |app: TestApp| async move {
    let base = app.volume_address.clone().unwrap();
    let created = call(
        &app,
        Method::POST,
        &format!("/v3/{PROJECT}/volumes"),
        &member_token(),
        None,
        Some(json!({"volume": {"size": "1", "name": "  first  ", "description": "d", "metadata": {}}})),
    )
    .await;
    assert_eq!(created.status, 202, "{}", created.text());
    assert_eq!(created.header("openstack-api-version"), Some("volume 3.0"));
    assert_eq!(created.header("vary"), Some("OpenStack-API-Version"));
    created.assert_request_id();
    let body = created.json();
    let id = body["volume"]["id"].as_str().unwrap().to_string();
    let created_at = body["volume"]["created_at"].as_str().unwrap().to_string();
    assert_eq!(created_at.len(), 26, "{created_at}");
    // The create answer is not extended by the attribute extensions.
    assert_eq!(
        body,
        json!({"volume": {
            "id": id, "status": "creating", "size": 1, "availability_zone": "nova",
            "created_at": created_at, "updated_at": null, "name": "first", "description": "d",
            "volume_type": "__DEFAULT__", "snapshot_id": null, "source_volid": null, "metadata": {},
            "links": links(&base, "v3", &id), "user_id": "alice", "bootable": "false", "encrypted": false,
            "replication_status": "disabled", "consistencygroup_id": null, "multiattach": false,
            "attachments": [],
        }})
    );

    let shown = wait_while(&app, &id, "creating").await;
    let volume = &shown.json()["volume"];
    assert_eq!(volume["status"], "available");
    assert_eq!(volume["os-vol-host-attr:host"], "testhost@lvm#LVM");
    assert_eq!(volume["os-vol-tenant-attr:tenant_id"], PROJECT);
    assert_eq!(volume["os-vol-mig-status-attr:migstat"], Value::Null);
    assert_eq!(volume["migration_status"], Value::Null);

    // A member sees the project but neither host nor migration fields.
    let shown = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes/{id}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(shown.status, 200);
    let volume = shown.json()["volume"].clone();
    let keys: Vec<&str> = volume.as_object().unwrap().keys().map(String::as_str).collect();
    assert!(
        !keys.contains(&"os-vol-host-attr:host") && !keys.contains(&"migration_status"),
        "{keys:?}"
    );
    assert_eq!(volume["os-vol-tenant-attr:tenant_id"], PROJECT);

    let summary = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(summary.status, 200);
    assert_eq!(
        summary.json(),
        json!({"volumes": [{"id": id, "name": "first", "links": links(&base, "v3", &id)}]})
    );
    let detail = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes/detail"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(detail.json()["volumes"][0], volume);
    // Another project sees nothing and cannot reach it.
    let other = call(
        &app,
        Method::GET,
        &format!("/v3/{OTHER_PROJECT}/volumes"),
        &stranger_token(),
        None,
        None,
    )
    .await;
    assert_eq!(other.json(), json!({"volumes": []}));
    let hidden = call(
        &app,
        Method::GET,
        &format!("/v3/{OTHER_PROJECT}/volumes/{id}"),
        &stranger_token(),
        None,
        None,
    )
    .await;
    assert_fault(
        &hidden,
        404,
        "itemNotFound",
        &format!("Volume {id} could not be found."),
    );

    let renamed = call(
        &app,
        Method::PUT,
        &format!("/v3/{PROJECT}/volumes/{id}"),
        &member_token(),
        None,
        Some(json!({"volume": {"name": "second", "description": null}})),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(renamed.json()["volume"]["name"], "second");
    assert_eq!(renamed.json()["volume"]["description"], Value::Null);

    let deleted = call(
        &app,
        Method::DELETE,
        &format!("/v3/{PROJECT}/volumes/{id}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_accepted_empty(&deleted);
    let gone = wait_while(&app, &id, "deleting").await;
    assert_fault(&gone, 404, "itemNotFound", &format!("Volume {id} could not be found."));
});

both_backends!(
    volumes_join_consistency_groups_by_cinders_rules,
    |app: TestApp| async move {
        let group = "0b6a7a2e-44a4-4a57-9a3c-2f8b4d1d0c11";
        insert_group(
            &app,
            group,
            PROJECT,
            Some("testhost@lvm#LVM"),
            DEFAULT_TYPE_ID,
            "available",
        );
        let path = format!("/v3/{PROJECT}/volumes");
        let member = member_token();
        let create = |volume: Value| {
            call(
                &app,
                Method::POST,
                &path,
                &member,
                None,
                Some(json!({"volume": volume})),
            )
        };

        let untyped = create(json!({"size": 1, "consistencygroup_id": group})).await;
        assert_fault(
            &untyped,
            400,
            "badRequest",
            "Invalid input received: volume_type must be provided when creating a volume in a group.",
        );
        let gold = call(
            &app,
            Method::POST,
            &format!("/v3/{PROJECT}/types"),
            &admin_token(),
            None,
            Some(json!({"volume_type": {"name": "gold"}})),
        )
        .await;
        assert_eq!(gold.status, 200, "{}", gold.text());
        let gold_id = gold.json()["volume_type"]["id"].as_str().unwrap().to_string();
        let wrong = create(json!({"size": 1, "consistencygroup_id": group, "volume_type": "gold"})).await;
        assert_fault(
            &wrong,
            400,
            "badRequest",
            &format!(
                "Invalid input received: Invalid volume_type provided: VolumeType(id={gold_id},name=gold) (requested \
             type must be supported by this group)."
            ),
        );
        let unknown = "5d1c7c4e-0000-4000-8000-000000000000";
        let missing = create(json!({"size": 1, "consistencygroup_id": unknown, "volume_type": "__DEFAULT__"})).await;
        assert_fault(
            &missing,
            404,
            "itemNotFound",
            &format!("Group {unknown} could not be found."),
        );
        let foreign = "0b6a7a2e-44a4-4a57-9a3c-2f8b4d1d0c12";
        insert_group(
            &app,
            foreign,
            OTHER_PROJECT,
            Some("testhost@lvm#LVM"),
            DEFAULT_TYPE_ID,
            "available",
        );
        let theirs = create(json!({"size": 1, "consistencygroup_id": foreign, "volume_type": DEFAULT_TYPE_ID})).await;
        assert_fault(
            &theirs,
            404,
            "itemNotFound",
            &format!("Group {foreign} could not be found."),
        );
        let malformed = create(json!({"size": 1, "consistencygroup_id": "not-a-uuid"})).await;
        assert_fault(
        &malformed,
        400,
        "badRequest",
        "Invalid input for field/attribute consistencygroup_id. Value: not-a-uuid. 'not-a-uuid' is not valid under \
         any of the given schemas",
    );

        let id = available_volume(
            &app,
            &member_token(),
            json!({"size": 1, "consistencygroup_id": group, "volume_type": "__DEFAULT__"}),
        )
        .await;
        let shown = call(
            &app,
            Method::GET,
            &format!("/v3/{PROJECT}/volumes/{id}"),
            &admin_token(),
            Some("3.13"),
            None,
        )
        .await;
        let volume = &shown.json()["volume"];
        assert_eq!(volume["consistencygroup_id"], group);
        assert_eq!(volume["group_id"], group);
        // A group's volume goes to the group's host.
        assert_eq!(volume["os-vol-host-attr:host"], "testhost@lvm#LVM");
        let filtered = call(
            &app,
            Method::GET,
            &format!("/v3/{PROJECT}/volumes?group_id={group}"),
            &member_token(),
            Some("3.10"),
            None,
        )
        .await;
        assert_eq!(filtered.json()["volumes"].as_array().unwrap().len(), 1);

        let refused = call(
            &app,
            Method::DELETE,
            &format!("/v3/{PROJECT}/volumes/{id}"),
            &member_token(),
            None,
            None,
        )
        .await;
        assert_fault(
            &refused,
            400,
            "badRequest",
            "Invalid volume: Volume status must be available or error or error_restoring or error_extending or \
         error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a \
         transfer, or be disassociated from snapshots after volume transfer.",
        );
        let forced = call(
            &app,
            Method::POST,
            &format!("/v3/{PROJECT}/volumes/{id}/action"),
            &admin_token(),
            None,
            Some(json!({"os-force_delete": {}})),
        )
        .await;
        assert_fault(
            &forced,
            400,
            "badRequest",
            "Invalid volume: Volume  must not be migrating, attached, belong to a group, have snapshots, awaiting a \
         transfer, or be disassociated from snapshots after volume transfer.",
        );

        // A group being deleted takes no new volumes.
        execute(
            &app,
            &format!("UPDATE volume_consistency_groups SET status = 'deleting' WHERE id = '{group}'"),
        );
        let late = create(json!({"size": 1, "consistencygroup_id": group, "volume_type": "__DEFAULT__"})).await;
        assert_fault(
            &late,
            400,
            "badRequest",
            "Invalid Group: Originating group status must be one of 'available, creating' values",
        );
    }
);

both_backends!(admins_reset_and_force_delete, |app: TestApp| async move {
    let id = available_volume(&app, &member_token(), json!({"size": 2})).await;
    let action = format!("/v3/{PROJECT}/volumes/{id}/action");
    let act = |token: String, body: Value| {
        let action = action.clone();
        let app = &app;
        async move { call(app, Method::POST, &action, &token, None, Some(body)).await }
    };

    let denied = act(member_token(), json!({"os-reset_status": {"status": "error"}})).await;
    assert_fault(
        &denied,
        403,
        "forbidden",
        "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed.",
    );
    let bogus = act(admin_token(), json!({"os-reset_status": {"status": "bogus"}})).await;
    assert!(bogus.json()["badRequest"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Volume status: bogus is invalid, valid statuses are: ('creating', 'available'"));
    let empty = act(admin_token(), json!({"os-reset_status": {}})).await;
    assert_fault(
        &empty,
        400,
        "badRequest",
        "Must specify 'status', 'attach_status' or 'migration_status' for update.",
    );
    let deleting = act(admin_token(), json!({"os-reset_status": {"status": "deleting"}})).await;
    assert_fault(&deleting, 400, "badRequest", "Cannot reset-state to deleting");
    let unknown = act(admin_token(), json!({"os-extend": {"new_size": 3}})).await;
    assert_fault(
        &unknown,
        400,
        "badRequest",
        "There is no such action: os-extend. Verify the request body and Content-Type header and try again.",
    );

    let reset = act(
        admin_token(),
        json!({"os-reset_status": {"status": "ERROR", "attach_status": "detached"}}),
    )
    .await;
    assert_accepted_empty(&reset);
    let shown = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes/{id}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(shown.json()["volume"]["status"], "error");

    // Reset to a status a member cannot delete from, then force it.
    assert_accepted_empty(&act(admin_token(), json!({"os-reset_status": {"status": "maintenance"}})).await);
    let refused = call(
        &app,
        Method::DELETE,
        &format!("/v3/{PROJECT}/volumes/{id}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(refused.status, 400);
    let member_force = act(member_token(), json!({"os-force_delete": {}})).await;
    assert_fault(
        &member_force,
        403,
        "forbidden",
        "Policy doesn't allow volume_extension:volume_admin_actions:force_delete to be performed.",
    );
    let forced = act(admin_token(), json!({"os-force_delete": {}})).await;
    assert_accepted_empty(&forced);
    let gone = wait_while(&app, &id, "deleting").await;
    assert_eq!(gone.status, 404);
});

both_backends!(bad_input_is_a_client_error, |app: TestApp| async move {
    let path = format!("/v3/{PROJECT}/volumes");
    let member = member_token();
    let create = |body: Value| call(&app, Method::POST, &path, &member, None, Some(body));
    for (body, message) in [
        (json!([1]), "[1] is not of type 'object'".to_string()),
        (json!({}), "'volume' is a required property".to_string()),
        (json!({"volume": {"size": "abc"}}), "Invalid input for field/attribute size. Value: abc. 'abc' does not match '^[0-9]+$'".to_string()),
        (
            json!({"volume": {"size": 99999999999999u64}}),
            "Invalid input for field/attribute size. Value: 99999999999999. 99999999999999 is greater than the maximum of 2147483647".to_string(),
        ),
        (json!({"volume": {"size": 0}}), "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1".to_string()),
        (json!({"volume": {"name": "a\u{0}b", "size": 1}}), "Invalid input received: name contains a NUL character.".to_string()),
        (json!({"volume": {}}), "Invalid input received: Volume size 'None' must be an integer and greater than 0".to_string()),
        (json!({"volume": {"size": 1, "availability_zone": "nowhere"}}), "Invalid input received: Availability zone 'nowhere' is invalid.".to_string()),
        (json!({"volume": {"size": 1, "multiattach": true}}), "multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes.".to_string()),
    ] {
        assert_fault(&create(body).await, 400, "badRequest", &message);
    }
    let no_type = create(json!({"volume": {"size": 1, "volume_type": "nope"}})).await;
    assert_fault(
        &no_type,
        404,
        "itemNotFound",
        "Volume type with name nope could not be found.",
    );

    for id in ["not-a-uuid", "a%00b", &"f".repeat(300)] {
        let shown = call(
            &app,
            Method::GET,
            &format!("/v3/{PROJECT}/volumes/{id}"),
            &member_token(),
            None,
            None,
        )
        .await;
        assert_eq!(shown.status, 404, "{id}: {}", shown.text());
    }
    for query in [
        "limit=abc",
        "limit=-1",
        "offset=abc",
        "offset=-1",
        "offset=99999999999",
        "sort_dir=up",
        "sort_key=nope",
    ] {
        let listed = call(
            &app,
            Method::GET,
            &format!("/v3/{PROJECT}/volumes?{query}"),
            &member_token(),
            None,
            None,
        )
        .await;
        assert_eq!(listed.status, 400, "{query}: {}", listed.text());
    }
    let unknown_filter = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes?foo=1"),
        &member_token(),
        Some("3.31"),
        None,
    )
    .await;
    assert_fault(
        &unknown_filter,
        400,
        "badRequest",
        "Invalid filters foo are found in query options.",
    );
    let admin_unknown = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes?foo=1"),
        &admin_token(),
        Some("3.31"),
        None,
    )
    .await;
    assert_eq!(admin_unknown.json(), json!({"volumes": []}));
    let no_body = app
        .volume_request(Method::POST, &path, &[("X-Auth-Token", member_token().as_str())], None)
        .await;
    assert_eq!(no_body.status, 400);
});

both_backends!(lists_page_and_sort_as_cinder, |app: TestApp| async move {
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        ids.push(available_volume(&app, &member_token(), json!({"size": 1, "name": name})).await);
    }
    let base = app.volume_address.clone().unwrap();
    let page = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes?limit=2"),
        &member_token(),
        None,
        None,
    )
    .await;
    // Newest first.
    assert_eq!(
        page.json(),
        json!({
            "volumes": [
                {"id": ids[2], "name": "c", "links": links(&base, "v3", &ids[2])},
                {"id": ids[1], "name": "b", "links": links(&base, "v3", &ids[1])},
            ],
            "volumes_links": [{"href": format!("{base}/v3/{PROJECT}/volumes?limit=2&marker={}", ids[1]), "rel": "next"}],
        })
    );
    let rest = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes?limit=2&marker={}", ids[1]),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(rest.json()["volumes"].as_array().unwrap().len(), 1);
    let sorted = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes?sort=name:asc"),
        &member_token(),
        None,
        None,
    )
    .await;
    let names: Vec<Value> = sorted.json()["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].clone())
        .collect();
    assert_eq!(names, [json!("a"), json!("b"), json!("c")]);
    let named = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes?name=b"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(named.json()["volumes"][0]["id"], ids[1]);
    let missing = "5d1c7c4e-0000-4000-8000-000000000000";
    let bad_marker = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/volumes?marker={missing}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_fault(
        &bad_marker,
        404,
        "itemNotFound",
        &format!("Volume {missing} could not be found."),
    );
    // An administrator sees other projects only with a true all_tenants.
    let admin_other = format!("admin:{OTHER_PROJECT}");
    let own = call(
        &app,
        Method::GET,
        &format!("/v3/{OTHER_PROJECT}/volumes"),
        &admin_other,
        None,
        None,
    )
    .await;
    assert_eq!(own.json(), json!({"volumes": []}));
    let all = call(
        &app,
        Method::GET,
        &format!("/v3/{OTHER_PROJECT}/volumes?all_tenants=1"),
        &admin_other,
        None,
        None,
    )
    .await;
    assert_eq!(all.json()["volumes"].as_array().unwrap().len(), 3);
});

both_backends!(views_follow_the_microversion, |app: TestApp| async move {
    let id = available_volume(&app, &member_token(), json!({"size": 1})).await;
    let path = format!("/v3/{PROJECT}/volumes/{id}");
    let at = |token: String, version: &'static str| {
        let path = path.clone();
        let app = &app;
        async move { call(app, Method::GET, &path, &token, Some(version), None).await.json()["volume"].clone() }
    };
    let latest = at(admin_token(), "3.71").await;
    assert_eq!(latest["group_id"], Value::Null);
    assert_eq!(latest["provider_id"], Value::Null);
    assert_eq!(latest["shared_targets"], true);
    assert_eq!(latest["service_uuid"], Value::Null);
    assert_eq!(latest["cluster_name"], Value::Null);
    assert_eq!(latest["volume_type_id"], DEFAULT_TYPE_ID);
    assert_eq!(latest["consumes_quota"], true);
    let member = at(member_token(), "3.71").await;
    let keys: Vec<&str> = member.as_object().unwrap().keys().map(String::as_str).collect();
    for absent in [
        "provider_id",
        "cluster_name",
        "migration_status",
        "os-vol-host-attr:host",
    ] {
        assert!(!keys.contains(&absent), "{absent} in {keys:?}");
    }
    let old = at(member_token(), "3.0").await;
    let keys: Vec<&str> = old.as_object().unwrap().keys().map(String::as_str).collect();
    for absent in ["group_id", "shared_targets", "volume_type_id", "consumes_quota"] {
        assert!(!keys.contains(&absent), "{absent} in {keys:?}");
    }
    // /v2 serves the 3.0 view without version headers.
    let v2 = call(
        &app,
        Method::GET,
        &format!("/v2/{PROJECT}/volumes/{id}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(v2.status, 200);
    assert_eq!(v2.header("openstack-api-version"), None);
    let base = app.volume_address.clone().unwrap();
    assert_eq!(v2.json()["volume"]["links"], links(&base, "v2", &id));
});

both_backends!(
    a_volume_waits_for_its_new_group_to_be_placed,
    |app: TestApp| async move {
        let group = "0b6a7a2e-44a4-4a57-9a3c-2f8b4d1d0c31";
        insert_group(&app, group, PROJECT, None, DEFAULT_TYPE_ID, "creating");
        let created = call(
            &app,
            Method::POST,
            &format!("/v3/{PROJECT}/volumes"),
            &member_token(),
            None,
            Some(json!({"volume": {"size": 1, "consistencygroup_id": group, "volume_type": "__DEFAULT__"}})),
        )
        .await;
        assert_eq!(created.status, 202, "{}", created.text());
        let id = created.json()["volume"]["id"].as_str().unwrap().to_string();
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        execute(
        &app,
        &format!("UPDATE volume_consistency_groups SET host = 'testhost@lvm#LVM', status = 'available' WHERE id = '{group}'"),
    );
        let shown = wait_while(&app, &id, "creating").await;
        assert_eq!(shown.json()["volume"]["status"], "available");
        assert_eq!(shown.json()["volume"]["os-vol-host-attr:host"], "testhost@lvm#LVM");

        // A group that ended without a host places nothing.
        let failed = "0b6a7a2e-44a4-4a57-9a3c-2f8b4d1d0c32";
        insert_group(&app, failed, PROJECT, None, DEFAULT_TYPE_ID, "available");
        let orphan = call(
            &app,
            Method::POST,
            &format!("/v3/{PROJECT}/volumes"),
            &member_token(),
            None,
            Some(json!({"volume": {"size": 1, "consistencygroup_id": failed, "volume_type": "__DEFAULT__"}})),
        )
        .await;
        let id = orphan.json()["volume"]["id"].as_str().unwrap().to_string();
        assert_eq!(
            wait_while(&app, &id, "creating").await.json()["volume"]["status"],
            "error"
        );
        // Never placed, it goes at once, group or not.
        let deleted = call(
            &app,
            Method::DELETE,
            &format!("/v3/{PROJECT}/volumes/{id}"),
            &member_token(),
            None,
            None,
        )
        .await;
        assert_accepted_empty(&deleted);
        let gone = call(
            &app,
            Method::GET,
            &format!("/v3/{PROJECT}/volumes/{id}"),
            &member_token(),
            None,
            None,
        )
        .await;
        assert_eq!(gone.status, 404);
    }
);
