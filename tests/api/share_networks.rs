//! Share networks, `/v2/{project_id}/share-networks`: upstream's bodies per
//! microversion, its validation texts, project scoping, list filters and
//! paging, and the consistency-group rule on delete.

use awc::http::Method;
use diesel::prelude::*;
use manila_cg_api::db::schema::consistency_groups;
use manila_cg_api::db::{self, LIVE};
use manila_cg_api::service::share_networks;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{fault, TestApp, TestResponse, JSON_HEADERS};

/// Admin of project `demo`.
const ADMIN: (&str, &str) = ("X-Auth-Token", "admin:demo");
/// A plain member of `demo`.
const ALICE: (&str, &str) = ("X-Auth-Token", "alice:demo");
/// A plain member of another project.
const BOB: (&str, &str) = ("X-Auth-Token", "bob:other");
const JSON: (&str, &str) = ("Content-Type", "application/json");
const VERSION: &str = "X-OpenStack-Manila-API-Version";
const NETWORKS: &str = "/v2/demo/share-networks";
const OTHER_NETWORKS: &str = "/v2/other/share-networks";

const BAD_REQUEST: &str =
    "The server could not comply with the request since it is either malformed or otherwise incorrect.";
const DATABASE_REFUSED: &str = "Could not save supplied data due to database error";

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: (&str, &str),
    version: &str,
    body: Option<Value>,
) -> TestResponse {
    let text = body.map(|body| body.to_string());
    let headers = [token, (VERSION, version), JSON];
    let headers = if text.is_some() { &headers[..] } else { &headers[..2] };
    app.request(method, path, headers, text.as_deref()).await
}

async fn get(app: &TestApp, path: &str, token: (&str, &str), version: &str) -> TestResponse {
    send(app, Method::GET, path, token, version, None).await
}

/// Creates a network through the API and returns its detail view at 2.30.
async fn create(app: &TestApp, path: &str, token: (&str, &str), fields: Value) -> Value {
    let response = send(
        app,
        Method::POST,
        path,
        token,
        "2.30",
        Some(json!({ "share_network": fields })),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["share_network"].clone()
}

fn assert_timestamp(value: &Value) {
    let text = value.as_str().expect("a timestamp string");
    assert!(
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.6f").is_ok() && text.len() == 26,
        "{text}"
    );
}

/// The full network the tests below create first, as 2.30 shows it.
fn full_fields() -> Value {
    json!({
        "name": "net1",
        "description": "first network",
        "neutron_net_id": "998b42ee-2cee-4d36-8b95-67b5ca1f2109",
        "neutron_subnet_id": "53482b62-2c84-4a53-b6ab-30d9d9800d06",
        "network_type": "vlan",
        "segmentation_id": 1000,
        "cidr": "10.0.0.0/24",
        "gateway": "10.0.0.1",
        "mtu": 1500,
        "ip_version": 4,
    })
}

both_backends!(
    create_answers_with_the_fields_of_each_microversion,
    |app: TestApp| async move {
        let body = json!({ "share_network": full_fields() });
        let response = send(&app, Method::POST, NETWORKS, ALICE, "2.0", Some(body)).await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.header_names(), JSON_HEADERS);
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert_eq!(response.header(VERSION), Some("2.0"));
        response.assert_request_id();
        let created = response.json()["share_network"].clone();
        let id = created["id"].as_str().unwrap().to_string();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        assert_timestamp(&created["created_at"]);
        let created_at = created["created_at"].clone();
        assert_eq!(
            response.json(),
            json!({"share_network": {
                "id": id,
                "name": "net1",
                "description": "first network",
                "project_id": "demo",
                "created_at": created_at,
                "updated_at": null,
                "neutron_net_id": "998b42ee-2cee-4d36-8b95-67b5ca1f2109",
                "neutron_subnet_id": "53482b62-2c84-4a53-b6ab-30d9d9800d06",
                "network_type": "vlan",
                "segmentation_id": 1000,
                "cidr": "10.0.0.0/24",
                "ip_version": 4,
                "nova_net_id": null,
            }})
        );

        let base = json!({
            "id": id,
            "name": "net1",
            "description": "first network",
            "project_id": "demo",
            "created_at": created_at,
            "updated_at": null,
            "neutron_net_id": "998b42ee-2cee-4d36-8b95-67b5ca1f2109",
            "neutron_subnet_id": "53482b62-2c84-4a53-b6ab-30d9d9800d06",
            "network_type": "vlan",
            "segmentation_id": 1000,
            "cidr": "10.0.0.0/24",
            "ip_version": 4,
        });
        let with = |extra: Value| {
            let mut view = base.clone();
            for (key, value) in extra.as_object().unwrap() {
                view[key] = value.clone();
            }
            json!({ "share_network": view })
        };
        for (version, expected) in [
            ("2.17", with(json!({"nova_net_id": null}))),
            ("2.18", with(json!({"nova_net_id": null, "gateway": "10.0.0.1"}))),
            ("2.19", with(json!({"nova_net_id": null, "gateway": "10.0.0.1"}))),
            (
                "2.20",
                with(json!({"nova_net_id": null, "gateway": "10.0.0.1", "mtu": 1500})),
            ),
            (
                "2.25",
                with(json!({"nova_net_id": null, "gateway": "10.0.0.1", "mtu": 1500})),
            ),
            ("2.26", with(json!({"gateway": "10.0.0.1", "mtu": 1500}))),
            ("2.30", with(json!({"gateway": "10.0.0.1", "mtu": 1500}))),
        ] {
            let response = get(&app, &format!("{NETWORKS}/{id}"), ALICE, version).await;
            assert_eq!(response.status, 200, "{version}");
            assert_eq!(response.json(), expected, "{version}");
            assert_eq!(response.header_names(), JSON_HEADERS);
            assert_eq!(response.header(VERSION), Some(version));
        }

        // The `.json` twin of the route answers the same.
        let twin = get(&app, &format!("{NETWORKS}/{id}.json"), ALICE, "2.26").await;
        assert_eq!(twin.json(), with(json!({"gateway": "10.0.0.1", "mtu": 1500})));
    }
);

