//! `/group_types` (3.11), `/groups` (3.13) and `/group_snapshots` (3.14),
//! read only: what Cinder's generic group API shows of consistency groups
//! (`service::volume_generic_groups`). One file for the three nouns, since
//! each is only this window onto the CGs; `/v3` only, as in Cinder.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::route::{resource, Level, ResourceId};
use crate::api::state::HttpState;
use crate::db;
use crate::error::Error;
use crate::policy::RequestContext;
use crate::service::volume_generic_groups::{self as service, GroupType};

pub fn routes(cfg: &mut web::ServiceConfig, level: Level) {
    if level == Level::V2 {
        return;
    }
    const BASE: &str = "/{project_id:[0-9a-f-]+}";
    resource(&format!("{BASE}/group_types"), level)
        .since(3, 11)
        .get(group_types)
        .register(cfg);
    for path in ["groups", "groups/detail"] {
        resource(&format!("{BASE}/{path}"), level)
            .since(3, 13)
            .get(groups)
            .register(cfg);
    }
    resource(&format!("{BASE}/groups/{{id}}"), level)
        .since(3, 13)
        .get(group)
        .register(cfg);
    for path in ["group_snapshots", "group_snapshots/detail"] {
        resource(&format!("{BASE}/{path}"), level)
            .since(3, 14)
            .get(group_snapshots)
            .register(cfg);
    }
    resource(&format!("{BASE}/group_snapshots/{{id}}"), level)
        .since(3, 14)
        .get(group_snapshot)
        .register(cfg);
}

/// A group type, keys in Cinder's order; the specs when policy allows.
#[derive(Serialize)]
struct GroupTypeView {
    id: &'static str,
    name: &'static str,
    description: &'static str,
    is_public: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_specs: Option<BTreeMap<&'static str, &'static str>>,
}

#[derive(Serialize)]
struct GroupTypes {
    group_types: Vec<GroupTypeView>,
}

async fn group_types(context: RequestContext) -> HttpResponse {
    let (types, with_specs) = service::group_types(&context);
    let view = |found: &GroupType| GroupTypeView {
        id: found.id,
        name: found.name,
        description: found.description,
        is_public: found.is_public,
        group_specs: with_specs.then(|| found.group_specs.iter().copied().collect()),
    };
    HttpResponse::Ok().json(GroupTypes {
        group_types: types.into_iter().map(view).collect(),
    })
}

#[derive(Serialize)]
struct Groups {
    groups: [(); 0],
}

async fn groups(context: RequestContext) -> Result<HttpResponse, Error> {
    service::list_groups(&context)?;
    Ok(HttpResponse::Ok().json(Groups { groups: [] }))
}

#[derive(Serialize)]
struct GroupSnapshots {
    group_snapshots: [(); 0],
}

async fn group_snapshots(context: RequestContext) -> Result<HttpResponse, Error> {
    service::list_group_snapshots(&context)?;
    Ok(HttpResponse::Ok().json(GroupSnapshots { group_snapshots: [] }))
}

async fn group(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
) -> Result<HttpResponse, Error> {
    match db::call(&state.pool, move |conn| service::show_group(conn, &context, &id)).await? {}
}

async fn group_snapshot(
    state: web::Data<HttpState>,
    context: RequestContext,
    ResourceId(id): ResourceId,
) -> Result<HttpResponse, Error> {
    match db::call(&state.pool, move |conn| {
        service::show_group_snapshot(conn, &context, &id)
    })
    .await? {}
}
