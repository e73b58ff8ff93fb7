-- Share types, their extra specs, and which projects may use a private type.
-- Soft delete as in Manila: `deleted` is 'False' while live, the row id after.
CREATE TABLE share_types (
    id VARCHAR(36) PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    is_public BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False',
    CONSTRAINT share_types_name_deleted_key UNIQUE (name, deleted)
);

CREATE TABLE share_type_extra_specs (
    id VARCHAR(36) PRIMARY KEY,
    share_type_id VARCHAR(36) NOT NULL REFERENCES share_types (id),
    spec_key VARCHAR(255) NOT NULL,
    spec_value VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False',
    CONSTRAINT share_type_extra_specs_key_deleted_key UNIQUE (share_type_id, spec_key, deleted)
);

CREATE TABLE share_type_projects (
    id VARCHAR(36) PRIMARY KEY,
    share_type_id VARCHAR(36) NOT NULL REFERENCES share_types (id),
    project_id VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP,
    deleted VARCHAR(36) NOT NULL DEFAULT 'False',
    CONSTRAINT share_type_projects_project_deleted_key UNIQUE (share_type_id, project_id, deleted)
);
