DROP TABLE share_type_projects;
DROP TABLE share_type_extra_specs;
DROP TABLE share_types;
