//! Share types, their extra specs and the default type
//! (`/v2/{project_id}/types`), as upstream Manila serves them.

use awc::http::Method;
use diesel::prelude::*;
use manila_cg_api::db::schema::{consistency_group_share_type_mappings, consistency_groups, share_type_projects};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_fault, Backend, TestApp, TestResponse, JSON_HEADERS};

struct Caller {
    token: &'static str,
    project: &'static str,
}

const ADMIN: Caller = Caller {
    token: "admin:admin",
    project: "admin",
};
const MEMBER: Caller = Caller {
    token: "alice:demo",
    project: "demo",
};
const OUTSIDER: Caller = Caller {
    token: "bob:other",
    project: "other",
};

const DENIED: &str = "Access was denied to this resource.";
const BARE_400: &str =
    "The server could not comply with the request since it is either malformed or otherwise incorrect.";
const BARE_404: &str = "The resource could not be found.";

async fn send(
    app: &TestApp,
    method: Method,
    caller: &Caller,
    version: &str,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let url = format!("/v2/{}{path}", caller.project);
    let mut headers = vec![
        ("X-Auth-Token", caller.token),
        ("X-OpenStack-Manila-API-Version", version),
    ];
    let text = body.map(|body| body.to_string());
    if text.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    app.request(method, &url, &headers, text.as_deref()).await
}

async fn get(app: &TestApp, caller: &Caller, version: &str, path: &str) -> TestResponse {
    send(app, Method::GET, caller, version, path, None).await
}

