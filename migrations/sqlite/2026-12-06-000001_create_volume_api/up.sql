-- Cinder's side: volume types, consistency groups and their snapshots,
-- volumes and snapshots, and per-project quota usage. Separate tables from
-- Manila's; soft delete as there (`deleted` is 'False' while live, the
-- row id after). A group's volume types are a comma-joined list of type
-- ids, as Cinder's classic `volume_type_id` column held them.
CREATE TABLE volume_types (
    id VARCHAR(36) PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    description VARCHAR(255),
    is_public BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False',
    CONSTRAINT volume_types_name_deleted_key UNIQUE (name, deleted)
);

-- Cinder's migrations create the type every volume without one gets.
INSERT INTO volume_types (id, name, description, is_public, created_at, deleted)
VALUES ('7f0c3a57-7a7e-4f2e-9d4b-1c1e2a0d5b10', '__DEFAULT__', 'Default Volume Type', 1,
        CURRENT_TIMESTAMP, 'False');

CREATE TABLE volume_type_extra_specs (
    id VARCHAR(36) PRIMARY KEY,
    volume_type_id VARCHAR(36) NOT NULL REFERENCES volume_types (id),
    spec_key VARCHAR(255) NOT NULL,
    spec_value VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False',
    CONSTRAINT volume_type_extra_specs_key_deleted_key UNIQUE (volume_type_id, spec_key, deleted)
);

CREATE TABLE volume_consistency_groups (
    id VARCHAR(36) PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    project_id VARCHAR(255) NOT NULL,
    host VARCHAR(255),
    availability_zone VARCHAR(255) NOT NULL,
    name VARCHAR(255),
    description VARCHAR(255),
    volume_type_ids TEXT NOT NULL,
    status VARCHAR(255) NOT NULL,
    cgsnapshot_id VARCHAR(36),
    source_cgid VARCHAR(36),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX volume_consistency_groups_project ON volume_consistency_groups (project_id, deleted, created_at);

CREATE TABLE volume_cgsnapshots (
    id VARCHAR(36) PRIMARY KEY,
    consistencygroup_id VARCHAR(36) NOT NULL REFERENCES volume_consistency_groups (id),
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
CREATE INDEX volume_cgsnapshots_project ON volume_cgsnapshots (project_id, deleted, created_at);
CREATE INDEX volume_cgsnapshots_group ON volume_cgsnapshots (consistencygroup_id, deleted);

CREATE TABLE volumes (
    id VARCHAR(36) PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    project_id VARCHAR(255) NOT NULL,
    host VARCHAR(255),
    size INTEGER NOT NULL,
    availability_zone VARCHAR(255) NOT NULL,
    status VARCHAR(255) NOT NULL,
    attach_status VARCHAR(255) NOT NULL,
    name VARCHAR(255),
    description VARCHAR(255),
    volume_type_id VARCHAR(36) NOT NULL REFERENCES volume_types (id),
    consistencygroup_id VARCHAR(36) REFERENCES volume_consistency_groups (id),
    snapshot_id VARCHAR(36),
    source_volid VARCHAR(36),
    bootable BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX volumes_project ON volumes (project_id, deleted, created_at);
CREATE INDEX volumes_group ON volumes (consistencygroup_id, deleted);

CREATE TABLE volume_snapshots (
    id VARCHAR(36) PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    project_id VARCHAR(255) NOT NULL,
    volume_id VARCHAR(36) NOT NULL REFERENCES volumes (id),
    cgsnapshot_id VARCHAR(36) REFERENCES volume_cgsnapshots (id),
    name VARCHAR(255),
    description VARCHAR(255),
    status VARCHAR(255) NOT NULL,
    progress VARCHAR(255) NOT NULL,
    volume_size INTEGER NOT NULL,
    volume_type_id VARCHAR(36) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False'
);
CREATE INDEX volume_snapshots_project ON volume_snapshots (project_id, deleted, created_at);
CREATE INDEX volume_snapshots_volume ON volume_snapshots (volume_id, deleted);
CREATE INDEX volume_snapshots_cgsnapshot ON volume_snapshots (cgsnapshot_id, deleted);

-- What each project holds of a counted resource (`groups`), changed by
-- conditional updates so two replicas cannot both take the last unit.
CREATE TABLE volume_quota_usages (
    project_id VARCHAR(255) NOT NULL,
    resource VARCHAR(255) NOT NULL,
    in_use INTEGER NOT NULL,
    PRIMARY KEY (project_id, resource)
);
