//! The job workers: tasks inside every server process that claim durable
//! jobs from the database and carry them out through the backend drivers.
//! A job is claimed with a lease (see `db::jobs`); if this process dies,
//! another replica takes the job over when the lease runs out. A process
//! that is stopped gracefully stops claiming, lets running jobs finish
//! within its grace period and releases the rest at once.

pub mod cgsnapshots;
pub mod consistency_groups;
pub mod driver;
pub mod drivers;
pub mod shares;
pub mod volume_groups;
pub mod volumes;

use std::sync::Arc;
use std::time::Duration;

use actix_web::rt::task::JoinHandle;

use crate::config::Config;
use crate::db::DbPool;
use crate::db::{self, jobs};
use crate::error::Error;
use crate::metrics::{JobOutcome, Metrics};
use crate::shutdown::Lifecycle;
use drivers::Drivers;

/// What the job workers use, and nothing the HTTP side alone needs.
pub struct WorkerState {
    pub config: Arc<Config>,
    pub pool: DbPool,
    pub drivers: Drivers,
    pub metrics: Arc<Metrics>,
    /// Workers stop claiming once the process drains.
    pub lifecycle: Arc<Lifecycle>,
}

/// The job workers of one server process, and the names they claim jobs
/// under (what [`jobs::release`] needs to hand their jobs back), beside
/// the periodic purge of finished jobs.
pub struct Workers {
    names: Vec<String>,
    handles: Vec<JoinHandle<()>>,
    purge: Option<JoinHandle<()>>,
}

impl Workers {
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How many are still working; once the server drains, a worker ends
    /// after the job in its hands, so this falls to zero. (The purge is
    /// not counted: it holds no job, and is stopped with the workers.)
    pub fn running(&self) -> usize {
        self.handles.iter().filter(|handle| !handle.is_finished()).count()
    }

    /// Ends them where they are; a job in progress keeps its claim until
    /// it is released or its lease runs out.
    pub fn abort(&self) {
        for handle in self.handles.iter().chain(&self.purge) {
            handle.abort();
        }
    }
}

/// Starts the configured number of workers on the current runtime, and
/// the purge of finished jobs when it is configured.
pub fn spawn(state: Arc<WorkerState>) -> Workers {
    let process = uuid::Uuid::new_v4().simple().to_string();
    let names: Vec<String> = (0..state.config.worker.workers)
        .map(|n| format!("{}:{}:{}:{n}", state.config.host, std::process::id(), &process[..8]))
        .collect();
    let handles = names
        .iter()
        .map(|name| actix_web::rt::spawn(run(state.clone(), name.clone())))
        .collect();
    let purge = (state.config.worker.purge_age_days > 0).then(|| actix_web::rt::spawn(purge(state.clone())));
    Workers { names, handles, purge }
}

/// Claims and runs jobs until the server starts draining; a job already
/// started is carried to its end first. A worker claims up to
/// `job_claim_batch` jobs at once and runs them in turn; those it cannot
/// start in time (the server drains, or half the lease went by) it hands
/// back at once rather than let another replica wait for the lease.
async fn run(state: Arc<WorkerState>, name: String) {
    let poll = Duration::from_millis(state.config.worker.poll_interval_ms);
    let lease = chrono::Duration::seconds(state.config.worker.lease_secs as i64);
    let start_within = Duration::from_secs(state.config.worker.lease_secs) / 2;
    let batch = i64::from(state.config.worker.claim_batch.max(1));
    while !state.lifecycle.is_draining() {
        let worker = name.clone();
        let claimed = db::write_statement(&state.pool, move |conn| Ok(jobs::claim(conn, &worker, lease, batch)?)).await;
        match claimed {
            Ok(claimed) if claimed.is_empty() => actix_web::rt::time::sleep(poll).await,
            Ok(claimed) => {
                let taken = std::time::Instant::now();
                let count = claimed.len();
                let mut started = 0;
                for job in &claimed {
                    if started > 0 && (state.lifecycle.is_draining() || taken.elapsed() >= start_within) {
                        break;
                    }
                    started += 1;
                    run_one(&state, &name, job).await;
                }
                if started < count {
                    // Only the jobs not started are still this worker's.
                    let names = vec![name.clone()];
                    if let Err(err) = db::write(&state.pool, move |conn| Ok(jobs::release(conn, &names)?)).await {
                        log::error!(
                            "worker {name}: cannot hand back unstarted jobs (their leases will run out): {err}"
                        );
                    }
                }
            }
            Err(err) => {
                log::error!("worker {name}: cannot claim jobs: {err}");
                actix_web::rt::time::sleep(poll).await;
            }
        }
    }
}

