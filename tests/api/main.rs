//! Black-box tests: the real server, a real database, HTTP.

mod helpers;

mod auth;
mod cgsnapshots;
mod cli;
mod consistency_group_lists;
mod consistency_groups;
mod database;
mod export_locations;
mod faults;
mod jobs;
mod microversions;
mod openapi;
mod point_in_time;
mod share_networks;
mod share_types;
mod shares;
mod versions;
