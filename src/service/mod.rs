//! The rules of each resource, independent of HTTP: synchronous functions
//! over one database connection that check policy, validate input, check
//! the state machine and write, in one transaction.

pub mod consistency_groups;
pub mod validation;
