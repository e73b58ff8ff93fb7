//! Creating consistency groups (reference 7.1) and listing them (7.2, 8,
//! DESIGN.md 4.3), through the real scheduler and worker.

use awc::http::Method;
use manila_cg_api::config::{BackendConfig, CgSupport, PoolConfig, SimulatedDriverConfig};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{admin, headers, member, Backend, TestApp, TestResponse, JSON_HEADERS, PROJECT};

async fn send(app: &TestApp, method: Method, token: &str, path: &str, body: Option<Value>) -> TestResponse {
    let text = body.map(|body| body.to_string());
    app.request(
        method,
        &format!("/v2/{PROJECT}{path}"),
        &headers(token, "2.7"),
        text.as_deref(),
    )
    .await
}

/// `GET` of `path` (under the project) as `token`.
async fn get(app: &TestApp, token: &str, path: &str) -> TestResponse {
    send(app, Method::GET, token, path, None).await
}

/// A share type made through the API, as an operator would.
async fn create_type(app: &TestApp, name: &str, dhss: bool, public: bool) -> String {
    let body = json!({"share_type": {
        "name": name,
        "extra_specs": {"driver_handles_share_servers": dhss},
        "share_type_access:is_public": public,
    }});
    let response = send(app, Method::POST, &admin(), "/types", Some(body)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["share_type"]["id"].as_str().unwrap().to_string()
}

async fn create_network(app: &TestApp, token: &str) -> String {
    let body = json!({"share_network": {"name": "net", "neutron_net_id": "n1", "neutron_subnet_id": "s1"}});
    let response = send(app, Method::POST, token, "/share-networks", Some(body)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["share_network"]["id"].as_str().unwrap().to_string()
}

async fn create_cg(app: &TestApp, token: &str, body: Value) -> TestResponse {
    send(app, Method::POST, token, "/consistency-groups", Some(body)).await
}

async fn show(app: &TestApp, token: &str, id: &str) -> Value {
    get(app, token, &format!("/consistency-groups/{id}")).await.json()["consistency_group"].clone()
}

/// Waits for the worker to move the CG out of `creating`.
async fn settled(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..500 {
        let cg = show(app, token, id).await;
        if cg["status"] != "creating" {
            return cg;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("consistency group {id} stayed creating");
}

fn assert_bad_request(response: &TestResponse, message: &str) {
    assert_eq!(response.status, 400, "{}", response.text());
    assert_eq!(
        response.json(),
        json!({"badRequest": {"code": 400, "message": message}})
    );
    assert_eq!(
        response.header_names(),
        [
            "content-type",
            "openstack-api-version",
            "vary",
            "x-compute-request-id",
            "x-openstack-manila-api-experimental",
            "x-openstack-manila-api-version",
            "x-openstack-request-id"
        ]
    );
}

const BAD_REQUEST: &str =
    "The server could not comply with the request since it is either malformed or otherwise incorrect.";

/// A request body, the headers it is sent with, and the fault's text.
type BodyCase<'a> = (Option<&'a str>, &'a [(&'a str, &'a str)], &'a str);

both_backends!(
    create_answers_202_creating_then_the_worker_makes_it_available,
    |app: TestApp| async move {
        let gold = create_type(&app, "gold", false, true).await;
        let member = member();
        let body = json!({"consistency_group": {"name": "my-cg1", "description": "my first consistency group", "share_types": [gold]}});
        let response = create_cg(&app, &member, body).await;
        assert_eq!(response.status, 202, "{}", response.text());
        let created = response.json()["consistency_group"].clone();
        let id = created["id"].as_str().unwrap().to_string();
        let created_at = created["created_at"].as_str().unwrap().to_string();
        assert_eq!(created_at.len(), 26, "microseconds, no zone: {created_at}");
        assert_eq!(
            created,
            json!({
                "id": id,
                "name": "my-cg1",
                "created_at": created_at,
                "status": "creating",
                "description": "my first consistency group",
                "project_id": PROJECT,
                "host": null,
                "source_cgsnapshot_id": null,
                "share_network_id": null,
                "share_types": [gold],
                "links": [
                    {"rel": "self", "href": format!("{}/v2/{PROJECT}/consistency-groups/{id}", app.address)},
                    {"rel": "bookmark", "href": format!("{}/{PROJECT}/consistency-groups/{id}", app.address)},
                ],
            })
        );
        assert_eq!(response.header("x-openstack-manila-api-experimental"), Some("True"));
        response.assert_request_id();

        let settled = settled(&app, &admin(), &id).await;
        assert_eq!(settled["status"], "available");
        assert_eq!(settled["host"], "testhost@alpha#pool0");
        assert_eq!(settled["share_server_id"], json!(null), "admins see the key");
    }
);

both_backends!(create_uses_the_default_share_type, |app: TestApp| async move {
    let member = member();
    let response = create_cg(&app, &member, json!({"consistency_group": {}})).await;
    assert_bad_request(
        &response,
        "Must specify at least one share type as a default share type has not been configured.",
    );
});

#[actix_web::test]
async fn create_with_a_configured_default_type() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| config.default_share_type = Some("default".into())).await;
        let id = create_type(&app, "default", false, true).await;
        for body in [
            json!({}),
            json!({"share_types": null}),
            json!({"share_types": []}),
            json!({"share_types": ""}),
        ] {
            let response = create_cg(&app, &member(), json!({"consistency_group": body})).await;
            assert_eq!(response.status, 202, "{body}: {}", response.text());
            assert_eq!(response.json()["consistency_group"]["share_types"], json!([id]));
        }
    }
}

