//! Configuration: an INI file with manila.conf's sections and key names,
//! every key overridable from the environment. `keys` lists every key
//! once (the parser reads nothing else, and `sample` prints the list as
//! `config/manila-cg-api.conf.sample`); this module reads them into types.
//!
//! Precedence, lowest first: built-in default, the file, the environment
//! variable `MANILA_CG__<SECTION>__<KEY>` (for example
//! `MANILA_CG__DEFAULT__AUTH_STRATEGY=noauth2`), and for the database
//! connection alone, `DATABASE_URL`. A section or key no code reads is
//! ignored with a warning naming its file and line.

pub mod keys;
pub mod sample;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Prefix of the environment variables that override file keys.
const ENV_PREFIX: &str = "MANILA_CG__";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: expected `[section]` or `key = value`")]
    Syntax { path: PathBuf, line: usize },
    #[error("[{section}] {key} = {value:?}: {reason}")]
    Value {
        section: String,
        key: String,
        value: String,
        reason: String,
    },
}

/// How callers are identified (DESIGN.md section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthStrategy {
    /// Upstream Manila's: token `user:project`, everyone is admin.
    NoAuth,
    /// Nova's convention: the same token, admin only for user `admin`.
    NoAuth2,
    /// Tokens validated by Keystone, as keystonemiddleware's `auth_token` does.
    Keystone,
}

impl FromStr for AuthStrategy {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "noauth" => Ok(AuthStrategy::NoAuth),
            "noauth2" => Ok(AuthStrategy::NoAuth2),
            "keystone" => Ok(AuthStrategy::Keystone),
            other => Err(format!("unknown auth strategy {other:?} (noauth, noauth2, keystone)")),
        }
    }
}

#[derive(Clone, Debug)]
pub struct DatabaseConfig {
    /// `postgres://...` or `sqlite://<path>`; never empty once loaded.
    pub connection: String,
    pub max_pool_size: u32,
    pub pool_timeout_secs: u64,
    /// Whether PostgreSQL statements are prepared once per connection and
    /// kept (diesel's statement cache). Off for a pooler in transaction
    /// mode (PgBouncer's `pool_mode = transaction`), which hands each
    /// transaction to any server connection, where the statement a
    /// connection prepared earlier does not exist.
    pub prepared_statements: bool,
}

/// `[keystone_authtoken]`: how `auth_strategy = keystone` reaches Keystone,
/// under keystonemiddleware's key names.
#[derive(Clone, Debug, PartialEq)]
pub struct KeystoneConfig {
    /// Where clients are told to authenticate (`WWW-Authenticate`);
    /// `auth_url` when unset.
    pub www_authenticate_uri: String,
    /// Keystone's identity endpoint, with or without the `/v3` suffix.
    pub auth_url: String,
    /// The service user that validates tokens (needs Keystone's `service`
    /// or `admin` role to do so).
    pub username: String,
    pub password: String,
    pub project_name: String,
    pub user_domain_name: String,
    pub project_domain_name: String,
    /// How long a validated (or rejected) token is remembered; never past
    /// the token's own expiry.
    pub token_cache_time: Duration,
    /// How many tokens the cache holds at most.
    pub token_cache_size: usize,
    /// Bound on every call to Keystone; past it the caller gets a 503.
    pub http_timeout: Duration,
    /// With an https `auth_url`: a CA bundle trusted besides the system's.
    pub cafile: Option<PathBuf>,
    /// A client certificate and its key, for a Keystone that asks for one.
    pub client_identity: Option<(PathBuf, PathBuf)>,
    /// Keystone's certificate is not verified (neither chain nor name).
    pub insecure: bool,
}

impl Default for KeystoneConfig {
    fn default() -> Self {
        KeystoneConfig {
            www_authenticate_uri: String::new(),
            auth_url: String::new(),
            username: String::new(),
            password: String::new(),
            project_name: "service".to_string(),
            user_domain_name: "Default".to_string(),
            project_domain_name: "Default".to_string(),
            token_cache_time: Duration::from_secs(300),
            token_cache_size: 10_000,
            http_timeout: Duration::from_secs(5),
            cafile: None,
            client_identity: None,
            insecure: false,
        }
    }
}

/// `[ssl]`, oslo.service's keys: when set, the API listeners serve https.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SslConfig {
    /// The server's certificate (chain), PEM.
    pub cert_file: PathBuf,
    /// Its private key, PEM.
    pub key_file: PathBuf,
    /// With it, a client must present a certificate this CA issued.
    pub ca_file: Option<PathBuf>,
}

/// How a backend groups consistency groups (`consistency_group_support`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CgSupport {
    /// All shares of a CG live on the CG's pool.
    Pool,
    /// All shares of a CG live on the CG's backend, any pool.
    Host,
}

impl CgSupport {
    pub fn as_str(self) -> &'static str {
        match self {
            CgSupport::Pool => "pool",
            CgSupport::Host => "host",
        }
    }
}

/// One pool of a backend: where shares and CGs are placed.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolConfig {
    pub name: String,
    pub capacity_gb: u64,
}

/// A backend as an operator declares it: `enabled_share_backends` names a
/// section that holds its keys, as in manila.conf.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendConfig {
    /// The section name; the `backend` part of `host@backend#pool`.
    pub name: String,
    /// The `host` part of this backend's pools when it is not the
    /// deployment's `[DEFAULT] host` (manila.conf's `backend_host`).
    pub backend_host: Option<String>,
    pub share_backend_name: String,
    pub driver_handles_share_servers: bool,
    pub consistency_group_support: Option<CgSupport>,
    pub pools: Vec<PoolConfig>,
    /// Further capabilities the backend reports, for share types to match.
    pub capabilities: Vec<(String, String)>,
    pub simulated: SimulatedDriverConfig,
}

/// The simulated driver's behaviour, per backend.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatedDriverConfig {
    pub latency_ms: u64,
    /// Between 0 and 1: the share of driver calls that fail.
    pub failure_rate: f64,
    /// Seeds the failure draws, so a test can repeat a sequence.
    pub seed: u64,
}

