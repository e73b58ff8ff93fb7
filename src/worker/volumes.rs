//! The volume jobs: `create_volume` places a `creating` volume (a group's
//! volume on the group's host) and has the backend make it;
//! `delete_volume` has the backend remove a `deleting` one;
//! `delete_volume_snapshot` removes a `deleting` snapshot. Each outcome is
//! a conditional status update, so a volume changed meanwhile (reset,
//! deleted) is left as it is.

use crate::db;
use crate::db::volume_snapshots::{self as snapshots, DELETING as SNAPSHOT_DELETING};
use crate::db::volume_types;
use crate::db::volumes::{self as repo, Volume, CREATING, DELETING};
use crate::error::Error;
use crate::scheduler::volumes::{place_volume, pools};
use crate::worker::driver::VolumeOperation;
use crate::worker::WorkerState;

async fn load(state: &WorkerState, id: &str) -> Result<Option<Volume>, Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| Ok(repo::find(conn, &id)?)).await
}

async fn set_status(state: &WorkerState, id: &str, from: &'static str, to: &'static str) -> Result<(), Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| Ok(repo::set_status(conn, &id, &[from], to)?)).await?;
    Ok(())
}

/// `creating`: place it if it has no host yet, then have the backend make
/// it; `available` or `error`.
pub async fn create(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some(volume) = load(state, id).await? else {
        return Ok(());
    };
    if volume.status != CREATING {
        return Ok(());
    }
    let host = match volume.host.clone().filter(|host| !host.is_empty()) {
        Some(host) => host,
        None => match schedule(state, &volume).await? {
            Some(host) => host,
            None => {
                log::warn!("volume {id}: no backend accepts it");
                return set_status(state, id, CREATING, "error").await;
            }
        },
    };
    let Some((_, driver)) = state.drivers.for_volume_host(&host) else {
        log::warn!("volume {id}: backend of {host} is not configured");
        return set_status(state, id, CREATING, "error").await;
    };
    match driver.perform(VolumeOperation::CreateVolume, id, &host).await {
        Ok(()) => set_status(state, id, CREATING, "available").await,
        Err(err) => {
            log::warn!("volume {id}: {err}");
            set_status(state, id, CREATING, "error").await
        }
    }
}

/// Picks the pool and records it: a group's volume goes to the group's
/// host (none while the group is unplaced or gone), any other to the
/// first pool its type's extra specs accept.
async fn schedule(state: &WorkerState, volume: &Volume) -> Result<Option<String>, Error> {
    let (type_id, group_id) = (volume.volume_type_id.clone(), volume.consistencygroup_id.clone());
    let (specs, group_host) = db::call(&state.pool, move |conn| {
        let specs: Vec<(String, String)> = volume_types::extra_specs_of(conn, &[type_id.as_str()])?
            .remove(&type_id)
            .map(|specs| specs.into_iter().collect())
            .unwrap_or_default();
        let group_host = match &group_id {
            Some(group_id) => Some(repo::group_host(conn, group_id)?.flatten()),
            None => None,
        };
        Ok((specs, group_host))
    })
    .await?;
    let host = match group_host {
        Some(group_host) => group_host,
        None => {
            let pools = pools(&state.config.host, &state.config.volume.backends);
            place_volume(&pools, &specs).map(|pool| pool.host.clone())
        }
    };
    let Some(host) = host else {
        return Ok(None);
    };
    let (id, chosen) = (volume.id.clone(), host.clone());
    let assigned = db::call(&state.pool, move |conn| Ok(repo::assign_host(conn, &id, &chosen)?)).await?;
    Ok(assigned.then_some(host))
}

/// `deleting`: have the backend remove it, then remove the row; on
/// failure `error_deleting`.
pub async fn delete(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some(volume) = load(state, id).await? else {
        return Ok(());
    };
    if volume.status != DELETING {
        return Ok(());
    }
    let Some(host) = volume.host.clone().filter(|host| !host.is_empty()) else {
        return set_status(state, id, DELETING, "error_deleting").await;
    };
    let Some((_, driver)) = state.drivers.for_volume_host(&host) else {
        log::warn!("volume {id}: backend of {host} is not configured");
        return set_status(state, id, DELETING, "error_deleting").await;
    };
    match driver.perform(VolumeOperation::DeleteVolume, id, &host).await {
        Ok(()) => {
            let id = id.to_string();
            db::call(&state.pool, move |conn| {
                db::write_transaction(conn, |conn| Ok(repo::soft_delete(conn, &id, Some(&[DELETING]))?))
            })
            .await?;
            Ok(())
        }
        Err(err) => {
            log::warn!("volume {id}: {err}");
            set_status(state, id, DELETING, "error_deleting").await
        }
    }
}

/// A `deleting` snapshot: the backend of its volume removes it, then the
/// row goes; on failure `error_deleting`.
pub async fn delete_snapshot(state: &WorkerState, id: &str) -> Result<(), Error> {
    let snapshot_id = id.to_string();
    let found = db::call(&state.pool, move |conn| {
        let Some(snapshot) = snapshots::find(conn, &snapshot_id)? else {
            return Ok(None);
        };
        let host = repo::find(conn, &snapshot.volume_id)?.and_then(|volume| volume.host);
        Ok(Some((snapshot, host)))
    })
    .await?;
    let Some((snapshot, host)) = found else {
        return Ok(());
    };
    if snapshot.status != SNAPSHOT_DELETING {
        return Ok(());
    }
    let fail = |id: String| async move {
        db::call(&state.pool, move |conn| {
            Ok(snapshots::set_status(
                conn,
                &id,
                &[SNAPSHOT_DELETING],
                "error_deleting",
            )?)
        })
        .await
        .map(|_| ())
    };
    let Some((_, driver)) = host.as_deref().and_then(|host| state.drivers.for_volume_host(host)) else {
        log::warn!("snapshot {id}: the backend of its volume is not configured");
        return fail(id.to_string()).await;
    };
    let host = host.unwrap_or_default();
    match driver.perform(VolumeOperation::DeleteSnapshot, id, &host).await {
        Ok(()) => {
            let id = id.to_string();
            db::call(&state.pool, move |conn| {
                db::write_transaction(conn, |conn| {
                    Ok(snapshots::soft_delete(conn, &id, &[SNAPSHOT_DELETING])?)
                })
            })
            .await?;
            Ok(())
        }
        Err(err) => {
            log::warn!("snapshot {id}: {err}");
            fail(id.to_string()).await
        }
    }
}
