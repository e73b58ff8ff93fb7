//! Placement: which backend pool a consistency group goes to. Manila's
//! filter scheduler for CGs, reduced to what decides the outcome: every
//! one of the CG's share types must accept the pool (its extra specs plus
//! `consistency_group_support` in host/pool), and the emptiest pool wins.

pub mod capabilities;
pub mod volumes;

use capabilities::{satisfied, Capabilities, Capability};

use crate::config::BackendConfig;

/// What the CG filter demands of every pool, beside the type's specs.
const CG_SUPPORT_REQUIREMENT: (&str, &str) = ("consistency_group_support", "<or> host <or> pool");

/// A pool as the scheduler sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolState {
    /// `host@backend#pool`, what a CG's `host` column holds.
    pub host: String,
    pub capabilities: Capabilities,
    pub free_capacity_gb: f64,
}

/// Every configured pool with the capabilities its backend reports, named
/// `host@backend#pool` after the backend's own `backend_host` or else the
/// deployment's `host`.
pub fn pools(host: &str, backends: &[BackendConfig]) -> Vec<PoolState> {
    backends
        .iter()
        .flat_map(|backend| {
            backend.pools.iter().map(move |pool| {
                let mut capabilities: Capabilities = [
                    (
                        "share_backend_name",
                        Capability::Text(backend.share_backend_name.clone()),
                    ),
                    (
                        "driver_handles_share_servers",
                        Capability::Bool(backend.driver_handles_share_servers),
                    ),
                    (
                        "consistency_group_support",
                        backend
                            .consistency_group_support
                            .map(|support| Capability::Text(support.as_str().to_string()))
                            .unwrap_or(Capability::Bool(false)),
                    ),
                    ("snapshot_support", Capability::Bool(true)),
                    ("pool_name", Capability::Text(pool.name.clone())),
                    ("total_capacity_gb", Capability::Number(pool.capacity_gb as f64)),
                    ("free_capacity_gb", Capability::Number(pool.capacity_gb as f64)),
                    ("storage_protocol", Capability::Text("NFS_CIFS".to_string())),
                    ("vendor_name", Capability::Text("manila-cg-api".to_string())),
                    ("driver_version", Capability::Text("1.0".to_string())),
                ]
                .into_iter()
                .map(|(key, value)| (key.to_string(), value))
                .collect();
                for (key, value) in &backend.capabilities {
                    capabilities.insert(key.clone(), Capability::from_config(value));
                }
                PoolState {
                    host: format!(
                        "{}@{}#{}",
                        backend.backend_host.as_deref().unwrap_or(host),
                        backend.name,
                        pool.name
                    ),
                    capabilities,
                    free_capacity_gb: pool.capacity_gb as f64,
                }
            })
        })
        .collect()
}

/// The pool for a new CG whose share types have `extra_specs` (one list
/// per type); `None` when no pool accepts all of them. Ties go to the
/// pool declared first.
pub fn place_consistency_group<'a>(
    pools: &'a [PoolState],
    extra_specs: &[Vec<(String, String)>],
) -> Option<&'a PoolState> {
    pools
        .iter()
        .filter(|pool| {
            satisfied(&pool.capabilities, [CG_SUPPORT_REQUIREMENT])
                && extra_specs.iter().all(|specs| {
                    satisfied(
                        &pool.capabilities,
                        specs.iter().map(|(key, value)| (key.as_str(), value.as_str())),
                    )
                })
        })
        .fold(None, |best: Option<&PoolState>, pool| match best {
            Some(best) if best.free_capacity_gb >= pool.free_capacity_gb => Some(best),
            _ => Some(pool),
        })
}

/// The pool for a new share outside any consistency group, whose share
/// type has `extra_specs` (none without a type): the emptiest pool that
/// accepts them. Ties go to the pool declared first.
pub fn place_share<'a>(pools: &'a [PoolState], extra_specs: &[(String, String)]) -> Option<&'a PoolState> {
    emptiest(pools.iter().filter(|pool| accepts(pool, extra_specs)))
}