/// Creates a type as the administrator at 2.30 and returns its id.
async fn create_type(app: &TestApp, name: &str, extra_specs: Value, is_public: bool) -> String {
    let body = json!({"share_type": {
        "name": name,
        "extra_specs": extra_specs,
        "share_type_access:is_public": is_public,
    }});
    let response = send(app, Method::POST, &ADMIN, "2.30", "/types", Some(body)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["share_type"]["id"].as_str().expect("an id").to_string()
}

fn assert_empty_202(response: &TestResponse) {
    assert_eq!(response.status, 202, "{}", response.text());
    assert!(response.body.is_empty());
    assert_eq!(response.header("content-type"), Some("text/html; charset=UTF-8"));
    assert_eq!(
        response.header_names(),
        [
            "content-type",
            "openstack-api-version",
            "vary",
            "x-openstack-manila-api-version",
        ],
        "no request id on an empty answer"
    );
}

/// One type as the views render it at 2.7 and later.
fn type_view(id: &str, name: &str, extra_specs: Value, required: Value, is_public: bool) -> Value {
    json!({
        "id": id,
        "name": name,
        "extra_specs": extra_specs,
        "required_extra_specs": required,
        "share_type_access:is_public": is_public,
    })
}

fn shown(view: Value) -> Value {
    json!({"share_type": view.clone(), "volume_type": view})
}

fn listed(views: Vec<Value>) -> Value {
    json!({"share_types": views.clone(), "volume_types": views})
}

fn ids(response: &TestResponse) -> Vec<String> {
    let body = response.json();
    let share_types = body["share_types"].as_array().expect("a list");
    assert_eq!(body["volume_types"], body["share_types"]);
    share_types
        .iter()
        .map(|share_type| share_type["id"].as_str().unwrap().to_string())
        .collect()
}

fn grant(app: &TestApp, type_id: &str, project_id: &str) {
    let mut conn = app.pool().get().unwrap();
    diesel::insert_into(share_type_projects::table)
        .values((
            share_type_projects::id.eq(uuid::Uuid::new_v4().to_string()),
            share_type_projects::share_type_id.eq(type_id),
            share_type_projects::project_id.eq(project_id),
            share_type_projects::created_at.eq(manila_cg_api::db::now()),
            share_type_projects::deleted.eq("False"),
        ))
        .execute(&mut *conn)
        .unwrap();
}

both_backends!(
    an_admin_creates_shows_lists_and_deletes_a_type,
    |app: TestApp| async move {
        let body = json!({"share_type": {
            "name": "gold",
            "extra_specs": {"driver_handles_share_servers": true, "vendor:tier": "1"},
        }});
        let created = send(&app, Method::POST, &ADMIN, "2.30", "/types", Some(body)).await;
        assert_eq!(created.status, 200, "{}", created.text());
        assert_eq!(created.header_names(), JSON_HEADERS);
        assert_eq!(created.header("content-type"), Some("application/json"));
        assert_eq!(created.header("x-openstack-manila-api-version"), Some("2.30"));
        created.assert_request_id();
        let id = created.json()["share_type"]["id"].as_str().unwrap().to_string();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        let specs = json!({"driver_handles_share_servers": "True", "vendor:tier": "1"});
        // Create echoes the required specs as the request gave them.
        assert_eq!(
            created.json(),
            shown(type_view(
                &id,
                "gold",
                specs.clone(),
                json!({"driver_handles_share_servers": true}),
                true
            ))
        );

        // Show leaves them empty, as upstream's does; the list derives them.
        let show = get(&app, &ADMIN, "2.30", &format!("/types/{id}")).await;
        assert_eq!(show.status, 200);
        assert_eq!(show.header_names(), JSON_HEADERS);
        assert_eq!(
            show.json(),
            shown(type_view(&id, "gold", specs.clone(), json!({}), true))
        );
        let show_json_twin = get(&app, &ADMIN, "2.30", &format!("/types/{id}.json")).await;
        assert_eq!(show_json_twin.json(), show.json());

        let list = get(&app, &ADMIN, "2.30", "/types").await;
        assert_eq!(list.status, 200);
        assert_eq!(list.header_names(), JSON_HEADERS);
        assert_eq!(
            list.json(),
            listed(vec![type_view(
                &id,
                "gold",
                specs,
                json!({"driver_handles_share_servers": "True"}),
                true
            )])
        );

        let deleted = send(&app, Method::DELETE, &ADMIN, "2.30", &format!("/types/{id}"), None).await;
        assert_empty_202(&deleted);
        assert_fault(
            &get(&app, &ADMIN, "2.30", &format!("/types/{id}")).await,
            404,
            "itemNotFound",
            "Share type not found.",
        );
        assert_eq!(get(&app, &ADMIN, "2.30", "/types").await.json(), listed(vec![]));
        assert_fault(
            &send(&app, Method::DELETE, &ADMIN, "2.30", &format!("/types/{id}"), None).await,
            404,
            "itemNotFound",
            BARE_404,
        );
    }
);

both_backends!(
    the_visibility_key_and_snapshot_support_follow_the_microversion,
    |app: TestApp| async move {
        let cases = [
            ("2.0", "os-share-type-access:is_public", true),
            ("2.6", "os-share-type-access:is_public", true),
            ("2.7", "share_type_access:is_public", true),
            ("2.23", "share_type_access:is_public", true),
            ("2.24", "share_type_access:is_public", false),
        ];
        for (number, (version, is_public_key, implied_snapshot)) in cases.into_iter().enumerate() {
            let name = format!("type-{number}");
            // The legacy `volume_type` body is accepted, and either visibility key.
            let body = json!({"volume_type": {
                "name": name,
                "extra_specs": {"driver_handles_share_servers": "false"},
                "os-share-type-access:is_public": false,
            }});
            let created = send(&app, Method::POST, &ADMIN, version, "/types", Some(body)).await;
            assert_eq!(created.status, 200, "{version}: {}", created.text());
            let id = created.json()["share_type"]["id"].as_str().unwrap().to_string();
            let mut specs = json!({"driver_handles_share_servers": "false"});
            if implied_snapshot {
                specs["snapshot_support"] = json!("True");
            }
            let view = json!({
                "id": id,
                "name": name,
                "extra_specs": specs,
                "required_extra_specs": {"driver_handles_share_servers": "false"},
                is_public_key: false,
            });
            assert_eq!(created.json(), shown(view.clone()), "{version}");
            let mut show_view = view;
            show_view["required_extra_specs"] = json!({});
            assert_eq!(
                get(&app, &ADMIN, version, &format!("/types/{id}")).await.json(),
                shown(show_view),
                "{version}"
            );
        }
    }
);

both_backends!(
    members_see_only_the_standard_specs_and_from_2_24_their_nominal_values,
    |app: TestApp| async move {
        let id = create_type(
            &app,
            "silver",
            json!({
                "driver_handles_share_servers": "True",
                "replication_type": "dr",
                "revert_to_snapshot_support": "True",
                "vendor:secret": "x",
            }),
            true,
        )
        .await;
        let visible = json!({
            "driver_handles_share_servers": "True",
            "replication_type": "dr",
            "revert_to_snapshot_support": "True",
        });
        let required = json!({"driver_handles_share_servers": "True"});

        let at_2_23 = get(&app, &MEMBER, "2.23", "/types").await;
        assert_eq!(at_2_23.status, 200);
        assert_eq!(
            at_2_23.json(),
            listed(vec![type_view(&id, "silver", visible.clone(), required.clone(), true)])
        );

        let mut inferred = visible;
        inferred["snapshot_support"] = json!(false);
        inferred["create_share_from_snapshot_support"] = json!(false);
        let at_2_24 = get(&app, &MEMBER, "2.24", "/types").await;
        assert_eq!(
            at_2_24.json(),
            listed(vec![type_view(&id, "silver", inferred.clone(), required, true)])
        );
        assert_eq!(
            get(&app, &MEMBER, "2.24", &format!("/types/{id}")).await.json(),
            shown(type_view(&id, "silver", inferred, json!({}), true))
        );
    }
);

both_backends!(
    private_types_are_seen_only_by_admins_and_granted_projects,
    |app: TestApp| async move {
        let dhss = json!({"driver_handles_share_servers": "False"});
        let public = create_type(&app, "a-public", dhss.clone(), true).await;
        let private = create_type(&app, "b-private", dhss.clone(), false).await;
        let granted_to_admin = create_type(&app, "c-admins", dhss.clone(), false).await;
        grant(&app, &granted_to_admin, "admin");

        // Members: public types, whatever they ask for.
        for query in ["", "?is_public=all", "?is_public=false", "?is_public=nonsense"] {
            let list = get(&app, &MEMBER, "2.30", &format!("/types{query}")).await;
            assert_eq!(list.status, 200, "{query}");
            assert_eq!(ids(&list), vec![public.clone()], "{query}");
        }
        assert_fault(
            &get(&app, &MEMBER, "2.30", &format!("/types/{private}")).await,
            404,
            "itemNotFound",
            "Share type not found.",
        );

        // Administrators choose; the default is public plus granted to them.
        let cases = [
            ("", vec![public.clone(), granted_to_admin.clone()]),
            ("?is_public=true", vec![public.clone(), granted_to_admin.clone()]),
            ("?is_public=False", vec![private.clone(), granted_to_admin.clone()]),
            (
                "?is_public=ALL",
                vec![public.clone(), private.clone(), granted_to_admin.clone()],
            ),
            (
                "?is_public=all&is_public=0",
                vec![private.clone(), granted_to_admin.clone()],
            ),
        ];
        for (query, expected) in cases {
            let list = get(&app, &ADMIN, "2.30", &format!("/types{query}")).await;
            assert_eq!(ids(&list), expected, "{query}");
        }
        assert_fault(
            &get(&app, &ADMIN, "2.30", "/types?is_public=maybe").await,
            400,
            "badRequest",
            "Invalid is_public filter [maybe]",
        );
        assert_eq!(
            get(&app, &ADMIN, "2.30", &format!("/types/{private}")).await.status,
            200
        );

        // A grant shows the type to that project only.
        grant(&app, &private, "demo");
        assert_eq!(
            ids(&get(&app, &MEMBER, "2.30", "/types").await),
            [public.clone(), private.clone()]
        );
        let show = get(&app, &MEMBER, "2.23", &format!("/types/{private}")).await;
        assert_eq!(
            show.json(),
            shown(type_view(&private, "b-private", dhss, json!({}), false))
        );
        assert_eq!(ids(&get(&app, &OUTSIDER, "2.30", "/types").await), [public]);
        assert_fault(
            &get(&app, &OUTSIDER, "2.30", &format!("/types/{private}")).await,
            404,
            "itemNotFound",
            "Share type not found.",
        );
    }
);

both_backends!(only_admins_create_and_delete, |app: TestApp| async move {
    let body = json!({"share_type": {"name": "x", "extra_specs": {"driver_handles_share_servers": true}}});
    assert_fault(
        &send(&app, Method::POST, &MEMBER, "2.30", "/types", Some(body.clone())).await,
        403,
        "forbidden",
        DENIED,
    );
    // Policy comes before the body's checks...
    assert_fault(
        &send(&app, Method::POST, &MEMBER, "2.30", "/types", Some(json!([]))).await,
        403,
        "forbidden",
        DENIED,
    );
    // ...but upstream cannot call create at all without a body.
    assert_fault(
        &send(&app, Method::POST, &MEMBER, "2.30", "/types", None).await,
        400,
        "badRequest",
        BARE_400,
    );
    assert_eq!(
        get(&app, &ADMIN, "2.30", "/types?is_public=all").await.json(),
        listed(vec![])
    );

    let id = create_type(&app, "x", json!({"driver_handles_share_servers": true}), true).await;
    assert_fault(
        &send(&app, Method::DELETE, &MEMBER, "2.30", &format!("/types/{id}"), None).await,
        403,
        "forbidden",
        DENIED,
    );
    assert_fault(
        &send(&app, Method::DELETE, &MEMBER, "2.30", "/types/no-such-type", None).await,
        403,
        "forbidden",
        DENIED,
    );
    assert_eq!(ids(&get(&app, &MEMBER, "2.30", "/types").await), [id]);
});

both_backends!(
    create_rejects_bad_bodies_and_writes_nothing,
    |app: TestApp| async move {
        let dhss = json!({"driver_handles_share_servers": true});
        let with_specs = |specs: Value| json!({"share_type": {"name": "n", "extra_specs": specs}});
        let long = "x".repeat(256);
        let cases = [
            ("2.30", json!(null), BARE_400.to_string()),
            ("2.30", json!({"share_type": "gold"}), BARE_400.to_string()),
            ("2.30", json!({"sharetype": {"name": "n"}}), BARE_400.to_string()),
            (
                "2.30",
                json!({"share_type": {"extra_specs": dhss}}),
                "Type name is not valid.".into(),
            ),
            (
                "2.30",
                json!({"share_type": {"name": "", "extra_specs": dhss}}),
                "Type name is not valid.".into(),
            ),
            (
                "2.30",
                json!({"share_type": {"name": long, "extra_specs": dhss}}),
                "Type name is not valid.".into(),
            ),
            (
                "2.30",
                json!({"share_type": {"name": 7, "extra_specs": dhss}}),
                BARE_400.to_string(),
            ),
            (
                "2.30",
                json!({"share_type": {"name": ["n"], "extra_specs": dhss}}),
                "Type name is not valid.".into(),
            ),
            (
                "2.30",
                json!({"share_type": {"name": "n"}}),
                "Invalid extra_spec: Required extra specs 'driver_handles_share_servers' not specified.".into(),
            ),
            ("2.23", with_specs(json!(null)), BARE_400.to_string()),
            (
                "2.30",
                with_specs(json!("driver_handles_share_servers")),
                BARE_400.to_string(),
            ),
            (
                "2.30",
                with_specs(json!({"driver_handles_share_servers": "sometimes"})),
                "Invalid extra_spec: Value of required extra_spec driver_handles_share_servers is not valid.".into(),
            ),
            (
                "2.23",
                with_specs(json!({"driver_handles_share_servers": true, "snapshot_support": "often"})),
                "Invalid share type: Invalid extra_spec: Invalid boolean extra spec snapshot_support : often.".into(),
            ),
            (
                "2.30",
                with_specs(json!({"driver_handles_share_servers": true, "replication_type": "all"})),
                "Invalid share type: Invalid extra_spec: Value of optional extra_spec replication_type is not valid."
                    .into(),
            ),
            (
                "2.30",
                with_specs(json!({"driver_handles_share_servers": true, "k": {"nested": "v"}})),
                "Invalid extra_spec: k: {u'nested': u'v'}".into(),
            ),
            (
                "2.30",
                with_specs(json!({"driver_handles_share_servers": true, long.clone(): "v"})),
                format!("Invalid extra_spec: {long}: v"),
            ),
            (
                "2.30",
                json!({"share_type": {"name": "n", "extra_specs": dhss, "share_type_access:is_public": "perhaps"}}),
                "share_type_access:is_public has a non-boolean value.".into(),
            ),
        ];
        for (version, body, message) in cases {
            let response = send(&app, Method::POST, &ADMIN, version, "/types", Some(body.clone())).await;
            assert_fault(&response, 400, "badRequest", &message);
        }
        // Not JSON at all: the pipeline's answer.
        let response = app
            .request(
                Method::POST,
                "/v2/admin/types",
                &[("X-Auth-Token", ADMIN.token), ("Content-Type", "application/json")],
                Some("{not json"),
            )
            .await;
        assert_fault(&response, 400, "badRequest", "Malformed request body");
        assert_eq!(
            get(&app, &ADMIN, "2.30", "/types?is_public=all").await.json(),
            listed(vec![])
        );
    }
);

both_backends!(names_are_unique_among_live_types, |app: TestApp| async move {
    let dhss = json!({"driver_handles_share_servers": true});
    let id = create_type(&app, "gold", dhss.clone(), true).await;
    let again = json!({"share_type": {"name": "gold", "extra_specs": dhss}});
    assert_fault(
        &send(&app, Method::POST, &ADMIN, "2.30", "/types", Some(again.clone())).await,
        409,
        "conflictingRequest",
        "Share Type gold already exists.",
    );
    let deleted = send(&app, Method::DELETE, &ADMIN, "2.30", &format!("/types/{id}"), None).await;
    assert_empty_202(&deleted);
    let reused = send(&app, Method::POST, &ADMIN, "2.30", "/types", Some(again)).await;
    assert_eq!(reused.status, 200, "{}", reused.text());
    assert_ne!(reused.json()["share_type"]["id"], json!(id));
});

both_backends!(
    a_type_held_by_a_consistency_group_cannot_be_deleted,
    |app: TestApp| async move {
        let id = create_type(&app, "cg-type", json!({"driver_handles_share_servers": false}), true).await;
        let cg_id = uuid::Uuid::new_v4().to_string();
        let mapping_id = uuid::Uuid::new_v4().to_string();
        {
            let mut conn = app.pool().get().unwrap();
            diesel::insert_into(consistency_groups::table)
                .values((
                    consistency_groups::id.eq(&cg_id),
                    consistency_groups::user_id.eq("alice"),
                    consistency_groups::project_id.eq("demo"),
                    consistency_groups::status.eq("available"),
                    consistency_groups::created_at.eq(manila_cg_api::db::now()),
                    consistency_groups::deleted.eq("False"),
                ))
                .execute(&mut *conn)
                .unwrap();
            diesel::insert_into(consistency_group_share_type_mappings::table)
                .values((
                    consistency_group_share_type_mappings::id.eq(&mapping_id),
                    consistency_group_share_type_mappings::consistency_group_id.eq(&cg_id),
                    consistency_group_share_type_mappings::share_type_id.eq(&id),
                    consistency_group_share_type_mappings::created_at.eq(manila_cg_api::db::now()),
                    consistency_group_share_type_mappings::deleted.eq("False"),
                ))
                .execute(&mut *conn)
                .unwrap();
        }
        let path = format!("/types/{id}");
        assert_fault(
            &send(&app, Method::DELETE, &ADMIN, "2.30", &path, None).await,
            400,
            "badRequest",
            "Target share type is still in use.",
        );
        assert_eq!(
            get(&app, &ADMIN, "2.30", &path).await.status,
            200,
            "nothing was deleted"
        );

        // Once the group's mapping is gone (soft-deleted), the type may go.
        {
            let mut conn = app.pool().get().unwrap();
            diesel::update(
                consistency_group_share_type_mappings::table
                    .filter(consistency_group_share_type_mappings::id.eq(&mapping_id)),
            )
            .set(consistency_group_share_type_mappings::deleted.eq(&mapping_id))
            .execute(&mut *conn)
            .unwrap();
        }
        assert_empty_202(&send(&app, Method::DELETE, &ADMIN, "2.30", &path, None).await);
    }
);

both_backends!(without_a_configured_default_there_is_none, |app: TestApp| async move {
    create_type(&app, "default", json!({"driver_handles_share_servers": true}), true).await;
    for caller in [&ADMIN, &MEMBER] {
        assert_fault(
            &get(&app, caller, "2.30", "/types/default").await,
            404,
            "itemNotFound",
            "Default share type not found",
        );
    }
});

#[actix_web::test]
async fn the_configured_default_type_is_shown_to_those_who_may_see_it() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| {
            config.default_share_type = Some("gold".to_string());
        })
        .await;
        assert_fault(
            &get(&app, &MEMBER, "2.30", "/types/default").await,
            404,
            "itemNotFound",
            "Default share type not found",
        );

        let specs = json!({"driver_handles_share_servers": "True", "vendor:x": "y"});
        let id = create_type(&app, "gold", specs, false).await;
        let admin_view = get(&app, &ADMIN, "2.6", "/types/default").await;
        assert_eq!(admin_view.status, 200, "{backend:?}");
        assert_eq!(admin_view.header_names(), JSON_HEADERS);
        assert_eq!(
            admin_view.json(),
            shown(json!({
                "id": id,
                "name": "gold",
                "extra_specs": {"driver_handles_share_servers": "True", "vendor:x": "y"},
                "required_extra_specs": {},
                "os-share-type-access:is_public": false,
            }))
        );
        assert_eq!(
            get(&app, &ADMIN, "2.6", "/types/default.json").await.json(),
            admin_view.json()
        );

        // Private and not granted: hidden from members like any other type.
        assert_fault(
            &get(&app, &MEMBER, "2.30", "/types/default").await,
            404,
            "itemNotFound",
            "Default share type not found",
        );
        grant(&app, &id, "demo");
        assert_eq!(
            get(&app, &MEMBER, "2.30", "/types/default").await.json(),
            shown(type_view(
                &id,
                "gold",
                json!({
                    "driver_handles_share_servers": "True",
                    "snapshot_support": false,
                    "create_share_from_snapshot_support": false,
                    "revert_to_snapshot_support": false,
                }),
                json!({}),
                false
            ))
        );
    }
}

