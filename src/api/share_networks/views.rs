//! A share network on the wire. Upstream's views carry no links; the
//! detail view gains `gateway` at 2.18 and `mtu` at 2.20, and shows a
//! constant null `nova_net_id` until 2.25.

use serde_json::{json, Value};

use crate::api::microversion::RequestVersion;
use crate::service::share_networks::{Listing, ShareNetwork};
use crate::timestamps;

pub fn summary(network: &ShareNetwork) -> Value {
    json!({"id": network.id, "name": network.name})
}

pub fn detail(network: &ShareNetwork, version: &RequestVersion) -> Value {
    let mut view = json!({
        "id": network.id,
        "name": network.name,
        "project_id": network.project_id,
        "created_at": timestamps::render(&network.created_at),
        "updated_at": network.updated_at.as_ref().map(timestamps::render),
        "neutron_net_id": network.neutron_net_id,
        "neutron_subnet_id": network.neutron_subnet_id,
        "network_type": network.network_type,
        "segmentation_id": network.segmentation_id,
        "cidr": network.cidr,
        "ip_version": network.ip_version,
        "description": network.description,
    });
    if version.at_least(2, 18) {
        view["gateway"] = json!(network.gateway);
    }
    if version.at_least(2, 20) {
        view["mtu"] = json!(network.mtu);
    }
    if !version.at_least(2, 26) {
        view["nova_net_id"] = Value::Null;
    }
    view
}

/// Show, create and update answer with this.
pub fn single(network: &ShareNetwork, version: &RequestVersion) -> Value {
    json!({"share_network": detail(network, version)})
}

pub fn list(networks: &[ShareNetwork], listing: Listing, version: &RequestVersion) -> Value {
    let views: Vec<Value> = networks
        .iter()
        .map(|network| match listing {
            Listing::Summary => summary(network),
            Listing::Detail => detail(network, version),
        })
        .collect();
    json!({"share_networks": views})
}

#[cfg(test)]
mod tests {
    use super::*;
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

    fn keys(view: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = view.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
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

    fn with(extra: &[&'static str]) -> Vec<&'static str> {
        let mut keys: Vec<&str> = BASE.iter().chain(extra).copied().collect();
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
        assert_eq!(summary(&network()), json!({"id": "sn-1", "name": "n"}));
    }
}
