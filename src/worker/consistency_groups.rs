//! The asynchronous half of a consistency group's life: scheduling and
//! creation after `POST`, removal after `DELETE`. Each step is a
//! conditional update, so a CG that an admin reset or deleted meanwhile is
//! left as the admin left it.

use crate::db::consistency_groups::{self as repo, ConsistencyGroup, Scope};
use crate::db::shares;
use crate::db::{self};
use crate::error::Error;
use crate::scheduler;
use crate::worker::driver::{CgRequest, ShareDriver};
use crate::worker::shares::request as share_request;
use crate::worker::WorkerState;

const CREATING: &str = "creating";
const DELETING: &str = "deleting";
const ERROR: &str = "error";

async fn load(state: &WorkerState, id: &str) -> Result<Option<ConsistencyGroup>, Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| Ok(repo::find(conn, &id, Scope::All)?)).await
}

async fn set_status(state: &WorkerState, id: &str, from: &'static str, to: &'static str) -> Result<(), Error> {
    let id = id.to_string();
    db::write_statement(&state.pool, move |conn| Ok(repo::set_status(conn, &id, &[from], to)?)).await?;
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

/// The group and, if it still has no host, the extra specs of its share
/// types that the scheduler places it by: one trip to the database.
async fn load_unplaced(
    state: &WorkerState,
    id: &str,
) -> Result<Option<(ConsistencyGroup, Vec<Vec<(String, String)>>)>, Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| {
        let Some(cg) = repo::find(conn, &id, Scope::All)? else {
            return Ok(None);
        };
        let extra_specs = match cg.host {
            None if cg.status == CREATING => repo::share_type_extra_specs(conn, &id)?,
            _ => Vec::new(),
        };
        Ok(Some((cg, extra_specs)))
    })
    .await
}

/// `creating`: place it if it has no host yet, then have the backend make it.
pub async fn create(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some((cg, extra_specs)) = load_unplaced(state, id).await? else {
        return Ok(());
    };
    if cg.status != CREATING {
        return Ok(());
    }
    let host = match cg.host.clone() {
        Some(host) => host,
        None => match schedule(state, &cg, &extra_specs).await? {
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
    if let Some(snapshot_id) = cg.source_cgsnapshot_id.clone() {
        return create_from_snapshot(state, &cg, &host, driver.as_ref(), &snapshot_id).await;
    }
    match driver.create_consistency_group(&request(&cg, &host)).await {
        Ok(created) => {
            let id = id.to_string();
            db::write_statement(&state.pool, move |conn| {
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

/// A CG made from a cgsnapshot: its shares were written with it; the
/// backend makes them all with the CG, and all become `available`
/// together, or the CG and its shares `error`.
async fn create_from_snapshot(
    state: &WorkerState,
    cg: &ConsistencyGroup,
    host: &str,
    driver: &dyn ShareDriver,
    snapshot_id: &str,
) -> Result<(), Error> {
    let cg_id = cg.id.clone();
    let members = db::call(&state.pool, move |conn| {
        Ok(shares::list_in_consistency_group(conn, &cg_id)?)
    })
    .await?;
    let requests: Vec<_> = members.iter().map(|share| share_request(share, host)).collect();
    let outcome = driver
        .create_consistency_group_from_cgsnapshot(&request(cg, host), snapshot_id, &requests)
        .await;
    let cg_id = cg.id.clone();
    let share_ids: Vec<String> = members.into_iter().map(|share| share.id).collect();
    db::write(&state.pool, move |conn| {
        match outcome {
            Ok((created, made)) => {
                repo::mark_created(conn, &cg_id, created.share_server_id.as_deref())?;
                for (id, share) in share_ids.iter().zip(made) {
                    shares::mark_created(conn, id, &share.export_paths, share.share_server_id.as_deref())?;
                }
            }
            Err(err) => {
                log::warn!("consistency group {cg_id}: {err}");
                repo::set_status(conn, &cg_id, &[CREATING], ERROR)?;
                for id in &share_ids {
                    shares::set_status(conn, id, &[CREATING], ERROR)?;
                }
            }
        }
        Ok(())
    })
    .await
}

/// Runs the scheduler on the group's `extra_specs` and records its choice;
/// `None` when nothing fits.
async fn schedule(
    state: &WorkerState,
    cg: &ConsistencyGroup,
    extra_specs: &[Vec<(String, String)>],
) -> Result<Option<String>, Error> {
    let pools = scheduler::pools(&state.config.host, &state.config.backends);
    let Some(pool) = scheduler::place_consistency_group(&pools, extra_specs) else {
        return Ok(None);
    };
    let (id, host) = (cg.id.clone(), pool.host.clone());
    let assigned = db::write_statement(&state.pool, move |conn| Ok(repo::assign_host(conn, &id, &host)?)).await?;
    Ok(assigned.then(|| pool.host.clone()))
}

/// `deleting`: have the backend remove it, then remove the row.
pub async fn delete(state: &WorkerState, id: &str) -> Result<(), Error> {
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
            db::write(&state.pool, move |conn| {
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
