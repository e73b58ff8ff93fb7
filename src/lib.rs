//! manila-cg-api: OpenStack Manila's consistency-group API, wire-compatible.

pub mod api;
pub mod config;
pub mod db;
pub mod error;
pub mod listing;
pub mod logging;
pub mod metrics;
pub mod policy;
pub mod python;
pub mod scheduler;
pub mod service;
pub mod shutdown;
pub mod startup;
pub mod timestamps;
pub mod tls;
pub mod version;
pub mod worker;