both_backends!(
    routes_upstream_maps_without_a_handler_answer_a_json_404,
    |app: TestApp| async move {
        let id = create_type(&app, "t", json!({"driver_handles_share_servers": true}), true).await;
        let cases = [
            (Method::GET, "/types/detail".to_string()),
            (Method::GET, "/types/detail.json".to_string()),
            (Method::GET, "/types/new".to_string()),
            (Method::PUT, format!("/types/{id}")),
            (Method::GET, format!("/types/{id}/edit")),
            (Method::GET, format!("/types/{id}/extra_specs/new")),
            (Method::GET, format!("/types/{id}/extra_specs/k/edit")),
        ];
        for (method, path) in cases {
            let response = send(&app, method.clone(), &ADMIN, "2.30", &path, None).await;
            assert_fault(&response, 404, "itemNotFound", BARE_404);
            // Found before the body is read and the URL's project checked
            // (the unread body makes the server close the connection).
            let response = app
                .request(
                    method.clone(),
                    &format!("/v2/someone-else{path}"),
                    &[("X-Auth-Token", ADMIN.token), ("Content-Type", "application/json")],
                    Some("{broken"),
                )
                .await;
            assert_eq!(response.status, 404, "{path}: {}", response.text());
            assert_eq!(
                response.json(),
                json!({"itemNotFound": {"code": 404, "message": BARE_404}})
            );
        }
        // Other methods reach the member routes, as with Routes.
        assert_fault(
            &send(&app, Method::DELETE, &ADMIN, "2.30", "/types/default", None).await,
            404,
            "itemNotFound",
            BARE_404,
        );
        assert_fault(
            &send(&app, Method::DELETE, &MEMBER, "2.30", "/types/detail", None).await,
            403,
            "forbidden",
            DENIED,
        );
        assert_fault(
            &send(
                &app,
                Method::DELETE,
                &ADMIN,
                "2.30",
                &format!("/types/{id}/extra_specs/new"),
                None,
            )
            .await,
            404,
            "itemNotFound",
            &format!("Share Type {id} has no extra specs with key new."),
        );
        // A collection answers its own methods only.
        let response = send(&app, Method::DELETE, &ADMIN, "2.30", "/types", None).await;
        assert_eq!(response.status, 405);
        assert_eq!(response.header("allow"), Some("GET, POST"));
    }
);

