//! The asynchronous half of a consistency group's life: scheduling and
//! creation after `POST`, removal after `DELETE`. Each step is a
//! conditional update, so a CG that an admin reset or deleted meanwhile is
//! left as the admin left it.

use crate::db::consistency_groups::{self as repo, ConsistencyGroup, Scope};
use crate::db::{self};
use crate::error::Error;
use crate::scheduler;
use crate::startup::AppState;
use crate::worker::driver::CgRequest;

const CREATING: &str = "creating";
const DELETING: &str = "deleting";
const ERROR: &str = "error";

async fn load(state: &AppState, id: &str) -> Result<Option<ConsistencyGroup>, Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| Ok(repo::find(conn, &id, Scope::All)?)).await
}

async fn set_status(state: &AppState, id: &str, from: &'static str, to: &'static str) -> Result<(), Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| Ok(repo::transition(conn, &id, &[from], to)?)).await?;
    Ok(())
}

pub fn request(cg: &ConsistencyGroup, host: &str) -> CgRequest {
    CgRequest {
        id: cg.id.clone(),
        host: host.to_string(),
        share_network_id: cg.share_network_id.clone(),
        share_server_id: cg.share_server_id.clone(),
    }
}

/// `creating`: place it if it has no host yet, then have the backend make it.
pub async fn create(state: &AppState, id: &str) -> Result<(), Error> {
    let Some(cg) = load(state, id).await? else {
        return Ok(());
    };
    if cg.status != CREATING {
        return Ok(());
    }
    let host = match cg.host.clone() {
        Some(host) => host,
        None => match schedule(state, &cg).await? {
            Some(host) => host,
            None => {
                log::warn!("consistency group {id}: no backend accepts all its share types");
                return set_status(state, id, CREATING, ERROR).await;
            }
        },
    };
    let Some((backend, driver)) = state.drivers.for_host(&host) else {
        log::warn!("consistency group {id}: backend of {host} is not configured");
        return set_status(state, id, CREATING, ERROR).await;
    };
    if cg.share_network_id.is_some() && !backend.driver_handles_share_servers {
        log::warn!("consistency group {id}: a share network was given to {host}, which does not handle share servers");
        return set_status(state, id, CREATING, ERROR).await;
    }
    match driver.create_consistency_group(&request(&cg, &host)).await {
        Ok(created) => {
            let id = id.to_string();
            db::call(&state.pool, move |conn| {
                Ok(repo::mark_created(conn, &id, created.share_server_id.as_deref())?)
            })
            .await?;
            Ok(())
        }
        Err(err) => {
            log::warn!("consistency group {id}: {err}");
            set_status(state, id, CREATING, ERROR).await
        }
    }
}

/// Runs the scheduler and records its choice; `None` when nothing fits.
async fn schedule(state: &AppState, cg: &ConsistencyGroup) -> Result<Option<String>, Error> {
    let id = cg.id.clone();
    let extra_specs = db::call(&state.pool, move |conn| Ok(repo::share_type_extra_specs(conn, &id)?)).await?;
    let pools = scheduler::pools(&state.config.host, &state.config.backends);
    let Some(pool) = scheduler::place_consistency_group(&pools, &extra_specs) else {
        return Ok(None);
    };
    let (id, host) = (cg.id.clone(), pool.host.clone());
    let assigned = db::call(&state.pool, move |conn| Ok(repo::assign_host(conn, &id, &host)?)).await?;
    Ok(assigned.then(|| pool.host.clone()))
}

/// `deleting`: have the backend remove it, then remove the row.
pub async fn delete(state: &AppState, id: &str) -> Result<(), Error> {
    let Some(cg) = load(state, id).await? else {
        return Ok(());
    };
    if cg.status != DELETING {
        return Ok(());
    }
    let Some(host) = cg.host.clone() else {
        return set_status(state, id, DELETING, ERROR).await;
    };
    let Some((_, driver)) = state.drivers.for_host(&host) else {
        log::warn!("consistency group {id}: backend of {host} is not configured");
        return set_status(state, id, DELETING, ERROR).await;
    };
    match driver.delete_consistency_group(&request(&cg, &host)).await {
        Ok(()) => {
            let id = id.to_string();
            db::call(&state.pool, move |conn| {
                Ok(repo::soft_delete(conn, &id, Some(&[DELETING]))?)
            })
            .await?;
            Ok(())
        }
        Err(err) => {
            log::warn!("consistency group {id}: {err}");
            set_status(state, id, DELETING, ERROR).await
        }
    }
}
