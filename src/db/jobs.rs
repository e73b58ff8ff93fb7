//! The job queue's queries. A job is claimed by a conditional update that
//! re-checks claimability in its WHERE clause, so of two workers (or two
//! server replicas) racing for one job exactly one update matches a row.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::schema::jobs;
use super::statement::Statement;
use super::{now, DbConnection, LIVE};

pub const PENDING: &str = "pending";
pub const RUNNING: &str = "running";
pub const SUCCEEDED: &str = "succeeded";
pub const FAILED: &str = "failed";

#[derive(Clone, Debug, PartialEq, Eq, Queryable, QueryableByName, Selectable)]
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
    Statement::new(ENQUEUE)
        .bind("id", job.id.as_str())
        .bind("kind", kind)
        .bind("resource_id", resource_id)
        .bind("now", created)
        .execute(conn)?;
    Ok(job)
}

/// [`enqueue`]'s insert: the columns without a default.
const ENQUEUE: &str = "
INSERT INTO jobs (id, kind, resource_id, status, attempts, run_after, created_at, deleted)
VALUES ({id}, {kind}, {resource_id}, 'pending', 0, {now}, {now}, 'False')";

/// Takes the oldest runnable job for `worker` for `lease`: a running job
/// whose claimant's lease ran out (its server died), else a pending job
/// whose time has come. `None` when there is nothing to do.
pub fn claim_next(conn: &mut DbConnection, worker: &str, lease: Duration) -> QueryResult<Option<Job>> {
    Ok(claim(conn, worker, lease, 1)?.into_iter().next())
}

/// Takes up to `batch` runnable jobs for `worker`, each for `lease`, in one
/// statement: first running jobs whose lease ran out (oldest lease first),
/// then pending jobs whose time has come (by `run_after`, `created_at`,
/// `id`). Returned in that order.
///
/// Each half is one range of a partial index (`jobs_leases`,
/// `jobs_pending`: migration `jobs_claim_indexes`), which holds only the
/// rows it serves, so a claim reads the few rows it takes however long
/// the queue, and however many finished jobs the table keeps.
///
/// No job is ever claimed twice. On PostgreSQL the candidates are locked
/// with `FOR UPDATE SKIP LOCKED`: racing claimers take different rows
/// instead of queueing on the same one, and a row changed meanwhile is
/// re-checked against the condition once locked. The update re-checks the
/// claim condition too. On SQLite the statement runs under the database's
/// one write lock, so the subquery and the update see the same rows.
pub fn claim(conn: &mut DbConnection, worker: &str, lease: Duration, batch: i64) -> QueryResult<Vec<Job>> {
    let at = now();
    let mut claimed: Vec<Job> = Statement::per_backend(POSTGRES_CLAIM, SQLITE_CLAIM)
        .bind("worker", worker)
        .bind("lease_end", at + lease)
        .bind("now", at)
        .inline("batch", batch.max(1))
        .load(conn)?;
    // RETURNING gives no order: the jobs are run in the order they were
    // queued to run.
    claimed.sort_by(|a, b| (a.run_after, a.created_at, &a.id).cmp(&(b.run_after, b.created_at, &b.id)));
    Ok(claimed)
}

/// The literals (`'running'`, `'False'`) are the partial indexes'
/// predicates, written out so the planner can prove an index applies
/// whatever plan it caches.
const POSTGRES_CLAIM: &str = "
WITH expired AS (
    SELECT id FROM jobs
    WHERE status = 'running' AND deleted = 'False' AND lease_expires_at < {now}
    ORDER BY lease_expires_at, id
    LIMIT {batch}
    FOR UPDATE SKIP LOCKED
), pending AS (
    SELECT id FROM jobs
    WHERE status = 'pending' AND deleted = 'False' AND run_after <= {now}
    ORDER BY run_after, created_at, id
    LIMIT {batch}
    FOR UPDATE SKIP LOCKED
), chosen AS (
    SELECT id FROM (SELECT id FROM expired UNION ALL SELECT id FROM pending) AS candidates LIMIT {batch}
)
UPDATE jobs
SET status = 'running', claimed_by = {worker}, lease_expires_at = {lease_end}, attempts = attempts + 1, updated_at = {now}
WHERE id IN (SELECT id FROM chosen)
  AND deleted = 'False'
  AND ((status = 'pending' AND run_after <= {now}) OR (status = 'running' AND lease_expires_at < {now}))