/// An API this process can serve (`[DEFAULT] enabled_apis`, in the
/// services' own names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServedApi {
    /// Manila's shared file systems API (`osapi_share`).
    Share,
    /// Cinder's block storage API (`osapi_volume`).
    Volume,
}

impl FromStr for ServedApi {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "osapi_share" => Ok(ServedApi::Share),
            "osapi_volume" => Ok(ServedApi::Volume),
            other => Err(format!("unknown API {other:?} (osapi_share, osapi_volume)")),
        }
    }
}

/// Cinder's side: its listener, its defaults and its backends, under
/// cinder.conf's key names.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeApiConfig {
    pub listen: String,
    pub port: u16,
    /// Replaces scheme and authority of links when set (`osapi_volume_base_URL`).
    pub base_url: Option<String>,
    /// The type a volume gets when it names none (`default_volume_type`);
    /// the migrations create `__DEFAULT__`.
    pub default_volume_type: String,
    /// How many groups (consistency groups) a project may hold (`[DEFAULT] quota_groups`).
    pub quota_groups: i64,
    pub backends: Vec<VolumeBackendConfig>,
}

/// A volume backend as cinder.conf declares it: `enabled_backends` names a
/// section holding its keys.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeBackendConfig {
    /// The section name; the `backend` part of `host@backend#pool`.
    pub name: String,
    /// The `host` part of this backend's pool when it is not the
    /// deployment's `[DEFAULT] host` (cinder.conf's `backend_host`).
    pub backend_host: Option<String>,
    /// What volume types match with the `volume_backend_name` extra spec;
    /// also the backend's one pool.
    pub volume_backend_name: String,
    /// Whether the backend can snapshot a group at one point in time.
    pub consistent_group_snapshot_enabled: bool,
    pub simulated: SimulatedDriverConfig,
}

/// The job workers inside each server process.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerConfig {
    pub workers: usize,
    pub poll_interval_ms: u64,
    /// How long a claimed job stays its claimant's before another server
    /// may take it over.
    pub lease_secs: u64,
    /// How many jobs a worker claims at once (one statement), then runs
    /// one after the other.
    pub claim_batch: u32,
    /// Finished jobs last changed longer ago than this many days are
    /// deleted by the workers' periodic purge; 0 keeps them.
    pub purge_age_days: u32,
    /// Seconds between two purges of one server process.
    pub purge_interval_secs: u64,
}

/// `[oslo_policy]`: where the operator's policy rules are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyConfig {
    /// `policy_file`, resolved against the config file's directory; `None`
    /// (the key set empty) means the rules in code alone, no file.
    pub policy_file: Option<PathBuf>,
    /// Whether the file was named explicitly, so must exist at start-up
    /// (the default `policy.yaml` may be absent).
    pub required: bool,
}

impl Default for PolicyConfig {
    fn default() -> PolicyConfig {
        PolicyConfig {
            policy_file: Some(PathBuf::from(DEFAULT_POLICY_FILE)),
            required: false,
        }
    }
}

/// oslo.policy's default `policy_file`.
const DEFAULT_POLICY_FILE: &str = "policy.yaml";

impl PolicyConfig {
    fn from_values(values: &Values) -> PolicyConfig {
        match values.get("oslo_policy", "policy_file") {
            None => PolicyConfig::default(),
            Some("") => PolicyConfig {
                policy_file: None,
                required: false,
            },
            Some(path) => PolicyConfig {
                policy_file: Some(PathBuf::from(path)),
                required: true,
            },
        }
    }

