//! Cinder's consistency groups over HTTP (reference section 14): create,
//! show, list, update, delete, create_from_src and the group quota, under
//! `/v3` and `/v2`. Member volumes are written straight into the database.

use std::time::Duration;

use awc::http::Method;
use diesel::prelude::*;
use manila_cg_api::db::schema::{volume_snapshots, volume_types, volumes};
use manila_cg_api::db::{self, LIVE};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{TestApp, TestResponse};

pub const PROJECT: &str = "6a1b2c3d";
pub const OTHER: &str = "7b2c3d4e";
pub const ADMIN: &str = "admin:6a1b2c3d";
pub const MEMBER: &str = "alice:6a1b2c3d";
pub const STRANGER: &str = "mallory:7b2c3d4e";
/// The type the migrations create.
pub const DEFAULT_TYPE: &str = "7f0c3a57-7a7e-4f2e-9d4b-1c1e2a0d5b10";
/// Where the test configuration's one backend puts groups.
pub const HOST: &str = "testhost@lvm#LVM";

pub fn cgs(project: &str) -> String {
    format!("/v3/{project}/consistencygroups")
}

/// Sends a JSON request (or none) as `token`, at `version` when given.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    version: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    let version = version.map(|version| format!("volume {version}"));
    let mut headers = vec![("X-Auth-Token", token)];
    if let Some(version) = &version {
        headers.push(("OpenStack-API-Version", version.as_str()));
    }
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    let text = body.map(|body| body.to_string());
    app.volume_request(method, path, &headers, text.as_deref()).await
}

/// Asserts a fault: status and whole body, the version headers of `/v3`
/// and both request ids.
pub fn assert_fault(response: &TestResponse, status: u16, name: &str, message: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(response.json(), json!({ name: {"code": status, "message": message} }));
    assert_json_headers(response, "3.0");
}

/// The headers of a JSON answer at `version` on `/v3`.
pub fn assert_json_headers(response: &TestResponse, version: &str) {
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response.header("openstack-api-version"),
        Some(format!("volume {version}").as_str())
    );
    assert_eq!(response.header("vary"), Some("OpenStack-API-Version"));
    response.assert_request_id();
}

/// Cinder's empty 202: a bare WebOb answer with only the OpenStack request id.
pub fn assert_accepted_empty(response: &TestResponse) {
    assert_eq!(response.status, 202, "{}", response.text());
    assert!(response.body.is_empty());
    assert_eq!(response.header("content-type"), Some("text/html; charset=UTF-8"));
    assert_eq!(response.header("openstack-api-version"), Some("volume 3.0"));
    assert!(response
        .header("x-openstack-request-id")
        .is_some_and(|id| id.starts_with("req-")));
}

/// Creates a group of `types` as `token`; its id.
pub async fn create_group(app: &TestApp, token: &str, project: &str, name: &str, types: &str) -> String {
    let body = json!({"consistencygroup": {"name": name, "volume_types": types}});
    let response = call(app, Method::POST, &cgs(project), token, None, Some(body)).await;
    assert_eq!(response.status, 202, "{}", response.text());
    response.json()["consistencygroup"]["id"].as_str().unwrap().to_string()
}

/// Shows `path` until its `key` object has `status`; that object.
pub async fn wait_for(app: &TestApp, path: &str, key: &str, status: &str) -> Value {
    for _ in 0..250 {
        let response = call(app, Method::GET, path, ADMIN, None, None).await;
        if response.status == 200 && response.json()[key]["status"] == status {
            return response.json()[key].clone();
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} never became {status}");
}

/// Waits until `path` answers 404: the row is gone.
pub async fn wait_gone(app: &TestApp, path: &str) {
    for _ in 0..250 {
        if call(app, Method::GET, path, ADMIN, None, None).await.status == 404 {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} never went away");
}

/// An available group of the default type in `PROJECT`, placed.
pub async fn available_group(app: &TestApp, name: &str) -> String {
    let id = create_group(app, MEMBER, PROJECT, name, "__DEFAULT__").await;
    wait_for(app, &format!("{}/{id}", cgs(PROJECT)), "consistencygroup", "available").await;
    id
}

/// A volume row as the volume API would write it.
pub struct VolumeRow<'a> {
    pub project: &'a str,
    pub group: Option<&'a str>,
    pub host: Option<&'a str>,
    pub status: &'a str,
    pub attach_status: &'a str,
    pub volume_type_id: &'a str,
}

impl Default for VolumeRow<'_> {
    fn default() -> Self {
        VolumeRow {
            project: PROJECT,
            group: None,
            host: Some(HOST),
            status: "available",
            attach_status: "detached",
            volume_type_id: DEFAULT_TYPE,
        }
    }
}

pub fn insert_volume(app: &TestApp, row: VolumeRow) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let mut conn = app.pool().get().unwrap();
    diesel::insert_into(volumes::table)
        .values((
            volumes::id.eq(&id),
            volumes::user_id.eq("alice"),
            volumes::project_id.eq(row.project),
            volumes::host.eq(row.host),
            volumes::size.eq(1),
            volumes::availability_zone.eq("nova"),
            volumes::status.eq(row.status),
            volumes::attach_status.eq(row.attach_status),
            volumes::volume_type_id.eq(row.volume_type_id),
            volumes::consistencygroup_id.eq(row.group),
            volumes::bootable.eq(false),
            volumes::created_at.eq(db::now()),
            volumes::deleted.eq(LIVE),
        ))
        .execute(&mut *conn)
        .unwrap();
    id
}