both_backends!(v1_serves_types_at_version_1_0, |app: TestApp| async move {
    let body = json!({"share_type": {"name": "old", "extra_specs": {"driver_handles_share_servers": true}}});
    let created = app
        .request(
            Method::POST,
            "/v1/admin/types",
            &[
                ("X-Auth-Token", ADMIN.token),
                ("Content-Type", "application/json"),
                ("X-OpenStack-Manila-API-Version", "2.30"),
            ],
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(created.header("x-openstack-manila-api-version"), Some("1.0"));
    let id = created.json()["share_type"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        created.json(),
        shown(json!({
            "id": id,
            "name": "old",
            "extra_specs": {"driver_handles_share_servers": "True", "snapshot_support": "True"},
            "required_extra_specs": {"driver_handles_share_servers": true},
            "os-share-type-access:is_public": true,
        }))
    );
    let specs = app
        .get(
            &format!("/v1/admin/types/{id}/extra_specs"),
            &[("X-Auth-Token", ADMIN.token)],
        )
        .await;
    assert_eq!(
        specs.json(),
        json!({"extra_specs": {"driver_handles_share_servers": "True", "snapshot_support": "True"}})
    );
});

both_backends!(extra_specs_are_listed_and_shown_to_admins, |app: TestApp| async move {
    let id = create_type(
        &app,
        "t",
        json!({"driver_handles_share_servers": "true", "a:b": "c"}),
        false,
    )
    .await;
    let list = get(&app, &ADMIN, "2.30", &format!("/types/{id}/extra_specs")).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.header_names(), JSON_HEADERS);
    assert_eq!(
        list.json(),
        json!({"extra_specs": {"driver_handles_share_servers": "true", "a:b": "c"}})
    );
    let one = get(&app, &ADMIN, "2.30", &format!("/types/{id}/extra_specs/a:b")).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.header_names(), JSON_HEADERS);
    assert_eq!(one.json(), json!({"a:b": "c"}));

    assert_fault(
        &get(&app, &ADMIN, "2.30", &format!("/types/{id}/extra_specs/nope")).await,
        404,
        "itemNotFound",
        BARE_404,
    );
    for path in ["/types/no-such-type/extra_specs", "/types/no-such-type/extra_specs/a:b"] {
        assert_fault(
            &get(&app, &ADMIN, "2.30", path).await,
            404,
            "itemNotFound",
            "Share type no-such-type could not be found.",
        );
    }
    for path in [
        format!("/types/{id}/extra_specs"),
        format!("/types/{id}/extra_specs/a:b"),
    ] {
        assert_fault(&get(&app, &MEMBER, "2.30", &path).await, 403, "forbidden", DENIED);
    }
});

