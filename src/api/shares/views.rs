//! How a share looks on the wire at each microversion (upstream's
//! `manila/api/views/shares.py`): the fields that appear, change or go
//! away by version are decided in [`detail`], in version order. Fields
//! are declared in sorted order, the order every JSON object of this API
//! is written in.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::links::{Link, LinkBase, Summary};
use crate::api::listing::Keys;
use crate::api::microversion::RequestVersion;
use crate::db;
use crate::policy::RequestContext;
use crate::service::shares::ShareDetail;
use crate::timestamps;

pub const COLLECTION: &str = "shares";

pub const KEYS: Keys = Keys {
    items: "shares",
    links: "shares_links",
};

/// `Option<..>` fields are shown from (or until) a version, or to admins
/// only; their inner `Option` is the value, which may be null.
#[derive(Debug, Serialize)]
pub struct Detail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_rules_status: Option<&'a str>,
    availability_zone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consistency_group_id: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_share_from_snapshot_support: Option<bool>,
    created_at: String,
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    export_location: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    export_locations: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    has_replicas: Option<bool>,
    host: Option<&'a str>,
    id: &'a str,
    is_public: bool,
    links: [Link; 2],
    metadata: BTreeMap<&'a str, &'a str>,
    name: Option<&'a str>,
    project_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    replication_type: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revert_to_snapshot_support: Option<bool>,
    share_network_id: Option<&'a str>,
    share_proto: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    share_server_id: Option<Option<&'a str>>,
    share_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    share_type_name: Option<Option<&'a str>>,
    size: i32,
    snapshot_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot_support: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_cgsnapshot_member_id: Option<Option<&'a str>>,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_state: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    volume_type: Option<&'a str>,
}

/// `{"share": <view>}`: the body of show, create and update.
#[derive(Debug, Serialize)]
pub struct One<'a> {
    share: Detail<'a>,
}

pub fn summary<'a>(item: &'a ShareDetail, links: &LinkBase, context: &RequestContext) -> Summary<'a> {
    let share = &item.share;
    links.summary(
        &context.project_id,
        COLLECTION,
        &share.id,
        share.display_name.as_deref(),
    )
}

/// The full view; `share_server_id` only for administrators.
pub fn detail<'a>(
    item: &'a ShareDetail,
    links: &LinkBase,
    context: &RequestContext,
    version: &RequestVersion,
) -> Detail<'a> {
    let share = &item.share;
    let since = |minor: u32| version.at_least(2, minor);
    // Before 2.6 `share_type` is the type's name (its id when it has none).
    let type_shown = match (&share.share_type_id, &item.type_name) {
        (Some(_), Some(name)) => Some(name.as_str()),
        (id, _) => id.as_deref(),
    };
    // Until 2.9 export locations are part of the share. Only an available
    // share lists them; the legacy single field shows the first whatever
    // the status.
    let (export_location, export_locations) = if since(9) {
        (None, None)
    } else {
        let listed: &[String] = if share.status == "available" {
            &item.export_paths
        } else {
            &[]
        };
        (Some(item.export_paths.first().map(String::as_str)), Some(listed))
    };
    // 2.28 brought the transitional rule states; before, `syncing` reads
    // as `out_of_sync`.
    let access_rules_status = if share.access_rules_status == "syncing" && !since(28) {
        "out_of_sync"
    } else {
        share.access_rules_status.as_str()
    };
    Detail {
        access_rules_status: since(10).then_some(access_rules_status),
        availability_zone: share.availability_zone.as_deref(),
        consistency_group_id: since(4).then_some(share.consistency_group_id.as_deref()),
        create_share_from_snapshot_support: since(24).then_some(share.create_share_from_snapshot_support),
        created_at: timestamps::render(&share.created_at),
        description: share.display_description.as_deref(),
        export_location,
        export_locations,
        has_replicas: since(11).then_some(false),
        host: share.host.as_deref(),
        id: &share.id,
        is_public: share.is_public,
        links: links.resource_links(&context.project_id, COLLECTION, &share.id),
        metadata: item
            .metadata
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect(),
        name: share.display_name.as_deref(),
        project_id: &share.project_id,
        replication_type: since(11).then_some(share.replication_type.as_deref()),
        revert_to_snapshot_support: since(27).then_some(share.revert_to_snapshot_support),
        share_network_id: share.share_network_id.as_deref(),
        share_proto: &share.share_proto,
        share_server_id: context.is_admin.then_some(share.share_server_id.as_deref()),
        // From 2.6 the type's id, with its name beside it.
        share_type: if since(6) {
            share.share_type_id.as_deref()
        } else {
            type_shown
        },
        share_type_name: since(6).then_some(item.type_name.as_deref()),
        size: share.size,
        snapshot_id: share.snapshot_id.as_deref(),
        snapshot_support: since(2).then_some(share.snapshot_support),
        source_cgsnapshot_member_id: since(4).then_some(share.source_cgsnapshot_member_id.as_deref()),
        status: &share.status,
        task_state: since(5).then_some(share.task_state.as_deref()),
        user_id: since(16).then_some(share.user_id.as_str()),
        volume_type: type_shown,
    }
}