/// A volume's group and status, `None` once it is deleted.
pub fn volume_state(app: &TestApp, id: &str) -> Option<(Option<String>, String)> {
    let mut conn = app.pool().get().unwrap();
    volumes::table
        .filter(volumes::id.eq(id))
        .filter(volumes::deleted.eq(LIVE))
        .select((volumes::consistencygroup_id, volumes::status))
        .first(&mut *conn)
        .optional()
        .unwrap()
}

pub fn insert_snapshot_of(app: &TestApp, volume_id: &str) {
    let mut conn = app.pool().get().unwrap();
    diesel::insert_into(volume_snapshots::table)
        .values((
            volume_snapshots::id.eq(uuid::Uuid::new_v4().to_string()),
            volume_snapshots::user_id.eq("alice"),
            volume_snapshots::project_id.eq(PROJECT),
            volume_snapshots::volume_id.eq(volume_id),
            volume_snapshots::status.eq("available"),
            volume_snapshots::progress.eq("100%"),
            volume_snapshots::volume_size.eq(1),
            volume_snapshots::volume_type_id.eq(DEFAULT_TYPE),
            volume_snapshots::created_at.eq(db::now()),
            volume_snapshots::deleted.eq(LIVE),
        ))
        .execute(&mut *conn)
        .unwrap();
}

/// A second volume type, `gold`; its id.
pub fn insert_type(app: &TestApp, name: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let mut conn = app.pool().get().unwrap();
    diesel::insert_into(volume_types::table)
        .values((
            volume_types::id.eq(&id),
            volume_types::name.eq(name),
            volume_types::is_public.eq(true),
            volume_types::created_at.eq(db::now()),
            volume_types::deleted.eq(LIVE),
        ))
        .execute(&mut *conn)
        .unwrap();
    id
}

/// Sets a group's host and status directly (a state no request makes on its own).
pub fn force_group_state(app: &TestApp, id: &str, host: Option<&str>, status: &str) {
    use manila_cg_api::db::schema::volume_consistency_groups as groups;
    let mut conn = app.pool().get().unwrap();
    diesel::update(groups::table.filter(groups::id.eq(id)))
        .set((groups::host.eq(host), groups::status.eq(status)))
        .execute(&mut *conn)
        .unwrap();
}

