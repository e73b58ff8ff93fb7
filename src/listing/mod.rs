//! What every list request has in common, independent of HTTP: the query
//! string as Manila reads it, the paging and sorting parameters with
//! upstream's checks, and paging a list already in order.

mod paging;
mod params;
mod query;

pub use paging::page_after;
pub use params::{invalid_sort_key, ListParams, Page};
pub use query::{parse_integer, QueryParams};
