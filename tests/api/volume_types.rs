//! Cinder's volume types: list, show (also `default`), create, delete.

use awc::http::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{TestApp, PROJECT};
use crate::volume_volumes::{
    admin_token, assert_accepted_empty, assert_fault, available_volume, call, member_token, DEFAULT_TYPE_ID,
};

fn default_type(admin: bool) -> Value {
    if admin {
        json!({
            "id": DEFAULT_TYPE_ID, "name": "__DEFAULT__", "is_public": true,
            "description": "Default Volume Type", "extra_specs": {}, "qos_specs_id": null,
            "os-volume-type-access:is_public": true,
        })
    } else {
        json!({
            "id": DEFAULT_TYPE_ID, "name": "__DEFAULT__", "is_public": true,
            "description": "Default Volume Type", "extra_specs": {},
            "os-volume-type-access:is_public": true,
        })
    }
}

both_backends!(the_default_type_is_listed_and_shown, |app: TestApp| async move {
    let listed = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/types"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.header("openstack-api-version"), Some("volume 3.0"));
    listed.assert_request_id();
    assert_eq!(listed.json(), json!({"volume_types": [default_type(false)]}));
    let shown = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/types/{DEFAULT_TYPE_ID}"),
        &admin_token(),
        None,
        None,
    )
    .await;
    assert_eq!(shown.json(), json!({"volume_type": default_type(true)}));
    let by_alias = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/types/default"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(by_alias.json(), json!({"volume_type": default_type(false)}));
    let missing = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/types/nope"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_fault(&missing, 404, "itemNotFound", "Volume type nope could not be found.");
    let v2 = call(
        &app,
        Method::GET,
        &format!("/v2/{PROJECT}/types"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(v2.status, 200);
    assert_eq!(v2.header("openstack-api-version"), None);
});

both_backends!(admins_create_and_delete_types, |app: TestApp| async move {
    let path = format!("/v3/{PROJECT}/types");
    let denied = call(
        &app,
        Method::POST,
        &path,
        &member_token(),
        None,
        Some(json!({"volume_type": {"name": "gold"}})),
    )
    .await;
    assert_fault(
        &denied,
        403,
        "forbidden",
        "Policy doesn't allow volume_extension:type_create to be performed.",
    );
    let created = call(
        &app,
        Method::POST,
        &path,
        &admin_token(),
        None,
        Some(json!({"volume_type": {
            "name": "gold", "description": "fast", "os-volume-type-access:is_public": "False",
            "extra_specs": {"volume_backend_name": "LVM", "multiattach": "<is> False"},
        }})),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());
    let id = created.json()["volume_type"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        created.json(),
        json!({"volume_type": {
            "id": id, "name": "gold", "is_public": false, "description": "fast",
            "extra_specs": {"volume_backend_name": "LVM", "multiattach": "<is> False"},
            "qos_specs_id": null, "os-volume-type-access:is_public": false,
        }})
    );
    let twice = call(
        &app,
        Method::POST,
        &path,
        &admin_token(),
        None,
        Some(json!({"volume_type": {"name": "gold"}})),
    )
    .await;
    assert_fault(&twice, 409, "conflictingRequest", "Volume Type gold already exists.");
    for (body, message) in [
        (json!({"volume_type": {}}), "'name' is a required property"),
        (json!({"volume_type": {"name": ""}}), "Invalid input for field/attribute name. Value: . '' should be non-empty"),
        (json!({"volume_type": {"name": "x", "bad": 1}}), "Invalid input for field/attribute volume_type. Value: {'name': 'x', 'bad': 1}. Additional properties are not allowed ('bad' was unexpected)"),
        (json!({"volume_type": {"name": 5}}), "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'"),
    ] {
        let refused = call(&app, Method::POST, &path, &admin_token(), None, Some(body)).await;
        assert_eq!(refused.status, 400, "{}", refused.text());
        if !message.contains("{'name'") {
            assert_fault(&refused, 400, "badRequest", message);
        }
    }

    // A private type: administrators see it, members do not.
    let admin_list = call(
        &app,
        Method::GET,
        &format!("{path}?is_public=none"),
        &admin_token(),
        None,
        None,
    )
    .await;
    assert_eq!(admin_list.json()["volume_types"].as_array().unwrap().len(), 2);
    let member_list = call(&app, Method::GET, &path, &member_token(), None, None).await;
    assert_eq!(member_list.json()["volume_types"].as_array().unwrap().len(), 1);
    let hidden = call(&app, Method::GET, &format!("{path}/{id}"), &member_token(), None, None).await;
    assert_fault(
        &hidden,
        404,
        "itemNotFound",
        &format!("Volume type {id} could not be found."),
    );
    // Members see only the extra specs users may see.
    let public = call(
        &app,
        Method::POST,
        &path,
        &admin_token(),
        None,
        Some(json!({"volume_type": {"name": "silver", "extra_specs": {"volume_backend_name": "LVM", "multiattach": "<is> True"}}})),
    )
    .await;
    let silver = public.json()["volume_type"]["id"].as_str().unwrap().to_string();
    let seen = call(
        &app,
        Method::GET,
        &format!("{path}/{silver}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(
        seen.json()["volume_type"]["extra_specs"],
        json!({"multiattach": "<is> True"})
    );

    // A type in use cannot go; an unused one can; the default never.
    available_volume(&app, &member_token(), json!({"size": 1, "volume_type": "silver"})).await;
    let in_use = call(
        &app,
        Method::DELETE,
        &format!("{path}/{silver}"),
        &admin_token(),
        None,
        None,
    )
    .await;
    assert_fault(&in_use, 400, "badRequest", "Target volume type is still in use.");
    let default = call(
        &app,
        Method::DELETE,
        &format!("{path}/{DEFAULT_TYPE_ID}"),
        &admin_token(),
        None,
        None,
    )
    .await;
    assert_fault(
        &default,
        400,
        "badRequest",
        &format!("The volume type {DEFAULT_TYPE_ID} is a default volume type and cannot be deleted."),
    );
    let member_delete = call(
        &app,
        Method::DELETE,
        &format!("{path}/{id}"),
        &member_token(),
        None,
        None,
    )
    .await;
    assert_eq!(member_delete.status, 403);
    assert_accepted_empty(
        &call(
            &app,
            Method::DELETE,
            &format!("{path}/{id}"),
            &admin_token(),
            None,
            None,
        )
        .await,
    );
    let gone = call(&app, Method::GET, &format!("{path}/{id}"), &admin_token(), None, None).await;
    assert_fault(
        &gone,
        404,
        "itemNotFound",
        &format!("Volume type {id} could not be found."),
    );
});

both_backends!(extra_specs_are_set_read_and_removed, |app: TestApp| async move {
    let created = call(
        &app,
        Method::POST,
        &format!("/v3/{PROJECT}/types"),
        &admin_token(),
        None,
        Some(json!({"volume_type": {"name": "bronze"}})),
    )
    .await;
    let id = created.json()["volume_type"]["id"].as_str().unwrap().to_string();
    let specs = format!("/v3/{PROJECT}/types/{id}/extra_specs");
    let denied = call(
        &app,
        Method::POST,
        &specs,
        &member_token(),
        None,
        Some(json!({"extra_specs": {"a": "b"}})),
    )
    .await;
    assert_fault(
        &denied,
        403,
        "forbidden",
        "Policy doesn't allow volume_extension:types_extra_specs:create to be performed.",
    );
    let set = call(
        &app,
        Method::POST,
        &specs,
        &admin_token(),
        None,
        Some(json!({"extra_specs": {"volume_backend_name": "LVM", "multiattach": "<is> True"}})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(
        set.json(),
        json!({"extra_specs": {"volume_backend_name": "LVM", "multiattach": "<is> True"}})
    );
    let clash = call(
        &app,
        Method::POST,
        &specs,
        &admin_token(),
        None,
        Some(json!({"extra_specs": {"cacheable": "<is> True"}})),
    )
    .await;
    assert_fault(&clash, 400, "badRequest", "cacheable cannot be set with multiattach.");
    let admin_sees = call(&app, Method::GET, &specs, &admin_token(), None, None).await;
    assert_eq!(
        admin_sees.json(),
        json!({"extra_specs": {"volume_backend_name": "LVM", "multiattach": "<is> True"}})
    );
    let member_sees = call(&app, Method::GET, &specs, &member_token(), None, None).await;
    assert_eq!(member_sees.json(), json!({"extra_specs": {"multiattach": "<is> True"}}));
    let one = call(
        &app,
        Method::GET,
        &format!("{specs}/volume_backend_name"),
        &admin_token(),
        None,
        None,
    )
    .await;
    assert_eq!(one.json(), json!({"volume_backend_name": "LVM"}));
    let changed = call(
        &app,
        Method::PUT,
        &format!("{specs}/volume_backend_name"),
        &admin_token(),
        None,
        Some(json!({"volume_backend_name": "FAST"})),
    )
    .await;
    assert_eq!(changed.json(), json!({"volume_backend_name": "FAST"}));
    let mismatch = call(
        &app,
        Method::PUT,
        &format!("{specs}/other"),
        &admin_token(),
        None,
        Some(json!({"x": "y"})),
    )
    .await;
    assert_fault(&mismatch, 400, "badRequest", "Request body and URI mismatch");
    assert_accepted_empty(
        &call(
            &app,
            Method::DELETE,
            &format!("{specs}/volume_backend_name"),
            &admin_token(),
            None,
            None,
        )
        .await,
    );
    let missing = call(
        &app,
        Method::GET,
        &format!("{specs}/volume_backend_name"),
        &admin_token(),
        None,
        None,
    )
    .await;
    assert_fault(
        &missing,
        404,
        "itemNotFound",
        &format!("Volume Type {id} has no extra specs with key volume_backend_name."),
    );
    let unknown = call(
        &app,
        Method::GET,
        &format!("/v3/{PROJECT}/types/nope/extra_specs"),
        &admin_token(),
        None,
        None,
    )
    .await;
    assert_fault(&unknown, 404, "itemNotFound", "Volume type nope could not be found.");

    // A type in use keeps its specs.
    available_volume(&app, &member_token(), json!({"size": 1, "volume_type": "bronze"})).await;
    let in_use = call(
        &app,
        Method::POST,
        &specs,
        &admin_token(),
        None,
        Some(json!({"extra_specs": {"a": "b"}})),
    )
    .await;
    assert_fault(&in_use, 400, "badRequest", "Volume Type is currently in use.");
});