both_backends!(
    create_with_an_empty_object_makes_an_empty_network,
    |app: TestApp| async move {
        let created = create(&app, NETWORKS, ALICE, json!({})).await;
        assert_eq!(
            created,
            json!({
                "id": created["id"],
                "name": null,
                "description": null,
                "project_id": "demo",
                "created_at": created["created_at"],
                "updated_at": null,
                "neutron_net_id": null,
                "neutron_subnet_id": null,
                "network_type": null,
                "segmentation_id": null,
                "cidr": null,
                "ip_version": null,
                "gateway": null,
                "mtu": null,
            })
        );
        // Unknown keys are ignored, and so are the ones no client may
        // choose; a number given as text is stored as the number.
        let created = create(
            &app,
            NETWORKS,
            ALICE,
            json!({
                "id": "chosen",
                "project_id": "other",
                "created_at": "2001-01-01T00:00:00",
                "no_such_field": [1, 2],
                "segmentation_id": "42",
            }),
        )
        .await;
        assert_ne!(created["id"], "chosen");
        assert_eq!(created["project_id"], "demo");
        assert_eq!(created["segmentation_id"], 42);
        assert_ne!(created["created_at"], "2001-01-01T00:00:00");
    }
);

both_backends!(
    create_refuses_bad_bodies_and_writes_nothing,
    |app: TestApp| async move {
        let long = "n".repeat(256);
        let cases: Vec<(Option<&str>, Value)> = vec![
            // No body, or one that is not declared JSON: the handler is
            // called without one.
            (None, fault("badRequest", 400, BAD_REQUEST)),
            (Some("{not json"), fault("badRequest", 400, "Malformed request body")),
            (
                Some("{}"),
                fault("computeFault", 422, "Unable to process the contained instructions"),
            ),
            (
                Some("null"),
                fault("computeFault", 422, "Unable to process the contained instructions"),
            ),
            (
                Some(r#"{"share_networks": {"name": "x"}}"#),
                fault("computeFault", 422, "Unable to process the contained instructions"),
            ),
            (Some(r#"["share_network"]"#), fault("badRequest", 400, BAD_REQUEST)),
            (Some("12"), fault("badRequest", 400, BAD_REQUEST)),
            (
                Some(r#"{"share_network": null}"#),
                fault("badRequest", 400, BAD_REQUEST),
            ),
            (
                Some(r#"{"share_network": ["name"]}"#),
                fault("badRequest", 400, BAD_REQUEST),
            ),
            (
                Some(r#"{"share_network": "name"}"#),
                fault("badRequest", 400, BAD_REQUEST),
            ),
            (
                Some(r#"{"share_network": {"nova_net_id": "n", "neutron_net_id": "x"}}"#),
                fault("badRequest", 400, "nova networking is not supported starting in Ocata."),
            ),
            (
                Some(r#"{"share_network": {"nova_net_id": null}}"#),
                fault("badRequest", 400, "nova networking is not supported starting in Ocata."),
            ),
        ];
        for (body, expected) in cases {
            let headers: &[(&str, &str)] = match body {
                Some(_) => &[ALICE, JSON],
                None => &[ALICE],
            };
            let response = app.request(Method::POST, NETWORKS, headers, body).await;
            assert_eq!(response.json(), expected, "{body:?}");
            assert_eq!(
                u64::from(response.status),
                expected.as_object().unwrap().values().next().unwrap()["code"],
                "{body:?}"
            );
            assert_eq!(response.header_names(), JSON_HEADERS, "{body:?}");
            response.assert_request_id();
        }

        // A JSON body sent as text/plain is ignored, as upstream does.
        let response = app
            .request(
                Method::POST,
                NETWORKS,
                &[ALICE, ("Content-Type", "text/plain")],
                Some(r#"{"share_network": {}}"#),
            )
            .await;
        assert_eq!(response.json(), fault("badRequest", 400, BAD_REQUEST));

        for fields in [
            json!({"name": long}),
            json!({"description": "d".repeat(256)}),
            json!({"neutron_net_id": "x".repeat(37)}),
            json!({"network_type": "t".repeat(33)}),
            json!({"cidr": "c".repeat(65)}),
            json!({"gateway": "g".repeat(65)}),
            json!({"name": 7}),
            json!({"description": {"a": 1}}),
            json!({"name": ["n"]}),
            json!({"cidr": true}),
            json!({"name": "nul\u{0}"}),
            json!({"segmentation_id": "abc"}),
            json!({"segmentation_id": 1.5}),
            json!({"mtu": "1500.0"}),
            json!({"mtu": [1500]}),
            json!({"ip_version": false}),
            json!({"ip_version": 4_294_967_296i64}),
        ] {
            let body = json!({ "share_network": fields });
            let response = send(&app, Method::POST, NETWORKS, ALICE, "2.30", Some(body)).await;
            assert_eq!(response.status, 400, "{fields}");
            assert_eq!(response.json(), fault("badRequest", 400, DATABASE_REFUSED), "{fields}");
        }

        // The longest values that fit are stored whole.
        let fits = create(
            &app,
            NETWORKS,
            ALICE,
            json!({"name": "é".repeat(255), "cidr": "c".repeat(64)}),
        )
        .await;
        assert_eq!(fits["name"], "é".repeat(255));

        let listed = get(&app, &format!("{NETWORKS}/detail"), ADMIN, "2.30").await;
        assert_eq!(
            listed.json()["share_networks"].as_array().unwrap().len(),
            1,
            "only the valid create wrote a row"
        );
    }
);

both_backends!(
    show_hides_other_projects_networks_from_members,
    |app: TestApp| async move {
        let mine = create(&app, NETWORKS, ALICE, json!({"name": "mine"})).await;
        let id = mine["id"].as_str().unwrap();

        let response = get(&app, &format!("{OTHER_NETWORKS}/{id}"), BOB, "2.30").await;
        assert_eq!(response.status, 404);
        assert_eq!(
            response.json(),
            fault("itemNotFound", 404, &format!("Share network {id} could not be found."))
        );
        assert_eq!(response.header_names(), JSON_HEADERS);

        for unknown in ["8f0ea9e5-6fb0-4dc5-b2b6-1bf1c0e55f64", "not-a-uuid", "x%00y"] {
            let response = get(&app, &format!("{NETWORKS}/{unknown}"), ALICE, "2.30").await;
            assert_eq!(response.status, 404, "{unknown}");
            let shown = unknown.replace("%00", "\u{0}");
            assert_eq!(
                response.json(),
                fault(
                    "itemNotFound",
                    404,
                    &format!("Share network {shown} could not be found.")
                ),
                "{unknown}"
            );
        }

        // An admin reaches any project's network through their own URL.
        let response = get(
            &app,
            &format!("{OTHER_NETWORKS}/{id}"),
            ("X-Auth-Token", "admin:other"),
            "2.30",
        )
        .await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json(), json!({ "share_network": mine }));

        // Someone else's project in the URL is refused before anything else.
        let response = get(&app, &format!("{OTHER_NETWORKS}/{id}"), ALICE, "2.30").await;
        assert_eq!(response.json(), fault("badRequest", 400, "Malformed request url"));
    }
);

both_backends!(
    lists_show_summaries_or_details_of_the_callers_project,
    |app: TestApp| async move {
        let empty = get(&app, NETWORKS, ALICE, "2.30").await;
        assert_eq!(empty.status, 200);
        assert_eq!(empty.json(), json!({"share_networks": []}));
        assert_eq!(empty.header_names(), JSON_HEADERS);
        empty.assert_request_id();

        let first = create(&app, NETWORKS, ALICE, json!({"name": "a", "mtu": 9000})).await;
        let second = create(&app, NETWORKS, ADMIN, json!({"name": "b"})).await;
        create(&app, OTHER_NETWORKS, BOB, json!({"name": "c"})).await;

        let summary = |network: &Value| json!({"id": network["id"], "name": network["name"]});
        let response = get(&app, NETWORKS, ALICE, "2.30").await;
        assert_eq!(
            response.json(),
            json!({"share_networks": [summary(&first), summary(&second)]})
        );

        let response = get(&app, &format!("{NETWORKS}/detail"), ALICE, "2.30").await;
        assert_eq!(response.status, 200);
        assert_eq!(
            response.json(),
            json!({"share_networks": [first.clone(), second.clone()]})
        );
        assert_eq!(response.header_names(), JSON_HEADERS);

        // Details follow the microversion like show does.
        let response = get(&app, &format!("{NETWORKS}/detail"), ALICE, "2.19").await;
        let mut old = first.clone();
        old.as_object_mut().unwrap().remove("mtu");
        old["nova_net_id"] = Value::Null;
        assert_eq!(response.json()["share_networks"][0], old);

        // The `.json` twin of the detail route.
        let response = get(&app, &format!("{NETWORKS}/detail.json"), ALICE, "2.30").await;
        assert_eq!(response.json()["share_networks"].as_array().unwrap().len(), 2);
    }
);

both_backends!(lists_page_with_limit_and_offset, |app: TestApp| async move {
    let mut made = Vec::new();
    for name in ["a", "b", "c"] {
        made.push(create(&app, NETWORKS, ALICE, json!({ "name": name })).await);
    }
    let names = |response: TestResponse| -> Vec<String> {
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()["share_networks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|network| network["name"].as_str().unwrap().to_string())
            .collect()
    };
    for (query, expected) in [
        ("limit=1", vec!["a"]),
        ("limit=1&offset=1", vec!["b"]),
        ("offset=2", vec!["c"]),
        ("limit=0", vec!["a", "b", "c"]),
        ("limit=2&offset=2", vec!["c"]),
        ("offset=3", vec![]),
        ("offset=99999999999999999999", vec![]),
        ("limit=x&limit=2", vec!["a", "b"]),
        ("marker=whatever&limit=5", vec![]),
    ] {
        let response = get(&app, &format!("{NETWORKS}?{query}"), ALICE, "2.30").await;
        assert_eq!(names(response), expected, "{query}");
    }
    let response = get(&app, &format!("{NETWORKS}/detail?limit=1&offset=1"), ALICE, "2.30").await;
    assert_eq!(response.json(), json!({"share_networks": [made[1]]}));

    for (query, message) in [
        ("limit=abc", "limit param must be an integer"),
        ("limit=", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("offset=1.5", "offset param must be an integer"),
        ("offset=-1", "offset param must be positive"),
        ("limit=x&offset=y", "offset param must be an integer"),
    ] {
        let response = get(&app, &format!("{NETWORKS}/detail?{query}"), ALICE, "2.30").await;
        assert_eq!(response.status, 400, "{query}");
        assert_eq!(response.json(), fault("badRequest", 400, message), "{query}");
    }

    // The server's maximum caps any limit.
    let capped = TestApp::spawn_with(crate::helpers::Backend::Sqlite, |config| config.max_limit = 2).await;
    for name in ["a", "b", "c"] {
        create(&capped, NETWORKS, ALICE, json!({ "name": name })).await;
    }
    for query in ["", "?limit=10", "?limit=0"] {
        let response = get(&capped, &format!("{NETWORKS}{query}"), ALICE, "2.30").await;
        assert_eq!(names(response), ["a", "b"], "{query:?}");
    }
});

both_backends!(
    lists_filter_by_exact_values_and_creation_dates,
    |app: TestApp| async move {
        let a = create(
            &app,
            NETWORKS,
            ALICE,
            json!({"name": "a", "ip_version": 4, "segmentation_id": 10, "network_type": "vlan", "mtu": 1500}),
        )
        .await;
        let b = create(
            &app,
            NETWORKS,
            ALICE,
            json!({"name": "b", "ip_version": 6, "neutron_net_id": "net-1"}),
        )
        .await;
        let ids = |response: TestResponse| -> Vec<Value> {
            assert_eq!(response.status, 200, "{}", response.text());
            response.json()["share_networks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|network| network["id"].clone())
                .collect()
        };
        let today = chrono::Utc::now().date_naive();
        let tomorrow = today.succ_opt().unwrap().format("%Y-%m-%d").to_string();
        let yesterday = today.pred_opt().unwrap().format("%Y-%m-%d").to_string();
        for (query, expected) in [
            ("name=a".to_string(), vec![a["id"].clone()]),
            ("name=A".to_string(), vec![]),
            ("ip_version=6".to_string(), vec![b["id"].clone()]),
            ("ip_version=%2B4".to_string(), vec![a["id"].clone()]),
            ("segmentation_id=10&name=a".to_string(), vec![a["id"].clone()]),
            ("segmentation_id=10&name=b".to_string(), vec![]),
            ("network_type=vlan".to_string(), vec![a["id"].clone()]),
            ("neutron_net_id=net-1".to_string(), vec![b["id"].clone()]),
            ("project_id=demo".to_string(), vec![a["id"].clone(), b["id"].clone()]),
            (format!("id={}", b["id"].as_str().unwrap()), vec![b["id"].clone()]),
            ("name=a%00".to_string(), vec![]),
            // Upstream compared text with the stored integer: never equal.
            ("mtu=1500".to_string(), vec![]),
            // No network has a security service or a nova network.
            ("security_service_id=ss-1".to_string(), vec![]),
            ("nova_net_id=n".to_string(), vec![]),
            ("no_such_key=1".to_string(), vec![]),
            (
                format!("created_since={yesterday}"),
                vec![a["id"].clone(), b["id"].clone()],
            ),
            (format!("created_since={tomorrow}"), vec![]),
            (
                format!("created_before={tomorrow}"),
                vec![a["id"].clone(), b["id"].clone()],
            ),
            (format!("created_before={yesterday}"), vec![]),
        ] {
            let response = get(&app, &format!("{NETWORKS}/detail?{query}"), ALICE, "2.30").await;
            assert_eq!(ids(response), expected, "{query}");
        }

        for (query, message) in [
            ("created_since=2015-13-01", "2015-13-01 is not in yyyy-mm-dd format."),
            ("created_before=yesterday", "yesterday is not in yyyy-mm-dd format."),
            ("ip_version=four", "ip_version param must be an integer"),
            ("segmentation_id=", "segmentation_id param must be an integer"),
            // Dates are read before paging, as upstream does.
            ("limit=x&created_since=x", "x is not in yyyy-mm-dd format."),
        ] {
            let response = get(&app, &format!("{NETWORKS}?{query}"), ALICE, "2.30").await;
            assert_eq!(response.status, 400, "{query}");
            assert_eq!(response.json(), fault("badRequest", 400, message), "{query}");
        }
    }
);

both_backends!(other_projects_lists_are_for_admins_only, |app: TestApp| async move {
    let mine = create(&app, NETWORKS, ALICE, json!({"name": "mine"})).await;
    let theirs = create(&app, OTHER_NETWORKS, BOB, json!({"name": "theirs"})).await;
    let summary = |network: &Value| json!({"id": network["id"], "name": network["name"]});

    for query in ["all_tenants=1", "all_tenants=0", "all_tenants", "project_id=other"] {
        for path in [NETWORKS.to_string(), format!("{NETWORKS}/detail")] {
            let response = get(&app, &format!("{path}?{query}"), ALICE, "2.30").await;
            assert_eq!(response.status, 403, "{path}?{query}");
            assert_eq!(
                response.json(),
                fault("forbidden", 403, "Access was denied to this resource."),
            );
            assert_eq!(response.header_names(), JSON_HEADERS);
        }
    }
    // Naming one's own project needs no admin.
    let response = get(&app, &format!("{NETWORKS}?project_id=demo"), ALICE, "2.30").await;
    assert_eq!(response.json(), json!({"share_networks": [summary(&mine)]}));

    // An admin sees their own project unless asking for more.
    let response = get(&app, NETWORKS, ADMIN, "2.30").await;
    assert_eq!(response.json(), json!({"share_networks": [summary(&mine)]}));
    // Any all_tenants value counts, even 0.
    for query in ["all_tenants=1", "all_tenants=0", "all_tenants"] {
        let response = get(&app, &format!("{NETWORKS}?{query}"), ADMIN, "2.30").await;
        assert_eq!(
            response.json(),
            json!({"share_networks": [summary(&mine), summary(&theirs)]}),
            "{query}"
        );
    }
    let response = get(&app, &format!("{NETWORKS}/detail?project_id=other"), ADMIN, "2.30").await;
    assert_eq!(response.json(), json!({"share_networks": [theirs]}));
    let response = get(
        &app,
        &format!("{NETWORKS}?all_tenants=1&project_id=demo"),
        ADMIN,
        "2.30",
    )
    .await;
    assert_eq!(response.json(), json!({"share_networks": [summary(&mine)]}));
});

both_backends!(update_changes_the_given_fields_only, |app: TestApp| async move {
    let created = create(&app, NETWORKS, ALICE, full_fields()).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("{NETWORKS}/{id}");

    // Nothing that differs: nothing written, updated_at stays null.
    let response = send(
        &app,
        Method::PUT,
        &path,
        ALICE,
        "2.30",
        Some(json!({"share_network": {"name": "net1", "unknown": 1, "project_id": "other"}})),
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({ "share_network": created }));
    assert_eq!(response.header_names(), JSON_HEADERS);

    let response = send(
        &app,
        Method::PUT,
        &path,
        ALICE,
        "2.19",
        Some(json!({"share_network": {
            "name": "renamed",
            "description": null,
            "neutron_subnet_id": "new-subnet",
            "mtu": 9000,
        }})),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let updated = response.json()["share_network"].clone();
    assert_timestamp(&updated["updated_at"]);
    let mut expected = created.clone();
    expected["name"] = json!("renamed");
    expected["description"] = Value::Null;
    expected["neutron_subnet_id"] = json!("new-subnet");
    expected["updated_at"] = updated["updated_at"].clone();
    expected["nova_net_id"] = Value::Null;
    expected.as_object_mut().unwrap().remove("mtu");
    assert_eq!(response.json(), json!({ "share_network": expected }));

    let shown = get(&app, &path, ALICE, "2.30").await.json()["share_network"].clone();
    assert_eq!(shown["mtu"], 9000);
    assert_eq!(shown["project_id"], "demo");
});

both_backends!(update_refuses_bad_input_and_other_projects, |app: TestApp| async move {
    let created = create(&app, NETWORKS, ALICE, json!({"name": "kept"})).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("{NETWORKS}/{id}");
    let unknown = format!("{NETWORKS}/8f0ea9e5-6fb0-4dc5-b2b6-1bf1c0e55f64");
    let nova = "nova networking is not supported starting in Ocata.";
    let unprocessable = fault("computeFault", 422, "Unable to process the contained instructions");
    let not_found = |id: &str| fault("itemNotFound", 404, &format!("Share network {id} could not be found."));

    let cases: Vec<(&str, Option<&str>, Value)> = vec![
        (&path, None, fault("badRequest", 400, BAD_REQUEST)),
        (&path, Some("{}"), unprocessable.clone()),
        (&path, Some(r#"{"name": "x"}"#), unprocessable.clone()),
        // The network must exist before its values are looked at.
        (
            &unknown,
            Some(r#"{"share_network": {"nova_net_id": "n"}}"#),
            not_found("8f0ea9e5-6fb0-4dc5-b2b6-1bf1c0e55f64"),
        ),
        (
            &path,
            Some(r#"{"share_network": {"nova_net_id": "n"}}"#),
            fault("badRequest", 400, nova),
        ),
        (
            &path,
            Some(r#"{"share_network": ["nova_net_id"]}"#),
            fault("badRequest", 400, nova),
        ),
        (
            &path,
            Some(r#"{"share_network": null}"#),
            fault("badRequest", 400, BAD_REQUEST),
        ),
        (
            &path,
            Some(r#"{"share_network": 3}"#),
            fault("badRequest", 400, BAD_REQUEST),
        ),
        (
            &path,
            Some(r#"{"share_network": ["name"]}"#),
            fault("badRequest", 400, BAD_REQUEST),
        ),
        (
            &path,
            Some(r#"{"share_network": "name"}"#),
            fault("badRequest", 400, BAD_REQUEST),
        ),
    ];
    for (target, body, expected) in cases {
        let headers: &[(&str, &str)] = match body {
            Some(_) => &[ALICE, JSON],
            None => &[ALICE],
        };
        let response = app.request(Method::PUT, target, headers, body).await;
        assert_eq!(response.json(), expected, "{target} {body:?}");
        assert_eq!(response.header_names(), JSON_HEADERS);
    }

    for fields in [
        json!({"name": "x".repeat(256), "description": "written?"}),
        json!({"segmentation_id": "ten", "name": "written?"}),
        json!({"mtu": 1.5}),
        json!({"gateway": 10}),
    ] {
        let body = json!({ "share_network": fields });
        let response = send(&app, Method::PUT, &path, ALICE, "2.30", Some(body)).await;
        assert_eq!(response.json(), fault("badRequest", 400, DATABASE_REFUSED), "{fields}");
    }

    // Another project's member cannot reach it, an admin can.
    let body = json!({"share_network": {"name": "stolen"}});
    let response = send(
        &app,
        Method::PUT,
        &format!("{OTHER_NETWORKS}/{id}"),
        BOB,
        "2.30",
        Some(body.clone()),
    )
    .await;
    assert_eq!(response.json(), not_found(id));

    let shown = get(&app, &path, ALICE, "2.30").await;
    assert_eq!(shown.json(), json!({ "share_network": created }), "nothing was written");

    let response = send(
        &app,
        Method::PUT,
        &format!("{OTHER_NETWORKS}/{id}"),
        ("X-Auth-Token", "admin:other"),
        "2.30",
        Some(body),
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["share_network"]["name"], "stolen");
    assert_eq!(response.json()["share_network"]["project_id"], "demo");
});

/// Records a consistency group on `network_id` the way the CG API will.
fn insert_consistency_group(app: &TestApp, network_id: &str, live: bool) -> String {
    let pool = app.pool();
    let mut conn = pool.get().unwrap();
    let id = uuid::Uuid::new_v4().to_string();
    let deleted = if live { LIVE.to_string() } else { id.clone() };
    diesel::insert_into(consistency_groups::table)
        .values((
            consistency_groups::id.eq(&id),
            consistency_groups::user_id.eq("bob"),
            consistency_groups::project_id.eq("other"),
            consistency_groups::status.eq("available"),
            consistency_groups::share_network_id.eq(network_id),
            consistency_groups::created_at.eq(db::now()),
            consistency_groups::deleted.eq(deleted),
        ))
        .execute(&mut *conn)
        .unwrap();
    id
}

both_backends!(delete_removes_a_network_no_group_uses, |app: TestApp| async move {
    let created = create(&app, NETWORKS, ALICE, json!({"name": "doomed"})).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("{NETWORKS}/{id}");
    let not_found = fault("itemNotFound", 404, &format!("Share network {id} could not be found."));

    let response = send(
        &app,
        Method::DELETE,
        &format!("{OTHER_NETWORKS}/{id}"),
        BOB,
        "2.30",
        None,
    )
    .await;
    assert_eq!(response.json(), not_found);
    assert_eq!(get(&app, &path, ALICE, "2.30").await.status, 200);

    // A deleted group no longer holds the network.
    insert_consistency_group(&app, id, false);
    let response = send(&app, Method::DELETE, &path, ALICE, "2.30", None).await;
    assert_eq!(response.status, 202);
    assert!(response.body.is_empty());
    assert_eq!(
        response.header_names(),
        [
            "content-type",
            "openstack-api-version",
            "vary",
            "x-openstack-manila-api-version",
        ]
    );
    assert_eq!(response.header("content-type"), Some("text/html; charset=UTF-8"));
    assert_eq!(response.header("content-length"), Some("0"));

    for token in [ALICE, ADMIN] {
        let response = get(&app, &path, token, "2.30").await;
        assert_eq!(response.json(), not_found);
    }
    let response = send(&app, Method::DELETE, &path, ALICE, "2.30", None).await;
    assert_eq!(response.json(), not_found);
    let response = get(&app, NETWORKS, ALICE, "2.30").await;
    assert_eq!(response.json(), json!({"share_networks": []}));

    let response = send(
        &app,
        Method::DELETE,
        &format!("{NETWORKS}/not-a-uuid"),
        ALICE,
        "2.30",
        None,
    )
    .await;
    assert_eq!(
        response.json(),
        fault("itemNotFound", 404, "Share network not-a-uuid could not be found.")
    );
});

both_backends!(
    delete_is_refused_while_consistency_groups_use_the_network,
    |app: TestApp| async move {
        let created = create(&app, NETWORKS, ALICE, json!({"name": "busy"})).await;
        let id = created["id"].as_str().unwrap();
        let path = format!("{NETWORKS}/{id}");
        // Groups of any project count: upstream's CG create accepted any
        // project's network.
        let first = insert_consistency_group(&app, id, true);
        insert_consistency_group(&app, id, true);
        insert_consistency_group(&app, id, false);

        let response = send(&app, Method::DELETE, &path, ALICE, "2.30", None).await;
        assert_eq!(response.status, 409);
        assert_eq!(
            response.json(),
            fault(
                "conflictingRequest",
                409,
                &format!("Can not delete share network {id}, it has 2 consistency group(s)."),
            )
        );
        assert_eq!(response.header_names(), JSON_HEADERS);
        response.assert_request_id();
        let shown = get(&app, &path, ALICE, "2.30").await;
        assert_eq!(shown.json(), json!({ "share_network": created }));

        // Once the groups are gone, so may the network be.
        let pool = app.pool();
        diesel::update(consistency_groups::table.filter(consistency_groups::id.eq(&first)))
            .set(consistency_groups::deleted.eq(&first))
            .execute(&mut *pool.get().unwrap())
            .unwrap();
        let response = send(&app, Method::DELETE, &path, ADMIN, "2.30", None).await;
        assert_eq!(
            response.json(),
            fault(
                "conflictingRequest",
                409,
                &format!("Can not delete share network {id}, it has 1 consistency group(s)."),
            )
        );
        diesel::update(consistency_groups::table.filter(consistency_groups::share_network_id.eq(id)))
            .set(consistency_groups::deleted.eq("gone"))
            .execute(&mut *pool.get().unwrap())
            .unwrap();
        let response = send(&app, Method::DELETE, &path, ADMIN, "2.30", None).await;
        assert_eq!(response.status, 202);
    }
);

both_backends!(
    consistency_groups_find_networks_of_any_project,
    |app: TestApp| async move {
        let theirs = create(&app, OTHER_NETWORKS, BOB, json!({"name": "theirs"})).await;
        let id = theirs["id"].as_str().unwrap().to_string();
        let pool = app.pool();
        let mut conn = pool.get().unwrap();

        let found = share_networks::find_in_any_project(&mut conn, &id)
            .unwrap()
            .expect("found across projects");
        assert_eq!(found.id, id);
        assert_eq!(found.project_id, "other");
        assert_eq!(found.name.as_deref(), Some("theirs"));
        assert_eq!(
            share_networks::find_in_any_project(&mut conn, "8f0ea9e5-6fb0-4dc5-b2b6-1bf1c0e55f64").unwrap(),
            None
        );
        drop(conn);

        let response = send(
            &app,
            Method::DELETE,
            &format!("{OTHER_NETWORKS}/{id}"),
            BOB,
            "2.30",
            None,
        )
        .await;
        assert_eq!(response.status, 202);
        let mut conn = pool.get().unwrap();
        assert_eq!(share_networks::find_in_any_project(&mut conn, &id).unwrap(), None);
    }
);

both_backends!(
    the_routes_answer_every_version_and_only_their_methods,
    |app: TestApp| async move {
        for version in ["2.0", "2.15", "2.30"] {
            let response = get(&app, NETWORKS, ALICE, version).await;
            assert_eq!(response.status, 200, "{version}");
            assert_eq!(response.header(VERSION), Some(version));
        }
        let response = app.get(NETWORKS, &[ALICE]).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.header(VERSION), Some("2.0"));

        let response = send(&app, Method::PATCH, NETWORKS, ALICE, "2.30", None).await;
        assert_eq!(response.status, 405);
        assert_eq!(response.header("allow"), Some("GET, POST"));
        let response = send(&app, Method::POST, &format!("{NETWORKS}/detail"), ALICE, "2.30", None).await;
        assert_eq!(response.status, 405);
        // Security-service actions are not served.
        let response = send(
            &app,
            Method::POST,
            &format!("{NETWORKS}/8f0ea9e5-6fb0-4dc5-b2b6-1bf1c0e55f64/action"),
            ALICE,
            "2.30",
            Some(json!({"add_security_service": {"security_service_id": "x"}})),
        )
        .await;
        assert_eq!(response.status, 404);
        assert_eq!(
            response.text(),
            "404 Not Found\n\nThe resource could not be found.\n\n   "
        );
    }
);
