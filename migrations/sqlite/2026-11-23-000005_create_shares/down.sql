DROP TABLE share_metadata;
DROP TABLE share_export_locations;
DROP TABLE shares;
