//! What the request handlers can reach. The job workers have their own,
//! smaller state (`worker::WorkerState`); the two share the pool, the
//! configuration, the metrics and the process's lifecycle.

use std::sync::Arc;

use crate::api::auth::keystone::Keystone;
use crate::config::Config;
use crate::db::DbPool;
use crate::metrics::Metrics;
use crate::policy::Enforcer;
use crate::service::consistency_groups;
use crate::shutdown::Lifecycle;

pub struct HttpState {
    pub config: Arc<Config>,
    pub pool: DbPool,
    /// Validates tokens when `auth_strategy = keystone`.
    pub keystone: Keystone,
    /// The policy rules, reloaded in place when the policy file changes.
    pub policy: Arc<Enforcer>,
    pub metrics: Arc<Metrics>,
    pub lifecycle: Arc<Lifecycle>,
    /// Concurrent CG shows and lists share database round trips.
    pub cg_reads: consistency_groups::Reads,
}
