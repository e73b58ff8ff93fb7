//! Volume types as Cinder's v3 view builder shows them, with what its
//! type-access extension adds. Which extra specs, and whether the QoS
//! id and the access flag appear, each depend on a policy rule.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::policy::{self, RequestContext};
use crate::service::volume_types::{TypeDetail, USER_VISIBLE_EXTRA_SPECS};

#[derive(Serialize)]
pub struct View {
    id: String,
    name: String,
    is_public: bool,
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_specs: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qos_specs_id: Option<Option<String>>,
    #[serde(rename = "os-volume-type-access:is_public", skip_serializing_if = "Option::is_none")]
    access_is_public: Option<bool>,
}

#[derive(Serialize)]
pub struct One {
    volume_type: View,
}

pub fn one(detail: &TypeDetail, context: &RequestContext) -> One {
    One {
        volume_type: view(detail, context),
    }
}

pub fn view(detail: &TypeDetail, context: &RequestContext) -> View {
    let extra_specs = policy::authorize(context, "volume_extension:access_types_extra_specs", None)
        .is_ok()
        .then(|| {
            if policy::authorize(context, "volume_extension:types_extra_specs:read_sensitive", None).is_ok() {
                detail.extra_specs.clone()
            } else {
                detail
                    .extra_specs
                    .iter()
                    .filter(|(key, _)| USER_VISIBLE_EXTRA_SPECS.contains(&key.as_str()))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect()
            }
        });
    View {
        id: detail.row.id.clone(),
        name: detail.row.name.clone(),
        is_public: detail.row.is_public,
        description: detail.row.description.clone(),
        extra_specs,
        qos_specs_id: policy::authorize(context, "volume_extension:access_types_qos_specs_id", None)
            .is_ok()
            .then_some(None),
        access_is_public: policy::authorize(context, "volume_extension:volume_type_access", None)
            .is_ok()
            .then_some(detail.row.is_public),
    }
}
