//! Storage drivers behind [`ShareDriver`], and the registry that gives
//! each configured backend its driver.

pub mod simulated;

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::BackendConfig;
use crate::scheduler::backend_of;
use crate::worker::driver::ShareDriver;
use simulated::SimulatedDriver;

/// The driver of every configured backend, by backend name.
#[derive(Clone)]
pub struct Drivers(HashMap<String, (BackendConfig, Arc<dyn ShareDriver>)>);

impl Drivers {
    pub fn from_config(backends: &[BackendConfig]) -> Drivers {
        Drivers(
            backends
                .iter()
                .map(|backend| {
                    let driver: Arc<dyn ShareDriver> = Arc::new(SimulatedDriver::new(backend));
                    (backend.name.clone(), (backend.clone(), driver))
                })
                .collect(),
        )
    }

    /// The backend serving `host@backend#pool`, if it is still configured.
    pub fn for_host(&self, host: &str) -> Option<(&BackendConfig, Arc<dyn ShareDriver>)> {
        let (backend, driver) = self.0.get(backend_of(host)?)?;
        Some((backend, driver.clone()))
    }
}