both_backends!(extra_specs_are_set_and_echoed, |app: TestApp| async move {
    let id = create_type(&app, "t", json!({"driver_handles_share_servers": "true"}), true).await;
    let path = format!("/types/{id}/extra_specs");
    let body = json!({"extra_specs": {
        "vendor:thin": true,
        "snapshot_support": "<is> False",
        "driver_handles_share_servers": "False",
    }});
    let set = send(&app, Method::POST, &ADMIN, "2.30", &path, Some(body.clone())).await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(set.header_names(), JSON_HEADERS);
    assert_eq!(set.json(), body);
    assert_eq!(
        get(&app, &ADMIN, "2.30", &path).await.json(),
        json!({"extra_specs": {
            "vendor:thin": "True",
            "snapshot_support": "<is> False",
            "driver_handles_share_servers": "False",
        }})
    );
    // The list's required specs follow the stored value.
    assert_eq!(
        get(&app, &ADMIN, "2.30", "/types").await.json()["share_types"][0]["required_extra_specs"],
        json!({"driver_handles_share_servers": "False"})
    );

    let update = send(
        &app,
        Method::PUT,
        &ADMIN,
        "2.30",
        &format!("{path}/vendor:thin"),
        Some(json!({"vendor:thin": "no"})),
    )
    .await;
    assert_eq!(update.status, 200, "{}", update.text());
    assert_eq!(update.json(), json!({"vendor:thin": "no"}));
    assert_eq!(
        get(&app, &ADMIN, "2.30", &format!("{path}/vendor:thin")).await.json(),
        json!({"vendor:thin": "no"})
    );
    // Setting a key that is new through PUT creates it.
    let created = send(
        &app,
        Method::PUT,
        &ADMIN,
        "2.30",
        &format!("{path}/fresh"),
        Some(json!({"fresh": "1"})),
    )
    .await;
    assert_eq!(created.status, 200);
    assert_eq!(
        get(&app, &ADMIN, "2.30", &format!("{path}/fresh")).await.json(),
        json!({"fresh": "1"})
    );

    for (method, target, body) in [
        (Method::POST, path.clone(), json!({"extra_specs": {"k": "v"}})),
        (Method::PUT, format!("{path}/k"), json!({"k": "v"})),
    ] {
        assert_fault(
            &send(&app, method, &MEMBER, "2.30", &target, Some(body)).await,
            403,
            "forbidden",
            DENIED,
        );
    }
});