both_backends!(
    create_validates_the_body_in_upstreams_order,
    |app: TestApp| async move {
        let gold = create_type(&app, "gold", false, true).await;
        let uuid = "d8ae6799-2567-4a89-aafb-fa4424350d2b";
        let member = member();
        let cases: Vec<(Value, String)> = vec![
        (json!({"consistency_groups": {}}), "'consistency_group' is missing from the request body.".into()),
        (json!({"consistency_group": []}), "'consistency_group' is missing from the request body.".into()),
        (json!({"consistency_group": {"unknown_field": 1}}), "The fields set([u'unknown_field']) are invalid.".into()),
        (json!({"consistency_group": {"share_types": [], "source_cgsnapshot_id": ""}}), "Cannot supply both 'share_types' and 'source_cgsnapshot_id' attributes.".into()),
        (json!({"consistency_group": {"share_types": "iamastring"}}), "The 'share_types' attribute must be a list of uuids".into()),
        (json!({"consistency_group": {"share_types": ["iamastring"]}}), "The 'share_types' attribute must be a list of uuids".into()),
        (json!({"consistency_group": {"share_types": 5}}), "The server could not comply with the request since it is either malformed or otherwise incorrect.".into()),
        (json!({"consistency_group": {"source_cgsnapshot_id": uuid, "share_network_id": uuid}}), "Cannot supply both 'share_network_id' and 'source_cgsnapshot_id' attributes as the share network is inherited from the source.".into()),
        (json!({"consistency_group": {"source_cgsnapshot_id": "nope"}}), "The 'source_cgsnapshot_id' attribute must be a uuid.".into()),
        (json!({"consistency_group": {"source_cgsnapshot_id": null}}), "The 'source_cgsnapshot_id' attribute must be a uuid.".into()),
        (json!({"consistency_group": {"share_types": [gold], "share_network_id": "nope"}}), "The 'share_network_id' attribute must be a uuid.".into()),
        (json!({"consistency_group": {"source_cgsnapshot_id": uuid}}), format!("Consistency group snapshot {uuid} could not be found.")),
        (json!({"consistency_group": {"share_types": [uuid]}}), format!("Share type with id {uuid} could not be found")),
        (json!({"consistency_group": {"share_types": [gold], "name": 7}}), "Invalid input received: name is not a string or unicode".into()),
        (json!({"consistency_group": {"share_types": [gold], "description": "d".repeat(256)}}), "Invalid input received: description has more than 255 characters.".into()),
    ];
        for (body, message) in cases {
            let response = create_cg(&app, &member, body.clone()).await;
            assert_bad_request(&response, &message);
        }
        // A JSON body without the key is the controller's to answer; no
        // usable body (none, empty, or not declared JSON) never reached it.
        let missing = "'consistency_group' is missing from the request body.";
        let text_plain = [("Content-Type", "text/plain")];
        let cases: [BodyCase; 6] = [
            (Some("null"), &[], missing),
            (Some("[]"), &[], missing),
            (Some(r#"["consistency_group"]"#), &[], BAD_REQUEST),
            (None, &[], BAD_REQUEST),
            (Some(""), &[], BAD_REQUEST),
            (Some(r#"{"consistency_group": {}}"#), &text_plain, BAD_REQUEST),
        ];
        for (body, extra, message) in cases {
            let mut sent = headers(&member, "2.7");
            if !extra.is_empty() {
                sent.retain(|(name, _)| *name != "Content-Type");
                sent.extend_from_slice(extra);
            }
            let response = app
                .request(Method::POST, &format!("/v2/{PROJECT}/consistency-groups"), &sent, body)
                .await;
            assert_bad_request(&response, message);
        }
        let listed = get(&app, &member, "/consistency-groups").await;
        assert_eq!(listed.json(), json!({"consistency_groups": []}), "nothing was written");
    }
);

both_backends!(create_applies_the_share_server_rules, |app: TestApp| async move {
    let member = member();
    let plain = create_type(&app, "plain", false, true).await;
    let dhss = create_type(&app, "dhss", true, true).await;
    let private = create_type(&app, "private", false, false).await;
    let network = create_network(&app, &member).await;
    let missing = "d8ae6799-2567-4a89-aafb-fa4424350d2b";
    let cases = [
        (json!({"share_types": [plain, dhss]}), "Invalid input received: The specified share_types cannot have conflicting values for the driver_handles_share_servers extra spec.".to_string()),
        (json!({"share_types": [plain], "share_network_id": network}), "Invalid input received: When using a share types with the driver_handles_share_servers extra spec as False, a share_network_id must not be provided.".to_string()),
        (json!({"share_types": [dhss], "share_network_id": missing}), "Invalid input received: The specified share network does not exist.".to_string()),
        (json!({"share_types": [dhss]}), "Invalid input received: When using a share type with the driver_handles_share_servers extra spec as True, a share_network_id must be provided.".to_string()),
        (json!({"share_types": [private]}), format!("Share type with id {private} could not be found")),
    ];
    for (body, message) in cases {
        let response = create_cg(&app, &member, json!({"consistency_group": body})).await;
        assert_bad_request(&response, &message);
    }
    // An admin sees private types.
    let response = create_cg(&app, &admin(), json!({"consistency_group": {"share_types": [private]}})).await;
    assert_eq!(response.status, 202, "{}", response.text());
});

/// A DHSS type with a share network lands on the DHSS backend and gets a
/// share server; the plain backend is never chosen for it.
#[actix_web::test]
async fn share_servers_come_from_backends_that_handle_them() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| {
            config.backends.push(BackendConfig {
                name: "beta".into(),
                backend_host: None,
                share_backend_name: "BETA".into(),
                driver_handles_share_servers: true,
                consistency_group_support: Some(CgSupport::Host),
                pools: vec![PoolConfig {
                    name: "small".into(),
                    capacity_gb: 10,
                }],
                capabilities: vec![],
                simulated: SimulatedDriverConfig {
                    latency_ms: 0,
                    failure_rate: 0.0,
                    seed: 0,
                },
            });
        })
        .await;
        let dhss = create_type(&app, "dhss", true, true).await;
        let network = create_network(&app, &member()).await;
        let body = json!({"consistency_group": {"share_types": [dhss], "share_network_id": network}});
        let response = create_cg(&app, &member(), body).await;
        assert_eq!(response.status, 202, "{}", response.text());
        let id = response.json()["consistency_group"]["id"].as_str().unwrap().to_string();
        let cg = settled(&app, &admin(), &id).await;
        assert_eq!(cg["status"], "available");
        assert_eq!(cg["host"], "testhost@beta#small");
        assert_eq!(cg["share_network_id"], json!(network));
        assert!(cg["share_server_id"].as_str().is_some(), "{cg}");
    }
}

#[actix_web::test]
async fn a_failing_driver_leaves_the_cg_in_error() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| config.backends[0].simulated.failure_rate = 1.0).await;
        let gold = create_type(&app, "gold", false, true).await;
        let response = create_cg(&app, &member(), json!({"consistency_group": {"share_types": [gold]}})).await;
        let id = response.json()["consistency_group"]["id"].as_str().unwrap().to_string();
        assert_eq!(settled(&app, &member(), &id).await["status"], "error");
        // From error it can be deleted, through the (failing) driver again.
        let response = send(
            &app,
            Method::DELETE,
            &member(),
            &format!("/consistency-groups/{id}"),
            None,
        )
        .await;
        assert_eq!(response.status, 202);
    }
}

