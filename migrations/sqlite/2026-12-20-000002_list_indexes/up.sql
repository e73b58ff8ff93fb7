-- Keyset pagination (issue 18): for every list order and filter, an index
-- on (scope, filter, sort key, id) over the live rows only, so a page is
-- read from where its marker is, whatever the table's size: project_id
-- first for a project's list, without it for an administrator's
-- all_tenants list. A name sorts with unnamed rows last either way, so it
-- has an index per direction, led by its null flag as the list orders it
-- ("(name IS NULL)" ascending, "(name IS NOT NULL)" descending). The
-- predicate is written as the queries write it, a literal.
-- They supersede the (project_id, deleted, created_at) list indexes.

DROP INDEX consistency_groups_project;
DROP INDEX cgsnapshots_project;
DROP INDEX share_networks_project;
DROP INDEX shares_project;
DROP INDEX volume_consistency_groups_project;
DROP INDEX volume_cgsnapshots_project;
DROP INDEX volumes_project;
DROP INDEX volume_snapshots_project;


-- consistency_groups
CREATE INDEX cgs_project_created ON consistency_groups (project_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgs_project_id ON consistency_groups (project_id, id) WHERE deleted = 'False';
CREATE INDEX cgs_project_name ON consistency_groups (project_id, (name IS NULL), name, id) WHERE deleted = 'False';
CREATE INDEX cgs_project_name_desc ON consistency_groups (project_id, (name IS NOT NULL), name, id) WHERE deleted = 'False';
CREATE INDEX cgs_project_status ON consistency_groups (project_id, status, id) WHERE deleted = 'False';
CREATE INDEX cgs_project_named_created ON consistency_groups (project_id, name, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgs_project_in_status_created ON consistency_groups (project_id, status, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgs_project_network_created ON consistency_groups (project_id, share_network_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgs_all_created ON consistency_groups (created_at, id) WHERE deleted = 'False';
CREATE INDEX cgs_all_name ON consistency_groups ((name IS NULL), name, id) WHERE deleted = 'False';
CREATE INDEX cgs_all_name_desc ON consistency_groups ((name IS NOT NULL), name, id) WHERE deleted = 'False';
CREATE INDEX cgs_all_status ON consistency_groups (status, id) WHERE deleted = 'False';
CREATE INDEX cgs_all_named_created ON consistency_groups (name, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgs_all_in_status_created ON consistency_groups (status, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgs_all_network_created ON consistency_groups (share_network_id, created_at, id) WHERE deleted = 'False';

-- cgsnapshots
CREATE INDEX cgsnapshots_project_created ON cgsnapshots (project_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_project_id ON cgsnapshots (project_id, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_project_name ON cgsnapshots (project_id, (name IS NULL), name, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_project_name_desc ON cgsnapshots (project_id, (name IS NOT NULL), name, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_project_status ON cgsnapshots (project_id, status, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_project_named_created ON cgsnapshots (project_id, name, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_project_in_status_created ON cgsnapshots (project_id, status, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_project_group_created ON cgsnapshots (project_id, consistency_group_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_all_created ON cgsnapshots (created_at, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_all_name ON cgsnapshots ((name IS NULL), name, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_all_name_desc ON cgsnapshots ((name IS NOT NULL), name, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_all_status ON cgsnapshots (status, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_all_named_created ON cgsnapshots (name, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_all_in_status_created ON cgsnapshots (status, created_at, id) WHERE deleted = 'False';
CREATE INDEX cgsnapshots_all_group_created ON cgsnapshots (consistency_group_id, created_at, id) WHERE deleted = 'False';

-- cgsnapshot_members
CREATE INDEX cgsnapshot_members_page ON cgsnapshot_members (cgsnapshot_id, created_at, id) WHERE deleted = 'False';

-- share_networks
CREATE INDEX share_networks_project_created ON share_networks (project_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX share_networks_all_created ON share_networks (created_at, id) WHERE deleted = 'False';

-- shares
CREATE INDEX shares_project_created ON shares (project_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX shares_all_created ON shares (created_at, id) WHERE deleted = 'False';

-- share_types
CREATE INDEX share_types_by_name ON share_types (name, id) WHERE deleted = 'False';

-- volume_consistency_groups
CREATE INDEX volume_groups_project_created ON volume_consistency_groups (project_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX volume_groups_all_created ON volume_consistency_groups (created_at, id) WHERE deleted = 'False';
CREATE INDEX volume_groups_project_named_created ON volume_consistency_groups (project_id, name, created_at, id) WHERE deleted = 'False';
CREATE INDEX volume_groups_project_in_status_created ON volume_consistency_groups (project_id, status, created_at, id) WHERE deleted = 'False';

-- volumes
CREATE INDEX volumes_project_created ON volumes (project_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX volumes_all_created ON volumes (created_at, id) WHERE deleted = 'False';
CREATE INDEX volumes_project_named_created ON volumes (project_id, name, created_at, id) WHERE deleted = 'False';
CREATE INDEX volumes_project_in_status_created ON volumes (project_id, status, created_at, id) WHERE deleted = 'False';

-- volume_snapshots
CREATE INDEX volume_snapshots_project_created ON volume_snapshots (project_id, created_at, id) WHERE deleted = 'False';
CREATE INDEX volume_snapshots_all_created ON volume_snapshots (created_at, id) WHERE deleted = 'False';
CREATE INDEX volume_snapshots_project_named_created ON volume_snapshots (project_id, name, created_at, id) WHERE deleted = 'False';
CREATE INDEX volume_snapshots_project_in_status_created ON volume_snapshots (project_id, status, created_at, id) WHERE deleted = 'False';
CREATE INDEX volume_snapshots_project_volume_created ON volume_snapshots (project_id, volume_id, created_at, id) WHERE deleted = 'False';

-- volume_cgsnapshots
CREATE INDEX volume_cgsnapshots_project_created ON volume_cgsnapshots (project_id, created_at, id) WHERE deleted = 'False';

-- volume_types
CREATE INDEX volume_types_by_name ON volume_types (name, id) WHERE deleted = 'False';
