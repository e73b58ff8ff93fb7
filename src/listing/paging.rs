//! Paging a list already in order: skip past the marker, then offset,
//! then take the limit (DESIGN.md section 4, item 3).

use crate::error::{Error, Result};

/// The page of `items` after `marker` (an id), `offset` further on, at
/// most `limit` long; an unknown marker is the client's mistake.
pub fn page_after<T>(
    items: Vec<T>,
    id_of: impl Fn(&T) -> &str,
    marker: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<T>> {
    let start = match marker {
        None => 0,
        Some(marker) => {
            items
                .iter()
                .position(|item| id_of(item) == marker)
                .ok_or_else(|| Error::Invalid(format!("Marker {marker} could not be found.")))?
                + 1
        }
    };
    let skip = start.saturating_add(usize::try_from(offset).unwrap_or(usize::MAX));
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok(items.into_iter().skip(skip).take(take).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(marker: Option<&str>, offset: i64, limit: i64) -> Result<Vec<String>> {
        let items: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        page_after(items, String::as_str, marker, offset, limit)
    }

    #[test]
    fn marker_offset_and_limit_compose() {
        assert_eq!(page(None, 0, 2).unwrap(), ["a", "b"]);
        assert_eq!(page(Some("a"), 0, 2).unwrap(), ["b", "c"]);
        assert_eq!(page(Some("a"), 1, 5).unwrap(), ["c", "d"]);
        assert_eq!(page(Some("d"), 0, 5).unwrap(), Vec::<String>::new());
        assert_eq!(
            page(Some("z"), 0, 5).unwrap_err().to_string(),
            "Marker z could not be found."
        );
    }
}