/// CGs made one after the other and left to settle: like upstream, the
/// worker stamps `created_at` when creation completes, which is the time
/// lists sort by.
async fn make_cgs(app: &TestApp, token: &str, names: &[&str]) -> Vec<String> {
    let gold = create_type(app, &format!("gold-{}", uuid::Uuid::new_v4()), false, true).await;
    let mut ids = Vec::new();
    for name in names {
        let response = create_cg(
            app,
            token,
            json!({"consistency_group": {"name": name, "share_types": [gold]}}),
        )
        .await;
        assert_eq!(response.status, 202, "{}", response.text());
        let id = response.json()["consistency_group"]["id"].as_str().unwrap().to_string();
        assert_eq!(settled(app, token, &id).await["status"], "available");
        ids.push(id);
    }
    ids
}

both_backends!(lists_are_summaries_or_details_oldest_first, |app: TestApp| async move {
    let member = member();
    let ids = make_cgs(&app, &member, &["a", "b", "c"]).await;
    let response = get(&app, &member, "/consistency-groups").await;
    assert_eq!(response.status, 200);
    let mut expected_headers = [&JSON_HEADERS[..], &["x-openstack-manila-api-experimental"]].concat();
    expected_headers.sort_unstable();
    assert_eq!(response.header_names(), expected_headers);
    let summaries = response.json()["consistency_groups"].clone();
    let expected: Vec<Value> = ids
        .iter()
        .zip(["a", "b", "c"])
        .map(|(id, name)| {
            json!({
                "id": id,
                "name": name,
                "links": [
                    {"rel": "self", "href": format!("{}/v2/{PROJECT}/consistency-groups/{id}", app.address)},
                    {"rel": "bookmark", "href": format!("{}/{PROJECT}/consistency-groups/{id}", app.address)},
                ],
            })
        })
        .collect();
    assert_eq!(summaries, json!(expected));
    let details = get(&app, &member, "/consistency-groups/detail").await.json();
    let listed: Vec<&str> = details["consistency_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cg| cg["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids);
    assert_eq!(
        details["consistency_groups"][0],
        show(&app, &member, &ids[0]).await,
        "detail items are the show view"
    );
});

