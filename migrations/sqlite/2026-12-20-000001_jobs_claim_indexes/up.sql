-- The job queue's claim reads one range of one of these, however long the
-- queue and however many finished jobs the table still holds (issue 18):
-- pending jobs in claim order, running jobs by when their lease runs out.
-- Finished jobs are in neither, only in jobs_finished, which the purge
-- (`manila-cg-api db purge`, or the workers' own) reads.
DROP INDEX jobs_claimable;
CREATE INDEX jobs_pending ON jobs (run_after, created_at, id) WHERE status = 'pending' AND deleted = 'False';
CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE status = 'running' AND deleted = 'False';
CREATE INDEX jobs_finished ON jobs (updated_at) WHERE status IN ('succeeded', 'failed');
