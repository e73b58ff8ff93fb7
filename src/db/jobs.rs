//! The job queue's queries. A job is claimed by a conditional update that
//! re-checks claimability in its WHERE clause, so of two workers (or two
//! server replicas) racing for one job exactly one update matches a row.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::jobs;
use super::{now, DbConnection, LIVE};

pub const PENDING: &str = "pending";
pub const RUNNING: &str = "running";
pub const SUCCEEDED: &str = "succeeded";
pub const FAILED: &str = "failed";

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub resource_id: String,
    pub status: String,
    pub attempts: i32,
    pub claimed_by: Option<String>,
    pub lease_expires_at: Option<NaiveDateTime>,
    pub run_after: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted: String,
}

/// Queues `kind` for `resource_id`, runnable at once.
pub fn enqueue(conn: &mut DbConnection, kind: &str, resource_id: &str) -> QueryResult<Job> {
    let created = now();
    let job = Job {
        id: uuid::Uuid::new_v4().to_string(),
        kind: kind.to_string(),
        resource_id: resource_id.to_string(),
        status: PENDING.to_string(),
        attempts: 0,
        claimed_by: None,
        lease_expires_at: None,
        run_after: created,
        last_error: None,
        created_at: created,
        updated_at: None,
        deleted_at: None,
        deleted: LIVE.to_string(),
    };
    diesel::insert_into(jobs::table).values(&job).execute(conn)?;
    Ok(job)
}

/// Takes the oldest runnable job for `worker` for `lease`: a pending job
/// whose time has come, or a running one whose claimant's lease ran out
/// (its server died). `None` when there is nothing to do.
pub fn claim_next(conn: &mut DbConnection, worker: &str, lease: Duration) -> QueryResult<Option<Job>> {
    let at = now();
    let claimable = jobs::deleted.eq(LIVE).and(
        jobs::status
            .eq(PENDING)
            .and(jobs::run_after.le(at))
            .or(jobs::status.eq(RUNNING).and(jobs::lease_expires_at.lt(at))),
    );
    let candidates: Vec<String> = jobs::table
        .filter(claimable)
        .order((jobs::run_after, jobs::created_at, jobs::id))
        .select(jobs::id)
        .limit(16)
        .load(conn)?;
    for candidate in candidates {
        let claimed = diesel::update(jobs::table.filter(jobs::id.eq(&candidate)).filter(claimable))
            .set((
                jobs::status.eq(RUNNING),
                jobs::claimed_by.eq(worker),
                jobs::lease_expires_at.eq(at + lease),
                jobs::attempts.eq(jobs::attempts + 1),
                jobs::updated_at.eq(at),
            ))
            .execute(conn)?;
        if claimed == 1 {
            return jobs::table
                .find(&candidate)
                .select(Job::as_select())
                .first(conn)
                .map(Some);
        }
    }
    Ok(None)
}

/// Records the outcome of a job `worker` holds. `false` when the worker
/// had lost its claim (the lease ran out and another took over), in which
/// case nothing is written.
pub fn finish(conn: &mut DbConnection, job_id: &str, worker: &str, outcome: Result<(), String>) -> QueryResult<bool> {
    let (status, error) = match outcome {
        Ok(()) => (SUCCEEDED, None),
        Err(message) => (FAILED, Some(message)),
    };
    let updated = diesel::update(
        jobs::table
            .filter(jobs::id.eq(job_id))
            .filter(jobs::status.eq(RUNNING))
            .filter(jobs::claimed_by.eq(worker)),
    )
    .set((
        jobs::status.eq(status),
        jobs::last_error.eq(error),
        jobs::lease_expires_at.eq(None::<NaiveDateTime>),
        jobs::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Hands back every job one of `workers` still holds, as a server that is
/// shutting down does: the job becomes pending and runnable at once, so
/// another replica takes it without waiting for the lease to run out. The
/// update is conditional on the claim, so a job whose lease another
/// replica already took over is left alone. Returns how many were released.
pub fn release(conn: &mut DbConnection, workers: &[String]) -> QueryResult<usize> {
    let at = now();
    diesel::update(
        jobs::table
            .filter(jobs::deleted.eq(LIVE))
            .filter(jobs::status.eq(RUNNING))
            .filter(jobs::claimed_by.eq_any(workers)),
    )
    .set((
        jobs::status.eq(PENDING),
        jobs::claimed_by.eq(None::<String>),
        jobs::lease_expires_at.eq(None::<NaiveDateTime>),
        jobs::run_after.eq(at),
        jobs::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Pending and running jobs counted by `(kind, status)`: the queue's depth.
/// Finished jobs stay in the table and are not counted.
pub fn queue_depth(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, i64)>> {
    jobs::table
        .filter(jobs::deleted.eq(LIVE))
        .filter(jobs::status.eq_any([PENDING, RUNNING]))
        .group_by((jobs::kind, jobs::status))
        .select((jobs::kind, jobs::status, diesel::dsl::count_star()))
        .load(conn)
}

/// The asynchronous steps there are; `kind` in the table is `as_str()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    CreateConsistencyGroup,
    DeleteConsistencyGroup,
    CreateCgSnapshot,
    DeleteCgSnapshot,
    CreateShare,
    DeleteShare,
    /// An admin's `force_delete`: the row goes even if the backend fails.
    ForceDeleteShare,
    CreateVolumeGroup,
    CreateVolumeGroupFromSource,
    UpdateVolumeGroup,
    DeleteVolumeGroup,
    CreateVolumeCgSnapshot,
    DeleteVolumeCgSnapshot,
    CreateVolume,
    DeleteVolume,
    DeleteVolumeSnapshot,
}

impl JobKind {
    pub const ALL: [JobKind; 16] = [
        JobKind::CreateConsistencyGroup,
        JobKind::DeleteConsistencyGroup,
        JobKind::CreateCgSnapshot,
        JobKind::DeleteCgSnapshot,
        JobKind::CreateShare,
        JobKind::DeleteShare,
        JobKind::ForceDeleteShare,
        JobKind::CreateVolumeGroup,
        JobKind::CreateVolumeGroupFromSource,
        JobKind::UpdateVolumeGroup,
        JobKind::DeleteVolumeGroup,
        JobKind::CreateVolumeCgSnapshot,
        JobKind::DeleteVolumeCgSnapshot,
        JobKind::CreateVolume,
        JobKind::DeleteVolume,
        JobKind::DeleteVolumeSnapshot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::CreateConsistencyGroup => "create_consistency_group",
            JobKind::DeleteConsistencyGroup => "delete_consistency_group",
            JobKind::CreateCgSnapshot => "create_cgsnapshot",
            JobKind::DeleteCgSnapshot => "delete_cgsnapshot",
            JobKind::CreateShare => "create_share",
            JobKind::DeleteShare => "delete_share",
            JobKind::ForceDeleteShare => "force_delete_share",
            JobKind::CreateVolumeGroup => "create_volume_group",
            JobKind::CreateVolumeGroupFromSource => "create_volume_group_from_source",
            JobKind::UpdateVolumeGroup => "update_volume_group",
            JobKind::DeleteVolumeGroup => "delete_volume_group",
            JobKind::CreateVolumeCgSnapshot => "create_volume_cgsnapshot",
            JobKind::DeleteVolumeCgSnapshot => "delete_volume_cgsnapshot",
            JobKind::CreateVolume => "create_volume",
            JobKind::DeleteVolume => "delete_volume",
            JobKind::DeleteVolumeSnapshot => "delete_volume_snapshot",
        }
    }

    pub fn parse(text: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}