    /// A relative `policy_file` is relative to the directory of the
    /// config file that was read (as oslo.config finds it).
    fn resolve_against(&mut self, config_dir: &Path) {
        if let Some(path) = &self.policy_file {
            if path.is_relative() {
                self.policy_file = Some(config_dir.join(path));
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: String,
    pub port: u16,
    /// Zero means one worker per core.
    pub workers: usize,
    pub auth_strategy: AuthStrategy,
    pub keystone: KeystoneConfig,
    /// Replaces scheme and authority of links when set (`osapi_share_base_URL`).
    pub base_url: Option<String>,
    pub max_limit: i64,
    pub max_request_body_size: usize,
    /// Name of the share type used when a request names none
    /// (`default_share_type`); `None` when unset or empty.
    pub default_share_type: Option<String>,
    /// The availability zone of this server's share service
    /// (`storage_availability_zone`): the one zone shares can be created in.
    pub storage_availability_zone: String,
    /// Protocols shares may be created with (`enabled_share_protocols`),
    /// upper case, in the configured order (upstream lists them so).
    pub enabled_share_protocols: Vec<String>,
    pub database: DatabaseConfig,
    /// The `host` part of `host@backend#pool` (manila.conf's `host`): the
    /// name of the deployment, the same in every replica and across
    /// restarts, since the backends belong to the deployment.
    pub host: String,
    pub backends: Vec<BackendConfig>,
    pub worker: WorkerConfig,
    pub policy: PolicyConfig,
    /// The APIs served, each on its own listener.
    pub enabled_apis: Vec<ServedApi>,
    pub volume: VolumeApiConfig,
    /// How long a stopping server waits for requests in flight and running
    /// jobs (oslo.service's `graceful_shutdown_timeout`); `None` (the key
    /// set to 0) waits as long as they take.
    pub graceful_shutdown_timeout: Option<Duration>,
    /// https on every API listener; plain HTTP when `None`.
    pub ssl: Option<SslConfig>,
}

impl Config {
    /// Reads the file (if any), then the process environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let mut values = match path {
            Some(path) => parse_file(path)?,
            None => Values::default(),
        };
        values.apply_env(std::env::vars());
        let mut config = Config::from_values(&values)?;
        for warning in config.unknown_entries(&values) {
            let at = match (&warning.origin, path) {
                (Origin::Line(line), Some(path)) => format!("{}:{line}", path.display()),
                (Origin::Line(line), None) => format!("line {line}"),
                (Origin::Environment(name), _) => format!("environment variable {name}"),
            };
            log::warn!("{at}: {}", warning.message);
        }
        if let Some(dir) = path.and_then(Path::parent) {
            config.policy.resolve_against(dir);
        }
        Ok(config)
    }

    /// The sections and keys in `values` that nothing reads: a section
    /// neither fixed nor a configured backend, a key its section has not.
    fn unknown_entries(&self, values: &Values) -> Vec<Unknown> {
        let share_backends: Vec<&str> = self.backends.iter().map(|backend| backend.name.as_str()).collect();
        let volume_backends: Vec<&str> = self
            .volume
            .backends
            .iter()
            .map(|backend| backend.name.as_str())
            .collect();
        let (is_share, is_volume) = (
            |section: &str| share_backends.iter().any(|name| name.eq_ignore_ascii_case(section)),
            |section: &str| volume_backends.iter().any(|name| name.eq_ignore_ascii_case(section)),
        );
        let known_section = |section: &str| keys::is_named_section(section) || is_share(section) || is_volume(section);
        let mut unknown: Vec<Unknown> = values
            .sections
            .iter()
            .filter(|(section, _)| !known_section(section.as_str()))
            .map(|(section, line)| Unknown {
                origin: Origin::Line(*line),
                message: format!("unknown section [{section}]; its keys are ignored"),
            })
            .collect();
        for (section, key, origin) in &values.entries {
            let known = if keys::is_named_section(section) {
                keys::lookup(section, key).is_some()
            } else {
                (is_share(section.as_str()) && keys::is_key_of(keys::Section::ShareBackend, key))
                    || (is_volume(section.as_str()) && keys::is_key_of(keys::Section::VolumeBackend, key))
            };
            // Keys of an unknown section were warned about with it, unless
            // they came from the environment, which has no section line.
            let reported = !known_section(section.as_str()) && matches!(origin, Origin::Line(_));
            if !known && !reported {
                unknown.push(Unknown {
                    origin: origin.clone(),
                    message: format!("unknown key {key} in [{section}]; ignored"),
                });
            }
        }
        unknown
    }

    fn from_values(values: &Values) -> Result<Config, ConfigError> {
        let state_path = values.get("DEFAULT", "state_path").unwrap_or(".");
        let connection = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => match values.get("database", "connection") {
                Some(url) if !url.is_empty() => url.to_string(),
                _ => format!(
                    "sqlite://{}",
                    Path::new(state_path).join("manila-cg-api.sqlite").display()
                ),
            },
        };
        let auth_strategy = values.parse("DEFAULT", "auth_strategy", AuthStrategy::NoAuth)?;
        Ok(Config {
            keystone: keystone(values, auth_strategy)?,
            listen: values
                .get("DEFAULT", "osapi_share_listen")
                .unwrap_or("127.0.0.1")
                .to_string(),
            port: values.parse("DEFAULT", "osapi_share_listen_port", 8786)?,
            workers: values.parse("DEFAULT", "osapi_share_workers", 0)?,
            auth_strategy,
            base_url: values
                .get("DEFAULT", "osapi_share_base_URL")
                .filter(|url| !url.is_empty())
                .map(|url| url.trim_end_matches('/').to_string()),
            max_limit: values.parse("DEFAULT", "osapi_max_limit", 1000)?,
            max_request_body_size: values.parse("oslo_middleware", "max_request_body_size", 114_688)?,
            database: DatabaseConfig {
                connection,
                max_pool_size: values.parse("database", "max_pool_size", 10)?,
                pool_timeout_secs: values.parse("database", "pool_timeout", 30)?,
                prepared_statements: values.parse("database", "prepared_statements", Flag(true))?.0,
            },
            host: values
                .get("DEFAULT", "host")
                .filter(|host| !host.is_empty())
                .unwrap_or(DEFAULT_HOST)
                .to_string(),
            default_share_type: values
                .get("DEFAULT", "default_share_type")
                .filter(|name| !name.is_empty())
                .map(str::to_string),
            storage_availability_zone: values
                .get("DEFAULT", "storage_availability_zone")
                .filter(|zone| !zone.is_empty())
                .unwrap_or("nova")
                .to_string(),
            enabled_share_protocols: values
                .get("DEFAULT", "enabled_share_protocols")
                .unwrap_or("NFS,CIFS")
                .split(',')
                .map(|proto| proto.trim().to_uppercase())
                .filter(|proto| !proto.is_empty())
                .collect(),
            backends: backends(values)?,
            worker: WorkerConfig {
                workers: values.parse("DEFAULT", "job_workers", 2)?,
                poll_interval_ms: values.parse("DEFAULT", "job_poll_interval_ms", 200)?,
                lease_secs: values.parse("DEFAULT", "job_lease_seconds", 60)?,
                claim_batch: values.parse("DEFAULT", "job_claim_batch", 1)?,
                purge_age_days: values.parse("DEFAULT", "job_purge_age_in_days", 7)?,
                purge_interval_secs: values.parse("DEFAULT", "job_purge_interval", 3600)?,
            },
            policy: PolicyConfig::from_values(values),
            enabled_apis: enabled_apis(values)?,
            volume: volume_api(values)?,
            graceful_shutdown_timeout: match values.parse("DEFAULT", "graceful_shutdown_timeout", 60u64)? {
                0 => None,
                seconds => Some(Duration::from_secs(seconds)),
            },
            ssl: ssl(values)?,
        })
    }
}

