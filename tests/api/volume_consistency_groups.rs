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
