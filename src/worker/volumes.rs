//! The volume jobs: `create_volume` places a `creating` volume (a group's
//! volume on the group's host) and has the backend make it;
//! `delete_volume` has the backend remove a `deleting` one;
//! `delete_volume_snapshot` removes a `deleting` snapshot. Each outcome is
//! a conditional status update, so a volume changed meanwhile (reset,
//! deleted) is left as it is.

use std::time::Duration;

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
    db::write_statement(&state.pool, move |conn| Ok(repo::set_status(conn, &id, &[from], to)?)).await?;
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

/// How often a volume waiting for its group's placement looks again.
const GROUP_PLACEMENT_POLL: Duration = Duration::from_millis(100);

/// Picks the pool and records it: a group's volume goes to the group's
/// host, any other to the first pool its type's extra specs accept.
async fn schedule(state: &WorkerState, volume: &Volume) -> Result<Option<String>, Error> {
    let host = match &volume.consistencygroup_id {
        Some(group_id) => group_host(state, group_id).await?,
        None => {
            let type_id = volume.volume_type_id.clone();
            let specs: Vec<(String, String)> = db::call(&state.pool, move |conn| {
                Ok(volume_types::extra_specs_of(conn, &[type_id.as_str()])?
                    .remove(&type_id)
                    .map(|specs| specs.into_iter().collect())
                    .unwrap_or_default())
            })
            .await?;
            let pools = pools(&state.config.host, &state.config.volume.backends);
            place_volume(&pools, &specs).map(|pool| pool.host.clone())
        }
    };
    let Some(host) = host else {
        return Ok(None);
    };
    let (id, chosen) = (volume.id.clone(), host.clone());
    let assigned = db::write_statement(&state.pool, move |conn| Ok(repo::assign_host(conn, &id, &chosen)?)).await?;
    Ok(assigned.then_some(host))
}

/// The host of the volume's group. A group created a moment ago may not
/// be placed yet (clients create a group and at once its volumes), so a
/// `creating` group is waited for, for half the job's lease (so the wait
/// never costs the claim); a group that is gone, or that ended without a
/// host, places nothing.
async fn group_host(state: &WorkerState, group_id: &str) -> Result<Option<String>, Error> {
    let deadline = std::time::Instant::now() + Duration::from_secs(state.config.worker.lease_secs / 2);
    loop {
        let id = group_id.to_string();
        let placement = db::call(&state.pool, move |conn| Ok(repo::group_placement(conn, &id)?)).await?;
        match placement {
            Some((Some(host), _)) if !host.is_empty() => return Ok(Some(host)),
            Some((_, status)) if status == CREATING && std::time::Instant::now() < deadline => {
                actix_web::rt::time::sleep(GROUP_PLACEMENT_POLL).await;
            }
            _ => return Ok(None),
        }
    }
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
            db::write(&state.pool, move |conn| Ok(repo::soft_delete(conn, &id, &[DELETING])?)).await?;
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
        db::write(&state.pool, move |conn| {
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
            db::write(&state.pool, move |conn| {
                Ok(snapshots::soft_delete(conn, &id, &[SNAPSHOT_DELETING])?)
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
