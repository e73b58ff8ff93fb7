//! How a consistency group looks on the wire (reference sections 6.1, 6.2).
//!
//! Views are structs serialised as they stand rather than JSON trees
//! built and then written: on a detail list, building and freeing the
//! tree was about a third of the server's time. Fields are declared in
//! sorted order, the order every JSON object of this API is written in.

use crate::api::links::{Link, LinkBase, Summary};
use crate::api::listing::Keys;
use crate::policy::RequestContext;
use crate::service::consistency_groups::CgWithTypes;
use crate::timestamps;
use serde::Serialize;

pub const COLLECTION: &str = "consistency-groups";

#[derive(Debug, Serialize)]
pub struct Detail<'a> {
    created_at: String,
    description: Option<&'a str>,
    host: Option<&'a str>,
    id: &'a str,
    links: [Link; 2],
    name: Option<&'a str>,
    project_id: &'a str,
    share_network_id: Option<&'a str>,
    /// Present (possibly null) for administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    share_server_id: Option<Option<&'a str>>,
    share_types: &'a [String],
    source_cgsnapshot_id: Option<&'a str>,
    status: &'a str,
}

/// `{"consistency_group": <view>}`: the body of show, create and update.
#[derive(Debug, Serialize)]
pub struct One<'a> {
    pub consistency_group: Detail<'a>,
}

/// Where a list's items and next link go.
pub const KEYS: Keys = Keys {
    items: "consistency_groups",
    links: "consistency_groups_links",
};

pub fn summary<'a>(item: &'a CgWithTypes, links: &LinkBase, context: &RequestContext) -> Summary<'a> {
    let cg = &item.cg;
    links.summary(&context.project_id, COLLECTION, &cg.id, cg.name.as_deref())
}

/// The full view; `share_server_id` only for administrators.
pub fn detail<'a>(item: &'a CgWithTypes, links: &LinkBase, context: &RequestContext) -> Detail<'a> {
    let cg = &item.cg;
    Detail {
        created_at: timestamps::render(&cg.created_at),
        description: cg.description.as_deref(),
        host: cg.host.as_deref(),
        id: &cg.id,
        links: links.resource_links(&context.project_id, COLLECTION, &cg.id),
        name: cg.name.as_deref(),
        project_id: &cg.project_id,
        share_network_id: cg.share_network_id.as_deref(),
        share_server_id: context.is_admin.then_some(cg.share_server_id.as_deref()),
        share_types: &item.share_types,
        source_cgsnapshot_id: cg.source_cgsnapshot_id.as_deref(),
        status: &cg.status,
    }
}

/// The show, create and update body.
pub fn one<'a>(item: &'a CgWithTypes, links: &LinkBase, context: &RequestContext) -> One<'a> {
    One {
        consistency_group: detail(item, links, context),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde_json::{json, Value};

    use super::*;
    use crate::api::view_tests::{context, links};
    use crate::db::consistency_groups::ConsistencyGroup;

    fn item() -> CgWithTypes {
        let at = NaiveDate::from_ymd_opt(2015, 9, 16)
            .unwrap()
            .and_hms_micro_opt(9, 28, 52, 880_949)
            .unwrap();
        CgWithTypes {
            cg: ConsistencyGroup {
                id: "cg1".into(),
                user_id: "u".into(),
                project_id: "p".into(),
                host: Some("h@b#pool0".into()),
                name: None,
                description: Some("d".into()),
                status: "available".into(),
                source_cgsnapshot_id: None,
                share_network_id: None,
                share_server_id: Some("ss".into()),
                created_at: at,
                updated_at: None,
                deleted_at: None,
                deleted: "False".into(),
            },
            share_types: vec!["t1".into(), "t2".into()],
        }
    }

    fn expected_links() -> Value {
        json!([
            {"href": "http://h:1/v2/p/consistency-groups/cg1", "rel": "self"},
            {"href": "http://h:1/p/consistency-groups/cg1", "rel": "bookmark"},
        ])
    }

    #[test]
    fn detail_writes_what_the_json_tree_did_byte_for_byte() {
        let item = item();
        let expected = json!({
            "created_at": "2015-09-16T09:28:52.880949", "description": "d", "host": "h@b#pool0",
            "id": "cg1", "links": expected_links(), "name": null, "project_id": "p",
            "share_network_id": null, "share_server_id": "ss", "share_types": ["t1", "t2"],
            "source_cgsnapshot_id": null, "status": "available",
        });
        let written = serde_json::to_string(&detail(&item, &links(), &context(true))).unwrap();
        assert_eq!(written, expected.to_string(), "same keys, values and order");

        let mut member = expected;
        member.as_object_mut().unwrap().remove("share_server_id");
        let written = serde_json::to_string(&detail(&item, &links(), &context(false))).unwrap();
        assert_eq!(written, member.to_string(), "share_server_id is for admins only");

        let written = serde_json::to_string(&one(&item, &links(), &context(false))).unwrap();
        assert_eq!(written, json!({ "consistency_group": member }).to_string());
    }

    #[test]
    fn summary() {
        let item = item();
        assert_eq!(
            serde_json::to_string(&super::summary(&item, &links(), &context(false))).unwrap(),
            json!({"id": "cg1", "links": expected_links(), "name": null}).to_string()
        );
    }
}
