DROP TABLE volume_quota_usages;
DROP TABLE volume_snapshots;
DROP TABLE volumes;
DROP TABLE volume_cgsnapshots;
DROP TABLE volume_consistency_groups;
DROP TABLE volume_type_extra_specs;
DROP TABLE volume_types;