both_backends!(create_then_show_list_and_detail, |app: TestApp| async move {
    let body = json!({"consistencygroup": {"name": "  cg1 ", "description": "first", "volume_types": "__DEFAULT__,",
        "user_id": null, "project_id": null, "status": "creating"}});
    let created = call(&app, Method::POST, &cgs(PROJECT), MEMBER, None, Some(body)).await;
    assert_eq!(created.status, 202, "{}", created.text());
    let id = created.json()["consistencygroup"]["id"].as_str().unwrap().to_string();
    assert_eq!(created.json(), json!({"consistencygroup": {"id": id, "name": "cg1"}}));
    assert_json_headers(&created, "3.0");

    let shown = wait_for(&app, &format!("{}/{id}", cgs(PROJECT)), "consistencygroup", "available").await;
    let created_at = shown["created_at"].as_str().unwrap().to_string();
    assert_eq!(created_at.len(), 26, "{created_at}");
    let detail = json!({"id": id, "status": "available", "availability_zone": "nova", "created_at": created_at,
        "name": "cg1", "description": "first", "volume_types": [DEFAULT_TYPE]});
    assert_eq!(shown, detail);
    let show = call(
        &app,
        Method::GET,
        &format!("{}/{id}.json", cgs(PROJECT)),
        MEMBER,
        Some("3.6"),
        None,
    )
    .await;
    assert_eq!(show.json(), json!({"consistencygroup": detail}));
    assert_json_headers(&show, "3.6");
    // Keys in Cinder's order.
    assert!(show.text().starts_with(&format!(
        r#"{{"consistencygroup":{{"id":"{id}","status":"available","availability_zone""#
    )));

    let list = call(&app, Method::GET, &cgs(PROJECT), MEMBER, None, None).await;
    assert_eq!(list.json(), json!({"consistencygroups": [{"id": id, "name": "cg1"}]}));
    let detailed = call(
        &app,
        Method::GET,
        &format!("{}/detail", cgs(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(detailed.json(), json!({"consistencygroups": [detail]}));
    // The seed's /v2 serves the same, without version headers.
    let v2 = call(
        &app,
        Method::GET,
        &format!("/v2/{PROJECT}/consistencygroups/{id}"),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(v2.json(), json!({"consistencygroup": detail}));
    assert_eq!(v2.header("openstack-api-version"), None);
});

both_backends!(create_checks_body_types_and_zone, |app: TestApp| async move {
    let path = cgs(PROJECT);
    let post = |body: Value| call(&app, Method::POST, &path, MEMBER, None, Some(body));
    let bad = "badRequest";
    assert_fault(&post(json!(null)).await, 400, bad, "None is not of type 'object'");
    assert_fault(&post(json!([1, 2])).await, 400, bad, "[1, 2] is not of type 'object'");
    assert_fault(
        &post(json!({})).await,
        400,
        bad,
        "'consistencygroup' is a required property",
    );
    assert_fault(
        &post(json!({"consistencygroup": {"name": "x"}})).await,
        400,
        bad,
        "Invalid input for field/attribute consistencygroup. Value: {'name': 'x'}. 'volume_types' is a required property",
    );
    assert_fault(
        &post(json!({"consistencygroup": {"name": 5, "volume_types": "__DEFAULT__"}})).await,
        400,
        bad,
        "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string', 'null'",
    );
    let long = "n".repeat(256);
    assert_fault(
        &post(json!({"consistencygroup": {"name": long, "volume_types": "__DEFAULT__"}})).await,
        400,
        bad,
        &format!("Invalid input for field/attribute name. Value: {long}. '{long}' is too long"),
    );
    for empty in [json!(""), json!(null), json!([])] {
        assert_fault(
            &post(json!({"consistencygroup": {"volume_types": empty}})).await,
            400,
            bad,
            "volume_types must be provided to create consistency group None.",
        );
    }
    assert_fault(
        &post(json!({"consistencygroup": {"name": "cg", "volume_types": ""}})).await,
        400,
        bad,
        "volume_types must be provided to create consistency group cg.",
    );
    // Where Cinder answers 500: a list or a number.
    assert_fault(
        &post(json!({"consistencygroup": {"volume_types": ["__DEFAULT__"]}})).await,
        400,
        bad,
        "Invalid input for field/attribute volume_types. Value: ['__DEFAULT__']. ['__DEFAULT__'] is not of type 'string'",
    );
    assert_eq!(post(json!({"consistencygroup": {"volume_types": 7}})).await.status, 400);
    let missing = "itemNotFound";
    assert_fault(
        &post(json!({"consistencygroup": {"volume_types": "gold"}})).await,
        404,
        missing,
        "Volume type with name gold could not be found.",
    );
    assert_fault(
        &post(json!({"consistencygroup": {"volume_types": "__DEFAULT__, gold"}})).await,
        404,
        missing,
        "Volume type with name  gold could not be found.",
    );
    let unknown = "0c1e0d5e-8d4e-4a52-9c57-8c3f1b1c2d3e";
    assert_fault(
        &post(json!({"consistencygroup": {"volume_types": unknown}})).await,
        404,
        missing,
        &format!("Volume type {unknown} could not be found."),
    );
    assert_fault(
        &post(json!({"consistencygroup": {"volume_types": "nul\u{0}"}})).await,
        404,
        missing,
        "Volume type with name nul\u{0} could not be found.",
    );
    assert_fault(
        &post(json!({"consistencygroup": {"volume_types": DEFAULT_TYPE, "availability_zone": "nowhere"}})).await,
        400,
        bad,
        "Invalid input received: Availability zone 'nowhere' is invalid.",
    );
    // No body at all: WebOb's 400 (Cinder answers 500).
    let none = app
        .volume_request(Method::POST, &cgs(PROJECT), &[("X-Auth-Token", MEMBER)], None)
        .await;
    assert_eq!(none.status, 400);
    // By id and with the zone named works; nothing was left by the refusals.
    let ok = post(json!({"consistencygroup": {"volume_types": DEFAULT_TYPE, "availability_zone": "nova"}})).await;
    assert_eq!(ok.status, 202);
    assert_eq!(ok.json()["consistencygroup"]["name"], Value::Null);
    let list = call(&app, Method::GET, &cgs(PROJECT), MEMBER, None, None).await;
    assert_eq!(list.json()["consistencygroups"].as_array().unwrap().len(), 1);
});

both_backends!(
    the_group_quota_is_ten_and_comes_back_on_delete,
    |app: TestApp| async move {
        let mut ids = Vec::new();
        for n in 0..10 {
            ids.push(create_group(&app, MEMBER, PROJECT, &format!("cg{n}"), "__DEFAULT__").await);
        }
        let body = json!({"consistencygroup": {"volume_types": "__DEFAULT__"}});
        let over = call(&app, Method::POST, &cgs(PROJECT), MEMBER, None, Some(body.clone())).await;
        assert_eq!(over.status, 413);
        assert_eq!(
            over.json(),
            json!({"overLimit": {"code": 413, "message": "GroupLimitExceeded: Maximum number of groups allowed (10) exceeded", "retryAfter": "0"}})
        );
        assert_eq!(over.header("retry-after"), Some("0"));
        // Another project has its own quota.
        assert_eq!(
            call(&app, Method::POST, &cgs(OTHER), STRANGER, None, Some(body.clone()))
                .await
                .status,
            202
        );
        let path = format!("{}/{}", cgs(PROJECT), ids[0]);
        wait_for(&app, &path, "consistencygroup", "available").await;
        let deleted = call(
            &app,
            Method::POST,
            &format!("{path}/delete"),
            MEMBER,
            None,
            Some(json!({})),
        )
        .await;
        assert_accepted_empty(&deleted);
        wait_gone(&app, &path).await;
        let again = call(&app, Method::POST, &cgs(PROJECT), MEMBER, None, Some(body)).await;
        assert_eq!(again.status, 202, "{}", again.text());
    }
);

both_backends!(lists_sort_page_filter_and_scope_as_cinder, |app: TestApp| async move {
    let app = &app;
    let a = create_group(app, MEMBER, PROJECT, "b-first", "__DEFAULT__").await;
    let b = create_group(app, MEMBER, PROJECT, "a-second", "__DEFAULT__").await;
    let c = create_group(app, MEMBER, PROJECT, "c-third", "__DEFAULT__").await;
    let theirs = create_group(app, STRANGER, OTHER, "theirs", "__DEFAULT__").await;
    let ids = |response: &TestResponse| -> Vec<String> {
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()["consistencygroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_string())
            .collect()
    };
    let get = |query: &str| {
        let path = format!("{}?{query}", cgs(PROJECT));
        async move { call(app, Method::GET, &path, MEMBER, None, None).await }
    };
    // Newest first by default.
    assert_eq!(ids(&get("").await), [c.clone(), b.clone(), a.clone()]);
    assert_eq!(ids(&get("sort=name:asc").await), [b.clone(), a.clone(), c.clone()]);
    assert_eq!(
        ids(&get("sort_key=name&sort_dir=asc").await),
        [b.clone(), a.clone(), c.clone()]
    );
    assert_eq!(ids(&get("sort=name").await), [c.clone(), a.clone(), b.clone()]);
    assert_eq!(ids(&get("offset=1").await), [b.clone(), a.clone()]);
    assert_eq!(ids(&get("limit=2&offset=1").await), [b.clone(), a.clone()]);
    assert_eq!(ids(&get(&format!("marker={c}")).await), [b.clone(), a.clone()]);
    assert_eq!(ids(&get("limit=0").await), Vec::<String>::new());
    assert_eq!(ids(&get("name=a-second").await), [b.as_str()]);
    assert_eq!(ids(&get("status=creating&name=nothing").await), Vec::<String>::new());
    assert_eq!(ids(&get("colour=blue").await), Vec::<String>::new());
    // A member's all_tenants is an unknown filter; a project_id filter is their own.
    assert_eq!(ids(&get("all_tenants=0").await), Vec::<String>::new());
    assert_eq!(ids(&get(&format!("project_id={OTHER}")).await).len(), 3);

    // A full page links to the next, at the summary path, the marker last.
    let base = app.volume_address.clone().unwrap();
    let page = call(
        app,
        Method::GET,
        &format!("{}/detail?limit=1&marker={a}&sort=created_at:asc", cgs(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text());
    let links = &page.json()["consistencygroup_links"];
    assert_eq!(page.json()["consistencygroups"][0]["id"], json!(b));
    assert_eq!(
        links,
        &json!([{"rel": "next", "href": format!("{base}/v3/{PROJECT}/consistencygroups?limit=1&sort=created_at%3Aasc&marker={b}")}])
    );
    assert!(get("limit=5").await.json().get("consistencygroup_links").is_none());

    // An admin with all_tenants (any value) sees every project.
    let all = call(
        app,
        Method::GET,
        &format!("{}?all_tenants=0", cgs(PROJECT)),
        ADMIN,
        None,
        None,
    )
    .await;
    assert_eq!(ids(&all), [theirs.clone(), c.clone(), b.clone(), a.clone()]);
    let only = call(
        app,
        Method::GET,
        &format!("{}?all_tenants=1&project_id={OTHER}", cgs(PROJECT)),
        ADMIN,
        None,
        None,
    )
    .await;
    assert_eq!(ids(&only), [theirs.as_str()]);

    let bad = "badRequest";
    for (query, message) in [
        ("limit=abc", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("offset=abc", "offset must be an integer"),
        ("offset=-1", "offset must be >= 0"),
        ("offset=234523423455454", "offset must be <= 2147483647"),
        (
            "sort=name&sort_key=id",
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
        ),
        (
            "sort_dir=up",
            "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.",
        ),
        ("sort=colour:asc", "Invalid input received: Invalid sort key"),
        (
            "volume_types=x",
            "Invalid input received: volume_types cannot be used as a filter.",
        ),
    ] {
        assert_fault(&get(query).await, 400, bad, message);
    }
    assert_fault(
        &get(&format!("marker={theirs}")).await,
        404,
        "itemNotFound",
        &format!("Group {theirs} could not be found."),
    );
    // cgsnapshot-free /v2 lists the same.
    let v2 = call(
        app,
        Method::GET,
        &format!("/v2/{PROJECT}/consistencygroups"),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(ids(&v2).len(), 3);
});

both_backends!(show_is_scoped_and_routes_are_cinders, |app: TestApp| async move {
    let theirs = create_group(&app, STRANGER, OTHER, "theirs", "__DEFAULT__").await;
    let missing = "itemNotFound";
    let show = call(
        &app,
        Method::GET,
        &format!("{}/{theirs}", cgs(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_fault(&show, 404, missing, &format!("Group {theirs} could not be found."));
    // An administrator of any project reads it.
    let admin = call(
        &app,
        Method::GET,
        &format!("{}/{theirs}", cgs(PROJECT)),
        ADMIN,
        None,
        None,
    )
    .await;
    assert_eq!(admin.status, 200);
    let odd = call(
        &app,
        Method::GET,
        &format!("{}/create_from_src", cgs(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_fault(&odd, 404, missing, "Group create_from_src could not be found.");
    let new = call(&app, Method::GET, &format!("{}/new", cgs(PROJECT)), MEMBER, None, None).await;
    assert_fault(&new, 404, missing, "The resource could not be found.");
    // The action URL is routed for POST, to no action; other methods are not routed.
    let action = format!("{}/{theirs}/action", cgs(PROJECT));
    let posted = call(&app, Method::POST, &action, MEMBER, None, Some(json!({"x": {}}))).await;
    assert_fault(&posted, 404, missing, "The resource could not be found.");
    let got = call(&app, Method::GET, &action, MEMBER, None, None).await;
    assert_eq!(got.header("content-type"), Some("text/plain; charset=UTF-8"));
    // Another project in the URL; a project that is no hex; a method not routed.
    let mismatch = call(&app, Method::GET, &cgs(OTHER), MEMBER, None, None).await;
    assert_fault(&mismatch, 400, "badRequest", "Malformed request url");
    let not_hex = call(&app, Method::GET, "/v3/admin/consistencygroups", MEMBER, None, None).await;
    assert_eq!(not_hex.status, 404);
    assert_eq!(not_hex.header("content-type"), Some("text/plain; charset=UTF-8"));
    let patch = call(
        &app,
        Method::PATCH,
        &format!("{}/{theirs}", cgs(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(patch.status, 404);
    assert_eq!(patch.header("content-type"), Some("text/plain; charset=UTF-8"));
    let nul = call(
        &app,
        Method::GET,
        &format!("{}/a%00b", cgs(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(nul.status, 404);
});

both_backends!(policy_denials_are_cinders_403, |app: TestApp| async move {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.yaml");
    std::fs::write(
        &path,
        "\"group:create\": \"role:admin\"\n\"group:get_all\": \"role:admin\"\n\"group:delete\": \"role:admin\"\n",
    )
    .unwrap();
    let id = available_group(&app, "mine").await;
    let strict = app.spawn_beside(|config| {
        config.policy.policy_file = Some(path.clone());
        config.policy.required = true;
    });
    let body = json!({"consistencygroup": {"volume_types": "__DEFAULT__"}});
    let denied = call(&strict, Method::POST, &cgs(PROJECT), MEMBER, None, Some(body.clone())).await;
    assert_fault(
        &denied,
        403,
        "forbidden",
        "Policy doesn't allow group:create to be performed.",
    );
    let list = call(&strict, Method::GET, &cgs(PROJECT), MEMBER, None, None).await;
    assert_fault(
        &list,
        403,
        "forbidden",
        "Policy doesn't allow group:get_all to be performed.",
    );
    let delete = call(
        &strict,
        Method::POST,
        &format!("{}/{id}/delete", cgs(PROJECT)),
        MEMBER,
        None,
        Some(json!({})),
    )
    .await;
    assert_fault(
        &delete,
        403,
        "forbidden",
        "Policy doesn't allow group:delete to be performed.",
    );
    // Show is still the reader's; the admin may create.
    assert_eq!(
        call(
            &strict,
            Method::GET,
            &format!("{}/{id}", cgs(PROJECT)),
            MEMBER,
            None,
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(&strict, Method::POST, &cgs(PROJECT), ADMIN, None, Some(body))
            .await
            .status,
        202
    );
});

both_backends!(delete_refusals_in_cinders_order, |app: TestApp| async move {
    let app = &app;
    let bad = "badRequest";
    let id = available_group(app, "cg").await;
    let path = format!("{}/{id}", cgs(PROJECT));
    let delete = |body: Value| {
        let path = format!("{path}/delete");
        async move { call(app, Method::POST, &path, MEMBER, None, Some(body)).await }
    };
    for body in [
        json!({"consistencygroup": {"force": "abcd"}}),
        json!({"consistencygroup": {"force": null}}),
        json!({"cg": {}}),
        json!([]),
    ] {
        let text = match &body {
            Value::Array(_) => "[]".to_string(),
            Value::Object(map) if map.contains_key("cg") => "{'cg': {}}".to_string(),
            _ => format!(
                "{{'consistencygroup': {{'force': {}}}}}",
                if body["consistencygroup"]["force"].is_null() {
                    "None".to_string()
                } else {
                    "'abcd'".to_string()
                }
            ),
        };
        assert_fault(
            &delete(body).await,
            400,
            bad,
            &format!("{text} is not valid under any of the given schemas"),
        );
    }
    let member = insert_volume(
        app,
        VolumeRow {
            group: Some(&id),
            ..VolumeRow::default()
        },
    );
    assert_fault(
        &delete(json!({"consistencygroup": {"force": false}})).await,
        400,
        bad,
        &format!("Invalid Group: Group {id} still contains volumes. The delete-volumes flag is required to delete it."),
    );
    // Forced: no attached volume, no volume with snapshots; a refusal leaves the members as they were.
    let attached = insert_volume(
        app,
        VolumeRow {
            group: Some(&id),
            attach_status: "attached",
            status: "in-use",
            ..VolumeRow::default()
        },
    );
    assert_fault(
        &delete(json!({"consistencygroup": {"force": "true"}})).await,
        400,
        bad,
        &format!("Invalid Group: Volume in group {id} is attached. Need to detach first."),
    );
    assert_eq!(
        volume_state(app, &member),
        Some((Some(id.clone()), "available".to_string()))
    );
    let removed = call(
        app,
        Method::PUT,
        &path,
        MEMBER,
        None,
        Some(json!({"consistencygroup": {"remove_volumes": attached}})),
    )
    .await;
    assert_accepted_empty(&removed);
    wait_for(app, &path, "consistencygroup", "available").await;
    insert_snapshot_of(app, &member);
    assert_fault(
        &delete(json!({"consistencygroup": {"force": true}})).await,
        400,
        bad,
        "Invalid Group: Volume in group still has dependent snapshots.",
    );
    assert_eq!(
        volume_state(app, &member),
        Some((Some(id.clone()), "available".to_string()))
    );

    // A placed group being made: only force passes the status check.
    let other = available_group(app, "other").await;
    let other_path = format!("{}/{other}", cgs(PROJECT));
    force_group_state(app, &other, Some(HOST), "creating");
    let refused = call(
        app,
        Method::POST,
        &format!("{other_path}/delete"),
        MEMBER,
        None,
        Some(json!(null)),
    )
    .await;
    assert_fault(
        &refused,
        400,
        bad,
        "Invalid Group: Group status must be available or error, but current status is: creating",
    );
    // DELETE needs a body; with one it deletes, forced from any status.
    let forced = call(
        app,
        Method::DELETE,
        &other_path,
        MEMBER,
        None,
        Some(json!({"consistencygroup": {"force": "yes"}})),
    )
    .await;
    assert_accepted_empty(&forced);
    wait_gone(app, &other_path).await;
    let without = app
        .volume_request(Method::DELETE, &path, &[("X-Auth-Token", MEMBER)], None)
        .await;
    assert_eq!(without.status, 400);
    let theirs = call(
        app,
        Method::POST,
        &format!("{}/{id}/delete", cgs(OTHER)),
        STRANGER,
        None,
        Some(json!({})),
    )
    .await;
    assert_fault(&theirs, 404, "itemNotFound", &format!("Group {id} could not be found."));
});

both_backends!(delete_takes_forced_members_with_it, |app: TestApp| async move {
    let id = available_group(&app, "cg").await;
    let path = format!("{}/{id}", cgs(PROJECT));
    let member = insert_volume(
        &app,
        VolumeRow {
            group: Some(&id),
            status: "error",
            ..VolumeRow::default()
        },
    );
    let deleted = call(
        &app,
        Method::POST,
        &format!("{path}/delete"),
        MEMBER,
        None,
        Some(json!({"consistencygroup": {"force": true}})),
    )
    .await;
    assert_accepted_empty(&deleted);
    wait_gone(&app, &path).await;
    assert_eq!(volume_state(&app, &member), None);

    // Never placed: removed at once, whatever its status.
    let fresh = available_group(&app, "fresh").await;
    force_group_state(&app, &fresh, None, "creating");
    let fresh_path = format!("{}/{fresh}", cgs(PROJECT));
    assert_accepted_empty(
        &call(
            &app,
            Method::POST,
            &format!("{fresh_path}/delete"),
            MEMBER,
            None,
            Some(json!({})),
        )
        .await,
    );
    assert_eq!(
        call(&app, Method::GET, &fresh_path, MEMBER, None, None).await.status,
        404
    );
});

both_backends!(update_names_and_membership, |app: TestApp| async move {
    let app = &app;
    let bad = "badRequest";
    let id = available_group(app, "cg").await;
    let path = format!("{}/{id}", cgs(PROJECT));
    let put = |path: String, version: Option<&'static str>, body: Value| async move {
        call(app, Method::PUT, &path, MEMBER, version, Some(body)).await
    };
    // The schema first, even for an unknown group.
    assert_fault(
        &put(
            format!("{}/nothing", cgs(PROJECT)),
            None,
            json!({"consistencygroup": {"add_volumes": ["x"]}}),
        )
        .await,
        400,
        bad,
        "Invalid input for field/attribute add_volumes. Value: ['x']. ['x'] is not of type 'string', 'null'",
    );
    assert_fault(
        &put(path.clone(), None, json!({})).await,
        400,
        bad,
        "'consistencygroup' is a required property",
    );
    assert_fault(
        &put(
            format!("{}/nothing", cgs(PROJECT)),
            None,
            json!({"consistencygroup": {"name": "x"}}),
        )
        .await,
        404,
        "itemNotFound",
        "Group nothing could not be found.",
    );
    let classic = "Name, description, add_volumes, and remove_volumes can not be all empty in the request body.";
    let blank = json!({"consistencygroup": {"name": "", "description": ""}});
    assert_fault(&put(path.clone(), None, blank.clone()).await, 400, bad, classic);
    let update_path = format!("{path}/update");
    let at_36 = put(update_path.clone(), Some("3.6"), blank.clone()).await;
    assert_eq!(at_36.status, 400);
    assert_eq!(at_36.json()["badRequest"]["message"], classic);
    let nulls = json!({"consistencygroup": {"name": null, "add_volumes": null}});
    let at_36 = put(path.clone(), Some("3.6"), nulls).await;
    assert_eq!(
        at_36.json()["badRequest"]["message"],
        "Must specify one or more of the following keys to update: name, description, add_volumes, remove_volumes."
    );
    assert_eq!(at_36.header("openstack-api-version"), Some("volume 3.6"));
    assert_fault(
        &put(path.clone(), None, json!({"consistencygroup": {"name": "cg"}})).await,
        400,
        bad,
        &format!("Invalid Group: Cannot update group {id} because no valid name, description, add_volumes, or remove_volumes were provided."),
    );
    // Blank names at 3.6 on PUT {id}; a name alone makes any status available.
    let accepted = put(path.clone(), Some("3.6"), blank).await;
    assert_eq!(accepted.status, 202);
    assert_eq!(accepted.header("openstack-api-version"), Some("volume 3.6"));
    force_group_state(app, &id, Some(HOST), "deleting");
    assert_accepted_empty(
        &put(
            update_path.clone(),
            None,
            json!({"consistencygroup": {"name": " renamed ", "description": "d"}}),
        )
        .await,
    );
    let shown = call(app, Method::GET, &path, MEMBER, None, None).await.json()["consistencygroup"].clone();
    assert_eq!(
        (
            shown["name"].clone(),
            shown["description"].clone(),
            shown["status"].clone()
        ),
        (json!("renamed"), json!("d"), json!("available"))
    );

    // Membership: each refusal with its text.
    let gold = insert_type(app, "gold");
    let free = insert_volume(app, VolumeRow::default());
    let other_type = insert_volume(
        app,
        VolumeRow {
            volume_type_id: &gold,
            ..VolumeRow::default()
        },
    );
    let busy = insert_volume(
        app,
        VolumeRow {
            status: "creating",
            ..VolumeRow::default()
        },
    );
    let elsewhere = insert_volume(
        app,
        VolumeRow {
            host: Some("otherhost@lvm#LVM"),
            ..VolumeRow::default()
        },
    );
    let theirs = insert_volume(
        app,
        VolumeRow {
            project: OTHER,
            ..VolumeRow::default()
        },
    );
    let add = |volumes: &str| json!({"consistencygroup": {"add_volumes": volumes}});
    let invalid = |text: String| format!("Invalid volume: {text}");
    for (body, message) in [
        (json!({"consistencygroup": {"add_volumes": free, "remove_volumes": format!("{free},")}}), invalid(format!("UUIDs ['{free}'] are in both add and remove volume list."))),
        (add("nope"), invalid(format!("Cannot add volume nope to group {id} because volume cannot be found."))),
        (add(&theirs), invalid(format!("Cannot add volume {theirs} to group {id} because volume cannot be found."))),
        (add(&other_type), invalid(format!("Cannot add volume {other_type} to group {id} because volume type {gold} is not supported by the group."))),
        (add(&busy), invalid(format!("Cannot add volume {busy} to group {id} because volume is in an invalid state: creating. Valid states are: ('available', 'in-use')."))),
        (add(&elsewhere), invalid("Volume is not local to this node.".to_string())),
        (json!({"consistencygroup": {"remove_volumes": free}}), invalid(format!("Cannot remove volume {free} from group {id} because it is not in the group."))),
    ] {
        assert_fault(&put(path.clone(), None, body).await, 400, bad, &message);
    }
    // The administrator sees the other project's volume, which belongs elsewhere.
    let cross = call(app, Method::PUT, &path, ADMIN, None, Some(add(&theirs))).await;
    assert_fault(
        &cross,
        400,
        bad,
        &invalid(format!(
            "Cannot add volume {theirs} to group {id} as they belong to different projects."
        )),
    );

    assert_accepted_empty(&put(path.clone(), None, add(&format!("{free},"))).await);
    let during = call(app, Method::GET, &path, MEMBER, None, None).await.json()["consistencygroup"]["status"].clone();
    assert!(during == "updating" || during == "available", "{during}");
    wait_for(app, &path, "consistencygroup", "available").await;
    assert_eq!(
        volume_state(app, &free),
        Some((Some(id.clone()), "available".to_string()))
    );
    force_group_state(app, &id, Some(HOST), "error");
    assert_fault(
        &put(
            path.clone(),
            None,
            json!({"consistencygroup": {"remove_volumes": free}}),
        )
        .await,
        400,
        bad,
        "Invalid Group: Group status must be available.",
    );
    force_group_state(app, &id, Some(HOST), "available");
    assert_accepted_empty(
        &put(
            path.clone(),
            None,
            json!({"consistencygroup": {"remove_volumes": free}}),
        )
        .await,
    );
    wait_for(app, &path, "consistencygroup", "available").await;
    assert_eq!(volume_state(app, &free), Some((None, "available".to_string())));
});

both_backends!(create_from_src_of_a_group, |app: TestApp| async move {
    let app = &app;
    let bad = "badRequest";
    let post = |body: Value| {
        let path = format!("{}/create_from_src", cgs(PROJECT));
        async move { call(app, Method::POST, &path, MEMBER, None, Some(body)).await }
    };
    let source = available_group(app, "source").await;
    assert_fault(
        &post(json!({"consistencygroup-from-src": {"name": "n", "cgsnapshot_id": null, "source_cgid": null}})).await,
        400,
        bad,
        "Either 'cgsnapshot_id' or 'source_cgid' must be provided to create consistency group n from source.",
    );
    assert_fault(
        &post(json!({"consistencygroup-from-src": {"cgsnapshot_id": "a", "source_cgid": "b"}})).await,
        400,
        bad,
        "Cannot provide both 'cgsnapshot_id' and 'source_cgid' to create consistency group None from source.",
    );
    assert_fault(
        &post(json!({"consistencygroup-from-src": {"source_cgid": 5}})).await,
        400,
        bad,
        "Invalid input for field/attribute source_cgid. Value: 5. 5 is not of type 'string'",
    );
    assert_fault(
        &post(json!({"consistencygroup": {}})).await,
        400,
        bad,
        "'consistencygroup-from-src' is a required property",
    );
    assert_fault(
        &post(json!({"consistencygroup-from-src": {"source_cgid": "nothing"}})).await,
        404,
        "itemNotFound",
        "Group nothing could not be found.",
    );
    assert_fault(
        &post(json!({"consistencygroup-from-src": {"cgsnapshot_id": "nothing"}})).await,
        404,
        "itemNotFound",
        "GroupSnapshot nothing could not be found.",
    );
    assert_fault(
        &post(json!({"consistencygroup-from-src": {"source_cgid": source}})).await,
        400,
        bad,
        "Invalid Group: Source Group is empty. No group will be created.",
    );
    // A source never placed: refused, and nothing is left behind.
    let unplaced = available_group(app, "unplaced").await;
    force_group_state(app, &unplaced, None, "available");
    let refused = post(json!({"consistencygroup-from-src": {"source_cgid": unplaced}})).await;
    assert_eq!(refused.status, 400);
    let message = refused.json()["badRequest"]["message"].as_str().unwrap().to_string();
    assert!(
        message.starts_with("Invalid Group: No valid host to create group "),
        "{message}"
    );
    let count = call(app, Method::GET, &cgs(PROJECT), MEMBER, None, None).await.json()["consistencygroups"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(count, 2);

    insert_volume(
        app,
        VolumeRow {
            group: Some(&source),
            ..VolumeRow::default()
        },
    );
    let created = post(json!({"consistencygroup-from-src": {"name": "clone", "description": null, "cgsnapshot_id": null, "source_cgid": source, "status": "creating"}})).await;
    assert_eq!(created.status, 202, "{}", created.text());
    let clone = created.json()["consistencygroup"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        created.json(),
        json!({"consistencygroup": {"id": clone, "name": "clone"}})
    );
    let shown = wait_for(
        app,
        &format!("{}/{clone}", cgs(PROJECT)),
        "consistencygroup",
        "available",
    )
    .await;
    assert_eq!(shown["volume_types"], json!([DEFAULT_TYPE]));
    // Its volume was made with it.
    let mut conn = app.pool().get().unwrap();
    let made: Vec<(String, Option<String>)> = volumes::table
        .filter(volumes::consistencygroup_id.eq(&clone))
        .select((volumes::status, volumes::host))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(made, [("available".to_string(), Some(HOST.to_string()))]);
});

both_backends!(a_failed_create_from_src_leaves_nothing, |app: TestApp| async move {
    let app = &app;
    let source = available_group(app, "source").await;
    insert_volume(
        app,
        VolumeRow {
            group: Some(&source),
            ..VolumeRow::default()
        },
    );
    // The source's backend is no longer configured: the job cannot make the copy.
    force_group_state(app, &source, Some("testhost@gone#GONE"), "available");
    let body = json!({"consistencygroup-from-src": {"source_cgid": source}});
    let created = call(
        app,
        Method::POST,
        &format!("{}/create_from_src", cgs(PROJECT)),
        MEMBER,
        None,
        Some(body),
    )
    .await;
    assert_eq!(created.status, 202, "{}", created.text());
    let copy = created.json()["consistencygroup"]["id"].as_str().unwrap().to_string();
    wait_gone(app, &format!("{}/{copy}", cgs(PROJECT))).await;
    let mut conn = app.pool().get().unwrap();
    let left: i64 = volumes::table
        .filter(volumes::consistencygroup_id.eq(&copy))
        .filter(volumes::deleted.eq(LIVE))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(left, 0);
    // Its quota came back: nine more fit beside the source.
    for n in 0..9 {
        create_group(app, MEMBER, PROJECT, &format!("cg{n}"), "__DEFAULT__").await;
    }
});

both_backends!(
    two_replicas_cannot_both_take_the_last_group,
    |app: TestApp| async move {
        let app = app.spawn_beside(|config| config.volume.quota_groups = 1);
        let replica = app.spawn_beside(|config| config.volume.quota_groups = 1);
        let body = json!({"consistencygroup": {"volume_types": "__DEFAULT__"}});
        let path = cgs(PROJECT);
        let (first, second) = futures_util::future::join(
            call(&app, Method::POST, &path, MEMBER, None, Some(body.clone())),
            call(&replica, Method::POST, &path, MEMBER, None, Some(body.clone())),
        )
        .await;
        let mut statuses = [first.status, second.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [202, 413]);
        let over = if first.status == 413 { first } else { second };
        assert_eq!(
            over.json()["overLimit"]["message"],
            "GroupLimitExceeded: Maximum number of groups allowed (1) exceeded"
        );
    }
);

both_backends!(the_seeds_v2_serves_the_same_routes, |app: TestApp| async move {
    let app = &app;
    let path = format!("/v2/{PROJECT}/consistencygroups");
    let body = json!({"consistencygroup": {"name": "v2", "volume_types": "__DEFAULT__"}});
    let created = call(app, Method::POST, &path, MEMBER, None, Some(body)).await;
    assert_eq!(created.status, 202);
    assert_eq!(created.header("openstack-api-version"), None);
    let id = created.json()["consistencygroup"]["id"].as_str().unwrap().to_string();
    wait_for(app, &format!("{}/{id}", cgs(PROJECT)), "consistencygroup", "available").await;
    let renamed = call(
        app,
        Method::PUT,
        &format!("{path}/{id}/update"),
        MEMBER,
        None,
        Some(json!({"consistencygroup": {"name": "v2b"}})),
    )
    .await;
    assert_eq!(renamed.status, 202);
    assert_eq!(renamed.header("openstack-api-version"), None);
    let blank = call(
        app,
        Method::PUT,
        &format!("{path}/{id}"),
        MEMBER,
        None,
        Some(json!({"consistencygroup": {"name": ""}})),
    )
    .await;
    assert_eq!(
        blank.json()["badRequest"]["message"],
        "Name, description, add_volumes, and remove_volumes can not be all empty in the request body."
    );
    let detail = call(app, Method::GET, &format!("{path}/detail?limit=1"), MEMBER, None, None).await;
    let base = app.volume_address.clone().unwrap();
    assert_eq!(
        detail.json()["consistencygroup_links"],
        json!([{"rel": "next", "href": format!("{base}/v2/{PROJECT}/consistencygroups?limit=1&marker={id}")}])
    );
    let deleted = call(
        app,
        Method::POST,
        &format!("{path}/{id}/delete"),
        MEMBER,
        None,
        Some(json!({"consistencygroup": {"force": false}})),
    )
    .await;
    assert_eq!(deleted.status, 202);
    wait_gone(app, &format!("{}/{id}", cgs(PROJECT))).await;
});

both_backends!(a_source_being_copied_is_not_deleted, |app: TestApp| async move {
    let app = &app;
    let source = available_group(app, "source").await;
    let member = insert_volume(
        app,
        VolumeRow {
            group: Some(&source),
            ..VolumeRow::default()
        },
    );
    let body = json!({"consistencygroup-from-src": {"source_cgid": source}});
    let created = call(
        app,
        Method::POST,
        &format!("{}/create_from_src", cgs(PROJECT)),
        MEMBER,
        None,
        Some(body),
    )
    .await;
    let copy = created.json()["consistencygroup"]["id"].as_str().unwrap().to_string();
    wait_for(
        app,
        &format!("{}/{copy}", cgs(PROJECT)),
        "consistencygroup",
        "available",
    )
    .await;
    force_group_state(app, &copy, None, "creating");
    let refused = call(
        app,
        Method::POST,
        &format!("{}/{source}/delete", cgs(PROJECT)),
        MEMBER,
        None,
        Some(json!({"consistencygroup": {"force": true}})),
    )
    .await;
    assert_fault(&refused, 400, "badRequest", &format!(
        "Invalid Group: Cannot delete group {source}. Group status must be available or error and must not have dependent group snapshots, and it cannot be the source for an ongoing group or group snapshot creation."
    ));
    // Unlike Cinder, the refused delete left the member as it was.
    assert_eq!(
        volume_state(app, &member),
        Some((Some(source.clone()), "available".to_string()))
    );
});