/// A path, or `None` when the key is unset or empty.
fn path(values: &Values, section: &str, key: &str) -> Option<PathBuf> {
    values
        .get(section, key)
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// `[ssl]`: `cert_file` and `key_file` together or not at all; `ca_file`
/// only with them.
fn ssl(values: &Values) -> Result<Option<SslConfig>, ConfigError> {
    let invalid = |key: &str, reason: &str| ConfigError::Value {
        section: "ssl".to_string(),
        key: key.to_string(),
        value: values.get("ssl", key).unwrap_or("").to_string(),
        reason: reason.to_string(),
    };
    let ca_file = path(values, "ssl", "ca_file");
    match (path(values, "ssl", "cert_file"), path(values, "ssl", "key_file")) {
        (Some(cert_file), Some(key_file)) => Ok(Some(SslConfig {
            cert_file,
            key_file,
            ca_file,
        })),
        (None, None) if ca_file.is_some() => Err(invalid("ca_file", "needs cert_file and key_file")),
        (None, None) => Ok(None),
        (Some(_), None) => Err(invalid("key_file", "required with cert_file")),
        (None, Some(_)) => Err(invalid("cert_file", "required with key_file")),
    }
}

/// `[keystone_authtoken]`; the service credentials are required only when
/// Keystone is the strategy.
fn keystone(values: &Values, strategy: AuthStrategy) -> Result<KeystoneConfig, ConfigError> {
    const SECTION: &str = "keystone_authtoken";
    let defaults = KeystoneConfig::default();
    let text = |key: &str, default: &str| values.get(SECTION, key).unwrap_or(default).trim().to_string();
    let required = |key: &str| {
        let value = text(key, "");
        if value.is_empty() && strategy == AuthStrategy::Keystone {
            return Err(ConfigError::Value {
                section: SECTION.to_string(),
                key: key.to_string(),
                value,
                reason: "required when auth_strategy = keystone".to_string(),
            });
        }
        Ok(value)
    };
    let auth_url = required("auth_url")?;
    let mut www_authenticate_uri = text("www_authenticate_uri", "");
    if www_authenticate_uri.is_empty() {
        www_authenticate_uri = auth_url.clone();
    }
    Ok(KeystoneConfig {
        www_authenticate_uri,
        auth_url,
        username: required("username")?,
        password: required("password")?,
        project_name: text("project_name", &defaults.project_name),
        user_domain_name: text("user_domain_name", &defaults.user_domain_name),
        project_domain_name: text("project_domain_name", &defaults.project_domain_name),
        token_cache_time: Duration::from_secs(values.parse(SECTION, "token_cache_time", 300)?),
        token_cache_size: values.parse(SECTION, "token_cache_size", defaults.token_cache_size)?,
        http_timeout: Duration::from_secs(values.parse(SECTION, "http_connect_timeout", 5)?),
        cafile: path(values, SECTION, "cafile"),
        client_identity: match (path(values, SECTION, "certfile"), path(values, SECTION, "keyfile")) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            (cert, _) => {
                let (key, missing) = if cert.is_some() {
                    ("keyfile", "certfile")
                } else {
                    ("certfile", "keyfile")
                };
                return Err(ConfigError::Value {
                    section: SECTION.to_string(),
                    key: key.to_string(),
                    value: String::new(),
                    reason: format!("required with {missing}"),
                });
            }
        },
        insecure: values.parse(SECTION, "insecure", Flag(false))?.0,
    })
}

/// `[DEFAULT] host` when unset. Manila's default is the machine's name,
/// which differs between replicas and changes when a container is
/// recreated; a fixed name keeps every placed group reachable.
const DEFAULT_HOST: &str = "manila-cg-api";

/// A backend section's `backend_host`, `None` when unset or empty.
fn backend_host(values: &Values, section: &str) -> Option<String> {
    values
        .get(section, "backend_host")
        .filter(|host| !host.is_empty())
        .map(str::to_string)
}

/// The backends named by `enabled_share_backends`, each from its section.
/// With none named, one simulated backend (`simulated`, pool `pool0`) so a
/// fresh server can place consistency groups.
fn backends(values: &Values) -> Result<Vec<BackendConfig>, ConfigError> {
    let names: Vec<String> = match values.get("DEFAULT", "enabled_share_backends") {
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect(),
        None => vec!["simulated".to_string()],
    };
    names.into_iter().map(|name| backend(values, name)).collect()
}

