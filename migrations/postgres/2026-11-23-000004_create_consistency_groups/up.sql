-- Consistency groups and the share types each may hold (reference section 10).
-- share_server_id has no foreign key: share servers are the driver's business.
CREATE TABLE consistency_groups (
    id VARCHAR(36) PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    project_id VARCHAR(255) NOT NULL,
    host VARCHAR(255),
    name VARCHAR(255),
    description VARCHAR(255),
    status VARCHAR(255) NOT NULL,
    source_cgsnapshot_id VARCHAR(36),
    share_network_id VARCHAR(36) REFERENCES share_networks (id),
    share_server_id VARCHAR(36),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX consistency_groups_project ON consistency_groups (project_id, deleted, created_at);

CREATE TABLE consistency_group_share_type_mappings (
    id VARCHAR(36) PRIMARY KEY,
    consistency_group_id VARCHAR(36) NOT NULL REFERENCES consistency_groups (id),
    share_type_id VARCHAR(36) NOT NULL REFERENCES share_types (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX cg_share_type_mappings_cg ON consistency_group_share_type_mappings (consistency_group_id, deleted);
CREATE INDEX cg_share_type_mappings_type ON consistency_group_share_type_mappings (share_type_id, deleted);
