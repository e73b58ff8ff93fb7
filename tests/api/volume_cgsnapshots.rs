//! Cinder's cgsnapshots over HTTP (reference section 14): create, show,
//! list, delete, and a consistency group made from one.

use awc::http::Method;
use diesel::prelude::*;
use manila_cg_api::db::schema::{volume_snapshots, volumes};
use manila_cg_api::db::LIVE;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::TestApp;
use crate::volume_consistency_groups::{
    assert_accepted_empty, assert_fault, assert_json_headers, available_group, call, cgs, force_group_state,
    insert_volume, wait_for, wait_gone, VolumeRow, HOST, MEMBER, OTHER, PROJECT, STRANGER,
};

fn snapshots_path(project: &str) -> String {
    format!("/v3/{project}/cgsnapshots")
}

/// The statuses of a cgsnapshot's live member snapshots.
fn member_statuses(app: &TestApp, cgsnapshot_id: &str) -> Vec<String> {
    let mut conn = app.pool().get().unwrap();
    volume_snapshots::table
        .filter(volume_snapshots::cgsnapshot_id.eq(cgsnapshot_id))
        .filter(volume_snapshots::deleted.eq(LIVE))
        .select(volume_snapshots::status)
        .load(&mut *conn)
        .unwrap()
}

both_backends!(create_show_list_and_delete, |app: TestApp| async move {
    let app = &app;
    let group = available_group(app, "cg").await;
    insert_volume(
        app,
        VolumeRow {
            group: Some(&group),
            ..VolumeRow::default()
        },
    );
    insert_volume(
        app,
        VolumeRow {
            group: Some(&group),
            status: "in-use",
            attach_status: "attached",
            ..VolumeRow::default()
        },
    );
    // python-cinderclient sends null for a name or description not given.
    let body = json!({"cgsnapshot": {"consistencygroup_id": group, "name": null, "description": "d",
        "user_id": null, "project_id": null, "status": "creating"}});
    let created = call(app, Method::POST, &snapshots_path(PROJECT), MEMBER, None, Some(body)).await;
    assert_eq!(created.status, 202, "{}", created.text());
    let id = created.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();
    assert_eq!(created.json(), json!({"cgsnapshot": {"id": id, "name": null}}));
    assert_json_headers(&created, "3.0");

    let path = format!("{}/{id}", snapshots_path(PROJECT));
    let shown = wait_for(app, &path, "cgsnapshot", "available").await;
    let detail = json!({"id": id, "consistencygroup_id": group, "status": "available",
        "created_at": shown["created_at"], "name": null, "description": "d"});
    assert_eq!(shown, detail);
    assert_eq!(member_statuses(app, &id), ["available", "available"]);
    let show = call(app, Method::GET, &format!("{path}.json"), MEMBER, None, None).await;
    assert!(show
        .text()
        .starts_with(&format!(r#"{{"cgsnapshot":{{"id":"{id}","consistencygroup_id""#)));

    let second = call(
        app,
        Method::POST,
        &snapshots_path(PROJECT),
        MEMBER,
        None,
        Some(json!({"cgsnapshot": {"consistencygroup_id": group, "name": "second"}})),
    )
    .await;
    let second = second.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();
    wait_for(
        app,
        &format!("{}/{second}", snapshots_path(PROJECT)),
        "cgsnapshot",
        "available",
    )
    .await;
    // Newest first; filters ignored; limit and offset applied; no links.
    let list = call(
        app,
        Method::GET,
        &format!("{}?status=nothing&all_tenants=1", snapshots_path(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(
        list.json(),
        json!({"cgsnapshots": [{"id": second, "name": "second"}, {"id": id, "name": null}]})
    );
    let page = call(
        app,
        Method::GET,
        &format!("{}/detail?limit=1&offset=1", snapshots_path(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(page.json(), json!({"cgsnapshots": [detail]}));
    let zero = call(
        app,
        Method::GET,
        &format!("{}?limit=0", snapshots_path(PROJECT)),
        MEMBER,
        None,
        None,
    )
    .await;
    assert_eq!(zero.json()["cgsnapshots"].as_array().unwrap().len(), 2);
    let theirs = call(app, Method::GET, &snapshots_path(OTHER), STRANGER, None, None).await;
    assert_eq!(theirs.json(), json!({"cgsnapshots": []}));

    // A group with cgsnapshots cannot be deleted, even forced.
    let refused = call(
        app,
        Method::POST,
        &format!("{}/{group}/delete", cgs(PROJECT)),
        MEMBER,
        None,
        Some(json!({"consistencygroup": {"force": true}})),
    )
    .await;
    assert_fault(
        &refused,
        400,
        "badRequest",
        "Invalid Group: Group has existing snapshots.",
    );

    let deleted = call(app, Method::DELETE, &path, MEMBER, None, None).await;
    assert_accepted_empty(&deleted);
    wait_gone(app, &path).await;
    assert_eq!(member_statuses(app, &id), Vec::<String>::new());
    let again = call(app, Method::DELETE, &path, MEMBER, None, None).await;
    assert_fault(
        &again,
        404,
        "itemNotFound",
        &format!("GroupSnapshot {id} could not be found."),
    );
    // Cinder never had a cgsnapshot update.
    let put = call(
        app,
        Method::PUT,
        &format!("{}/{second}", snapshots_path(PROJECT)),
        MEMBER,
        None,
        Some(json!({})),
    )
    .await;
    assert_fault(&put, 404, "itemNotFound", "The resource could not be found.");
    // Another project's cgsnapshot does not exist for a member.
    let hidden = call(
        app,
        Method::GET,
        &format!("{}/{second}", snapshots_path(OTHER)),
        STRANGER,
        None,
        None,
    )
    .await;
    assert_fault(
        &hidden,
        404,
        "itemNotFound",
        &format!("GroupSnapshot {second} could not be found."),
    );
});

both_backends!(create_refusals, |app: TestApp| async move {
    let app = &app;
    let bad = "badRequest";
    let post =
        |body: Value| async move { call(app, Method::POST, &snapshots_path(PROJECT), MEMBER, None, Some(body)).await };
    assert_fault(&post(json!(null)).await, 400, bad, "None is not of type 'object'");
    assert_fault(
        &post(json!({"cg": {}})).await,
        400,
        bad,
        "'cgsnapshot' is a required property",
    );
    assert_fault(
        &post(json!({"cgsnapshot": {"name": "x"}})).await,
        400,
        bad,
        "Invalid input for field/attribute cgsnapshot. Value: {'name': 'x'}. 'consistencygroup_id' is a required property",
    );
    assert_fault(
        &post(json!({"cgsnapshot": {"consistencygroup_id": 5}})).await,
        400,
        bad,
        "Invalid input for field/attribute consistencygroup_id. Value: 5. 5 is not of type 'string'",
    );
    assert_fault(
        &post(json!({"cgsnapshot": {"consistencygroup_id": "nothing"}})).await,
        404,
        "itemNotFound",
        "Group nothing could not be found.",
    );
    let group = available_group(app, "cg").await;
    let body = json!({"cgsnapshot": {"consistencygroup_id": group}});
    let empty = "Invalid Group: Source group cannot be empty or in 'creating' or 'updating' state. No group snapshot will be created.";
    assert_fault(&post(body.clone()).await, 400, bad, empty);
    insert_volume(
        app,
        VolumeRow {
            group: Some(&group),
            ..VolumeRow::default()
        },
    );
    force_group_state(app, &group, Some(HOST), "updating");
    assert_fault(&post(body.clone()).await, 400, bad, empty);
    force_group_state(app, &group, None, "available");
    assert_fault(
        &post(body.clone()).await,
        400,
        bad,
        "Invalid volume: volume is not assigned to a host",
    );
    force_group_state(app, &group, Some(HOST), "available");
    let broken = insert_volume(
        app,
        VolumeRow {
            group: Some(&group),
            status: "error",
            ..VolumeRow::default()
        },
    );
    assert_fault(
        &post(body.clone()).await,
        400,
        bad,
        "Invalid volume: The snapshot cannot be created when the volume is in error status.",
    );
    let mut conn = app.pool().get().unwrap();
    diesel::update(volumes::table.filter(volumes::id.eq(&broken)))
        .set(volumes::status.eq("available"))
        .execute(&mut *conn)
        .unwrap();
    let theirs = call(
        app,
        Method::POST,
        &snapshots_path(OTHER),
        STRANGER,
        None,
        Some(body.clone()),
    )
    .await;
    assert_fault(
        &theirs,
        404,
        "itemNotFound",
        &format!("Group {group} could not be found."),
    );
    assert_eq!(post(body).await.status, 202);
});

both_backends!(
    delete_needs_a_finished_cgsnapshot_not_in_use,
    |app: TestApp| async move {
        let app = &app;
        let group = available_group(app, "cg").await;
        insert_volume(
            app,
            VolumeRow {
                group: Some(&group),
                ..VolumeRow::default()
            },
        );
        let created = call(
            app,
            Method::POST,
            &snapshots_path(PROJECT),
            MEMBER,
            None,
            Some(json!({"cgsnapshot": {"consistencygroup_id": group}})),
        )
        .await;
        let id = created.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();
        let path = format!("{}/{id}", snapshots_path(PROJECT));
        wait_for(app, &path, "cgsnapshot", "available").await;

        // A group made from it: while it is `creating`, the cgsnapshot stays.
        let from = call(
            app,
            Method::POST,
            &format!("{}/create_from_src", cgs(PROJECT)),
            MEMBER,
            None,
            Some(json!({"consistencygroup-from-src": {"name": "copy", "cgsnapshot_id": id, "source_cgid": null}})),
        )
        .await;
        assert_eq!(from.status, 202, "{}", from.text());
        let copy = from.json()["consistencygroup"]["id"].as_str().unwrap().to_string();
        wait_for(
            app,
            &format!("{}/{copy}", cgs(PROJECT)),
            "consistencygroup",
            "available",
        )
        .await;
        force_group_state(app, &copy, None, "creating");
        let refused = call(app, Method::DELETE, &path, MEMBER, None, None).await;
        assert_fault(&refused, 400, "badRequest", "Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation.");
        force_group_state(app, &copy, Some(HOST), "available");
        let copy_volumes: i64 = {
            let mut conn = app.pool().get().unwrap();
            volumes::table
                .filter(volumes::consistencygroup_id.eq(&copy))
                .count()
                .get_result(&mut *conn)
                .unwrap()
        };
        assert_eq!(copy_volumes, 1);
        assert_accepted_empty(&call(app, Method::DELETE, &path, MEMBER, None, None).await);
        wait_gone(app, &path).await;
    }
);

both_backends!(creating_needs_the_snapshot_rule, |app: TestApp| async move {
    let app = &app;
    let group = available_group(app, "cg").await;
    insert_volume(
        app,
        VolumeRow {
            group: Some(&group),
            ..VolumeRow::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.yaml");
    std::fs::write(&path, "\"group:create_group_snapshot\": \"role:admin\"\n").unwrap();
    let strict = app.spawn_beside(|config| {
        config.policy.policy_file = Some(path.clone());
        config.policy.required = true;
    });
    let body = json!({"cgsnapshot": {"consistencygroup_id": group}});
    let denied = call(
        &strict,
        Method::POST,
        &snapshots_path(PROJECT),
        MEMBER,
        None,
        Some(body),
    )
    .await;
    assert_fault(
        &denied,
        403,
        "forbidden",
        "Policy doesn't allow group:create_group_snapshot to be performed.",
    );
});
