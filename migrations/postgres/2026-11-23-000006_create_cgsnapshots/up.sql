-- Consistency-group snapshots and their members, one per share of the CG
-- at the moment the snapshot was taken (reference section 10). A member's
-- share_instance_id is its share's id: a share has one instance here.
CREATE TABLE cgsnapshots (
    id VARCHAR(36) PRIMARY KEY,
    consistency_group_id VARCHAR(36) NOT NULL REFERENCES consistency_groups (id),
    user_id VARCHAR(255) NOT NULL,
    project_id VARCHAR(255) NOT NULL,
    name VARCHAR(255),
    description VARCHAR(255),
    status VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX cgsnapshots_project ON cgsnapshots (project_id, deleted, created_at);
CREATE INDEX cgsnapshots_consistency_group ON cgsnapshots (consistency_group_id, deleted);

CREATE TABLE cgsnapshot_members (
    id VARCHAR(36) PRIMARY KEY,
    cgsnapshot_id VARCHAR(36) NOT NULL REFERENCES cgsnapshots (id),
    share_id VARCHAR(36) NOT NULL REFERENCES shares (id),
    share_instance_id VARCHAR(36) NOT NULL,
    share_type_id VARCHAR(36) NOT NULL REFERENCES share_types (id),
    size INTEGER NOT NULL,
    status VARCHAR(255) NOT NULL,
    share_proto VARCHAR(255) NOT NULL,
    user_id VARCHAR(255) NOT NULL,
    project_id VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX cgsnapshot_members_snapshot ON cgsnapshot_members (cgsnapshot_id, deleted);
CREATE INDEX cgsnapshot_members_share ON cgsnapshot_members (share_id, deleted);
