//! `limit` and `offset` on list requests, read as Manila's
//! `common.limited` reads them (reference section 8): `offset` skips
//! rows, `limit` 0 or absent means `osapi_max_limit`, and nothing larger
//! than it is ever returned.

use crate::error::Error;
use crate::listing::{parse_integer, QueryParams};

/// The parameters every list of ours takes beside its filters: upstream's
/// `limit`/`offset`, and `marker`, `sort_dir`, `all_tenants` (DESIGN.md
/// section 4, item 3). `sort_key` is left to the resource to map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListParams {
    pub page: Page,
    pub marker: Option<String>,
    pub sort_key: Option<String>,
    pub descending: bool,
    /// Any non-empty value, as upstream reads it; honoured for admins only.
    pub all_tenants: bool,
}

impl ListParams {
    pub fn from_query(query: &QueryParams, max_limit: i64) -> Result<ListParams, Error> {
        let page = Page::from_query(query, max_limit)?;
        let descending = match query.get("sort_dir") {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(Error::Invalid("Unknown sort direction, must be 'desc' or 'asc'".into())),
        };
        Ok(ListParams {
            page,
            marker: query.get("marker").map(str::to_string),
            sort_key: query.get("sort_key").map(str::to_string),
            descending,
            all_tenants: query.get("all_tenants").is_some_and(|value| !value.is_empty()),
        })
    }
}

/// The error for a `sort_key` a list does not sort by.
pub fn invalid_sort_key(key: &str, valid: &str) -> Error {
    Error::Invalid(format!("Invalid sort_key {key}. Valid keys: {valid}."))
}

/// The slice of a list a request asked for; both values are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}

impl Page {
    /// Manila's checks in Manila's order, so the same mistake wins:
    /// offset is an integer, limit is an integer, limit ≥ 0, offset ≥ 0.
    pub fn from_query(query: &QueryParams, max_limit: i64) -> Result<Page, Error> {
        let offset = integer(query, "offset")?.unwrap_or(0);
        let limit = integer(query, "limit")?.unwrap_or(max_limit);
        if limit < 0 {
            return Err(Error::Invalid("limit param must be positive".into()));
        }
        if offset < 0 {
            return Err(Error::Invalid("offset param must be positive".into()));
        }
        let limit = if limit == 0 { max_limit } else { limit.min(max_limit) };
        Ok(Page { offset, limit })
    }
}

fn integer(query: &QueryParams, key: &str) -> Result<Option<i64>, Error> {
    query
        .get(key)
        .map(|text| parse_integer(text).ok_or_else(|| Error::Invalid(format!("{key} param must be an integer"))))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(pairs: &[(&str, &str)]) -> Result<Page, String> {
        let query = QueryParams::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        Page::from_query(&query, 1000).map_err(|err| err.to_string())
    }

    #[test]
    fn absent_or_zero_limit_is_the_maximum() {
        let all = Ok(Page { offset: 0, limit: 1000 });
        assert_eq!(page(&[]), all);
        assert_eq!(page(&[("limit", "0")]), all);
        assert_eq!(page(&[("limit", "-0")]), all);
    }

    #[test]
    fn limit_is_capped_at_the_maximum() {
        assert_eq!(
            page(&[("limit", "5000"), ("offset", "3")]),
            Ok(Page { offset: 3, limit: 1000 })
        );
        assert_eq!(
            page(&[("limit", " 2 "), ("offset", "+1")]),
            Ok(Page { offset: 1, limit: 2 })
        );
    }

    #[test]
    fn bad_values_get_upstreams_texts() {
        assert_eq!(page(&[("limit", "x")]), Err("limit param must be an integer".into()));
        assert_eq!(page(&[("limit", "")]), Err("limit param must be an integer".into()));
        assert_eq!(page(&[("limit", "-1")]), Err("limit param must be positive".into()));
        assert_eq!(
            page(&[("offset", "1.5")]),
            Err("offset param must be an integer".into())
        );
        assert_eq!(page(&[("offset", "-2")]), Err("offset param must be positive".into()));
    }

    #[test]
    fn checks_run_in_upstreams_order() {
        // offset's type is checked first, then limit's type, then signs.
        assert_eq!(
            page(&[("limit", "x"), ("offset", "y")]),
            Err("offset param must be an integer".into())
        );
        assert_eq!(
            page(&[("limit", "x"), ("offset", "-1")]),
            Err("limit param must be an integer".into())
        );
        assert_eq!(
            page(&[("limit", "-1"), ("offset", "-1")]),
            Err("limit param must be positive".into())
        );
    }

    #[test]
    fn the_last_repeated_value_counts() {
        assert_eq!(
            page(&[("limit", "x"), ("limit", "4")]),
            Ok(Page { offset: 0, limit: 4 })
        );
    }
}