both_backends!(
    extra_specs_set_rejects_bad_input_and_writes_nothing,
    |app: TestApp| async move {
        let id = create_type(&app, "t", json!({"driver_handles_share_servers": "true"}), true).await;
        let path = format!("/types/{id}/extra_specs");
        let long = "v".repeat(256);
        let cases = [
            (json!(null), BARE_400.to_string()),
            (json!({"extra_specs": "k=v"}), BARE_400.to_string()),
            (json!({"specs": {"k": "v"}}), BARE_400.to_string()),
            (json!({"extra_specs": {"k": ""}}), "Invalid extra_spec: k: ".to_string()),
            (
                json!({"extra_specs": {"k": long.clone()}}),
                format!("Invalid extra_spec: k: {long}"),
            ),
            (
                json!({"extra_specs": {long.clone(): "v"}}),
                format!("Invalid extra_spec: {long}: v"),
            ),
            (json!({"extra_specs": {"k": 5}}), "Invalid extra_spec: k: 5".to_string()),
            (
                json!({"extra_specs": {"k": ["a", 1.5]}}),
                "Invalid extra_spec: k: [u'a', 1.5]".to_string(),
            ),
            (
                json!({"extra_specs": {"k": {"a": "b"}}}),
                "Invalid extra_spec: k: {u'a': u'b'}".to_string(),
            ),
            (
                json!({"extra_specs": {"driver_handles_share_servers": "perhaps"}}),
                "Invalid extra_spec: driver_handles_share_servers: perhaps".to_string(),
            ),
            (
                json!({"extra_specs": {"replication_type": "x"}}),
                "Invalid extra_spec: replication_type: x".to_string(),
            ),
            // A standard boolean spec that does not parse: upstream lost its text.
            (
                json!({"extra_specs": {"snapshot_support": "often"}}),
                BARE_400.to_string(),
            ),
            (
                json!({"extra_specs": {"a b": "v"}}),
                "Key names can only contain alphanumeric characters, underscores, periods, colons and hyphens."
                    .to_string(),
            ),
        ];
        for (body, message) in cases {
            let response = send(&app, Method::POST, &ADMIN, "2.30", &path, Some(body.clone())).await;
            assert_fault(&response, 400, "badRequest", &message);
        }
        assert_fault(
            &send(&app, Method::POST, &ADMIN, "2.30", &path, None).await,
            400,
            "badRequest",
            BARE_400,
        );
        assert_fault(
            &send(
                &app,
                Method::POST,
                &ADMIN,
                "2.30",
                "/types/no-such-type/extra_specs",
                Some(json!({"extra_specs": {"k": "v"}})),
            )
            .await,
            404,
            "itemNotFound",
            "Share type no-such-type could not be found.",
        );
        assert_eq!(
            get(&app, &ADMIN, "2.30", &path).await.json(),
            json!({"extra_specs": {"driver_handles_share_servers": "true"}})
        );
    }
);

