//! manila-cg-api: OpenStack Manila's consistency-group API, wire-compatible.

pub mod api;
pub mod config;
pub mod db;
pub mod error;
pub mod policy;
pub mod service;
pub mod startup;