fn backend(values: &Values, name: String) -> Result<BackendConfig, ConfigError> {
    let invalid = |key: &str, value: &str, reason: String| ConfigError::Value {
        section: name.clone(),
        key: key.to_string(),
        value: value.to_string(),
        reason,
    };
    let driver = values.get(&name, "share_driver").unwrap_or("simulated");
    if driver != "simulated" {
        return Err(invalid("share_driver", driver, "the only driver is `simulated`".into()));
    }
    let consistency_group_support = match values.get(&name, "consistency_group_support").unwrap_or("pool") {
        "pool" => Some(CgSupport::Pool),
        "host" => Some(CgSupport::Host),
        "" => None,
        other => {
            return Err(invalid(
                "consistency_group_support",
                other,
                "use pool, host or nothing".into(),
            ))
        }
    };
    let pools_text = values.get(&name, "pools").unwrap_or("pool0:1000");
    let pools = parse_pairs(pools_text, ':')
        .and_then(|pairs| {
            pairs
                .into_iter()
                .map(|(pool, capacity)| {
                    let capacity_gb = capacity
                        .parse()
                        .map_err(|_| format!("{capacity:?} is not a whole number of GiB"))?;
                    Ok(PoolConfig {
                        name: pool,
                        capacity_gb,
                    })
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .and_then(|pools| {
            if pools.is_empty() {
                Err("at least one pool".to_string())
            } else {
                Ok(pools)
            }
        })
        .map_err(|reason| invalid("pools", pools_text, reason))?;
    let capabilities_text = values.get(&name, "capabilities").unwrap_or("");
    let capabilities =
        parse_pairs(capabilities_text, '=').map_err(|reason| invalid("capabilities", capabilities_text, reason))?;
    Ok(BackendConfig {
        backend_host: backend_host(values, &name),
        share_backend_name: values.get(&name, "share_backend_name").unwrap_or(&name).to_string(),
        driver_handles_share_servers: values.parse(&name, "driver_handles_share_servers", Flag(false))?.0,
        consistency_group_support,
        pools,
        capabilities,
        simulated: simulated_driver(values, &name)?,
        name,
    })
}

/// `enabled_apis`, a comma list; Manila's API alone by default.
fn enabled_apis(values: &Values) -> Result<Vec<ServedApi>, ConfigError> {
    let text = values.get("DEFAULT", "enabled_apis").unwrap_or("osapi_share");
    let invalid = |reason: String| ConfigError::Value {
        section: "DEFAULT".into(),
        key: "enabled_apis".into(),
        value: text.to_string(),
        reason,
    };
    let mut apis = Vec::new();
    for name in text.split(',').map(str::trim).filter(|name| !name.is_empty()) {
        let api: ServedApi = name.parse().map_err(invalid)?;
        if !apis.contains(&api) {
            apis.push(api);
        }
    }
    if apis.is_empty() {
        return Err(invalid("name at least one API".into()));
    }
    Ok(apis)
}

fn volume_api(values: &Values) -> Result<VolumeApiConfig, ConfigError> {
    Ok(VolumeApiConfig {
        listen: values
            .get("DEFAULT", "osapi_volume_listen")
            .unwrap_or("127.0.0.1")
            .to_string(),
        port: values.parse("DEFAULT", "osapi_volume_listen_port", 8776)?,
        base_url: values
            .get("DEFAULT", "osapi_volume_base_URL")
            .filter(|url| !url.is_empty())
            .map(|url| url.trim_end_matches('/').to_string()),
        default_volume_type: values
            .get("DEFAULT", "default_volume_type")
            .filter(|name| !name.is_empty())
            .unwrap_or("__DEFAULT__")
            .to_string(),
        quota_groups: values.parse("DEFAULT", "quota_groups", 10)?,
        backends: volume_backends(values)?,
    })
}

/// The backends named by `enabled_backends`, each from its section; with
/// none named, one simulated backend called `volumes`.
fn volume_backends(values: &Values) -> Result<Vec<VolumeBackendConfig>, ConfigError> {
    let names: Vec<String> = match values.get("DEFAULT", "enabled_backends") {
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect(),
        None => vec!["volumes".to_string()],
    };
    names
        .into_iter()
        .map(|name| {
            let driver = values.get(&name, "volume_driver").unwrap_or("simulated");
            if driver != "simulated" {
                return Err(ConfigError::Value {
                    section: name.clone(),
                    key: "volume_driver".into(),
                    value: driver.to_string(),
                    reason: "the only driver is `simulated`".into(),
                });
            }
            Ok(VolumeBackendConfig {
                backend_host: backend_host(values, &name),
                volume_backend_name: values.get(&name, "volume_backend_name").unwrap_or(&name).to_string(),
                consistent_group_snapshot_enabled: values
                    .parse(&name, "consistent_group_snapshot_enabled", Flag(true))?
                    .0,
                simulated: simulated_driver(values, &name)?,
                name,
            })
        })
        .collect()
}

/// The simulated driver's knobs in a backend's section.
fn simulated_driver(values: &Values, section: &str) -> Result<SimulatedDriverConfig, ConfigError> {
    let failure_rate: f64 = values.parse(section, "simulated_failure_rate", 0.0)?;
    if !(0.0..=1.0).contains(&failure_rate) {
        return Err(ConfigError::Value {
            section: section.to_string(),
            key: "simulated_failure_rate".into(),
            value: failure_rate.to_string(),
            reason: "between 0 and 1".into(),
        });
    }
    Ok(SimulatedDriverConfig {
        latency_ms: values.parse(section, "simulated_latency_ms", 0)?,
        failure_rate,
        seed: values.parse(section, "simulated_seed", 0)?,
    })
}

/// `a<sep>1, b<sep>2` into pairs; an empty text is no pairs.
fn parse_pairs(text: &str, separator: char) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.split_once(separator)
                .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
                .filter(|(key, _)| !key.is_empty())
                .ok_or_else(|| format!("{item:?} is not of the form name{separator}value"))
        })
        .collect()
}

/// oslo.config's booleans: true/false, yes/no, on/off, 1/0, any case.
struct Flag(bool);

impl FromStr for Flag {
    type Err = String;
    fn from_str(value: &str) -> Result<Flag, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(Flag(true)),
            "false" | "no" | "off" | "0" => Ok(Flag(false)),
            other => Err(format!("{other:?} is not a boolean")),
        }
    }
}

/// Where a raw value came from, for warnings.
#[derive(Clone, Debug, PartialEq)]
enum Origin {
    /// A line of the file, from 1.
    Line(usize),
    /// The environment variable of this name.
    Environment(String),
}

/// A section or key that nothing reads, and why it is ignored.
#[derive(Debug, PartialEq)]
struct Unknown {
    origin: Origin,
    message: String,
}

/// Raw `section -> key -> value` strings, with where each came from.
/// Section and key names compare case-insensitively, as environment
/// variable names are upper case.
#[derive(Default, Debug)]
struct Values {
    map: HashMap<(String, String), String>,
    /// Every key set, in order: section and key as written, origin.
    entries: Vec<(String, String, Origin)>,
    /// Every `[section]` line of the file: name and line.
    sections: Vec<(String, usize)>,
}

impl Values {
    fn insert(&mut self, section: &str, key: &str, value: &str, origin: Origin) {
        self.entries.push((section.to_string(), key.to_string(), origin));
        self.map.insert(
            (section.to_ascii_lowercase(), key.to_ascii_lowercase()),
            value.to_string(),
        );
    }

    /// The value of `key`, or else of one of its older names. Only keys
    /// listed in `keys::KEYS` may be read, so the sample lists them all.
    fn get(&self, section: &str, key: &str) -> Option<&str> {
        let listed = keys::lookup(section, key);
        debug_assert!(
            listed.is_some(),
            "[{section}] {key} is read but not listed in config::keys"
        );
        let aliases = listed.map_or(&[][..], |listed| listed.aliases);
        std::iter::once(key)
            .chain(aliases.iter().copied())
            .find_map(|name| self.map.get(&(section.to_ascii_lowercase(), name.to_ascii_lowercase())))
            .map(String::as_str)
    }

