//! `/v2/{project_id}/consistency-groups`: show, update, delete and the
//! admin actions (reference sections 6.2, 7.3-7.6, 16.1).

use awc::http::Method;
use manila_cg_api::db::consistency_groups::{self as repo, ConsistencyGroup, Scope};
use manila_cg_api::db::{self, jobs};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{admin, assert_fault, headers, member, stranger, TestApp, TestResponse, OTHER_PROJECT, PROJECT};

/// Puts a CG straight into the database, in any state.
fn insert_cg(app: &TestApp, project: &str, status: &str, host: Option<&str>) -> ConsistencyGroup {
    let cg = ConsistencyGroup {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: "alice".into(),
        project_id: project.into(),
        host: host.map(str::to_string),
        name: Some("cg1".into()),
        description: Some("My first CG.".into()),
        status: status.into(),
        source_cgsnapshot_id: None,
        share_network_id: None,
        share_server_id: None,
        created_at: chrono::NaiveDate::from_ymd_opt(2015, 9, 16)
            .unwrap()
            .and_hms_micro_opt(16, 50, 31, 880949)
            .unwrap(),
        updated_at: None,
        deleted_at: None,
        deleted: db::LIVE.into(),
    };
    repo::insert(&mut app.pool().get().unwrap(), &cg, &[]).unwrap();
    cg
}

fn stored(app: &TestApp, id: &str) -> Option<ConsistencyGroup> {
    repo::find(&mut app.pool().get().unwrap(), id, Scope::All).unwrap()
}

fn detail(app: &TestApp, cg: &ConsistencyGroup, with_server: bool) -> Value {
    let mut view = json!({
        "id": cg.id,
        "name": cg.name,
        "created_at": "2015-09-16T16:50:31.880949",
        "status": cg.status,
        "description": cg.description,
        "project_id": cg.project_id,
        "host": cg.host,
        "source_cgsnapshot_id": null,
        "share_network_id": null,
        "share_types": [],
        "links": [
            {"rel": "self", "href": format!("{}/v2/{PROJECT}/consistency-groups/{}", app.address, cg.id)},
            {"rel": "bookmark", "href": format!("{}/{PROJECT}/consistency-groups/{}", app.address, cg.id)},
        ],
    });
    if with_server {
        view["share_server_id"] = json!(null);
    }
    view
}

fn url(id: &str) -> String {
    format!("/v2/{PROJECT}/consistency-groups/{id}")
}

/// The bare 202 of deletes and actions: no body, no request id.
fn assert_empty_accepted(response: &TestResponse, version: &str) {
    assert_eq!(response.status, 202, "{}", response.text());
    assert!(response.body.is_empty());
    assert_eq!(response.header("content-type"), Some("text/html; charset=UTF-8"));
    assert_eq!(response.header("x-openstack-manila-api-version"), Some(version));
    assert_eq!(response.header("x-openstack-manila-api-experimental"), Some("True"));
    assert_eq!(response.header("x-compute-request-id"), None);
}

both_backends!(show_renders_the_detail_view, |app: TestApp| async move {
    let cg = insert_cg(&app, PROJECT, "available", Some("manila2@generic1#GENERIC1"));
    let (admin, member) = (admin(), member());
    let response = app.get(&url(&cg.id), &headers(&admin, "2.4")).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({"consistency_group": detail(&app, &cg, true)}));
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
    let response = app.get(&url(&cg.id), &headers(&member, "2.30")).await;
    assert_eq!(
        response.json(),
        json!({"consistency_group": detail(&app, &cg, false)}),
        "no share_server_id for members"
    );
    let twin = app
        .get(&format!("{}.json", url(&cg.id)), &headers(&member, "2.30"))
        .await;
    assert_eq!(twin.json(), response.json(), "the .json twin answers the same");
});

both_backends!(show_hides_other_projects_and_unknown_ids, |app: TestApp| async move {
    let cg = insert_cg(&app, PROJECT, "available", None);
    let stranger = stranger();
    let response = app
        .get(
            &format!("/v2/{OTHER_PROJECT}/consistency-groups/{}", cg.id),
            &headers(&stranger, "2.4"),
        )
        .await;
    assert_fault(
        &response,
        404,
        "itemNotFound",
        &format!("Consistency group {} not found.", cg.id),
    );
    let member = member();
    for id in ["not-a-uuid", "6f519a48-3183-46cf-a32f-41815f816666"] {
        let response = app.get(&url(id), &headers(&member, "2.4")).await;
        assert_fault(
            &response,
            404,
            "itemNotFound",
            &format!("Consistency group {id} not found."),
        );
    }
    // The URL's project must be the caller's, even for an admin.
    let admin = admin();
    let response = app
        .get(
            &format!("/v2/{OTHER_PROJECT}/consistency-groups/{}", cg.id),
            &headers(&admin, "2.4"),
        )
        .await;
    assert_fault(&response, 400, "badRequest", "Malformed request url");
});

