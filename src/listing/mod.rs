//! What every list request has in common, independent of HTTP: the query
//! string as Manila reads it, the paging and sorting parameters with
//! upstream's checks, a resource's sort keys and filters read from its
//! table, and the next-link rule. Paging itself is SQL's (`db::keyset`).

mod params;
mod query;
mod request;

pub use params::{invalid_sort_key, ListParams, Page};
pub use query::{parse_integer, QueryParams};
pub use request::{wants_next_link, ListRequest, Spec, View};
