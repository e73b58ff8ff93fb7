//! The last step of every list: the page's items under the collection's
//! key and, when [`wants_next_link`] says the page may not be the last,
//! the next link under the links key.

use actix_web::HttpRequest;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::api::links::{Link, LinkBase};
use crate::api::query::view_of;
use crate::api::state::HttpState;
use crate::listing::{wants_next_link, QueryParams, View};
use crate::policy::RequestContext;

/// Where a list's items and its next link go in the body.
#[derive(Clone, Copy, Debug)]
pub struct Keys {
    pub items: &'static str,
    /// Upstream's key, which is not always the items' key plus `_links`
    /// (cgsnapshots answer with `cgsnapshot_links`).
    pub links: &'static str,
}

/// A list's body. Written with its keys in sorted order, as every JSON
/// object of this API is.
#[derive(Debug)]
pub struct ListBody<T> {
    keys: Keys,
    items: Vec<T>,
    next: Option<[Link; 1]>,
}

impl<T> ListBody<T> {
    /// A list without paging links.
    pub fn unpaged(items_key: &'static str, items: Vec<T>) -> ListBody<T> {
        ListBody {
            keys: Keys {
                items: items_key,
                links: "",
            },
            items,
            next: None,
        }
    }
}

/// The page at `collection` (the path after the project id) with its next
/// link when one is due; `last_id` is the page's last item's id.
pub struct Paged<'a> {
    req: &'a HttpRequest,
    /// Where the items' own links point too.
    pub links: LinkBase,
    project_id: &'a str,
    query: &'a QueryParams,
    /// The list the request asked for, which the next link continues:
    /// `collection`, or `collection/detail` for the detail list.
    list_path: String,
}

impl<'a> Paged<'a> {
    pub fn new(
        req: &'a HttpRequest,
        state: &HttpState,
        context: &'a RequestContext,
        query: &'a QueryParams,
        collection: &'a str,
    ) -> Paged<'a> {
        Paged {
            req,
            links: LinkBase::of(req, state.config.base_url.as_deref()),
            project_id: &context.project_id,
            query,
            list_path: match view_of(req) {
                View::Detail => format!("{collection}/detail"),
                View::Summary => collection.to_string(),
            },
        }
    }

    pub fn body<T>(&self, keys: Keys, items: Vec<T>, last_id: Option<&str>) -> ListBody<T> {
        let next = last_id
            .filter(|_| wants_next_link(self.query, items.len()))
            .map(|last| [self.links.next(self.req, self.project_id, &self.list_path, last)]);
        ListBody { keys, items, next }
    }
}

impl<T: Serialize> Serialize for ListBody<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1 + usize::from(self.next.is_some())))?;
        match &self.next {
            None => map.serialize_entry(self.keys.items, &self.items)?,
            Some(next) if self.keys.links < self.keys.items => {
                map.serialize_entry(self.keys.links, next)?;
                map.serialize_entry(self.keys.items, &self.items)?;
            }
            Some(next) => {
                map.serialize_entry(self.keys.items, &self.items)?;
                map.serialize_entry(self.keys.links, next)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn written(keys: Keys, next: bool) -> String {
        let body = ListBody {
            keys,
            items: vec![1, 2],
            next: next.then(|| {
                [Link {
                    href: "h".into(),
                    rel: "next",
                }]
            }),
        };
        serde_json::to_string(&body).unwrap()
    }

    #[test]
    fn keys_are_written_in_sorted_order() {
        let next = json!([{"href": "h", "rel": "next"}]);
        for (items, links) in [("cgsnapshots", "cgsnapshot_links"), ("shares", "shares_links")] {
            let keys = Keys { items, links };
            assert_eq!(written(keys, false), json!({ items: [1, 2] }).to_string());
            assert_eq!(written(keys, true), json!({ items: [1, 2], links: next }).to_string());
        }
    }
}