// Shows and lists arriving together are read in shared batches
// (src/db/batch.rs); each caller must still get only its own answer.
both_backends!(concurrent_reads_keep_each_callers_scope, |app: TestApp| async move {
    let ours = insert_cg(&app, PROJECT, "available", None);
    let theirs = insert_cg(&app, OTHER_PROJECT, "available", None);
    let (admin, member, stranger) = (admin(), member(), stranger());
    let their_url = |id: &str| format!("/v2/{OTHER_PROJECT}/consistency-groups/{id}");
    let reads = (0..8).flat_map(|_| {
        [
            (url(&ours.id), member.as_str()),
            (url(&ours.id), admin.as_str()),
            (their_url(&ours.id), stranger.as_str()),
            (their_url(&theirs.id), stranger.as_str()),
            (url(&theirs.id), member.as_str()),
            (format!("/v2/{PROJECT}/consistency-groups"), member.as_str()),
            (format!("/v2/{OTHER_PROJECT}/consistency-groups"), stranger.as_str()),
        ]
    });
    let answers = futures_util::future::join_all(reads.map(|(path, token)| {
        let app = &app;
        async move { (path.clone(), token, app.get(&path, &headers(token, "2.30")).await) }
    }))
    .await;
    for (path, token, response) in answers {
        let expected = match (path.as_str(), token) {
            (p, t) if p == url(&ours.id) && t == member => json!({"consistency_group": detail(&app, &ours, false)}),
            (p, t) if p == url(&ours.id) && t == admin => json!({"consistency_group": detail(&app, &ours, true)}),
            (p, _) if p == their_url(&theirs.id) => {
                json!({"consistency_group": links_under_other_project(detail(&app, &theirs, false))})
            }
            (p, _) if p.ends_with("/consistency-groups") => {
                let full = match token == member {
                    true => detail(&app, &ours, false),
                    false => links_under_other_project(detail(&app, &theirs, false)),
                };
                json!({"consistency_groups": [{"id": full["id"], "name": full["name"], "links": full["links"]}]})
            }
            (p, _) => {
                let id = p.rsplit('/').next().unwrap();
                assert_fault(
                    &response,
                    404,
                    "itemNotFound",
                    &format!("Consistency group {id} not found."),
                );
                continue;
            }
        };
        assert_eq!(response.status, 200, "{path} as {token}");
        assert_eq!(response.json(), expected, "{path} as {token}");
    }
});

/// `detail` links under the URL's project: the other project's, here.
fn links_under_other_project(mut view: Value) -> Value {
    let links = serde_json::to_string(&view["links"]).unwrap();
    view["links"] = serde_json::from_str(&links.replace(PROJECT, OTHER_PROJECT)).unwrap();
    view
}

// A read sent after a write returns sees the write, however busy the
// batches are with other reads of the same group.
both_backends!(
    a_read_after_a_write_sees_it_under_concurrent_reads,
    |app: TestApp| async move {
        let cg = insert_cg(&app, PROJECT, "available", None);
        let member = member();
        let headers = headers(&member, "2.30");
        let done = std::cell::Cell::new(false);
        let background = futures_util::future::join_all((0..8).map(|_| async {
            let mut statuses = Vec::new();
            while !done.get() {
                statuses.push(app.get(&url(&cg.id), &headers).await.status);
            }
            statuses
        }));
        let write_then_read = async {
            for round in 0..5 {
                let name = format!("renamed {round}");
                let body = json!({"consistency_group": {"name": name}});
                let response = app
                    .request(Method::PUT, &url(&cg.id), &headers, Some(&body.to_string()))
                    .await;
                assert_eq!(response.status, 200);
                let response = app.get(&url(&cg.id), &headers).await;
                assert_eq!(response.json()["consistency_group"]["name"], json!(name));
            }
            done.set(true);
        };
        let (reads, ()) = futures_util::future::join(background, write_then_read).await;
        assert!(reads.iter().flatten().all(|status| *status == 200));
    }
);

