//! The asynchronous half of a share's life: placement and creation after
//! `POST`, removal after `DELETE`. A share inside a consistency group goes
//! where the group is (reference 9.3); any other where its type allows.
//! Each step is a conditional update, so a share an admin changed
//! meanwhile is left as the admin left it.

use crate::db::consistency_groups::{self as cgs, Scope as CgScope};
use crate::db::share_types::{self as types, Scope as TypeScope};
use crate::db::shares::{self as repo, Share};
use crate::db::{self};
use crate::error::Error;
use crate::scheduler;
use crate::worker::driver::ShareRequest;
use crate::worker::WorkerState;

const CREATING: &str = "creating";
const DELETING: &str = "deleting";

async fn load(state: &WorkerState, id: &str) -> Result<Option<Share>, Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| Ok(repo::find(conn, &id)?)).await
}

async fn set_status(state: &WorkerState, id: &str, from: &'static str, to: &'static str) -> Result<(), Error> {
    let id = id.to_string();
    db::write_statement(&state.pool, move |conn| Ok(repo::set_status(conn, &id, &[from], to)?)).await?;
    Ok(())
}

pub fn request(share: &Share, host: &str) -> ShareRequest {
    ShareRequest {
        id: share.id.clone(),
        host: host.to_string(),
        size: share.size,
        share_proto: share.share_proto.clone(),
        share_network_id: share.share_network_id.clone(),
        share_server_id: share.share_server_id.clone(),
        consistency_group_id: share.consistency_group_id.clone(),
    }
}

/// `creating`: place it if it has no host yet, then have the backend make it.
pub async fn create(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some(share) = load(state, id).await? else {
        return Ok(());
    };
    if share.status != CREATING {
        return Ok(());
    }
    let host = match share.host.clone().filter(|host| !host.is_empty()) {
        Some(host) => host,
        None => match schedule(state, &share).await? {
            Some(host) => host,
            None => {
                log::warn!("share {id}: no pool accepts it");
                return set_status(state, id, CREATING, "error").await;
            }
        },
    };
    let Some((backend, driver)) = state.drivers.for_host(&host) else {
        log::warn!("share {id}: backend of {host} is not configured");
        return set_status(state, id, CREATING, "error").await;
    };
    if share.share_network_id.is_some() != backend.driver_handles_share_servers {
        log::warn!("share {id}: share network and {host}'s handling of share servers disagree");
        return set_status(state, id, CREATING, "error").await;
    }
    match driver.create_share(&request(&share, &host)).await {
        Ok(created) => {
            let id = id.to_string();
            db::write(&state.pool, move |conn| {
                Ok(repo::mark_created(
                    conn,
                    &id,
                    &created.export_paths,
                    created.share_server_id.as_deref(),
                )?)
            })
            .await?;
            Ok(())
        }
        Err(err) => {
            log::warn!("share {id}: {err}");
            set_status(state, id, CREATING, "error").await
        }
    }
}

/// Runs the scheduler and records its choice; `None` when nothing fits.
async fn schedule(state: &WorkerState, share: &Share) -> Result<Option<String>, Error> {
    let (type_id, cg_id) = (share.share_type_id.clone(), share.consistency_group_id.clone());
    let (specs, cg_host) = db::call(&state.pool, move |conn| {
        let specs: Vec<(String, String)> = match &type_id {
            Some(type_id) => types::find(conn, type_id, TypeScope::All)?
                .map(|found| found.extra_specs.into_iter().collect())
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let cg_host = match &cg_id {
            Some(cg_id) => Some(cgs::find(conn, cg_id, CgScope::All)?.and_then(|cg| cg.host)),
            None => None,
        };
        Ok((specs, cg_host))
    })
    .await?;
    let pools = scheduler::pools(&state.config.host, &state.config.backends);
    let placed = match &cg_host {
        None => scheduler::place_share(&pools, &specs).map(|pool| pool.host.clone()),
        // The group is gone or was never placed: nowhere to go.
        Some(None) => None,
        Some(Some(cg_host)) => scheduler::place_share_in_consistency_group(&pools, cg_host, &specs),
    };
    let Some(placed) = placed else {
        return Ok(None);
    };
    let (id, host, zone) = (
        share.id.clone(),
        placed.clone(),
        state.config.storage_availability_zone.clone(),
    );
    let assigned =
        db::write_statement(&state.pool, move |conn| Ok(repo::assign_host(conn, &id, &host, &zone)?)).await?;
    Ok(assigned.then_some(placed))
}

/// `deleting`: have the backend remove it, then remove the row. Forced
/// (an admin's `force_delete`), the row goes even when the backend fails
/// or is not known, as upstream's share manager does with `force`.
pub async fn delete(state: &WorkerState, id: &str, force: bool) -> Result<(), Error> {
    let Some(share) = load(state, id).await? else {
        return Ok(());
    };
    if share.status != DELETING {
        return Ok(());
    }
    let removed = match share.host.clone().filter(|host| !host.is_empty()) {
        None => Err(format!("share {id}: deleting without a host")),
        Some(host) => match state.drivers.for_host(&host) {
            None => Err(format!("share {id}: backend of {host} is not configured")),
            Some((_, driver)) => {
                (driver.delete_share(&request(&share, &host)).await).map_err(|err| format!("share {id}: {err}"))
            }
        },
    };
    if let Err(err) = &removed {
        log::warn!("{err}");
        if !force {
            return set_status(state, id, DELETING, "error_deleting").await;
        }
    }
    let id = id.to_string();
    db::write(&state.pool, move |conn| {
        Ok(repo::soft_delete(conn, &id, Some(&[DELETING]))?)
    })
    .await?;
    Ok(())
}
