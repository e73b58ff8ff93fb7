//! One list request, parsed once for every list: the parameters all lists
//! share ([`ListParams`]), plus the sort keys and exact filters each
//! resource declares in a small table ([`Spec`]).

use crate::error::Error;
use crate::listing::{invalid_sort_key, parse_integer, ListParams, Page, QueryParams};

/// Which of a resource's two lists a request asked for: `GET /<collection>`
/// (summaries) or `GET /<collection>/detail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Summary,
    Detail,
}

/// What one resource's list understands beside the shared parameters.
#[derive(Debug)]
pub struct Spec<K: 'static> {
    /// The `sort_key` values and what each means; the first is the default.
    pub sort_keys: &'static [(&'static str, K)],
    /// The query keys matched exactly against a column of the same name.
    pub filters: &'static [&'static str],
}

/// A list request as every list hands it to its service: checked, with
/// the resource's sort key and filters read from its [`Spec`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRequest<K> {
    pub page: Page,
    pub marker: Option<String>,
    pub sort_key: K,
    pub descending: bool,
    /// Any non-empty value, as upstream reads it; honoured for admins only.
    pub all_tenants: bool,
    /// The spec's filters the query gave, in the spec's order.
    filters: Vec<(&'static str, String)>,
}

impl<K: Copy> ListRequest<K> {
    pub fn parse(query: &QueryParams, max_limit: i64, spec: &Spec<K>) -> Result<ListRequest<K>, Error> {
        let params = ListParams::from_query(query, max_limit)?;
        let sort_key = match params.sort_key.as_deref() {
            None => spec.sort_keys.first().map(|(_, key)| *key),
            Some(asked) => spec
                .sort_keys
                .iter()
                .find(|(name, _)| *name == asked)
                .map(|(_, key)| *key),
        };
        let Some(sort_key) = sort_key else {
            let valid: Vec<&str> = spec.sort_keys.iter().map(|(name, _)| *name).collect();
            return Err(invalid_sort_key(
                params.sort_key.as_deref().unwrap_or_default(),
                &valid.join(", "),
            ));
        };
        let filters = spec
            .filters
            .iter()
            .filter_map(|key| query.get(key).map(|value| (*key, value.to_string())))
            .collect();
        Ok(ListRequest {
            page: params.page,
            marker: params.marker,
            sort_key,
            descending: params.descending,
            all_tenants: params.all_tenants,
            filters,
        })
    }
}

impl<K> ListRequest<K> {
    /// The value the query gave for one of the spec's filters.
    pub fn filter(&self, key: &str) -> Option<String> {
        self.filters
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value.clone())
    }

    /// The scope step: the project a list shows. A member's own; an
    /// admin's too, unless the admin names a project (that one) or asks
    /// for all tenants (`None`: every project).
    pub fn scoped_project(&self, caller_project: &str, is_admin: bool) -> Option<String> {
        let asked = self.filter("project_id");
        if is_admin && (asked.is_some() || self.all_tenants) {
            asked
        } else {
            Some(caller_project.to_string())
        }
    }
}

/// The next-link rule every paged list of Manila's follows: a next link
/// when `limit` was given, above 0, and the page is exactly that long.
pub fn wants_next_link(query: &QueryParams, items: usize) -> bool {
    query
        .get("limit")
        .and_then(parse_integer)
        .is_some_and(|limit| limit > 0 && usize::try_from(limit).is_ok_and(|limit| limit == items))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec<u8> = Spec {
        sort_keys: &[("created_at", 0), ("id", 1), ("name", 2)],
        filters: &["name", "status"],
    };

    fn parse(pairs: &[(&str, &str)]) -> Result<ListRequest<u8>, String> {
        let query = QueryParams::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        ListRequest::parse(&query, 1000, &SPEC).map_err(|err| err.to_string())
    }

    #[test]
    fn sort_keys_come_from_the_table() {
        assert_eq!(parse(&[]).unwrap().sort_key, 0);
        assert_eq!(parse(&[("sort_key", "name")]).unwrap().sort_key, 2);
        assert_eq!(
            parse(&[("sort_key", "size")]).unwrap_err(),
            "Invalid sort_key size. Valid keys: created_at, id, name."
        );
    }

    #[test]
    fn only_declared_filters_are_kept() {
        let request = parse(&[("status", "a"), ("host", "h"), ("status", "b")]).unwrap();
        assert_eq!(request.filter("status").as_deref(), Some("b"));
        assert_eq!(request.filter("name"), None);
        assert_eq!(request.filter("host"), None);
    }

    #[test]
    fn a_next_link_only_for_a_full_page_of_a_given_limit() {
        let query = |limit: &str| QueryParams::new(vec![("limit".into(), limit.into())]);
        assert!(wants_next_link(&query("2"), 2));
        assert!(!wants_next_link(&query("2"), 1));
        assert!(!wants_next_link(&query("0"), 0));
        assert!(!wants_next_link(&QueryParams::default(), 1000));
    }
}