// Reference section 3.3, row by row, on a CG route.
both_backends!(experimental_gate_matrix, |app: TestApp| async move {
    let cg = insert_cg(&app, PROJECT, "available", None);
    let token = member();
    let path = url(&cg.id);
    let not_found = json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}});
    let cases: [(Option<&str>, Option<&str>, u16); 12] = [
        (None, None, 404),
        (None, Some("True"), 404),
        (Some("2.0"), Some("True"), 404),
        (Some("2.3"), Some("True"), 404),
        (Some("2.4"), None, 404),
        (Some("2.4"), Some("False"), 404),
        (Some("2.30"), Some("garbage"), 404),
        (Some("2.4"), Some("True"), 200),
        (Some("2.30"), Some("yes"), 200),
        (Some("2.31"), Some("True"), 406),
        (Some("1.9"), None, 406),
        (Some("2.x"), Some("True"), 400),
    ];
    for (version, experimental, status) in cases {
        let mut headers = vec![("X-Auth-Token", token.as_str())];
        headers.extend(version.map(|v| ("X-OpenStack-Manila-API-Version", v)));
        headers.extend(experimental.map(|e| ("X-OpenStack-Manila-API-Experimental", e)));
        let response = app.get(&path, &headers).await;
        assert_eq!(response.status, status, "{version:?} {experimental:?}");
        let echoed = response.header("x-openstack-manila-api-version");
        match status {
            404 => {
                assert_eq!(response.json(), not_found);
                assert_eq!(echoed, Some(version.unwrap_or("2.0")));
                let opted_in = experimental.is_some_and(|e| e == "True");
                assert_eq!(
                    response.header("x-openstack-manila-api-experimental").is_some(),
                    opted_in
                );
            }
            406 | 200 => assert_eq!(echoed, version),
            _ => assert_eq!(echoed, None),
        }
    }
});