/// Where a new share inside the consistency group placed at `cg_host`
/// goes (Manila's `ConsistencyGroupFilter`): that very
/// pool when the CG's backend reports `consistency_group_support = pool`,
/// any pool of that backend when it reports `host`; the share type's specs
/// must accept it too. `None` when the CG's backend is gone or no longer
/// supports CGs.
///
/// Backends are matched by their section name alone, not by the `host`
/// part: that part names the deployment, and a CG placed while it was
/// another name (an earlier `host`, or a replica's) is still on the same
/// backend. The share is recorded under the CG's own `host` part, so a CG
/// and its shares always name the same place.
pub fn place_share_in_consistency_group(
    pools: &[PoolState],
    cg_host: &str,
    extra_specs: &[(String, String)],
) -> Option<String> {
    let (cg_node, rest) = cg_host.split_once('@')?;
    let (cg_backend, cg_pool) = rest.split_once('#').unwrap_or((rest, ""));
    let of_backend = || {
        pools
            .iter()
            .filter(move |pool| backend_of(&pool.host) == Some(cg_backend))
    };
    let support = of_backend()
        .next()
        .and_then(|pool| match pool.capabilities.get("consistency_group_support") {
            Some(Capability::Text(level)) => Some(level.as_str()),
            _ => None,
        })?;
    let candidates = of_backend().filter(|pool| match support {
        "pool" => pool_of(&pool.host) == cg_pool,
        "host" => true,
        _ => false,
    });
    emptiest(candidates.filter(|pool| accepts(pool, extra_specs)))
        .map(|pool| format!("{cg_node}@{cg_backend}#{}", pool_of(&pool.host)))
}

fn accepts(pool: &PoolState, extra_specs: &[(String, String)]) -> bool {
    satisfied(
        &pool.capabilities,
        extra_specs.iter().map(|(key, value)| (key.as_str(), value.as_str())),
    )
}

fn emptiest<'a>(pools: impl Iterator<Item = &'a PoolState>) -> Option<&'a PoolState> {
    pools.fold(None, |best: Option<&PoolState>, pool| match best {
        Some(best) if best.free_capacity_gb >= pool.free_capacity_gb => Some(best),
        _ => Some(pool),
    })
}

/// The pool part of `host@backend#pool` (empty without one).
fn pool_of(host: &str) -> &str {
    host.split_once('#').map_or("", |(_, pool)| pool)
}

