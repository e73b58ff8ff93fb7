//! The admin actions of CGs, cgsnapshots and shares: `reset_status` and
//! `force_delete`, spelled `os-reset_status`/`os-force_delete` until 2.6.

use crate::api::microversion::VersionGate;
use crate::api::route::Action;
use crate::version::{ApiVersion, MIN_VERSION};

const V2_4: ApiVersion = ApiVersion::new(2, 4);
const V2_6: ApiVersion = ApiVersion::new(2, 6);
const V2_7: ApiVersion = ApiVersion::new(2, 7);

/// The CGs' and cgsnapshots' actions: experimental, from 2.4.
pub const ACTIONS: [Action; 4] = [
    Action {
        name: "os-reset_status",
        gate: VersionGate::between(V2_4, V2_6).experimental(),
    },
    Action {
        name: "os-force_delete",
        gate: VersionGate::between(V2_4, V2_6).experimental(),
    },
    Action {
        name: "reset_status",
        gate: VersionGate::since(V2_7).experimental(),
    },
    Action {
        name: "force_delete",
        gate: VersionGate::since(V2_7).experimental(),
    },
];

/// The shares' actions: from 2.0, not experimental.
pub const SHARE_ACTIONS: [Action; 4] = [
    Action {
        name: "os-reset_status",
        gate: VersionGate::between(MIN_VERSION, V2_6),
    },
    Action {
        name: "os-force_delete",
        gate: VersionGate::between(MIN_VERSION, V2_6),
    },
    Action {
        name: "reset_status",
        gate: VersionGate::since(V2_7),
    },
    Action {
        name: "force_delete",
        gate: VersionGate::since(V2_7),
    },
];

/// Which action a name in [`ACTIONS`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminAction {
    ResetStatus,
    ForceDelete,
}

impl AdminAction {
    pub fn of(name: &str) -> AdminAction {
        match name {
            "os-reset_status" | "reset_status" => AdminAction::ResetStatus,
            _ => AdminAction::ForceDelete,
        }
    }
}