/// The status a job left its resource in, `None` once the resource is
/// deleted (or the kind is unknown): what the log line of a finished job
/// reports, so an operator sees each state change with its job.
fn resource_status(conn: &mut db::DbConnection, kind: &str, id: &str) -> Result<Option<String>, Error> {
    use crate::db::consistency_groups::Scope;
    use crate::db::{cgsnapshots, consistency_groups, shares};
    use crate::db::{volume_cgsnapshots, volume_consistency_groups, volume_snapshots, volumes};
    use jobs::JobKind::*;
    Ok(match jobs::JobKind::parse(kind) {
        Some(CreateConsistencyGroup | DeleteConsistencyGroup) => {
            consistency_groups::find(conn, id, Scope::All)?.map(|row| row.status)
        }
        Some(CreateCgSnapshot | DeleteCgSnapshot) => cgsnapshots::find(conn, id, Scope::All)?.map(|row| row.status),
        Some(CreateShare | DeleteShare | ForceDeleteShare) => shares::find(conn, id)?.map(|row| row.status),
        Some(CreateVolumeGroup | CreateVolumeGroupFromSource | UpdateVolumeGroup | DeleteVolumeGroup) => {
            volume_consistency_groups::find(conn, id, Scope::All)?.map(|row| row.status)
        }
        Some(CreateVolumeCgSnapshot | DeleteVolumeCgSnapshot) => {
            volume_cgsnapshots::find(conn, id, Scope::All)?.map(|row| row.status)
        }
        Some(CreateVolume | DeleteVolume) => volumes::find(conn, id)?.map(|row| row.status),
        Some(DeleteVolumeSnapshot) => volume_snapshots::find(conn, id)?.map(|row| row.status),
        None => None,
    })
}

/// Runs one claimed job and records its outcome.
async fn run_one(state: &WorkerState, name: &str, job: &jobs::Job) {
    log::info!("job {} claimed by {name}: {} of {}", job.id, job.kind, job.resource_id);
    let outcome = execute(state, job).await.map_err(|err| err.to_string());
    if let Err(message) = &outcome {
        log::warn!("job {} ({} of {}) failed: {message}", job.id, job.kind, job.resource_id);
    }
    let succeeded = outcome.is_ok();
    let (worker, job_id, kind, resource_id) = (
        name.to_string(),
        job.id.clone(),
        job.kind.clone(),
        job.resource_id.clone(),
    );
    // The resource's state is read only for the log line, and only when
    // that line is written: a failed look-up must not undo the record.
    let logged = log::log_enabled!(log::Level::Info);
    let recorded = db::write_statement(&state.pool, move |conn| {
        let recorded = jobs::finish(conn, &job_id, &worker, outcome)?;
        let status = (recorded && logged).then(|| resource_status(conn, &kind, &resource_id).ok());
        Ok((recorded, status.flatten()))
    })
    .await;
    if let Ok((true, Some(status))) = &recorded {
        log::info!(
            "job {} finished: {} of {} {}",
            job.id,
            job.kind,
            job.resource_id,
            status
                .as_deref()
                .map_or("deleted".to_string(), |status| format!("is {status}"))
        );
    }
    let counted = match recorded.map(|(recorded, _)| recorded) {
        Ok(true) if succeeded => JobOutcome::Succeeded,
        Ok(true) => JobOutcome::Failed,
        Ok(false) => {
            log::warn!("job {}: lease lost before it finished", job.id);
            JobOutcome::LeaseLost
        }
        Err(err) => {
            log::error!("job {}: cannot record its outcome: {err}", job.id);
            JobOutcome::Unrecorded
        }
    };
    state.metrics.observe_job(&job.kind, counted);
}

