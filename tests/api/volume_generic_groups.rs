//! Cinder's generic group API as a window onto consistency groups
//! (reference section 14, "Mapping onto generic groups"): the reserved
//! group type is listed, CGs are left out of the group lists and their
//! ids refused.

use awc::http::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::volume_consistency_groups::{
    assert_json_headers, available_group, call, insert_volume, VolumeRow, ADMIN, MEMBER, PROJECT,
};

const RESERVED: &str = "3ba2a11c-a76c-4b1f-a9b4-2a2f5b8a0d6e";

both_backends!(
    group_types_list_the_reserved_type_from_3_11,
    |app: TestApp| async move {
        let app = &app;
        let path = format!("/v3/{PROJECT}/group_types");
        let admin = call(app, Method::GET, &path, ADMIN, Some("3.11"), None).await;
        assert_eq!(admin.status, 200);
        assert_eq!(
            admin.json(),
            json!({"group_types": [{"id": RESERVED, "name": "default_cgsnapshot_type",
            "description": "Default group type for migrating cgsnapshot", "is_public": true,
            "group_specs": {"consistent_group_snapshot_enabled": "<is> True"}}]})
        );
        assert_json_headers(&admin, "3.11");
        // The specs are for administrators.
        let member = call(app, Method::GET, &path, MEMBER, Some("3.71"), None).await;
        assert_eq!(
            member.json(),
            json!({"group_types": [{"id": RESERVED, "name": "default_cgsnapshot_type",
            "description": "Default group type for migrating cgsnapshot", "is_public": true}]})
        );
        // Before 3.11 there is no such API: Cinder's JSON 404.
        let early = call(app, Method::GET, &path, ADMIN, Some("3.10"), None).await;
        assert_eq!(early.status, 404);
        assert_eq!(
            early.json(),
            json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
        );
        assert_json_headers(&early, "3.10");
        // Nor under /v2.
        let v2 = call(
            app,
            Method::GET,
            &format!("/v2/{PROJECT}/group_types"),
            ADMIN,
            None,
            None,
        )
        .await;
        assert_eq!(v2.status, 404);
        assert_eq!(v2.header("content-type"), Some("text/plain; charset=UTF-8"));
    }
);

both_backends!(groups_leave_cgs_out_and_refuse_their_ids, |app: TestApp| async move {
    let app = &app;
    let group = available_group(app, "cg").await;
    for path in ["groups", "groups/detail"] {
        let listed = call(
            app,
            Method::GET,
            &format!("/v3/{PROJECT}/{path}"),
            MEMBER,
            Some("3.13"),
            None,
        )
        .await;
        assert_eq!(listed.status, 200);
        assert_eq!(listed.json(), json!({"groups": []}));
        assert_json_headers(&listed, "3.13");
    }
    let refused = call(
        app,
        Method::GET,
        &format!("/v3/{PROJECT}/groups/{group}"),
        MEMBER,
        Some("3.13"),
        None,
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.json(),
        json!({"badRequest": {"code": 400, "message": format!(
            "Group_type {RESERVED} is reserved for migrating CGs to groups. Migrated group can only be operated by CG APIs.")}})
    );
    let unknown = call(
        app,
        Method::GET,
        &format!("/v3/{PROJECT}/groups/nothing"),
        MEMBER,
        Some("3.13"),
        None,
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.json(),
        json!({"itemNotFound": {"code": 404, "message": "Group nothing could not be found."}})
    );
    let early = call(
        app,
        Method::GET,
        &format!("/v3/{PROJECT}/groups"),
        MEMBER,
        Some("3.12"),
        None,
    )
    .await;
    assert_fault_at(&early, "3.12");
});

both_backends!(group_snapshots_leave_cgsnapshots_out, |app: TestApp| async move {
    let app = &app;
    let group = available_group(app, "cg").await;
    insert_volume(
        app,
        VolumeRow {
            group: Some(&group),
            ..VolumeRow::default()
        },
    );
    let body = json!({"cgsnapshot": {"consistencygroup_id": group}});
    let created = call(
        app,
        Method::POST,
        &format!("/v3/{PROJECT}/cgsnapshots"),
        MEMBER,
        None,
        Some(body),
    )
    .await;
    assert_eq!(created.status, 202, "{}", created.text());
    let cgsnapshot = created.json()["cgsnapshot"]["id"].as_str().unwrap().to_string();

    for path in ["group_snapshots", "group_snapshots/detail"] {
        let listed = call(
            app,
            Method::GET,
            &format!("/v3/{PROJECT}/{path}"),
            MEMBER,
            Some("3.14"),
            None,
        )
        .await;
        assert_eq!(listed.json(), json!({"group_snapshots": []}));
    }
    let refused = call(
        app,
        Method::GET,
        &format!("/v3/{PROJECT}/group_snapshots/{cgsnapshot}"),
        MEMBER,
        Some("3.14"),
        None,
    )
    .await;
    assert_eq!(
        refused.json(),
        json!({"badRequest": {"code": 400, "message": format!(
            "Group_type {RESERVED} is reserved for migrating CGs to groups. Migrated group snapshots can only be operated by CG snapshot APIs.")}})
    );
    let unknown = call(
        app,
        Method::GET,
        &format!("/v3/{PROJECT}/group_snapshots/x"),
        MEMBER,
        Some("3.14"),
        None,
    )
    .await;
    assert_eq!(
        unknown.json(),
        json!({"itemNotFound": {"code": 404, "message": "GroupSnapshot x could not be found."}})
    );
});

/// Cinder's JSON 404 for an API not yet in the request's version.
fn assert_fault_at(response: &crate::helpers::TestResponse, version: &str) {
    assert_eq!(response.status, 404);
    assert_eq!(
        response.json(),
        json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
    );
    assert_json_headers(response, version);
}
