//! A share network on the wire. Upstream's views carry no links; the
//! detail view gains `gateway` at 2.18 and `mtu` at 2.20, and shows a
//! constant null `nova_net_id` until 2.25.

use serde::Serialize;

use crate::api::microversion::RequestVersion;
use crate::service::share_networks::ShareNetwork;
use crate::timestamps;

#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    id: &'a str,
    name: Option<&'a str>,
}

/// Fields in sorted order, the order every JSON object of this API is
/// written in; the version-dependent ones are decided in [`detail`].
#[derive(Debug, Serialize)]
pub struct Detail<'a> {
    cidr: Option<&'a str>,
    created_at: String,
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gateway: Option<Option<&'a str>>,
    id: &'a str,
    ip_version: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mtu: Option<Option<i32>>,
    name: Option<&'a str>,
    network_type: Option<&'a str>,
    neutron_net_id: Option<&'a str>,
    neutron_subnet_id: Option<&'a str>,
    /// Always null, while shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    nova_net_id: Option<Option<&'a str>>,
    project_id: &'a str,
    segmentation_id: Option<i32>,
    updated_at: Option<String>,
}

/// `{"share_network": <view>}`: show, create and update answer with this.
#[derive(Debug, Serialize)]
pub struct One<'a> {
    share_network: Detail<'a>,
}

pub fn summary(network: &ShareNetwork) -> Summary<'_> {
    Summary {
        id: &network.id,
        name: network.name.as_deref(),
    }
}

pub fn detail<'a>(network: &'a ShareNetwork, version: &RequestVersion) -> Detail<'a> {
    Detail {
        cidr: network.cidr.as_deref(),
        created_at: timestamps::render(&network.created_at),
        description: network.description.as_deref(),
        gateway: version.at_least(2, 18).then_some(network.gateway.as_deref()),
        id: &network.id,
        ip_version: network.ip_version,
        mtu: version.at_least(2, 20).then_some(network.mtu),
        name: network.name.as_deref(),
        network_type: network.network_type.as_deref(),
        neutron_net_id: network.neutron_net_id.as_deref(),
        neutron_subnet_id: network.neutron_subnet_id.as_deref(),
        nova_net_id: (!version.at_least(2, 26)).then_some(None),
        project_id: &network.project_id,
        segmentation_id: network.segmentation_id,
        updated_at: network.updated_at.as_ref().map(timestamps::render),
    }
}

pub fn single<'a>(network: &'a ShareNetwork, version: &RequestVersion) -> One<'a> {
    One {
        share_network: detail(network, version),
    }
}

/// The list body's key; upstream's share network lists carry no paging
/// links.
pub const KEY: &str = "share_networks";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::view_tests::assert_written_sorted;
    use crate::version::ApiVersion;
    use chrono::NaiveDate;

    fn network() -> ShareNetwork {
        ShareNetwork {
            id: "sn-1".into(),
            project_id: "p".into(),
            user_id: "u".into(),
            neutron_net_id: Some("net".into()),
            neutron_subnet_id: Some("subnet".into()),
            network_type: Some("vlan".into()),
            segmentation_id: Some(1000),
            cidr: Some("10.0.0.0/24".into()),
            gateway: Some("10.0.0.1".into()),
            mtu: Some(1500),
            ip_version: Some(4),
            name: Some("n".into()),
            description: None,
            created_at: NaiveDate::from_ymd_opt(2002, 2, 2)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            updated_at: None,
            deleted_at: None,
            deleted: "False".into(),
        }
    }

    fn at(minor: u32) -> RequestVersion {
        RequestVersion {
            version: ApiVersion::new(2, minor),
            experimental: false,
        }
    }

    fn keys(view: &Detail) -> Vec<String> {
        assert_written_sorted(view);
        let view = serde_json::to_value(view).unwrap();
        view.as_object().unwrap().keys().cloned().collect()
    }

    const BASE: [&str; 12] = [
        "cidr",
        "created_at",
        "description",
        "id",
        "ip_version",
        "name",
        "network_type",
        "neutron_net_id",
        "neutron_subnet_id",
        "project_id",
        "segmentation_id",
        "updated_at",
    ];

    fn with(extra: &[&'static str]) -> Vec<String> {
        let mut keys: Vec<String> = BASE.iter().chain(extra).map(|key| key.to_string()).collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn detail_fields_follow_the_microversion() {
        let network = network();
        assert_eq!(keys(&detail(&network, &at(0))), with(&["nova_net_id"]));
        assert_eq!(keys(&detail(&network, &at(17))), with(&["nova_net_id"]));
        assert_eq!(keys(&detail(&network, &at(18))), with(&["gateway", "nova_net_id"]));
        assert_eq!(
            keys(&detail(&network, &at(20))),
            with(&["gateway", "mtu", "nova_net_id"])
        );
        assert_eq!(
            keys(&detail(&network, &at(25))),
            with(&["gateway", "mtu", "nova_net_id"])
        );
        assert_eq!(keys(&detail(&network, &at(26))), with(&["gateway", "mtu"]));
    }

    #[test]
    fn summary_is_id_and_name_only() {
        let network = network();
        assert_eq!(
            serde_json::to_string(&summary(&network)).unwrap(),
            r#"{"id":"sn-1","name":"n"}"#
        );
    }
}