/// Finished jobs older than `job_purge_age_in_days` go, at start and every
/// `job_purge_interval` seconds after; every replica purges (the delete is
/// the same whoever runs it).
async fn purge(state: Arc<WorkerState>) {
    let interval = Duration::from_secs(state.config.worker.purge_interval_secs.max(1));
    let age = chrono::Duration::days(i64::from(state.config.worker.purge_age_days));
    while !state.lifecycle.is_draining() {
        let purged = db::call(&state.pool, move |conn| {
            Ok(jobs::purge(conn, db::now() - age, PURGE_CHUNK)?)
        })
        .await;
        match purged {
            Ok(0) => {}
            Ok(purged) => log::info!("purged {purged} finished job(s)"),
            Err(err) => log::warn!("cannot purge finished jobs: {err}"),
        }
        actix_web::rt::time::sleep(interval).await;
    }
}

/// Rows deleted per statement by a purge.
pub const PURGE_CHUNK: i64 = 10_000;

/// Carries out one job. `Err` is a failure to do the work at all (the
/// database went away); a backend's refusal is an outcome the handler
/// records on the resource, and the job still succeeds.
async fn execute(state: &WorkerState, job: &jobs::Job) -> Result<(), Error> {
    match jobs::JobKind::parse(&job.kind) {
        Some(jobs::JobKind::CreateConsistencyGroup) => consistency_groups::create(state, &job.resource_id).await,
        Some(jobs::JobKind::DeleteConsistencyGroup) => consistency_groups::delete(state, &job.resource_id).await,
        Some(jobs::JobKind::CreateCgSnapshot) => cgsnapshots::create(state, &job.resource_id).await,
        Some(jobs::JobKind::DeleteCgSnapshot) => cgsnapshots::delete(state, &job.resource_id).await,
        Some(jobs::JobKind::CreateShare) => shares::create(state, &job.resource_id).await,
        Some(jobs::JobKind::DeleteShare) => shares::delete(state, &job.resource_id, false).await,
        Some(jobs::JobKind::ForceDeleteShare) => shares::delete(state, &job.resource_id, true).await,
        Some(jobs::JobKind::CreateVolumeGroup) => volume_groups::create(state, &job.resource_id).await,
        Some(jobs::JobKind::CreateVolumeGroupFromSource) => {
            volume_groups::create_from_source(state, &job.resource_id).await
        }
        Some(jobs::JobKind::UpdateVolumeGroup) => volume_groups::update(state, &job.resource_id).await,
        Some(jobs::JobKind::DeleteVolumeGroup) => volume_groups::delete(state, &job.resource_id).await,
        Some(jobs::JobKind::CreateVolumeCgSnapshot) => volume_groups::create_cgsnapshot(state, &job.resource_id).await,
        Some(jobs::JobKind::DeleteVolumeCgSnapshot) => volume_groups::delete_cgsnapshot(state, &job.resource_id).await,
        Some(jobs::JobKind::CreateVolume) => volumes::create(state, &job.resource_id).await,
        Some(jobs::JobKind::DeleteVolume) => volumes::delete(state, &job.resource_id).await,
        Some(jobs::JobKind::DeleteVolumeSnapshot) => volumes::delete_snapshot(state, &job.resource_id).await,
        None => Err(Error::Internal(format!("unknown job kind {:?}", job.kind))),
    }
}