both_backends!(update_changes_name_and_description_only, |app: TestApp| async move {
    let cg = insert_cg(&app, PROJECT, "error", None);
    let member = member();
    let body = r#"{"consistency_group": {"name": "renamed", "description": "Edited description"}}"#;
    let response = app
        .request(Method::PUT, &url(&cg.id), &headers(&member, "2.4"), Some(body))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let mut expected = detail(&app, &cg, false);
    expected["name"] = json!("renamed");
    expected["description"] = json!("Edited description");
    assert_eq!(response.json(), json!({"consistency_group": expected}));
    response.assert_request_id();

    let response = app
        .request(
            Method::PUT,
            &url(&cg.id),
            &headers(&member, "2.4"),
            Some(r#"{"consistency_group": {}}"#),
        )
        .await;
    assert_eq!(response.status, 200, "an empty update is accepted");
    let response = app
        .request(
            Method::PUT,
            &url(&cg.id),
            &headers(&member, "2.4"),
            Some(r#"{"consistency_group": {"name": null}}"#),
        )
        .await;
    assert_eq!(response.json()["consistency_group"]["name"], json!(null));
});

both_backends!(
    update_rejects_bad_bodies_and_writes_nothing,
    |app: TestApp| async move {
        let cg = insert_cg(&app, PROJECT, "available", None);
        let member = member();
        let long = format!(r#"{{"consistency_group": {{"name": "{}"}}}}"#, "n".repeat(256));
        let cases: [(Option<&str>, &str); 11] = [
            // No usable body never reached upstream's controller.
            (
                None,
                "The server could not comply with the request since it is either malformed or otherwise incorrect.",
            ),
            (
                Some(""),
                "The server could not comply with the request since it is either malformed or otherwise incorrect.",
            ),
            (Some("null"), "'consistency_group' is missing from the request body."),
            (
                Some(r#"{"consistency_groupp": {"name": "x"}}"#),
                "'consistency_group' is missing from the request body.",
            ),
            (
                Some(r#"{"consistency_group": "x"}"#),
                "'consistency_group' is missing from the request body.",
            ),
            (
                Some(r#"{"consistency_group": {"unknown_field": 1}}"#),
                "The fields set([u'unknown_field']) are invalid or not allowed to be updated.",
            ),
            (
                Some(r#"{"consistency_group": {"share_types": [], "status": "x"}}"#),
                "The fields set([u'share_types', u'status']) are invalid or not allowed to be updated.",
            ),
            (
                Some(&long),
                "Invalid input received: name has more than 255 characters.",
            ),
            (
                Some(r#"{"consistency_group": {"description": 5}}"#),
                "Invalid input received: description is not a string or unicode",
            ),
            (
                Some(r#"{"consistency_group": {"name": ["x"]}}"#),
                "Invalid input received: name is not a string or unicode",
            ),
            (Some("[]"), "'consistency_group' is missing from the request body."),
        ];
        for (body, message) in cases {
            let response = app
                .request(Method::PUT, &url(&cg.id), &headers(&member, "2.4"), body)
                .await;
            assert_fault(&response, 400, "badRequest", message);
        }
        let response = app
            .request(Method::PUT, &url(&cg.id), &headers(&member, "2.4"), Some("{broken"))
            .await;
        assert_fault(&response, 400, "badRequest", "Malformed request body");
        assert_eq!(stored(&app, &cg.id), Some(cg.clone()), "nothing was written");

        let missing = "6f519a48-3183-46cf-a32f-41815f816666";
        let response = app
            .request(
                Method::PUT,
                &url(missing),
                &headers(&member, "2.4"),
                Some(r#"{"consistency_group": {"name": "x"}}"#),
            )
            .await;
        assert_fault(
            &response,
            404,
            "itemNotFound",
            &format!("Consistency group {missing} not found."),
        );
    }
);

both_backends!(delete_of_an_unplaced_cg_removes_it_at_once, |app: TestApp| async move {
    let member = member();
    for status in ["creating", "error", "deleting"] {
        let cg = insert_cg(&app, PROJECT, status, None);
        let response = app
            .request(Method::DELETE, &url(&cg.id), &headers(&member, "2.4"), None)
            .await;
        assert_empty_accepted(&response, "2.4");
        assert_eq!(stored(&app, &cg.id), None, "{status}");
    }
});

both_backends!(delete_of_a_placed_cg_goes_through_deleting, |app: TestApp| async move {
    let member = member();
    let cg = insert_cg(&app, PROJECT, "available", Some("testhost@alpha#pool0"));
    let response = app
        .request(Method::DELETE, &url(&cg.id), &headers(&member, "2.7"), None)
        .await;
    assert_empty_accepted(&response, "2.7");
    // The worker removes it through the driver.
    wait_for(|| stored(&app, &cg.id).is_none()).await;
    let response = app.get(&url(&cg.id), &headers(&member, "2.7")).await;
    assert_eq!(response.status, 404);
    let mut conn = app.pool().get().unwrap();
    assert_eq!(
        jobs::claim_next(&mut conn, "probe", chrono::Duration::seconds(1)).unwrap(),
        None,
        "the job finished"
    );
});

both_backends!(delete_refuses_placed_cgs_in_other_states, |app: TestApp| async move {
    let member = member();
    for status in ["creating", "deleting", "error_deleting", "migrating"] {
        let cg = insert_cg(&app, PROJECT, status, Some("testhost@alpha#pool0"));
        let response = app
            .request(Method::DELETE, &url(&cg.id), &headers(&member, "2.4"), None)
            .await;
        assert_fault(
            &response,
            409,
            "conflictingRequest",
            "Invalid ConsistencyGroup: Consistency group status must be one of ('available', 'error')",
        );
        assert_eq!(stored(&app, &cg.id).map(|cg| cg.status), Some(status.to_string()));
    }
    let stranger = stranger();
    let cg = insert_cg(&app, PROJECT, "available", Some("testhost@alpha#pool0"));
    let response = app
        .request(
            Method::DELETE,
            &format!("/v2/{OTHER_PROJECT}/consistency-groups/{}", cg.id),
            &headers(&stranger, "2.4"),
            None,
        )
        .await;
    assert_fault(
        &response,
        404,
        "itemNotFound",
        &format!("Consistency group {} not found.", cg.id),
    );
});

both_backends!(racing_deletes_have_one_winner, |app: TestApp| async move {
    let member = member();
    let cg = insert_cg(&app, PROJECT, "available", Some("testhost@alpha#pool0"));
    let path = url(&cg.id);
    let headers = headers(&member, "2.4");
    let attempts = (0..6).map(|_| app.request(Method::DELETE, &path, &headers, None));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 202).count(), 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 202 || *s == 409 || *s == 404),
        "{statuses:?}"
    );
});

both_backends!(reset_status_is_admin_only_and_era_named, |app: TestApp| async move {
    let cg = insert_cg(&app, PROJECT, "available", Some("testhost@alpha#pool0"));
    let (admin, member) = (admin(), member());
    let action = format!("{}/action", url(&cg.id));
    for (version, key) in [("2.6", "os-reset_status"), ("2.7", "reset_status")] {
        let body = format!(r#"{{"{key}": {{"status": "error"}}}}"#);
        let response = app
            .request(Method::POST, &action, &headers(&member, version), Some(&body))
            .await;
        assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");
        assert_eq!(stored(&app, &cg.id).unwrap().status, "available");
        let response = app
            .request(Method::POST, &action, &headers(&admin, version), Some(&body))
            .await;
        assert_empty_accepted(&response, version);
        assert_eq!(stored(&app, &cg.id).unwrap().status, "error");
        let back = format!(r#"{{"{key}": {{"status": "available"}}}}"#);
        app.request(Method::POST, &action, &headers(&admin, version), Some(&back))
            .await;
    }
    // The other era's name is not found; a forbidden caller is told so first.
    let response = app
        .request(
            Method::POST,
            &action,
            &headers(&admin, "2.7"),
            Some(r#"{"os-reset_status": {"status": "error"}}"#),
        )
        .await;
    assert_fault(&response, 404, "itemNotFound", "The resource could not be found.");
    let response = app
        .request(
            Method::POST,
            &action,
            &headers(&admin, "2.6"),
            Some(r#"{"reset_status": {"status": "error"}}"#),
        )
        .await;
    assert_fault(&response, 404, "itemNotFound", "The resource could not be found.");
});

both_backends!(action_bodies_are_checked_like_upstream, |app: TestApp| async move {
    let cg = insert_cg(&app, PROJECT, "available", None);
    let admin = admin();
    let action = format!("{}/action", url(&cg.id));
    let states =
        "Invalid state. Valid states: available, creating, migrating_to, error_deleting, error, migrating, deleting.";
    let cases: [(Option<&str>, &str); 8] = [
        (None, "There is no such action: None"),
        (Some(r#"{"frobnicate": {}}"#), "There is no such action: frobnicate"),
        (
            Some(r#"{"reset_status": {}, "force_delete": {}}"#),
            "Malformed request body",
        ),
        (Some("{broken"), "Malformed request body"),
        (Some(r#"{"reset_status": {}}"#), "Must specify 'status'"),
        (Some(r#"{"reset_status": "error"}"#), "Must specify 'status'"),
        (Some(r#"{"reset_status": {"status": "bogus"}}"#), states),
        (Some(r#"{"reset_status": {"status": 5}}"#), states),
    ];
    for (body, message) in cases {
        let response = app.request(Method::POST, &action, &headers(&admin, "2.7"), body).await;
        assert_fault(&response, 400, "badRequest", message);
    }
    assert_eq!(stored(&app, &cg.id).unwrap().status, "available");
    // Upstream registered this URL for every method.
    let response = app.request(Method::GET, &action, &headers(&admin, "2.7"), None).await;
    assert_fault(&response, 400, "badRequest", "There is no such action: None");
    let missing = "6f519a48-3183-46cf-a32f-41815f816666";
    let response = app
        .request(
            Method::POST,
            &format!("{}/action", url(missing)),
            &headers(&admin, "2.7"),
            Some(r#"{"reset_status": {"status": "error"}}"#),
        )
        .await;
    assert_fault(&response, 404, "itemNotFound", "The resource could not be found.");
});

both_backends!(force_delete_removes_in_any_state, |app: TestApp| async move {
    let (admin, member) = (admin(), member());
    for (version, key) in [("2.4", "os-force_delete"), ("2.7", "force_delete")] {
        let cg = insert_cg(&app, PROJECT, "deleting", Some("testhost@alpha#pool0"));
        let action = format!("{}/action", url(&cg.id));
        let body = format!(r#"{{"{key}": null}}"#);
        let response = app
            .request(Method::POST, &action, &headers(&member, version), Some(&body))
            .await;
        assert_fault(&response, 403, "forbidden", "Access was denied to this resource.");
        let response = app
            .request(Method::POST, &action, &headers(&admin, version), Some(&body))
            .await;
        assert_empty_accepted(&response, version);
        assert_eq!(stored(&app, &cg.id), None);
    }
});

/// Polls until `done` holds (the workers are asynchronous), for at most 10 s.
pub async fn wait_for(mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("condition not reached within 10 s");
}

both_backends!(
    routes_mapped_without_a_handler_are_json_404s,
    |app: TestApp| async move {
        let cg = insert_cg(&app, PROJECT, "available", None);
        let member = member();
        for path in [
            format!("/v2/{PROJECT}/consistency-groups/new"),
            format!("{}/edit", url(&cg.id)),
        ] {
            let response = app.get(&path, &headers(&member, "2.7")).await;
            assert_fault(&response, 404, "itemNotFound", "The resource could not be found.");
        }
        // Other methods on `new` treat it as an id, as upstream's router did.
        let response = app
            .request(Method::DELETE, &url("new"), &headers(&member, "2.7"), None)
            .await;
        assert_fault(&response, 404, "itemNotFound", "Consistency group new not found.");
    }
);
