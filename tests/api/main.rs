//! Black-box tests: the real server, a real database, HTTP.

mod helpers;

mod auth;
mod database;
mod faults;
mod microversions;
mod share_types;
mod versions;
