//! How cgsnapshots and their members look on the wire (reference 6.3-6.5).
//! Fields are declared in sorted order, the order every JSON object of
//! this API is written in.

use serde::Serialize;

use crate::api::links::{Link, LinkBase, Summary};
use crate::api::listing::Keys;
use crate::db::cgsnapshots::{CgSnapshot, CgSnapshotMember};
use crate::policy::RequestContext;
use crate::timestamps;

pub const COLLECTION: &str = "cgsnapshots";

/// Upstream's links key is singular: `cgsnapshot_links`.
pub const KEYS: Keys = Keys {
    items: "cgsnapshots",
    links: "cgsnapshot_links",
};

pub const MEMBER_KEYS: Keys = Keys {
    items: "cgsnapshot_members",
    links: "cgsnapshot_members_links",
};

#[derive(Debug, Serialize)]
pub struct Detail<'a> {
    consistency_group_id: &'a str,
    created_at: String,
    description: Option<&'a str>,
    id: &'a str,
    links: [Link; 2],
    name: Option<&'a str>,
    project_id: &'a str,
    status: &'a str,
}

/// `{"cgsnapshot": <view>}`: the body of show, create and update.
#[derive(Debug, Serialize)]
pub struct One<'a> {
    cgsnapshot: Detail<'a>,
}

/// `share_proto` is shown as `share_protocol`; status and user are not shown.
#[derive(Debug, Serialize)]
pub struct Member<'a> {
    cgsnapshot_id: &'a str,
    created_at: String,
    id: &'a str,
    project_id: &'a str,
    share_id: &'a str,
    share_protocol: &'a str,
    share_type_id: &'a str,
    size: i32,
}

pub fn summary<'a>(snapshot: &'a CgSnapshot, links: &LinkBase, context: &RequestContext) -> Summary<'a> {
    links.summary(&context.project_id, COLLECTION, &snapshot.id, snapshot.name.as_deref())
}

pub fn detail<'a>(snapshot: &'a CgSnapshot, links: &LinkBase, context: &RequestContext) -> Detail<'a> {
    Detail {
        consistency_group_id: &snapshot.consistency_group_id,
        created_at: timestamps::render(&snapshot.created_at),
        description: snapshot.description.as_deref(),
        id: &snapshot.id,
        links: links.resource_links(&context.project_id, COLLECTION, &snapshot.id),
        name: snapshot.name.as_deref(),
        project_id: &snapshot.project_id,
        status: &snapshot.status,
    }
}

pub fn one<'a>(snapshot: &'a CgSnapshot, links: &LinkBase, context: &RequestContext) -> One<'a> {
    One {
        cgsnapshot: detail(snapshot, links, context),
    }
}

pub fn member(member: &CgSnapshotMember) -> Member<'_> {
    Member {
        cgsnapshot_id: &member.cgsnapshot_id,
        created_at: timestamps::render(&member.created_at),
        id: &member.id,
        project_id: &member.project_id,
        share_id: &member.share_id,
        share_protocol: &member.share_proto,
        share_type_id: &member.share_type_id,
        size: member.size,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::api::view_tests::{assert_written_sorted, context, links};

    #[test]
    fn views_write_their_keys_sorted() {
        let at = NaiveDate::from_ymd_opt(2015, 9, 16)
            .unwrap()
            .and_hms_opt(9, 28, 52)
            .unwrap();
        let snapshot = CgSnapshot {
            id: "s".into(),
            consistency_group_id: "cg".into(),
            user_id: "u".into(),
            project_id: "p".into(),
            name: None,
            description: Some("d".into()),
            status: "available".into(),
            created_at: at,
            updated_at: None,
            deleted_at: None,
            deleted: "False".into(),
        };
        let (context, links) = (context(false), links());
        assert_written_sorted(&summary(&snapshot, &links, &context));
        assert_written_sorted(&one(&snapshot, &links, &context));
        let row = CgSnapshotMember {
            id: "m".into(),
            cgsnapshot_id: "s".into(),
            share_id: "sh".into(),
            share_instance_id: "sh".into(),
            share_type_id: "t".into(),
            size: 1,
            status: "available".into(),
            share_proto: "NFS".into(),
            user_id: "u".into(),
            project_id: "p".into(),
            created_at: at,
            updated_at: None,
            deleted_at: None,
            deleted: "False".into(),
        };
        assert_written_sorted(&member(&row));
    }
}
