//! Share types and extra specs as JSON (upstream `manila/api/views/types.py`):
//! pure functions of the model, the request's version and the caller.
//! Every type is sent twice, as `share_type(s)` and as the legacy
//! `volume_type(s)`.

use serde_json::{json, Map, Value};

use crate::api::microversion::RequestVersion;
use crate::db::share_types::ExtraSpecs;
use crate::policy::RequestContext;
use crate::service::share_types::specs;
use crate::service::share_types::DescribedShareType;

/// `{"share_type": {...}, "volume_type": {...}}`.
pub fn show(described: &DescribedShareType, version: &RequestVersion, context: &RequestContext) -> Value {
    let share_type = summary(described, version, context);
    json!({"share_type": share_type.clone(), "volume_type": share_type})
}

/// `{"share_types": [...], "volume_types": [...]}`.
pub fn index(described: &[DescribedShareType], version: &RequestVersion, context: &RequestContext) -> Value {
    let share_types: Vec<Value> = described.iter().map(|one| summary(one, version, context)).collect();
    json!({"share_types": share_types.clone(), "volume_types": share_types})
}

/// One type. Non-administrators see only the standard specs, and from
/// 2.24 the nominal value of each standard boolean spec the type leaves
/// unset. The visibility key is extension-style (`os-share-type-access:`)
/// before 2.7.
fn summary(described: &DescribedShareType, version: &RequestVersion, context: &RequestContext) -> Value {
    let shown = |key: &String| context.is_admin || specs::is_tenant_visible(key);
    let mut extra_specs: Map<String, Value> = described
        .share_type
        .extra_specs
        .iter()
        .filter(|(key, _)| shown(key))
        .map(|(key, value)| (key.clone(), Value::String(value.clone())))
        .collect();
    if !context.is_admin && version.at_least(2, 24) {
        for (key, nominal) in specs::INFERRED_OPTIONAL {
            extra_specs.entry(key.to_string()).or_insert(Value::Bool(*nominal));
        }
    }
    let required_extra_specs: Map<String, Value> = described
        .required_extra_specs
        .iter()
        .filter(|(key, _)| shown(key))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let is_public_key = if version.at_least(2, 7) {
        "share_type_access:is_public"
    } else {
        "os-share-type-access:is_public"
    };
    json!({
        "id": described.share_type.row.id,
        "name": described.share_type.row.name,
        "extra_specs": extra_specs,
        "required_extra_specs": required_extra_specs,
        is_public_key: described.share_type.row.is_public,
    })
}

/// `{"extra_specs": {...}}`.
pub fn extra_specs(extra_specs: &ExtraSpecs) -> Value {
    json!({ "extra_specs": extra_specs })
}

/// One spec: `{"<key>": "<value>"}`.
pub fn extra_spec(key: &str, value: &str) -> Value {
    json!({ key: value })
}
