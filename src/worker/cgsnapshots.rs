//! The asynchronous half of a cgsnapshot: the backend snapshots every
//! member share in one call; then the snapshot and its members become
//! `available`, or the snapshot `error`. Deletion likewise.

use crate::db;
use crate::db::cgsnapshots::{self as repo, CgSnapshot};
use crate::db::consistency_groups::{self as cg_repo, Scope};
use crate::error::Error;
use crate::worker::consistency_groups::request as cg_request;
use crate::worker::driver::{CgSnapshotRequest, ShareDriver};
use crate::worker::WorkerState;

async fn set_status(state: &WorkerState, id: &str, from: &'static str, to: &'static str) -> Result<(), Error> {
    let id = id.to_string();
    db::write_statement(&state.pool, move |conn| Ok(repo::set_status(conn, &id, &[from], to)?)).await?;
    Ok(())
}

/// The snapshot in `status`, what the driver needs of it, and its driver;
/// `Ok(None)` when there is nothing (more) to do.
async fn prepare(
    state: &WorkerState,
    id: &str,
    status: &'static str,
) -> Result<Option<(CgSnapshotRequest, std::sync::Arc<dyn ShareDriver>)>, Error> {
    let snapshot_id = id.to_string();
    let loaded = db::call(&state.pool, move |conn| {
        let Some(snapshot) = repo::find(conn, &snapshot_id, Scope::All)? else {
            return Ok(None);
        };
        let cg = cg_repo::find(conn, &snapshot.consistency_group_id, Scope::All)?;
        let members = repo::members_of(conn, &snapshot.id)?;
        Ok(Some((snapshot, cg, members)))
    })
    .await?;
    let Some((snapshot, cg, members)) = loaded else {
        return Ok(None);
    };
    if snapshot.status != status {
        return Ok(None);
    }
    let placed = cg.and_then(|cg| cg.host.clone().map(|host| (cg, host)));
    let Some((cg, host)) = placed else {
        log::warn!("cgsnapshot {id}: its consistency group is gone or was never placed");
        set_status(state, id, status, "error").await?;
        return Ok(None);
    };
    let Some((_, driver)) = state.drivers.for_host(&host) else {
        log::warn!("cgsnapshot {id}: backend of {host} is not configured");
        set_status(state, id, status, "error").await?;
        return Ok(None);
    };
    let CgSnapshot { id, .. } = snapshot;
    let request = CgSnapshotRequest {
        id,
        consistency_group: cg_request(&cg, &host),
        share_ids: members.into_iter().map(|member| member.share_id).collect(),
    };
    Ok(Some((request, driver)))
}

pub async fn create(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some((request, driver)) = prepare(state, id, "creating").await? else {
        return Ok(());
    };
    match driver.create_cgsnapshot(&request).await {
        Ok(()) => {
            let id = id.to_string();
            db::write(&state.pool, move |conn| Ok(repo::mark_created(conn, &id)?)).await?;
            Ok(())
        }
        Err(err) => {
            log::warn!("cgsnapshot {id}: {err}");
            set_status(state, id, "creating", "error").await
        }
    }
}

pub async fn delete(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some((request, driver)) = prepare(state, id, "deleting").await? else {
        return Ok(());
    };
    match driver.delete_cgsnapshot(&request).await {
        Ok(()) => {
            let id = id.to_string();
            db::write(&state.pool, move |conn| {
                Ok(repo::soft_delete(conn, &id, Some(&["deleting"]))?)
            })
            .await?;
            Ok(())
        }
        Err(err) => {
            log::warn!("cgsnapshot {id}: {err}");
            set_status(state, id, "deleting", "error").await
        }
    }
}