/// The backend part of `host@backend#pool` (Manila's `extract_host`).
pub fn backend_of(host: &str) -> Option<&str> {
    let (_, rest) = host.split_once('@')?;
    Some(rest.split('#').next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CgSupport, PoolConfig, SimulatedDriverConfig};

    fn backend(name: &str, dhss: bool, support: Option<CgSupport>, pools: &[(&str, u64)]) -> BackendConfig {
        BackendConfig {
            name: name.to_string(),
            backend_host: None,
            share_backend_name: name.to_uppercase(),
            driver_handles_share_servers: dhss,
            consistency_group_support: support,
            pools: pools
                .iter()
                .map(|(pool, capacity)| PoolConfig {
                    name: pool.to_string(),
                    capacity_gb: *capacity,
                })
                .collect(),
            capabilities: vec![("compression".to_string(), "True".to_string())],
            simulated: SimulatedDriverConfig {
                latency_ms: 0,
                failure_rate: 0.0,
                seed: 0,
            },
        }
    }

    fn specs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn picks_the_pool_with_most_free_capacity() {
        let pools = pools(
            "h",
            &[backend(
                "a",
                false,
                Some(CgSupport::Pool),
                &[("small", 10), ("big", 100)],
            )],
        );
        let chosen = place_consistency_group(&pools, &[specs(&[("driver_handles_share_servers", "False")])]);
        assert_eq!(chosen.map(|pool| pool.host.as_str()), Some("h@a#big"));
    }

    #[test]
    fn every_share_type_must_accept_the_pool() {
        let pools = pools(
            "h",
            &[
                backend("plain", false, Some(CgSupport::Pool), &[("p", 500)]),
                backend("dhss", true, Some(CgSupport::Host), &[("p", 100)]),
            ],
        );
        let dhss_true = specs(&[("driver_handles_share_servers", "True")]);
        let dhss_false = specs(&[("driver_handles_share_servers", "False")]);
        let chosen = place_consistency_group(&pools, std::slice::from_ref(&dhss_true));
        assert_eq!(chosen.map(|pool| pool.host.as_str()), Some("h@dhss#p"));
        assert_eq!(place_consistency_group(&pools, &[dhss_true, dhss_false]), None);
    }

    #[test]
    fn backends_without_cg_support_never_get_a_cg() {
        let pools = pools("h", &[backend("nocg", false, None, &[("p", 500)])]);
        assert_eq!(place_consistency_group(&pools, &[specs(&[])]), None);
        assert_eq!(place_consistency_group(&pools, &[]), None, "even without share types");
    }

    #[test]
    fn configured_capabilities_take_part() {
        let pools = pools("h", &[backend("a", false, Some(CgSupport::Pool), &[("p", 5)])]);
        assert!(place_consistency_group(&pools, &[specs(&[("compression", "<is> True")])]).is_some());
        assert!(place_consistency_group(&pools, &[specs(&[("capabilities:dedupe", "True")])]).is_none());
    }

    #[test]
    fn shares_go_where_their_type_allows() {
        let pools = pools(
            "h",
            &[
                backend("plain", false, None, &[("p", 500)]),
                backend("dhss", true, Some(CgSupport::Host), &[("p", 100)]),
            ],
        );
        let chosen = |pairs: &[(&str, &str)]| place_share(&pools, &specs(pairs)).map(|pool| pool.host.clone());
        assert_eq!(chosen(&[]), Some("h@plain#p".to_string()), "no CG support needed");
        assert_eq!(
            chosen(&[("driver_handles_share_servers", "True")]),
            Some("h@dhss#p".to_string())
        );
        assert_eq!(chosen(&[("capabilities:dedupe", "True")]), None);
    }

    #[test]
    fn a_share_in_a_pool_level_cg_lands_on_the_cgs_pool() {
        let pools = pools(
            "h",
            &[
                backend("a", false, Some(CgSupport::Pool), &[("small", 10), ("big", 100)]),
                backend("b", false, Some(CgSupport::Pool), &[("huge", 1000)]),
            ],
        );
        let chosen = place_share_in_consistency_group(&pools, "h@a#small", &[]);
        assert_eq!(chosen.as_deref(), Some("h@a#small"));
        assert_eq!(place_share_in_consistency_group(&pools, "h@gone#p", &[]), None);
        assert_eq!(place_share_in_consistency_group(&pools, "h@a#gone", &[]), None);
        assert_eq!(
            place_share_in_consistency_group(&pools, "h@a#small", &specs(&[("compression", "False")])),
            None,
            "the type must still accept the pool"
        );
    }

    #[test]
    fn a_share_in_a_host_level_cg_may_use_any_pool_of_the_cgs_backend() {
        let pools = pools(
            "h",
            &[
                backend("a", false, Some(CgSupport::Host), &[("small", 10), ("big", 100)]),
                backend("b", false, Some(CgSupport::Host), &[("huge", 1000)]),
            ],
        );
        let chosen = place_share_in_consistency_group(&pools, "h@a#small", &[]);
        assert_eq!(chosen.as_deref(), Some("h@a#big"));
    }

    #[test]
    fn a_cg_placed_under_another_host_name_keeps_its_backend() {
        let here = pools(
            "replica-b",
            &[
                backend("a", false, Some(CgSupport::Host), &[("small", 10), ("big", 100)]),
                backend("p", false, Some(CgSupport::Pool), &[("small", 10), ("big", 100)]),
            ],
        );
        assert_eq!(
            place_share_in_consistency_group(&here, "replica-a@a#small", &[]).as_deref(),
            Some("replica-a@a#big"),
            "recorded under the CG's own host part"
        );
        assert_eq!(
            place_share_in_consistency_group(&here, "old-name@p#small", &[]).as_deref(),
            Some("old-name@p#small")
        );
    }

    #[test]
    fn a_backend_host_names_its_pools() {
        let mut shared = backend("a", false, Some(CgSupport::Pool), &[("p", 10)]);
        shared.backend_host = Some("cluster1".to_string());
        let pools = pools("h", &[shared, backend("b", false, None, &[("p", 10)])]);
        let hosts: Vec<&str> = pools.iter().map(|pool| pool.host.as_str()).collect();
        assert_eq!(hosts, ["cluster1@a#p", "h@b#p"]);
    }

    #[test]
    fn host_strings_split_like_manila() {
        assert_eq!(backend_of("h@alpha#pool0"), Some("alpha"));
        assert_eq!(backend_of("h@alpha"), Some("alpha"));
        assert_eq!(backend_of("h"), None);
    }
}
