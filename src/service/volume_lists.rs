//! List parameters as Cinder reads them (`cinder/api/common.py`:
//! `get_pagination_params`, `get_sort_params`; `utils.get_bool_param`),
//! with Cinder's texts, which differ from Manila's (`listing`). Volumes
//! and snapshots are sorted and paged in SQL, a page after a marker read
//! from where the marker is ([`ListQuery::sort_with_id`] gives the order;
//! `db::keyset` the condition); the small lists (volume types) sort and
//! page the loaded rows with [`ListQuery::page`].

use std::cmp::Ordering;

use crate::error::{Error, Result};
use crate::listing::{parse_integer, QueryParams};

/// Cinder's `DB_MAX_INT`, the largest offset it takes.
const DB_MAX_INT: i64 = 2_147_483_647;

/// Keys that page and sort rather than filter.
const PAGING_KEYS: [&str; 6] = ["limit", "marker", "offset", "sort", "sort_key", "sort_dir"];

/// One list request: paging, sorting, and what is left as filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: usize,
    pub marker: Option<String>,
    pub offset: usize,
    /// Sort keys as given, each with whether it is descending.
    pub sort: Vec<(String, bool)>,
    /// Every other query key, in order of first appearance, last value winning.
    pub filters: Vec<(String, String)>,
}

impl ListQuery {
    /// Limit, marker and offset, then the sort, in Cinder's order, so the
    /// same mistake wins.
    pub fn parse(query: &QueryParams, max_limit: i64) -> Result<ListQuery> {
        let limit = match query.get("limit") {
            None => max_limit,
            Some(text) => {
                let limit =
                    parse_integer(text).ok_or_else(|| Error::Invalid("limit param must be an integer".into()))?;
                if limit < 0 {
                    return Err(Error::Invalid("limit param must be positive".into()));
                }
                limit.min(max_limit)
            }
        };
        let offset = match query.get("offset") {
            None => 0,
            Some(text) => {
                let offset = parse_integer(text).ok_or_else(|| Error::Invalid("offset must be an integer".into()))?;
                if offset < 0 {
                    return Err(Error::Invalid("offset must be >= 0".into()));
                }
                if offset > DB_MAX_INT {
                    return Err(Error::Invalid(format!("offset must be <= {DB_MAX_INT}")));
                }
                offset
            }
        };
        let sort = sort_params(query)?;
        let filters = query
            .latest()
            .into_iter()
            .filter(|(key, _)| !PAGING_KEYS.contains(key))
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        Ok(ListQuery {
            limit: usize::try_from(limit).unwrap_or(0),
            marker: query.get("marker").map(str::to_string),
            offset: usize::try_from(offset).unwrap_or(0),
            sort,
            filters,
        })
    }

