//! A backend that stores nothing: each call waits the configured latency,
//! then fails with the configured probability (drawn from a seeded
//! sequence, so tests can repeat a run) or succeeds. It lets every state
//! of the state machine really happen without storage hardware.

use std::sync::Mutex;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use crate::config::{BackendConfig, VolumeBackendConfig};
use crate::worker::driver::{
    CgCreated, CgRequest, CgSnapshotRequest, DriverError, ShareCreated, ShareDriver, ShareRequest, VolumeDriver,
    VolumeOperation,
};

pub struct SimulatedDriver {
    backend: String,
    latency: Duration,
    failure_rate: f64,
    handles_share_servers: bool,
    /// The address exports are served from.
    address: String,
    draws: Mutex<SplitMix64>,
}

impl SimulatedDriver {
    /// A volume backend: it exports nothing and handles no share servers.
    pub fn for_volumes(backend: &VolumeBackendConfig) -> SimulatedDriver {
        SimulatedDriver {
            backend: backend.name.clone(),
            latency: Duration::from_millis(backend.simulated.latency_ms),
            failure_rate: backend.simulated.failure_rate,
            handles_share_servers: false,
            address: address_of(&backend.name),
            draws: Mutex::new(SplitMix64(backend.simulated.seed)),
        }
    }

    pub fn new(backend: &BackendConfig) -> SimulatedDriver {
        SimulatedDriver {
            backend: backend.name.clone(),
            latency: Duration::from_millis(backend.simulated.latency_ms),
            failure_rate: backend.simulated.failure_rate,
            handles_share_servers: backend.driver_handles_share_servers,
            address: address_of(&backend.name),
            draws: Mutex::new(SplitMix64(backend.simulated.seed)),
        }
    }

    /// Waits out the latency, then decides whether `operation` fails.
    async fn perform(&self, operation: &str) -> Result<(), DriverError> {
        if !self.latency.is_zero() {
            actix_web::rt::time::sleep(self.latency).await;
        }
        let draw = self.draws.lock().map(|mut draws| draws.next_unit()).unwrap_or(1.0);
        if draw < self.failure_rate {
            Err(DriverError(format!(
                "simulated backend {} failed to {operation}",
                self.backend
            )))
        } else {
            Ok(())
        }
    }
}

impl ShareDriver for SimulatedDriver {
    fn create_consistency_group<'a>(&'a self, cg: &'a CgRequest) -> BoxFuture<'a, Result<CgCreated, DriverError>> {
        async move {
            self.perform("create consistency group").await?;
            let share_server_id = (self.handles_share_servers && cg.share_network_id.is_some()).then(|| {
                cg.share_server_id
                    .clone()
                    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
            });
            Ok(CgCreated { share_server_id })
        }
        .boxed()
    }

    fn delete_consistency_group<'a>(&'a self, _cg: &'a CgRequest) -> BoxFuture<'a, Result<(), DriverError>> {
        self.perform("delete consistency group").boxed()
    }

    fn create_consistency_group_from_cgsnapshot<'a>(
        &'a self,
        cg: &'a CgRequest,
        _cgsnapshot_id: &'a str,
        shares: &'a [ShareRequest],
    ) -> BoxFuture<'a, Result<(CgCreated, Vec<ShareCreated>), DriverError>> {
        async move {
            self.perform("create consistency group from snapshot").await?;
            let created = CgCreated {
                share_server_id: cg.share_server_id.clone(),
            };
            let shares = shares
                .iter()
                .map(|share| ShareCreated {
                    export_paths: vec![export_path(&self.address, share)],
                    share_server_id: cg.share_server_id.clone(),
                })
                .collect();
            Ok((created, shares))
        }
        .boxed()
    }

    fn create_cgsnapshot<'a>(&'a self, _snapshot: &'a CgSnapshotRequest) -> BoxFuture<'a, Result<(), DriverError>> {
        self.perform("create consistency group snapshot").boxed()
    }

    fn delete_cgsnapshot<'a>(&'a self, _snapshot: &'a CgSnapshotRequest) -> BoxFuture<'a, Result<(), DriverError>> {
        self.perform("delete consistency group snapshot").boxed()
    }

    fn create_share<'a>(&'a self, share: &'a ShareRequest) -> BoxFuture<'a, Result<ShareCreated, DriverError>> {
        async move {
            self.perform("create share").await?;
            let share_server_id = (self.handles_share_servers && share.share_network_id.is_some()).then(|| {
                share
                    .share_server_id
                    .clone()
                    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
            });
            Ok(ShareCreated {
                export_paths: vec![export_path(&self.address, share)],
                share_server_id,
            })
        }
        .boxed()
    }

    fn delete_share<'a>(&'a self, _share: &'a ShareRequest) -> BoxFuture<'a, Result<(), DriverError>> {
        self.perform("delete share").boxed()
    }
}

