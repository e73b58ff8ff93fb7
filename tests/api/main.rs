//! Black-box tests: the real server, a real database, HTTP.

mod helpers;
mod identity;

mod auth;
mod authorization;
mod cgsnapshots;
mod cli;
mod consistency_group_lists;
mod consistency_groups;
mod database;
mod deploy;
mod export_locations;
mod faults;
mod health;
mod jobs;
mod keystone;
mod metrics;
mod microversions;
mod nul_bytes;
mod openapi;
mod point_in_time;
mod policy;
mod share_actions;
mod share_networks;
mod share_types;
mod shares;
mod shutdown;
mod versions;
mod volume_authorization;
mod volume_cgsnapshots;
mod volume_consistency_groups;
mod volume_generic_groups;
mod volume_snapshots;
mod volume_types;
mod volume_versions;
mod volume_volumes;