both_backends!(
    extra_spec_update_rejects_bad_input_and_writes_nothing,
    |app: TestApp| async move {
        let id = create_type(&app, "t", json!({"driver_handles_share_servers": "true"}), true).await;
        let path = format!("/types/{id}/extra_specs/k");
        let cases = [
            (None, "Request body empty"),
            (Some(json!({})), "Request body empty"),
            (Some(json!(null)), "Request body empty"),
            (Some(json!(["k"])), BARE_400),
            (Some(json!({"other": "v"})), "Request body and URI mismatch"),
            (
                Some(json!({"k": "v", "other": "v"})),
                "Request body contains too many items",
            ),
            (Some(json!({"k": 1})), "Invalid extra_spec: k: 1"),
        ];
        for (body, message) in cases {
            let response = send(&app, Method::PUT, &ADMIN, "2.30", &path, body.clone()).await;
            assert_fault(&response, 400, "badRequest", message);
        }
        // Update keeps the standard specs' exception texts.
        let response = send(
            &app,
            Method::PUT,
            &ADMIN,
            "2.30",
            &format!("/types/{id}/extra_specs/snapshot_support"),
            Some(json!({"snapshot_support": "often"})),
        )
        .await;
        assert_fault(
            &response,
            400,
            "badRequest",
            "Invalid extra_spec: Invalid boolean extra spec snapshot_support : often.",
        );
        assert_fault(
            &send(
                &app,
                Method::PUT,
                &ADMIN,
                "2.30",
                "/types/none/extra_specs/k",
                Some(json!({"k": "v"})),
            )
            .await,
            404,
            "itemNotFound",
            "Share type none could not be found.",
        );
        assert_eq!(
            get(&app, &ADMIN, "2.30", &format!("/types/{id}/extra_specs"))
                .await
                .json(),
            json!({"extra_specs": {"driver_handles_share_servers": "true"}})
        );
    }
);

