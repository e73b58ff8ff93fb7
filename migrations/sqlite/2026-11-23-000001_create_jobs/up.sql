-- The durable job queue: every asynchronous step is a row, written in the
-- same transaction as the state change that asks for it (DESIGN.md section 2).
CREATE TABLE jobs (
    id VARCHAR(36) PRIMARY KEY,
    kind VARCHAR(64) NOT NULL,
    resource_id VARCHAR(36) NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_by VARCHAR(255),
    lease_expires_at TIMESTAMP,
    run_after TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX jobs_claimable ON jobs (status, run_after) WHERE deleted = 'False';