RETURNING *";

/// As [`POSTGRES_CLAIM`]; SQLite has no row locks to skip.
const SQLITE_CLAIM: &str = "
UPDATE jobs
SET status = 'running', claimed_by = {worker}, lease_expires_at = {lease_end}, attempts = attempts + 1, updated_at = {now}
WHERE id IN (
    SELECT id FROM (
        SELECT id FROM (
            SELECT id FROM jobs
            WHERE status = 'running' AND deleted = 'False' AND lease_expires_at < {now}
            ORDER BY lease_expires_at, id
            LIMIT {batch}
        )
        UNION ALL
        SELECT id FROM (
            SELECT id FROM jobs
            WHERE status = 'pending' AND deleted = 'False' AND run_after <= {now}
            ORDER BY run_after, created_at, id
            LIMIT {batch}
        )
    )
    LIMIT {batch}
)
  AND deleted = 'False'
  AND ((status = 'pending' AND run_after <= {now}) OR (status = 'running' AND lease_expires_at < {now}))
RETURNING *";

/// Records the outcome of a job `worker` holds. `false` when the worker
/// had lost its claim (the lease ran out and another took over), in which
/// case nothing is written.
pub fn finish(conn: &mut DbConnection, job_id: &str, worker: &str, outcome: Result<(), String>) -> QueryResult<bool> {
    let (status, error) = match outcome {
        Ok(()) => (SUCCEEDED, None),
        Err(message) => (FAILED, Some(message)),
    };
    let updated = Statement::new(FINISH)
        .bind("status", status)
        .bind("error", error.as_deref())
        .bind("now", now())
        .bind("id", job_id)
        .bind("worker", worker)
        .execute(conn)?;
    Ok(updated == 1)
}

/// [`finish`]'s update: it changes the job only while `worker` holds it.
const FINISH: &str = "
UPDATE jobs SET status = {status}, last_error = {error}, lease_expires_at = NULL, updated_at = {now}
WHERE id = {id} AND status = 'running' AND claimed_by = {worker}";

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
/// Finished jobs stay in the table (until [`purge`]) and are not counted.
/// One query per status, each read from that status's partial index.
pub fn queue_depth(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, i64)>> {
    let mut depth = Vec::new();
    for (status, sql) in [(PENDING, PENDING_BY_KIND), (RUNNING, RUNNING_BY_KIND)] {
        let counts: Vec<KindCount> = sql_query(sql).load(conn)?;
        depth.extend(
            counts
                .into_iter()
                .map(|count| (count.kind, status.to_string(), count.jobs)),
        );
    }
    Ok(depth)
}

const PENDING_BY_KIND: &str =
    "SELECT kind, COUNT(*) AS jobs FROM jobs WHERE status = 'pending' AND deleted = 'False' GROUP BY kind";
const RUNNING_BY_KIND: &str =
    "SELECT kind, COUNT(*) AS jobs FROM jobs WHERE status = 'running' AND deleted = 'False' GROUP BY kind";

#[derive(QueryableByName)]
struct KindCount {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    jobs: i64,
}

/// Deletes finished jobs (succeeded or failed) last changed before
/// `before`, as `manila-manage db purge` deletes rows soft-deleted before
/// its age: at most `chunk` rows per statement, so no statement holds its
/// locks long, until none is left. Returns how many were deleted. Pending
/// and running jobs are never touched.
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime, chunk: i64) -> QueryResult<usize> {
    let mut total = 0;
    loop {
        let deleted = sql_query(PURGE)
            .bind::<Timestamp, _>(before)
            .bind::<BigInt, _>(chunk.max(1))
            .execute(conn)?;
        total += deleted;
        if deleted < usize::try_from(chunk.max(1)).unwrap_or(usize::MAX) {
            return Ok(total);
        }
    }
}

/// Read from `jobs_finished`, which holds finished jobs only.
const PURGE: &str = "
DELETE FROM jobs WHERE id IN (
    SELECT id FROM jobs
    WHERE status IN ('succeeded', 'failed') AND updated_at < $1
    ORDER BY updated_at
    LIMIT $2
)";

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
