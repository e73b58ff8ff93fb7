//! Storage drivers behind [`ShareDriver`], and the registry that gives
//! each configured backend its driver.

pub mod simulated;

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::{BackendConfig, Config, VolumeBackendConfig};
use crate::scheduler::backend_of;
use crate::worker::driver::{ShareDriver, VolumeDriver};
use simulated::SimulatedDriver;

/// The driver of every configured backend, share and volume, by backend name.
#[derive(Clone)]
pub struct Drivers {
    shares: HashMap<String, (BackendConfig, Arc<dyn ShareDriver>)>,
    volumes: HashMap<String, (VolumeBackendConfig, Arc<dyn VolumeDriver>)>,
}

impl Drivers {
    pub fn from_config(config: &Config) -> Drivers {
        Drivers {
            shares: config
                .backends
                .iter()
                .map(|backend| {
                    let driver: Arc<dyn ShareDriver> = Arc::new(SimulatedDriver::new(backend));
                    (backend.name.clone(), (backend.clone(), driver))
                })
                .collect(),
            volumes: config
                .volume
                .backends
                .iter()
                .map(|backend| {
                    let driver: Arc<dyn VolumeDriver> = Arc::new(SimulatedDriver::for_volumes(backend));
                    (backend.name.clone(), (backend.clone(), driver))
                })
                .collect(),
        }
    }

    /// The share backend serving `host@backend#pool`, if it is still configured.
    pub fn for_host(&self, host: &str) -> Option<(&BackendConfig, Arc<dyn ShareDriver>)> {
        let (backend, driver) = self.shares.get(backend_of(host)?)?;
        Some((backend, driver.clone()))
    }

    /// The volume backend serving `host@backend#pool`, if it is still configured.
    pub fn for_volume_host(&self, host: &str) -> Option<(&VolumeBackendConfig, Arc<dyn VolumeDriver>)> {
        let (backend, driver) = self.volumes.get(backend_of(host)?)?;
        Some((backend, driver.clone()))
    }
}
