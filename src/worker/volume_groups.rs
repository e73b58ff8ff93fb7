//! The asynchronous half of Cinder's consistency groups and cgsnapshots:
//! placing and creating a group (also from a source), adding and removing
//! volumes, deleting, and taking and removing cgsnapshots. Each outcome is
//! written with a conditional update, so a group an admin or a later
//! request changed meanwhile is left as it was left.

use crate::db::consistency_groups::Scope;
use crate::db::volume_cgsnapshots::{self as cgsnapshots, VolumeCgSnapshot};
use crate::db::volume_consistency_groups::{self as repo, VolumeGroup};
use crate::db::{self, volume_quotas};
use crate::error::Error;
use crate::scheduler::volumes as scheduler;
use crate::worker::driver::VolumeOperation;
use crate::worker::WorkerState;

const CREATING: &str = "creating";
const AVAILABLE: &str = "available";
const UPDATING: &str = "updating";
const DELETING: &str = "deleting";
const ERROR: &str = "error";

async fn load(state: &WorkerState, id: &str) -> Result<Option<VolumeGroup>, Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| Ok(repo::find(conn, &id, Scope::All)?)).await
}

async fn set_status(state: &WorkerState, id: &str, from: &'static str, to: &'static str) -> Result<(), Error> {
    let id = id.to_string();
    db::write_statement(&state.pool, move |conn| Ok(repo::set_status(conn, &id, &[from], to)?)).await?;
    Ok(())
}

/// Has the backend of `host` carry out `operation` on `id`; the error,
/// for the log, when the backend is gone or refuses.
async fn perform(state: &WorkerState, operation: VolumeOperation, id: &str, host: &str) -> Result<(), String> {
    let Some((_, driver)) = state.drivers.for_volume_host(host) else {
        return Err(format!("backend of {host} is not configured"));
    };
    driver.perform(operation, id, host).await.map_err(|err| err.to_string())
}

/// `creating`: placed by its types' extra specs, then made by the backend.
pub async fn create(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some(group) = load(state, id).await? else {
        return Ok(());
    };
    if group.status != CREATING {
        return Ok(());
    }
    let host = match group.host.clone() {
        Some(host) => host,
        None => {
            let type_ids = group.type_ids();
            let types = db::call(&state.pool, move |conn| Ok(repo::extra_specs_of(conn, &type_ids)?)).await?;
            let pools = scheduler::pools(&state.config.host, &state.config.volume.backends);
            let Some(pool) = scheduler::place_group(&pools, &types) else {
                log::warn!("consistency group {id}: no backend accepts all its volume types");
                return set_status(state, id, CREATING, ERROR).await;
            };
            let (group_id, host) = (id.to_string(), pool.host.clone());
            if !db::write_statement(&state.pool, move |conn| Ok(repo::assign_host(conn, &group_id, &host)?)).await? {
                return Ok(());
            }
            pool.host.clone()
        }
    };
    match perform(state, VolumeOperation::CreateGroup, id, &host).await {
        Ok(()) => set_status(state, id, CREATING, AVAILABLE).await,
        Err(err) => {
            log::warn!("consistency group {id}: {err}");
            set_status(state, id, CREATING, ERROR).await
        }
    }
}

/// The host of a create_from_src's source: the source group's, or that
/// of the group the source cgsnapshot was taken of.
async fn source_host(state: &WorkerState, group: &VolumeGroup) -> Result<Option<String>, Error> {
    let (source_cgid, cgsnapshot_id) = (group.source_cgid.clone(), group.cgsnapshot_id.clone());
    db::call(&state.pool, move |conn| {
        let source_group_id = match (source_cgid, cgsnapshot_id) {
            (Some(source), _) => Some(source),
            (None, Some(cgsnapshot)) => {
                cgsnapshots::find(conn, &cgsnapshot, Scope::All)?.map(|found| found.consistencygroup_id)
            }
            (None, None) => None,
        };
        Ok(match source_group_id {
            Some(source) => repo::find(conn, &source, Scope::All)?.and_then(|found| found.host),
            None => None,
        })
    })
    .await
}

/// `creating` from a source: it goes where its source is, and the backend
/// makes it with its volumes. A failure leaves nothing behind: the group
/// and its volumes are removed and its quota given back.
pub async fn create_from_source(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some(group) = load(state, id).await? else {
        return Ok(());
    };
    if group.status != CREATING {
        return Ok(());
    }
    let outcome = match source_host(state, &group).await? {
        None => Err(format!("No valid host to create group {id}.")),
        Some(host) => match perform(state, VolumeOperation::CreateGroupFromSource, id, &host).await {
            Ok(()) => Ok(host),
            Err(err) => Err(err),
        },
    };
    let project_id = group.project_id.clone();
    let group_id = id.to_string();
    db::write(&state.pool, move |conn| {
        match outcome {
            Ok(host) => {
                if repo::assign_host(conn, &group_id, &host)? {
                    repo::set_created_members(conn, &group_id, AVAILABLE, &host)?;
                    repo::set_status(conn, &group_id, &[CREATING], AVAILABLE)?;
                }
            }
            Err(err) => {
                log::warn!("consistency group {group_id}: {err}");
                repo::soft_delete_members(conn, &group_id, &[CREATING])?;
                if repo::soft_delete(conn, &group_id, Some(&[CREATING]))? {
                    volume_quotas::release(conn, &project_id, volume_quotas::GROUPS)?;
                }
            }
        }
        Ok(())
    })
    .await
}

