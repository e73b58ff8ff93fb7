//! Share types (`/{project_id}/types`), their extra specs
//! (`/{project_id}/types/{type_id}/extra_specs`) and the default type,
//! laid out as upstream's `mapper.resource` calls lay them out, on `/v1`
//! and `/v2` alike. The type-access API (`.../action`,
//! `.../share_type_access`) is not served yet.

mod create;
mod delete;
mod extra_specs;
mod list;
mod show;
mod views;

use actix_web::http::Method;
use actix_web::web::ServiceConfig;
use serde::Deserialize;

use crate::api::microversion::{RequestVersion, VersionGate};
use crate::api::route::resource;
use crate::service::share_types::SnapshotSupport;

/// Registers every share-type route under the scope `cfg` belongs to.
/// Collection paths come before `{id}`, which would otherwise take them;
/// they fall through for the methods Routes does not map there, so that
/// `DELETE /types/default` deletes the type whose id is `default`.
pub fn routes(cfg: &mut ServiceConfig, gate: VersionGate) {
    resource("/{project_id}/types/default", gate)
        .get(show::default)
        .fall_through()
        .register(cfg);
    for unmapped in ["detail", "new"] {
        resource(&format!("/{{project_id}}/types/{unmapped}"), gate)
            .unimplemented(Method::GET)
            .fall_through()
            .register(cfg);
    }
    resource("/{project_id}/types", gate)
        .get(list::list)
        .post(create::create)
        .register(cfg);
    resource("/{project_id}/types/{id}", gate)
        .get(show::show)
        .delete(delete::delete)
        .unimplemented(Method::PUT)
        .register(cfg);
    resource("/{project_id}/types/{id}/edit", gate)
        .unimplemented(Method::GET)
        .register(cfg);

    resource("/{project_id}/types/{type_id}/extra_specs/new", gate)
        .unimplemented(Method::GET)
        .fall_through()
        .register(cfg);
    resource("/{project_id}/types/{type_id}/extra_specs", gate)
        .get(extra_specs::list)
        .post(extra_specs::set)
        .register(cfg);
    resource("/{project_id}/types/{type_id}/extra_specs/{id}", gate)
        .get(extra_specs::show)
        .put(extra_specs::update)
        .delete(extra_specs::unset)
        .register(cfg);
    resource("/{project_id}/types/{type_id}/extra_specs/{id}/edit", gate)
        .unimplemented(Method::GET)
        .register(cfg);
}

#[derive(Deserialize)]
pub struct TypePath {
    id: String,
}

/// `snapshot_support` stopped being implied in 2.24.
fn snapshot_support_at(version: &RequestVersion) -> SnapshotSupport {
    if version.at_least(2, 24) {
        SnapshotSupport::Optional
    } else {
        SnapshotSupport::Implied
    }
}