both_backends!(limit_offset_and_next_links, |app: TestApp| async move {
    let member = member();
    let ids = make_cgs(&app, &member, &["a", "b", "c"]).await;
    let page = get(&app, &member, "/consistency-groups?limit=1").await.json();
    assert_eq!(page["consistency_groups"].as_array().unwrap().len(), 1);
    assert_eq!(page["consistency_groups"][0]["id"], json!(ids[0]));
    assert_eq!(
        page["consistency_groups_links"],
        json!([{"rel": "next", "href": format!("{}/v2/{PROJECT}/consistency-groups?limit=1&marker={}", app.address, ids[0])}])
    );
    // The detail list's next link continues the detail list.
    let detail = get(&app, &member, "/consistency-groups/detail?limit=1").await.json();
    assert_eq!(
        detail["consistency_groups_links"],
        json!([{"rel": "next", "href": format!("{}/v2/{PROJECT}/consistency-groups/detail?limit=1&marker={}", app.address, ids[0])}])
    );
    let second = get(&app, &member, "/consistency-groups?limit=1&offset=1").await.json();
    assert_eq!(second["consistency_groups"][0]["id"], json!(ids[1]));
    // The next link's marker is honoured.
    let next = get(&app, &member, &format!("/consistency-groups?limit=1&marker={}", ids[0]))
        .await
        .json();
    assert_eq!(next["consistency_groups"][0]["id"], json!(ids[1]));
    let rest = get(
        &app,
        &member,
        &format!("/consistency-groups/detail?limit=5&marker={}", ids[0]),
    )
    .await
    .json();
    assert_eq!(rest["consistency_groups"].as_array().unwrap().len(), 2);
    assert!(
        rest.get("consistency_groups_links").is_none(),
        "a short page has no next link"
    );

    for (query, message) in [
        ("limit=x", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("offset=x", "offset param must be an integer"),
        ("offset=-1", "offset param must be positive"),
        ("sort_dir=sideways", "Unknown sort direction, must be 'desc' or 'asc'"),
        (
            "sort_key=host",
            "Invalid sort_key host. Valid keys: created_at, id, name, status.",
        ),
        (
            "marker=6f519a48-3183-46cf-a32f-41815f816666",
            "Marker 6f519a48-3183-46cf-a32f-41815f816666 could not be found.",
        ),
    ] {
        let response = get(&app, &member, &format!("/consistency-groups?{query}")).await;
        assert_bad_request(&response, message);
    }
});

both_backends!(filters_sorting_and_tenants, |app: TestApp| async move {
    let member = member();
    let ids = make_cgs(&app, &member, &["b", "a", "c"]).await;
    let other = "alice:someoneelse".to_string();
    let gold = create_type(&app, "other-gold", false, true).await;
    let response = app
        .request(
            Method::POST,
            "/v2/someoneelse/consistency-groups",
            &headers(&other, "2.7"),
            Some(&json!({"consistency_group": {"name": "theirs", "share_types": [gold]}}).to_string()),
        )
        .await;
    assert_eq!(response.status, 202);
    let names = |body: Value| -> Vec<String> {
        body["consistency_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|cg| cg["name"].as_str().unwrap().to_string())
            .collect()
    };
    let body = |path: String, token: String| {
        let app = &app;
        async move { get(app, &token, &path).await.json() }
    };
    assert_eq!(
        names(body("/consistency-groups?sort_key=name".into(), member.clone()).await),
        ["a", "b", "c"]
    );
    assert_eq!(
        names(body("/consistency-groups?sort_key=name&sort_dir=desc".into(), member.clone()).await),
        ["c", "b", "a"]
    );
    assert_eq!(
        names(body("/consistency-groups?name=b".into(), member.clone()).await),
        ["b"]
    );
    assert_eq!(
        names(body("/consistency-groups?name=nothing".into(), member.clone()).await),
        Vec::<String>::new()
    );
    // all_tenants: any non-empty value, admins only.
    assert_eq!(
        names(body("/consistency-groups?all_tenants=1".into(), member.clone()).await).len(),
        3
    );
    assert_eq!(
        names(body("/consistency-groups?all_tenants=0&sort_key=name".into(), admin()).await),
        ["a", "b", "c", "theirs"]
    );
    assert_eq!(
        names(body("/consistency-groups?all_tenants=".into(), admin()).await).len(),
        3
    );
    assert_eq!(
        names(body("/consistency-groups?project_id=someoneelse".into(), admin()).await),
        ["theirs"]
    );
    assert_eq!(
        names(body("/consistency-groups?project_id=someoneelse".into(), member.clone()).await).len(),
        3,
        "ignored for members"
    );
    assert_eq!(ids.len(), 3);
});

both_backends!(
    name_sorted_pages_cross_from_named_to_unnamed,
    |app: TestApp| async move {
        let member = member();
        let named = make_cgs(&app, &member, &["b", "a"]).await;
        let gold = create_type(&app, "unnamed-gold", false, true).await;
        let mut unnamed = Vec::new();
        for _ in 0..2 {
            let response = create_cg(&app, &member, json!({"consistency_group": {"share_types": [gold]}})).await;
            assert_eq!(response.status, 202, "{}", response.text());
            let id = response.json()["consistency_group"]["id"].as_str().unwrap().to_string();
            assert_eq!(settled(&app, &member, &id).await["status"], "available");
            unnamed.push(id);
        }
        unnamed.sort();
        let (a, b) = (named[1].clone(), named[0].clone());
        let summary = |id: &str| {
            let name = if id == a {
                json!("a")
            } else if id == b {
                json!("b")
            } else {
                Value::Null
            };
            json!({
                "id": id,
                "name": name,
                "links": [
                    {"rel": "self", "href": format!("{}/v2/{PROJECT}/consistency-groups/{id}", app.address)},
                    {"rel": "bookmark", "href": format!("{}/{PROJECT}/consistency-groups/{id}", app.address)},
                ],
            })
        };
        // Unnamed groups come last either way, in id order.
        let ascending = [a.clone(), b.clone(), unnamed[0].clone(), unnamed[1].clone()];
        let descending = [b.clone(), a.clone(), unnamed[1].clone(), unnamed[0].clone()];
        for (query, expected) in [
            ("sort_key=name&limit=1", &ascending),
            ("sort_key=name&sort_dir=desc&limit=1", &descending),
        ] {
            // Page by page, each after the one before, across the boundary.
            for (n, id) in expected.iter().enumerate() {
                let path = match n {
                    0 => format!("/consistency-groups?{query}"),
                    _ => format!("/consistency-groups?{query}&marker={}", expected[n - 1]),
                };
                let page = get(&app, &member, &path).await;
                assert_eq!(page.status, 200, "{}", page.text());
                let next = json!([{"rel": "next", "href": format!("{}/v2/{PROJECT}/consistency-groups?{query}&marker={id}", app.address)}]);
                assert_eq!(
                    page.json(),
                    json!({"consistency_groups": [summary(id)], "consistency_groups_links": next}),
                    "{path}"
                );
            }
            let last = get(
                &app,
                &member,
                &format!("/consistency-groups?{query}&marker={}", expected[3]),
            )
            .await;
            assert_eq!(last.json(), json!({"consistency_groups": []}));
        }
        // An offset after a marker runs on into the unnamed part, or past the
        // named rows left.
        let ids = |body: Value| -> Vec<String> {
            body["consistency_groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|cg| cg["id"].as_str().unwrap().to_string())
                .collect()
        };
        for (query, expected) in [
            (format!("sort_key=name&marker={a}&limit=2&offset=1"), &ascending[2..4]),
            (format!("sort_key=name&marker={a}&limit=5&offset=2"), &ascending[3..4]),
            (
                format!("sort_key=name&marker={}&limit=5", ascending[2]),
                &ascending[3..4],
            ),
            (
                format!("sort_key=name&sort_dir=desc&marker={b}&limit=5&offset=2"),
                &descending[3..4],
            ),
            (
                format!("sort_key=name&sort_dir=desc&marker={b}&limit=5&offset=9"),
                &descending[4..4],
            ),
        ] {
            let page = get(&app, &member, &format!("/consistency-groups?{query}")).await;
            assert_eq!(ids(page.json()), expected, "{query}");
        }
    }
);