/// `updating`: the membership is already written; the backend takes it in.
pub async fn update(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some(group) = load(state, id).await? else {
        return Ok(());
    };
    if group.status != UPDATING {
        return Ok(());
    }
    let Some(host) = group.host.clone() else {
        return set_status(state, id, UPDATING, ERROR).await;
    };
    match perform(state, VolumeOperation::UpdateGroup, id, &host).await {
        Ok(()) => set_status(state, id, UPDATING, AVAILABLE).await,
        Err(err) => {
            log::warn!("consistency group {id}: {err}");
            set_status(state, id, UPDATING, ERROR).await
        }
    }
}

/// `deleting`: the backend removes the group and the volumes marked
/// `deleting` with it; then the rows go and the quota comes back.
pub async fn delete(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some(group) = load(state, id).await? else {
        return Ok(());
    };
    if group.status != DELETING {
        return Ok(());
    }
    let outcome = match group.host.clone() {
        Some(host) => perform(state, VolumeOperation::DeleteGroup, id, &host).await,
        None => Err("never placed".to_string()),
    };
    let (group_id, project_id) = (id.to_string(), group.project_id.clone());
    db::write(&state.pool, move |conn| {
        match outcome {
            Ok(()) => {
                repo::soft_delete_members(conn, &group_id, &[DELETING])?;
                if repo::soft_delete(conn, &group_id, Some(&[DELETING]))? {
                    volume_quotas::release(conn, &project_id, volume_quotas::GROUPS)?;
                }
            }
            Err(err) => {
                log::warn!("consistency group {group_id}: {err}");
                repo::set_member_status(conn, &group_id, &[DELETING], "error_deleting")?;
                repo::set_status(conn, &group_id, &[DELETING], ERROR)?;
            }
        }
        Ok(())
    })
    .await
}

async fn load_cgsnapshot(state: &WorkerState, id: &str) -> Result<Option<(VolumeCgSnapshot, Option<String>)>, Error> {
    let id = id.to_string();
    db::call(&state.pool, move |conn| {
        let Some(cgsnapshot) = cgsnapshots::find(conn, &id, Scope::All)? else {
            return Ok(None);
        };
        let host = repo::find(conn, &cgsnapshot.consistencygroup_id, Scope::All)?.and_then(|group| group.host);
        Ok(Some((cgsnapshot, host)))
    })
    .await
}

/// A cgsnapshot `creating`: the backend takes every member at one point in
/// time; the cgsnapshot and its snapshots become `available` (or `error`) together.
pub async fn create_cgsnapshot(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some((cgsnapshot, host)) = load_cgsnapshot(state, id).await? else {
        return Ok(());
    };
    if cgsnapshot.status != CREATING {
        return Ok(());
    }
    let outcome = match host {
        Some(host) => perform(state, VolumeOperation::CreateGroupSnapshot, id, &host).await,
        None => Err("its group has no host".to_string()),
    };
    let id = id.to_string();
    db::write(&state.pool, move |conn| {
        let to = match outcome {
            Ok(()) => AVAILABLE,
            Err(err) => {
                log::warn!("cgsnapshot {id}: {err}");
                ERROR
            }
        };
        if cgsnapshots::set_status(conn, &id, &[CREATING], to)? {
            cgsnapshots::set_member_status(conn, &id, &[CREATING], to)?;
        }
        Ok(())
    })
    .await
}

/// A cgsnapshot `deleting`: the backend removes the snapshots, then the rows go.
pub async fn delete_cgsnapshot(state: &WorkerState, id: &str) -> Result<(), Error> {
    let Some((cgsnapshot, host)) = load_cgsnapshot(state, id).await? else {
        return Ok(());
    };
    if cgsnapshot.status != DELETING {
        return Ok(());
    }
    let outcome = match host {
        Some(host) => perform(state, VolumeOperation::DeleteGroupSnapshot, id, &host).await,
        None => Err("its group has no host".to_string()),
    };
    let id = id.to_string();
    db::write(&state.pool, move |conn| {
        match outcome {
            Ok(()) => {
                cgsnapshots::soft_delete(conn, &id, &[DELETING])?;
            }
            Err(err) => {
                log::warn!("cgsnapshot {id}: {err}");
                if cgsnapshots::set_status(conn, &id, &[DELETING], ERROR)? {
                    cgsnapshots::set_member_status(conn, &id, &[DELETING], "error_deleting")?;
                }
            }
        }
        Ok(())
    })
    .await
}
