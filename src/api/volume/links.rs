//! Links in the volume API's answers, as Cinder's view builders make them:
//! `self` under the version's path, `bookmark` without it, and a list's
//! `next` page; scheme and authority from `osapi_volume_base_URL` when set.

use actix_web::HttpRequest;
use serde::Serialize;

use super::route::VolumeVersion;
use crate::api::links::{host_url, scheme_and_authority};
use crate::api::state::HttpState;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    pub href: String,
    pub rel: &'static str,
}

/// Where a response's links point.
#[derive(Clone, Debug)]
pub struct VolumeLinks {
    root: String,
    version: &'static str,
}

impl VolumeLinks {
    pub fn of(req: &HttpRequest, state: &HttpState, version: &VolumeVersion) -> VolumeLinks {
        let root = match state.config.volume.base_url.as_deref() {
            Some(base) => scheme_and_authority(base).to_string(),
            None => host_url(req),
        };
        VolumeLinks {
            root,
            version: if version.is_legacy() { "v2" } else { "v3" },
        }
    }

    /// A resource's `self` and `bookmark` links.
    pub fn resource(&self, project_id: &str, collection: &str, id: &str) -> [Link; 2] {
        [
            Link {
                href: format!("{}/{}/{project_id}/{collection}/{id}", self.root, self.version),
                rel: "self",
            },
            Link {
                href: format!("{}/{project_id}/{collection}/{id}", self.root),
                rel: "bookmark",
            },
        ]
    }

    /// The next page of a list at `collection` (`volumes/detail` for the
    /// detail list): the request's query with `marker` set to the last id.
    pub fn next(&self, req: &HttpRequest, project_id: &str, collection: &str, last_id: &str) -> Link {
        let mut query: Vec<String> = req
            .query_string()
            .split('&')
            .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("marker"))
            .map(str::to_string)
            .collect();
        query.push(format!("marker={last_id}"));
        Link {
            href: format!(
                "{}/{}/{project_id}/{collection}?{}",
                self.root,
                self.version,
                query.join("&")
            ),
            rel: "next",
        }
    }
}
