//! Share types and extra specs as JSON (upstream `manila/api/views/types.py`):
//! pure functions of the model, the request's version and the caller.
//! Every type is sent twice, as `share_type(s)` and as the legacy
//! `volume_type(s)`. Fields are declared in sorted order, the order every
//! JSON object of this API is written in.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::api::microversion::RequestVersion;
use crate::db::share_types::ExtraSpecs;
use crate::policy::RequestContext;
use crate::service::share_types::specs;
use crate::service::share_types::DescribedShareType;

/// A spec as shown: stored specs are text; the nominal values a
/// non-administrator sees for unset standard specs are booleans.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SpecValue<'a> {
    Text(&'a str),
    Nominal(bool),
}

#[derive(Debug, Serialize)]
pub struct ShareType<'a> {
    extra_specs: BTreeMap<&'a str, SpecValue<'a>>,
    id: &'a str,
    name: &'a str,
    /// The visibility key is extension-style before 2.7; exactly one of
    /// the two is shown.
    #[serde(rename = "os-share-type-access:is_public", skip_serializing_if = "Option::is_none")]
    is_public_before_2_7: Option<bool>,
    required_extra_specs: BTreeMap<&'a str, &'a Value>,
    #[serde(rename = "share_type_access:is_public", skip_serializing_if = "Option::is_none")]
    is_public: Option<bool>,
}

/// `{"share_type": {...}, "volume_type": {...}}`.
#[derive(Debug, Serialize)]
pub struct One<'a> {
    share_type: &'a ShareType<'a>,
    volume_type: &'a ShareType<'a>,
}

/// `{"share_types": [...], "volume_types": [...]}`.
#[derive(Debug, Serialize)]
pub struct Index<'a> {
    share_types: &'a [ShareType<'a>],
    volume_types: &'a [ShareType<'a>],
}

/// One type. Non-administrators see only the standard specs, and from
/// 2.24 the nominal value of each standard boolean spec the type leaves
/// unset.
pub fn share_type<'a>(
    described: &'a DescribedShareType,
    version: &RequestVersion,
    context: &RequestContext,
) -> ShareType<'a> {
    let shown = |key: &String| context.is_admin || specs::is_tenant_visible(key);
    let mut extra_specs: BTreeMap<&str, SpecValue> = described
        .share_type
        .extra_specs
        .iter()
        .filter(|(key, _)| shown(key))
        .map(|(key, value)| (key.as_str(), SpecValue::Text(value)))
        .collect();
    if !context.is_admin && version.at_least(2, 24) {
        for (key, nominal) in specs::INFERRED_OPTIONAL {
            extra_specs.entry(key).or_insert(SpecValue::Nominal(*nominal));
        }
    }
    let is_public = described.share_type.row.is_public;
    let since_2_7 = version.at_least(2, 7);
    ShareType {
        extra_specs,
        id: &described.share_type.row.id,
        name: &described.share_type.row.name,
        is_public_before_2_7: (!since_2_7).then_some(is_public),
        required_extra_specs: described
            .required_extra_specs
            .iter()
            .filter(|(key, _)| shown(key))
            .map(|(key, value)| (key.as_str(), value))
            .collect(),
        is_public: since_2_7.then_some(is_public),
    }
}

/// The show, default and create body: one view under both keys.
pub fn one<'a>(shown: &'a ShareType<'a>) -> One<'a> {
    One {
        share_type: shown,
        volume_type: shown,
    }
}

/// The list body: the views under both keys.
pub fn index<'a>(shown: &'a [ShareType<'a>]) -> Index<'a> {
    Index {
        share_types: shown,
        volume_types: shown,
    }
}

/// `{"extra_specs": {...}}`.
#[derive(Debug, Serialize)]
pub struct ExtraSpecsBody<'a> {
    extra_specs: &'a ExtraSpecs,
}

pub fn extra_specs(extra_specs: &ExtraSpecs) -> ExtraSpecsBody<'_> {
    ExtraSpecsBody { extra_specs }
}

/// One spec: `{"<key>": "<value>"}`.
pub fn extra_spec<'a>(key: &'a str, value: &'a str) -> BTreeMap<&'a str, &'a str> {
    BTreeMap::from([(key, value)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::view_tests::{assert_written_sorted, context};
    use crate::db::share_types::{ShareType as Stored, ShareTypeRow};
    use crate::version::ApiVersion;

    #[test]
    fn every_version_writes_its_keys_sorted() {
        let at = chrono::NaiveDate::from_ymd_opt(2015, 9, 16)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let described = DescribedShareType {
            share_type: Stored {
                row: ShareTypeRow {
                    id: "t".into(),
                    name: "gold".into(),
                    is_public: true,
                    created_at: at,
                    updated_at: None,
                    deleted_at: None,
                    deleted: "False".into(),
                },
                extra_specs: [("driver_handles_share_servers", "False"), ("z", "1")]
                    .map(|(key, value)| (key.to_string(), value.to_string()))
                    .into(),
            },
            required_extra_specs: serde_json::json!({"driver_handles_share_servers": false})
                .as_object()
                .cloned()
                .unwrap(),
        };
        for minor in [0, 6, 7, 23, 24, 30] {
            let version = RequestVersion {
                version: ApiVersion::new(2, minor),
                experimental: false,
            };
            for is_admin in [false, true] {
                let shown = [share_type(&described, &version, &context(is_admin))];
                assert_written_sorted(&one(&shown[0]));
                assert_written_sorted(&index(&shown));
            }
        }
    }
}
