-- What a share inherits from its share type when created (upstream copies
-- these so a later change of the type does not change existing shares);
-- the share view shows them from 2.11, 2.24 and 2.27.
ALTER TABLE shares ADD COLUMN create_share_from_snapshot_support BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE shares ADD COLUMN revert_to_snapshot_support BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE shares ADD COLUMN replication_type VARCHAR(255);