impl VolumeDriver for SimulatedDriver {
    fn perform<'a>(
        &'a self,
        operation: VolumeOperation,
        _id: &'a str,
        _host: &'a str,
    ) -> BoxFuture<'a, Result<(), DriverError>> {
        SimulatedDriver::perform(self, operation.describe()).boxed()
    }
}

/// A made-up but stable address per backend, in the documentation range
/// 192.0.2.0/24, so every share of a backend exports from one place.
fn address_of(backend: &str) -> String {
    let sum = backend
        .bytes()
        .fold(0u32, |acc, byte| acc.wrapping_mul(31).wrapping_add(u32::from(byte)));
    format!("192.0.2.{}", sum % 250 + 1)
}

/// Where a client mounts the share, in the protocol's notation.
fn export_path(address: &str, share: &ShareRequest) -> String {
    if share.share_proto.eq_ignore_ascii_case("CIFS") {
        format!("\\\\{address}\\share-{}", share.id)
    } else {
        format!("{address}:/shares/share-{}", share.id)
    }
}

/// A small, well-mixed sequence; enough for failure draws, and seedable.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CgSupport, PoolConfig, SimulatedDriverConfig};

    fn backend(failure_rate: f64, seed: u64, dhss: bool) -> BackendConfig {
        BackendConfig {
            name: "sim".into(),
            backend_host: None,
            share_backend_name: "SIM".into(),
            driver_handles_share_servers: dhss,
            consistency_group_support: Some(CgSupport::Pool),
            pools: vec![PoolConfig {
                name: "p".into(),
                capacity_gb: 1,
            }],
            capabilities: vec![],
            simulated: SimulatedDriverConfig {
                latency_ms: 0,
                failure_rate,
                seed,
            },
        }
    }

    fn request(network: Option<&str>) -> CgRequest {
        CgRequest {
            id: "cg".into(),
            host: "h@sim#p".into(),
            share_network_id: network.map(str::to_string),
            share_server_id: None,
        }
    }

    fn share(proto: &str) -> ShareRequest {
        ShareRequest {
            id: "s1".into(),
            host: "h@sim#p".into(),
            size: 1,
            share_proto: proto.into(),
            share_network_id: None,
            share_server_id: None,
            consistency_group_id: None,
        }
    }

    #[actix_web::test]
    async fn shares_export_in_their_protocols_notation() {
        let driver = SimulatedDriver::new(&backend(0.0, 0, false));
        let address = address_of("sim");
        assert_eq!(
            driver.create_share(&share("NFS")).await.unwrap().export_paths,
            vec![format!("{address}:/shares/share-s1")]
        );
        assert_eq!(
            driver.create_share(&share("CIFS")).await.unwrap().export_paths,
            vec![format!("\\\\{address}\\share-s1")]
        );
        let broken = SimulatedDriver::new(&backend(1.0, 0, false));
        assert!(broken.create_share(&share("NFS")).await.is_err());
        assert!(broken.delete_share(&share("NFS")).await.is_err());
    }

    #[actix_web::test]
    async fn rates_zero_and_one_always_succeed_and_always_fail() {
        let ok = SimulatedDriver::new(&backend(0.0, 1, false));
        let broken = SimulatedDriver::new(&backend(1.0, 1, false));
        for _ in 0..20 {
            assert!(ok.create_consistency_group(&request(None)).await.is_ok());
            assert!(broken.delete_consistency_group(&request(None)).await.is_err());
        }
    }

    #[actix_web::test]
    async fn the_same_seed_gives_the_same_outcomes() {
        let outcomes = |seed| async move {
            let driver = SimulatedDriver::new(&backend(0.5, seed, false));
            let mut seen = Vec::new();
            for _ in 0..32 {
                seen.push(driver.delete_consistency_group(&request(None)).await.is_ok());
            }
            seen
        };
        let first = outcomes(7).await;
        assert_eq!(first, outcomes(7).await);
        assert!(first.contains(&true) && first.contains(&false), "{first:?}");
    }

    #[actix_web::test]
    async fn share_servers_only_where_the_backend_handles_them() {
        let dhss = SimulatedDriver::new(&backend(0.0, 0, true));
        let plain = SimulatedDriver::new(&backend(0.0, 0, false));
        assert!(dhss
            .create_consistency_group(&request(Some("net")))
            .await
            .unwrap()
            .share_server_id
            .is_some());
        assert_eq!(
            dhss.create_consistency_group(&request(None))
                .await
                .unwrap()
                .share_server_id,
            None
        );
        assert_eq!(
            plain
                .create_consistency_group(&request(Some("net")))
                .await
                .unwrap()
                .share_server_id,
            None
        );
    }
}
