-- Share networks as Manila keeps them after 2.26 (no nova_net_id).
CREATE TABLE share_networks (
    id VARCHAR(36) PRIMARY KEY,
    project_id VARCHAR(255) NOT NULL,
    user_id VARCHAR(255) NOT NULL,
    neutron_net_id VARCHAR(36),
    neutron_subnet_id VARCHAR(36),
    network_type VARCHAR(32),
    segmentation_id INTEGER,
    cidr VARCHAR(64),
    gateway VARCHAR(64),
    mtu INTEGER,
    ip_version INTEGER,
    name VARCHAR(255),
    description VARCHAR(255),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX share_networks_project ON share_networks (project_id, deleted);