    fn parse<T: FromStr>(&self, section: &str, key: &str, default: T) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(section, key) {
            None => Ok(default),
            Some(raw) => raw.parse().map_err(|err: T::Err| ConfigError::Value {
                section: section.to_string(),
                key: key.to_string(),
                value: raw.to_string(),
                reason: err.to_string(),
            }),
        }
    }

    fn apply_env(&mut self, vars: impl Iterator<Item = (String, String)>) {
        for (name, value) in vars {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if let Some((section, key)) = rest.split_once("__") {
                self.insert(section, key, &value, Origin::Environment(name.clone()));
            }
        }
    }
}

/// oslo.config's INI dialect: `[section]`, `key = value` (or `key: value`),
/// `#` and `;` comment lines. Values are taken verbatim, without unquoting.
fn parse_file(path: &Path) -> Result<Values, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_ini(&text).map_err(|line| ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
    })
}

/// Returns the 1-based number of the first line it cannot read.
fn parse_ini(text: &str) -> Result<Values, usize> {
    let mut values = Values::default();
    let mut section: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_string();
            values.sections.push((name.clone(), index + 1));
            section = Some(name);
            continue;
        }
        let separator = line.find(['=', ':']).ok_or(index + 1)?;
        let current = section.as_deref().ok_or(index + 1)?;
        let (key, value) = line.split_at(separator);
        values.insert(current, key.trim(), value[1..].trim(), Origin::Line(index + 1));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_keys_and_comments() {
        let values = parse_ini(
            "# comment\n[DEFAULT]\nosapi_share_listen_port = 9000\n; other\n[database]\nconnection: postgres://u@h/db\n",
        )
        .unwrap();
        assert_eq!(values.get("DEFAULT", "osapi_share_listen_port"), Some("9000"));
        assert_eq!(values.get("database", "connection"), Some("postgres://u@h/db"));
    }

    #[test]
    fn rejects_keys_outside_a_section_and_lines_without_separator() {
        assert_eq!(parse_ini("key = value\n").unwrap_err(), 1);
        assert_eq!(parse_ini("[DEFAULT]\n\njunk\n").unwrap_err(), 3);
    }

    #[test]
    fn environment_overrides_file_values_case_insensitively() {
        let mut values = parse_ini("[DEFAULT]\nauth_strategy = noauth\n").unwrap();
        values.apply_env(
            vec![
                ("MANILA_CG__DEFAULT__AUTH_STRATEGY".to_string(), "noauth2".to_string()),
                ("UNRELATED".to_string(), "x".to_string()),
            ]
            .into_iter(),
        );
        assert_eq!(values.get("DEFAULT", "auth_strategy"), Some("noauth2"));
    }

    #[test]
    fn bad_values_name_their_key() {
        let values = parse_ini("[DEFAULT]\nosapi_share_listen_port = eighty\n").unwrap();
        let err = Config::from_values(&values).unwrap_err().to_string();
        assert!(
            err.starts_with("[DEFAULT] osapi_share_listen_port = \"eighty\""),
            "{err}"
        );
    }

    #[test]
    fn backends_come_from_their_sections() {
        let values = parse_ini(
            "[DEFAULT]\nenabled_share_backends = alpha, beta\n\
             [alpha]\nshare_backend_name = ALPHA\ndriver_handles_share_servers = True\n\
             consistency_group_support = host\npools = gold:100, silver:50\ncapabilities = compression=True\n\
             simulated_failure_rate = 0.5\n[beta]\nconsistency_group_support =\n",
        )
        .unwrap();
        let config = Config::from_values(&values).unwrap();
        let [alpha, beta] = config.backends.as_slice() else {
            panic!("two backends")
        };
        assert_eq!(alpha.name, "alpha");
        assert_eq!(alpha.share_backend_name, "ALPHA");
        assert!(alpha.driver_handles_share_servers);
        assert_eq!(alpha.consistency_group_support, Some(CgSupport::Host));
        assert_eq!(
            alpha.pools,
            [
                PoolConfig {
                    name: "gold".into(),
                    capacity_gb: 100
                },
                PoolConfig {
                    name: "silver".into(),
                    capacity_gb: 50
                }
            ]
        );
        assert_eq!(alpha.capabilities, [("compression".to_string(), "True".to_string())]);
        assert_eq!(alpha.simulated.failure_rate, 0.5);
        assert_eq!(beta.share_backend_name, "beta");
        assert_eq!(beta.consistency_group_support, None);
        assert_eq!(
            beta.pools,
            [PoolConfig {
                name: "pool0".into(),
                capacity_gb: 1000
            }]
        );
    }

    #[test]
    fn volume_api_is_off_by_default_and_reads_cinder_keys() {
        let defaults = Config::from_values(&parse_ini("").unwrap()).unwrap();
        assert_eq!(defaults.enabled_apis, [ServedApi::Share]);
        assert_eq!(defaults.volume.port, 8776);
        assert_eq!(defaults.volume.default_volume_type, "__DEFAULT__");
        assert_eq!(defaults.volume.quota_groups, 10);
        assert_eq!(defaults.volume.backends[0].name, "volumes");
        assert!(defaults.volume.backends[0].consistent_group_snapshot_enabled);

        let values = parse_ini(
            "[DEFAULT]\nenabled_apis = osapi_volume, osapi_share\nosapi_volume_listen_port = 9776\n\
             quota_groups = 3\nenabled_backends = fast\n\
             [fast]\nvolume_backend_name = FAST\nconsistent_group_snapshot_enabled = False\n",
        )
        .unwrap();
        let config = Config::from_values(&values).unwrap();
        assert_eq!(config.enabled_apis, [ServedApi::Volume, ServedApi::Share]);
        assert_eq!(config.volume.port, 9776);
        assert_eq!(config.volume.quota_groups, 3);
        assert_eq!(config.volume.backends[0].volume_backend_name, "FAST");
        assert!(!config.volume.backends[0].consistent_group_snapshot_enabled);

        for text in [
            "[DEFAULT]\nenabled_apis = osapi_compute\n",
            "[DEFAULT]\nenabled_apis = ,\n",
        ] {
            let err = Config::from_values(&parse_ini(text).unwrap()).unwrap_err().to_string();
            assert!(err.starts_with("[DEFAULT] enabled_apis"), "{err}");
        }
    }

    #[test]
    fn backend_mistakes_name_section_and_key() {
        for (text, key) in [
            ("[DEFAULT]\nenabled_share_backends = a\n[a]\npools = gold\n", "pools"),
            (
                "[DEFAULT]\nenabled_share_backends = a\n[a]\nconsistency_group_support = yes\n",
                "consistency_group_support",
            ),
            (
                "[DEFAULT]\nenabled_share_backends = a\n[a]\nshare_driver = generic\n",
                "share_driver",
            ),
            (
                "[DEFAULT]\nenabled_share_backends = a\n[a]\nsimulated_failure_rate = 2\n",
                "simulated_failure_rate",
            ),
        ] {
            let err = Config::from_values(&parse_ini(text).unwrap()).unwrap_err().to_string();
            assert!(err.starts_with(&format!("[a] {key} = ")), "{err}");
        }
    }

    #[test]
    fn host_is_the_same_everywhere_unless_a_backend_names_its_own() {
        let defaults = Config::from_values(&Values::default()).unwrap();
        assert_eq!(defaults.host, "manila-cg-api", "never the machine's name");
        assert_eq!(defaults.backends[0].backend_host, None);
        let values = parse_ini(
            "[DEFAULT]\nhost = site1\nenabled_share_backends = a\nenabled_backends = v\n\
             [a]\nbackend_host = cluster1\n[v]\nbackend_host = cluster2\n",
        )
        .unwrap();
        let config = Config::from_values(&values).unwrap();
        assert_eq!(config.host, "site1");
        assert_eq!(config.backends[0].backend_host.as_deref(), Some("cluster1"));
        assert_eq!(config.volume.backends[0].backend_host.as_deref(), Some("cluster2"));
    }

    #[test]
    fn defaults_match_manila() {
        let config = Config::from_values(&Values::default()).unwrap();
        assert_eq!(config.port, 8786);
        assert_eq!(config.max_limit, 1000);
        assert_eq!(config.max_request_body_size, 114_688);
        assert_eq!(config.auth_strategy, AuthStrategy::NoAuth);
        assert_eq!(config.default_share_type, None);
        assert_eq!(config.graceful_shutdown_timeout, Some(Duration::from_secs(60)));
        assert_eq!(config.storage_availability_zone, "nova");
        assert_eq!(
            config.enabled_share_protocols,
            vec!["NFS".to_string(), "CIFS".to_string()]
        );
    }

    #[test]
    fn keystone_needs_its_service_credentials() {
        let missing = parse_ini("[DEFAULT]\nauth_strategy = keystone\n[keystone_authtoken]\nauth_url = http://ks/v3\n");
        let err = Config::from_values(&missing.unwrap()).unwrap_err().to_string();
        assert_eq!(
            err,
            "[keystone_authtoken] username = \"\": required when auth_strategy = keystone"
        );

        let full = parse_ini(
            "[DEFAULT]\nauth_strategy = keystone\n[keystone_authtoken]\nauth_url = http://ks:5000\n\
             username = manila\npassword = pw\ntoken_cache_time = 60\n",
        )
        .unwrap();
        let keystone = Config::from_values(&full).unwrap().keystone;
        assert_eq!(
            keystone.www_authenticate_uri, "http://ks:5000",
            "falls back to auth_url"
        );
        assert_eq!(keystone.project_name, "service");
        assert_eq!(keystone.user_domain_name, "Default");
        assert_eq!(keystone.token_cache_time, Duration::from_secs(60));

        let noauth = Config::from_values(&Values::default()).unwrap();
        assert_eq!(
            noauth.keystone,
            KeystoneConfig::default(),
            "not required without keystone"
        );
    }

    #[test]
    fn tls_and_pooler_keys() {
        let defaults = Config::from_values(&Values::default()).unwrap();
        assert_eq!(defaults.ssl, None);
        assert!(defaults.database.prepared_statements);
        assert!(!defaults.keystone.insecure);

        let values = parse_ini(
            "[database]\nprepared_statements = False\n\
             [keystone_authtoken]\ncafile = /ca.pem\ncertfile = /c.pem\nkeyfile = /c.key\ninsecure = true\n\
             [ssl]\ncert_file = /s.pem\nkey_file = /s.key\nca_file = /clients.pem\n",
        )
        .unwrap();
        let config = Config::from_values(&values).unwrap();
        assert!(!config.database.prepared_statements);
        assert_eq!(config.keystone.cafile, Some(PathBuf::from("/ca.pem")));
        assert_eq!(
            config.keystone.client_identity,
            Some((PathBuf::from("/c.pem"), PathBuf::from("/c.key")))
        );
        assert!(config.keystone.insecure);
        assert_eq!(
            config.ssl,
            Some(SslConfig {
                cert_file: "/s.pem".into(),
                key_file: "/s.key".into(),
                ca_file: Some("/clients.pem".into()),
            })
        );

        for (text, expected) in [
            (
                "[ssl]\ncert_file = /s.pem\n",
                "[ssl] key_file = \"\": required with cert_file",
            ),
            (
                "[ssl]\nca_file = /ca.pem\n",
                "[ssl] ca_file = \"/ca.pem\": needs cert_file and key_file",
            ),
            (
                "[keystone_authtoken]\ncertfile = /c.pem\n",
                "[keystone_authtoken] keyfile = \"\": required with certfile",
            ),
        ] {
            let err = Config::from_values(&parse_ini(text).unwrap()).unwrap_err().to_string();
            assert_eq!(err, expected, "{text}");
        }
    }

    #[test]
    fn a_zero_grace_period_means_no_limit() {
        let values = parse_ini("[DEFAULT]\ngraceful_shutdown_timeout = 0\n").unwrap();
        assert_eq!(Config::from_values(&values).unwrap().graceful_shutdown_timeout, None);
        let values = parse_ini("[DEFAULT]\ngraceful_shutdown_timeout = 5\n").unwrap();
        assert_eq!(
            Config::from_values(&values).unwrap().graceful_shutdown_timeout,
            Some(Duration::from_secs(5))
        );
    }

    #[test]
    fn policy_file_defaults_to_an_optional_policy_yaml() {
        let config = Config::from_values(&Values::default()).unwrap();
        assert_eq!(config.policy, PolicyConfig::default());
        assert_eq!(config.policy.policy_file, Some(PathBuf::from("policy.yaml")));
        assert!(!config.policy.required);
        let named = parse_ini("[oslo_policy]\npolicy_file = /etc/manila/policy.json\n").unwrap();
        assert_eq!(
            Config::from_values(&named).unwrap().policy,
            PolicyConfig {
                policy_file: Some(PathBuf::from("/etc/manila/policy.json")),
                required: true
            }
        );
        let empty = parse_ini("[oslo_policy]\npolicy_file =\n").unwrap();
        assert_eq!(Config::from_values(&empty).unwrap().policy.policy_file, None);
    }

    #[test]
    fn a_relative_policy_file_is_found_beside_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("manila-cg-api.conf");
        std::fs::write(&conf, "[oslo_policy]\npolicy_file = rules/policy.yaml\n").unwrap();
        let config = Config::load(Some(&conf)).unwrap();
        assert_eq!(config.policy.policy_file, Some(dir.path().join("rules/policy.yaml")));
        std::fs::write(&conf, "[oslo_policy]\npolicy_file = /abs/policy.yaml\n").unwrap();
        let config = Config::load(Some(&conf)).unwrap();
        assert_eq!(config.policy.policy_file, Some(PathBuf::from("/abs/policy.yaml")));
        std::fs::write(&conf, "[DEFAULT]\n").unwrap();
        let config = Config::load(Some(&conf)).unwrap();
        assert_eq!(config.policy.policy_file, Some(dir.path().join("policy.yaml")));
        assert!(!config.policy.required);
    }

    #[test]
    fn unknown_sections_and_keys_are_named_with_their_line() {
        let mut values = parse_ini(
            "[DEFAULT]\nenabled_share_backends = alpha\nenabled_backends = lvm\nosapi_share_listen_prot = 1\n\
             [keystone_authtoken]\nauth_uri = http://ks\n\
             [alpha]\npools = p:1\nvolume_driver = simulated\n\
             [lvm]\nvolume_backend_name = LVM\n\
             [databse]\nconnection = x\n",
        )
        .unwrap();
        values.apply_env(
            vec![
                ("MANILA_CG__DEFAULT__HOST".to_string(), "h".to_string()),
                ("MANILA_CG__DEFAULT__HOTS".to_string(), "h".to_string()),
            ]
            .into_iter(),
        );
        let config = Config::from_values(&values).unwrap();
        assert_eq!(
            config.keystone.www_authenticate_uri, "http://ks",
            "auth_uri is an older name"
        );
        assert_eq!(
            config.unknown_entries(&values),
            [
                Unknown {
                    origin: Origin::Line(12),
                    message: "unknown section [databse]; its keys are ignored".into()
                },
                Unknown {
                    origin: Origin::Line(4),
                    message: "unknown key osapi_share_listen_prot in [DEFAULT]; ignored".into()
                },
                Unknown {
                    origin: Origin::Line(9),
                    message: "unknown key volume_driver in [alpha]; ignored".into()
                },
                Unknown {
                    origin: Origin::Environment("MANILA_CG__DEFAULT__HOTS".into()),
                    message: "unknown key HOTS in [DEFAULT]; ignored".into()
                },
            ]
        );
    }

    /// Every `#key = default` line of the sample uncommented (except the
    /// defaults computed from other keys) configures what no file does.
    #[test]
    fn the_sample_loads_and_its_defaults_are_the_code_s() {
        let commented = parse_ini(&sample::sample()).unwrap();
        let defaults = Config::from_values(&commented).unwrap();
        assert_eq!(defaults.unknown_entries(&commented), Vec::<Unknown>::new());
        let uncommented: String = sample::sample()
            .lines()
            .map(|line| match line.strip_prefix('#') {
                Some(setting) if setting.starts_with(|c: char| c.is_ascii_alphabetic()) && !setting.contains('<') => {
                    format!("{setting}\n")
                }
                _ => format!("{line}\n"),
            })
            .collect();
        let values = parse_ini(&uncommented).unwrap();
        assert!(values.entries.len() > 40, "{uncommented}");
        let mut explicit = Config::from_values(&values).unwrap();
        assert_eq!(explicit.unknown_entries(&values), Vec::<Unknown>::new());
        assert!(explicit.policy.required, "a named policy file must exist");
        explicit.policy.required = false;
        assert_eq!(
            format!("{explicit:?}"),
            format!("{:?}", Config::from_values(&Values::default()).unwrap())
        );
    }

    #[test]
    fn an_empty_default_share_type_means_none() {
        let named = parse_ini("[DEFAULT]\ndefault_share_type = gold\n").unwrap();
        assert_eq!(
            Config::from_values(&named).unwrap().default_share_type,
            Some("gold".to_string())
        );
        let empty = parse_ini("[DEFAULT]\ndefault_share_type =\n").unwrap();
        assert_eq!(Config::from_values(&empty).unwrap().default_share_type, None);
    }
}
