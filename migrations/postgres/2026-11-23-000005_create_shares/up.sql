-- Shares. Manila splits a share and its instances (replicas); without
-- replication a share has exactly one instance, so its instance columns
-- (host, status, network, server, type, zone, times) live on the share.
CREATE TABLE shares (
    id VARCHAR(36) PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    project_id VARCHAR(255) NOT NULL,
    size INTEGER NOT NULL,
    display_name VARCHAR(255),
    display_description VARCHAR(255),
    share_proto VARCHAR(255) NOT NULL,
    status VARCHAR(255) NOT NULL,
    task_state VARCHAR(255),
    access_rules_status VARCHAR(255) NOT NULL DEFAULT 'active',
    host VARCHAR(255),
    availability_zone VARCHAR(255),
    share_type_id VARCHAR(36) REFERENCES share_types (id),
    share_network_id VARCHAR(36) REFERENCES share_networks (id),
    share_server_id VARCHAR(36),
    snapshot_id VARCHAR(36),
    snapshot_support BOOLEAN NOT NULL DEFAULT TRUE,
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    consistency_group_id VARCHAR(36) REFERENCES consistency_groups (id),
    source_cgsnapshot_member_id VARCHAR(36),
    scheduled_at TIMESTAMP,
    launched_at TIMESTAMP,
    terminated_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX shares_project ON shares (project_id, deleted, created_at);
CREATE INDEX shares_consistency_group ON shares (consistency_group_id, deleted);

CREATE TABLE share_export_locations (
    id VARCHAR(36) PRIMARY KEY,
    share_id VARCHAR(36) NOT NULL REFERENCES shares (id),
    path VARCHAR(2000) NOT NULL,
    is_admin_only BOOLEAN NOT NULL DEFAULT FALSE,
    preferred BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX share_export_locations_share ON share_export_locations (share_id, deleted);

CREATE TABLE share_metadata (
    id VARCHAR(36) PRIMARY KEY,
    share_id VARCHAR(36) NOT NULL REFERENCES shares (id),
    key VARCHAR(255) NOT NULL,
    value VARCHAR(1023) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX share_metadata_share ON share_metadata (share_id, deleted);