both_backends!(
    extra_specs_are_unset_except_the_required_ones,
    |app: TestApp| async move {
        let id = create_type(
            &app,
            "t",
            json!({"driver_handles_share_servers": "true", "snapshot_support": "True", "k": "v"}),
            true,
        )
        .await;
        let path = |key: &str| format!("/types/{id}/extra_specs/{key}");

        assert_fault(
            &send(&app, Method::DELETE, &MEMBER, "2.30", &path("k"), None).await,
            403,
            "forbidden",
            DENIED,
        );
        assert_empty_202(&send(&app, Method::DELETE, &ADMIN, "2.30", &path("k"), None).await);
        assert_fault(
            &send(&app, Method::DELETE, &ADMIN, "2.30", &path("k"), None).await,
            404,
            "itemNotFound",
            &format!("Share Type {id} has no extra specs with key k."),
        );
        assert_fault(
            &send(
                &app,
                Method::DELETE,
                &ADMIN,
                "2.30",
                &path("driver_handles_share_servers"),
                None,
            )
            .await,
            403,
            "forbidden",
            "Extra spec 'driver_handles_share_servers' can't be deleted.",
        );
        // snapshot_support was undeletable before 2.24.
        assert_fault(
            &send(&app, Method::DELETE, &ADMIN, "2.23", &path("snapshot_support"), None).await,
            403,
            "forbidden",
            "Extra spec 'snapshot_support' can't be deleted.",
        );
        assert_empty_202(&send(&app, Method::DELETE, &ADMIN, "2.24", &path("snapshot_support"), None).await);
        assert_fault(
            &send(&app, Method::DELETE, &ADMIN, "2.30", "/types/none/extra_specs/k", None).await,
            404,
            "itemNotFound",
            "Share type none could not be found.",
        );
        assert_eq!(
            get(&app, &ADMIN, "2.30", &format!("/types/{id}/extra_specs"))
                .await
                .json(),
            json!({"extra_specs": {"driver_handles_share_servers": "true"}})
        );
    }
);
