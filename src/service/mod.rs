//! The operations behind the API, one module per resource. Each public
//! function is synchronous, takes a connection and the caller, checks
//! policy first, validates input, and does its writes in one transaction.

pub mod admin_actions;
pub mod cgsnapshots;
pub mod consistency_groups;
pub mod export_locations;
pub mod share_networks;
pub mod share_types;
pub mod shares;
pub mod validation;
pub mod volume_cgsnapshots;
pub mod volume_consistency_groups;
pub mod volume_generic_groups;
pub mod volume_lists;
pub mod volume_schema;
pub mod volume_snapshots;
pub mod volume_types;
pub mod volumes;
