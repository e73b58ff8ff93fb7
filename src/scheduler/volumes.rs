//! Placing Cinder's volumes and consistency groups: each volume backend is
//! one pool, `host@backend#volume_backend_name`, as Cinder names a backend
//! whose driver reports no pools. A type's `volume_backend_name` extra
//! spec picks backends by that name; a consistency group also needs
//! `consistent_group_snapshot_enabled`. A group's volumes go to its host.

use crate::config::VolumeBackendConfig;

/// One place a volume or group can go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumePool {
    /// `host@backend#pool`.
    pub host: String,
    pub volume_backend_name: String,
    pub consistent_group_snapshot_enabled: bool,
}

/// Every configured backend as a pool, named after its own `backend_host`
/// or else the deployment's `host`.
pub fn pools(host: &str, backends: &[VolumeBackendConfig]) -> Vec<VolumePool> {
    backends
        .iter()
        .map(|backend| VolumePool {
            host: format!(
                "{}@{}#{}",
                backend.backend_host.as_deref().unwrap_or(host),
                backend.name,
                backend.volume_backend_name
            ),
            volume_backend_name: backend.volume_backend_name.clone(),
            consistent_group_snapshot_enabled: backend.consistent_group_snapshot_enabled,
        })
        .collect()
}

/// Whether `pool` satisfies the extra specs of one type: its
/// `volume_backend_name`, when given, must be the pool's.
fn accepts(pool: &VolumePool, extra_specs: &[(String, String)]) -> bool {
    extra_specs
        .iter()
        .filter(|(key, _)| key == "volume_backend_name")
        .all(|(_, value)| *value == pool.volume_backend_name)
}

/// The first pool that takes a volume of a type with `extra_specs`.
pub fn place_volume<'a>(pools: &'a [VolumePool], extra_specs: &[(String, String)]) -> Option<&'a VolumePool> {
    pools.iter().find(|pool| accepts(pool, extra_specs))
}

/// The first pool that can snapshot groups and accepts every one of the
/// group's types (`types` holds each type's extra specs).
pub fn place_group<'a>(pools: &'a [VolumePool], types: &[Vec<(String, String)>]) -> Option<&'a VolumePool> {
    pools
        .iter()
        .filter(|pool| pool.consistent_group_snapshot_enabled)
        .find(|pool| types.iter().all(|specs| accepts(pool, specs)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SimulatedDriverConfig;

    fn backend(name: &str, backend_name: &str, groups: bool) -> VolumeBackendConfig {
        VolumeBackendConfig {
            name: name.into(),
            backend_host: None,
            volume_backend_name: backend_name.into(),
            consistent_group_snapshot_enabled: groups,
            simulated: SimulatedDriverConfig {
                latency_ms: 0,
                failure_rate: 0.0,
                seed: 0,
            },
        }
    }

    fn spec(value: &str) -> Vec<(String, String)> {
        vec![("volume_backend_name".into(), value.into())]
    }

    #[test]
    fn backend_name_spec_picks_the_pool() {
        let pools = pools("h", &[backend("a", "FAST", false), backend("b", "SLOW", true)]);
        assert_eq!(pools[0].host, "h@a#FAST");
        assert_eq!(place_volume(&pools, &[]).unwrap().host, "h@a#FAST");
        assert_eq!(place_volume(&pools, &spec("SLOW")).unwrap().host, "h@b#SLOW");
        assert_eq!(place_volume(&pools, &spec("NONE")), None);
    }

    #[test]
    fn groups_need_group_snapshots_and_every_type() {
        let pools = pools("h", &[backend("a", "FAST", false), backend("b", "SLOW", true)]);
        assert_eq!(place_group(&pools, &[vec![]]).unwrap().host, "h@b#SLOW");
        assert_eq!(place_group(&pools, &[vec![], spec("FAST")]), None);
        assert_eq!(place_group(&pools, &[spec("SLOW")]).unwrap().host, "h@b#SLOW");
    }

    #[test]
    fn a_backend_host_names_its_pool() {
        let mut shared = backend("a", "FAST", true);
        shared.backend_host = Some("cluster1".into());
        assert_eq!(pools("h", &[shared])[0].host, "cluster1@a#FAST");
    }
}