    /// The filter `key`, if given.
    pub fn filter(&self, key: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// Takes `key` out of the filters (a key the service handles itself).
    pub fn take_filter(&mut self, key: &str) -> Option<String> {
        let at = self.filters.iter().position(|(name, _)| name == key)?;
        Some(self.filters.remove(at).1)
    }

    /// Cinder's database layer's check: every sort key names a column of
    /// the resource (`known`).
    /// The filters a caller may use, as Cinder's list controllers decide
    /// them: an administrator keeps every filter (`all_tenants` must then
    /// be a valid boolean); anyone else keeps `member_filters` only,
    /// refusing the rest (`reject_unknown`, from 3.31) or dropping them.
    /// Returns whether the list spans every project.
    pub fn scope_filters(
        &mut self,
        query: &QueryParams,
        is_admin: bool,
        member_filters: &[&str],
        reject_unknown: bool,
    ) -> Result<bool> {
        if is_admin {
            // Only a valid boolean is accepted, as `utils.get_bool_param` reads it.
            bool_param(query, "all_tenants")?;
        } else if reject_unknown {
            self.take_filter("all_tenants");
            let unknown: Vec<&str> = self
                .filters
                .iter()
                .map(|(key, _)| key.as_str())
                .filter(|key| !member_filters.contains(key))
                .collect();
            if !unknown.is_empty() {
                return Err(Error::Invalid(format!(
                    "Invalid filters {} are found in query options.",
                    unknown.join(",")
                )));
            }
        } else {
            self.filters.retain(|(key, _)| member_filters.contains(&key.as_str()));
        }
        Ok(is_admin && self.take_filter("all_tenants").is_some() && bool_param(query, "all_tenants")?)
    }

    pub fn check_sort_keys(&self, known: &[&str]) -> Result<()> {
        if self.sort.iter().all(|(key, _)| known.contains(&key.as_str())) {
            Ok(())
        } else {
            Err(Error::Invalid("Invalid input received: Invalid sort key".into()))
        }
    }

    /// The order as columns, for a list sorted and paged in SQL: each
    /// key `column` names (the model's columns this server lacks sort as
    /// equal, so are left out), then `id` in the last key's direction, as
    /// Cinder's paginate query adds it ([`page`](Self::page)'s order).
    pub fn sort_with_id<F>(&self, column: impl Fn(&str) -> Option<F>, id: F) -> Vec<(F, bool)> {
        let last_descending = self.sort.last().is_some_and(|(_, descending)| *descending);
        let mut sort: Vec<(F, bool)> = self
            .sort
            .iter()
            .filter_map(|(key, descending)| column(key).map(|field| (field, *descending)))
            .collect();
        sort.push((id, last_descending));
        sort
    }

    /// Sorts `rows` by the requested keys (then by id, in the last key's
    /// direction, as Cinder's paginate query adds it), starts after the
    /// marker (`marker_missing` when no row has it), skips `offset` and
    /// keeps `limit`. `compare` orders two rows by one (checked) sort key.
    pub fn page<T>(
        &self,
        mut rows: Vec<T>,
        id_of: impl Fn(&T) -> &str,
        compare: impl Fn(&str, &T, &T) -> Ordering,
        marker_missing: impl FnOnce(&str) -> Error,
    ) -> Result<Vec<T>> {
        let last_descending = self.sort.last().is_some_and(|(_, descending)| *descending);
        rows.sort_by(|a, b| {
            for (key, descending) in &self.sort {
                let order = compare(key, a, b);
                let order = if *descending { order.reverse() } else { order };
                if order != Ordering::Equal {
                    return order;
                }
            }
            let order = id_of(a).cmp(id_of(b));
            if last_descending {
                order.reverse()
            } else {
                order
            }
        });
        let start = match &self.marker {
            None => 0,
            Some(marker) => match rows.iter().position(|row| id_of(row) == marker) {
                Some(at) => at + 1,
                None => return Err(marker_missing(marker)),
            },
        };
        Ok(rows
            .into_iter()
            .skip(start)
            .skip(self.offset)
            .take(self.limit)
            .collect())
    }
}

/// `get_sort_params` with `created_at desc` as the default, and the
/// directions checked as Cinder's database layer checks them.
fn sort_params(query: &QueryParams) -> Result<Vec<(String, bool)>> {
    let pairs: Vec<(String, String)> = match query.get("sort") {
        Some(sort) => {
            if query.contains("sort_key") || query.contains("sort_dir") {
                return Err(Error::Invalid(
                    "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter."
                        .into(),
                ));
            }
            sort.trim()
                .split(',')
                .map(|item| {
                    let (key, dir) = item.split_once(':').unwrap_or((item, ""));
                    let dir = if dir.is_empty() { "desc" } else { dir };
                    (key.trim().to_string(), dir.trim().to_string())
                })
                .collect()
        }
        None => vec![(
            query.get("sort_key").unwrap_or("created_at").to_string(),
            query.get("sort_dir").unwrap_or("desc").to_string(),
        )],
    };
    pairs
        .into_iter()
        .map(|(key, dir)| match dir.as_str() {
            "asc" => Ok((key, false)),
            "desc" => Ok((key, true)),
            _ => Err(Error::Invalid(
                "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.".into(),
            )),
        })
        .collect()
}

/// `utils.get_bool_param`: absent is false; otherwise one of oslo's
/// boolean words, or 400 with Cinder's text.
pub fn bool_param(query: &QueryParams, key: &str) -> Result<bool> {
    match query.get(key) {
        None => Ok(false),
        Some(value) => {
            bool_word(value).ok_or_else(|| Error::Invalid(format!("Value '{value}' for '{key}' is not a boolean.")))
        }
    }
}

/// oslo's strict `bool_from_string` on text.
pub fn bool_word(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// Where the next page starts, as Cinder's `_get_collection_links`
/// decides it: a page with rows and no fewer than the limit asked for
/// (`osapi_max_limit` when none was).
pub fn wants_next_link(query: &QueryParams, max_limit: i64, items: usize) -> bool {
    let limit = query
        .get("limit")
        .and_then(parse_integer)
        .unwrap_or(max_limit)
        .min(max_limit);
    items > 0 && usize::try_from(limit).is_ok_and(|limit| limit <= items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> QueryParams {
        QueryParams::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    fn parsed(pairs: &[(&str, &str)]) -> Result<ListQuery, String> {
        ListQuery::parse(&query(pairs), 1000).map_err(|err| err.to_string())
    }

    #[test]
    fn cinders_texts_in_cinders_order() {
        assert_eq!(
            parsed(&[("limit", "x"), ("offset", "y")]).unwrap_err(),
            "limit param must be an integer"
        );
        assert_eq!(parsed(&[("limit", "-1")]).unwrap_err(), "limit param must be positive");
        assert_eq!(parsed(&[("offset", "y")]).unwrap_err(), "offset must be an integer");
        assert_eq!(parsed(&[("offset", "-1")]).unwrap_err(), "offset must be >= 0");
        assert_eq!(
            parsed(&[("offset", "99999999999")]).unwrap_err(),
            "offset must be <= 2147483647"
        );
        assert_eq!(
            parsed(&[("sort_dir", "up")]).unwrap_err(),
            "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."
        );
        assert!(parsed(&[("sort", "name"), ("sort_key", "id")])
            .unwrap_err()
            .starts_with("The 'sort_key' and 'sort_dir' parameters are deprecated"));
    }

    #[test]
    fn sort_and_filters() {
        let list = parsed(&[("sort", "name:asc,size"), ("status", "available"), ("limit", "5000")]).unwrap();
        assert_eq!(list.sort, vec![("name".to_string(), false), ("size".to_string(), true)]);
        assert_eq!(list.filters, vec![("status".to_string(), "available".to_string())]);
        assert_eq!(list.limit, 1000);
        assert_eq!(parsed(&[]).unwrap().sort, vec![("created_at".to_string(), true)]);
    }

    #[test]
    fn pages_after_the_marker() {
        let list = parsed(&[("sort", "id:asc"), ("marker", "b"), ("limit", "1")]).unwrap();
        let rows = vec!["c", "a", "b", "d"];
        let page = list
            .page(rows, |row| row, |_, a, b| a.cmp(b), |_| Error::RouteNotFound)
            .unwrap();
        assert!(list.check_sort_keys(&["id"]).is_ok());
        assert!(list.check_sort_keys(&["name"]).is_err());
        assert_eq!(page, vec!["c"]);
        assert!(wants_next_link(&query(&[("limit", "1")]), 1000, 1));
        assert!(!wants_next_link(&query(&[]), 1000, 3));
    }
}
