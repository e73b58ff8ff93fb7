ALTER TABLE shares DROP COLUMN replication_type;
ALTER TABLE shares DROP COLUMN revert_to_snapshot_support;
ALTER TABLE shares DROP COLUMN create_share_from_snapshot_support;