pub fn one<'a>(item: &'a ShareDetail, links: &LinkBase, context: &RequestContext, version: &RequestVersion) -> One<'a> {
    One {
        share: detail(item, links, context, version),
    }
}

/// An export location; `Option` fields are shown from a version, to
/// admins, or in the detail view only.
#[derive(Debug, Serialize)]
pub struct ExportLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_admin_only: Option<bool>,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferred: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    share_instance_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_at: Option<Option<String>>,
}

/// `{"export_location": <view>}`: the body of its show.
#[derive(Debug, Serialize)]
pub struct ExportLocationOne<'a> {
    pub export_location: ExportLocation<'a>,
}

/// `preferred` from 2.14; the share instance and the admin-only flag for
/// admins; times in the detail view only.
pub fn export_location<'a>(
    location: &'a db::shares::ExportLocation,
    version: &RequestVersion,
    context: &RequestContext,
    detail: bool,
) -> ExportLocation<'a> {
    ExportLocation {
        created_at: detail.then(|| timestamps::render(&location.created_at)),
        id: &location.id,
        is_admin_only: context.is_admin.then_some(location.is_admin_only),
        path: &location.path,
        preferred: version.at_least(2, 14).then_some(location.preferred),
        // A share has one instance here, whose id is the share's.
        share_instance_id: context.is_admin.then_some(location.share_id.as_str()),
        updated_at: detail.then(|| location.updated_at.as_ref().map(timestamps::render)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::api::view_tests::{assert_written_sorted, context, links};
    use crate::db::shares::Share;
    use crate::version::ApiVersion;

    fn item() -> ShareDetail {
        let at = NaiveDate::from_ymd_opt(2015, 9, 16)
            .unwrap()
            .and_hms_opt(9, 28, 52)
            .unwrap();
        ShareDetail {
            share: Share {
                id: "s".into(),
                user_id: "u".into(),
                project_id: "p".into(),
                size: 1,
                display_name: None,
                display_description: None,
                share_proto: "NFS".into(),
                status: "available".into(),
                task_state: None,
                access_rules_status: "syncing".into(),
                host: None,
                availability_zone: None,
                share_type_id: Some("t-id".into()),
                share_network_id: None,
                share_server_id: None,
                snapshot_id: None,
                snapshot_support: true,
                is_public: false,
                consistency_group_id: None,
                source_cgsnapshot_member_id: None,
                scheduled_at: None,
                launched_at: None,
                terminated_at: None,
                created_at: at,
                updated_at: None,
                deleted_at: None,
                deleted: "False".into(),
                create_share_from_snapshot_support: false,
                revert_to_snapshot_support: false,
                replication_type: None,
            },
            type_name: Some("gold".into()),
            metadata: vec![("b".into(), "2".into()), ("a".into(), "1".into())],
            export_paths: vec!["10.0.0.1:/x".into()],
        }
    }

    #[test]
    fn every_version_writes_its_keys_sorted() {
        let item = item();
        let links = links();
        for minor in 0..=30 {
            let version = RequestVersion {
                version: ApiVersion::new(2, minor),
                experimental: false,
            };
            for is_admin in [false, true] {
                assert_written_sorted(&one(&item, &links, &context(is_admin), &version));
            }
        }
        assert_written_sorted(&summary(&item, &links, &context(false)));
        let location = db::shares::ExportLocation {
            id: "e".into(),
            share_id: "s".into(),
            path: "10.0.0.1:/x".into(),
            is_admin_only: false,
            preferred: true,
            created_at: item.share.created_at,
            updated_at: None,
        };
        let latest = RequestVersion {
            version: ApiVersion::new(2, 30),
            experimental: false,
        };
        for (is_admin, detail) in [(false, false), (true, true)] {
            assert_written_sorted(&export_location(&location, &latest, &context(is_admin), detail));
        }
    }

    #[test]
    fn fields_follow_the_version() {
        let item = item();
        let links = links();
        let at = |minor: u32| {
            let version = RequestVersion {
                version: ApiVersion::new(2, minor),
                experimental: false,
            };
            serde_json::to_value(detail(&item, &links, &context(false), &version)).unwrap()
        };
        let old = at(0);
        assert_eq!(old["share_type"], "gold");
        assert_eq!(old["volume_type"], "gold");
        assert_eq!(old["export_location"], "10.0.0.1:/x");
        assert!(old.get("share_type_name").is_none());
        assert!(old.get("share_server_id").is_none());
        let v2_10 = at(10);
        assert_eq!(v2_10["share_type"], "t-id");
        assert_eq!(v2_10["share_type_name"], "gold");
        assert_eq!(v2_10["volume_type"], "gold");
        assert_eq!(v2_10["access_rules_status"], "out_of_sync");
        assert!(v2_10.get("export_locations").is_none());
        assert_eq!(at(28)["access_rules_status"], "syncing");
    }
}
