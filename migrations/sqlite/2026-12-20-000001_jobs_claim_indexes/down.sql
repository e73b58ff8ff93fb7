DROP INDEX jobs_finished;
DROP INDEX jobs_leases;
DROP INDEX jobs_pending;
CREATE INDEX jobs_claimable ON jobs (status, run_after) WHERE deleted = 'False';
