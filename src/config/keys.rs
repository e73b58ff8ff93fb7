//! Every key the configuration reads, once: its section, name, older
//! names, type, default and what it is for. The parser reads only keys
//! listed here (and warns about any other key in a file), and
//! `manila-cg-api config sample` prints this table as the commented
//! sample, so a new key is one entry here plus the code that reads it.

/// Where a key lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// The section of this name.
    Named(&'static str),
    /// Each section named by `[DEFAULT] enabled_share_backends`.
    ShareBackend,
    /// Each section named by `[DEFAULT] enabled_backends`.
    VolumeBackend,
}

/// A key's type, as oslo-config-generator names it in the sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Port,
    Boolean,
    Float,
    List,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::String => "string value",
            Kind::Integer => "integer value",
            Kind::Port => "port value",
            Kind::Boolean => "boolean value",
            Kind::Float => "floating point value",
            Kind::List => "list value",
        }
    }
}

/// A key's default as the sample shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    /// The value itself: uncommented, the line changes nothing.
    Value(&'static str),
    /// A default computed from other keys, described in words.
    Computed(&'static str),
}

#[derive(Debug)]
pub struct Key {
    pub section: Section,
    pub name: &'static str,
    /// Older names still read when the key itself is absent
    /// (oslo.config's deprecated names).
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    pub default: DefaultValue,
    pub help: &'static str,
}

/// The sections in the sample's order, each with what it is for.
pub const SECTIONS: &[(Section, &str)] = &[
    (Section::Named("DEFAULT"), ""),
    (Section::Named("database"), ""),
    (
        Section::Named("keystone_authtoken"),
        "Used when auth_strategy = keystone. Key names are keystonemiddleware's.",
    ),
    (Section::Named("oslo_middleware"), ""),
    (
        Section::Named("ssl"),
        "https on every API listener, for deployments without a proxy that terminates TLS. Key names are \
         oslo.service's.",
    ),
    (Section::Named("oslo_policy"), ""),
    (
        Section::ShareBackend,
        "One section per name in enabled_share_backends (Manila's share backends), shown here under the \
         default name. The section name is the \"backend\" part of a consistency group's host@backend#pool.",
    ),
    (
        Section::VolumeBackend,
        "One section per name in enabled_backends (Cinder's volume backends), shown here under the default \
         name. The section name is the \"backend\" part of a volume's host@backend#pool; the pool is the \
         volume_backend_name.",
    ),
];

/// The name a backend section has in the sample: the backend a server
/// declares when none is named.
pub fn sample_name(section: Section) -> &'static str {
    match section {
        Section::Named(name) => name,
        Section::ShareBackend => "simulated",
        Section::VolumeBackend => "volumes",
    }
}

const fn key(section: Section, name: &'static str, kind: Kind, default: &'static str, help: &'static str) -> Key {
    Key {
        section,
        name,
        aliases: &[],
        kind,
        default: DefaultValue::Value(default),
        help,
    }
}

const DEFAULT: Section = Section::Named("DEFAULT");
const DATABASE: Section = Section::Named("database");
const KEYSTONE: Section = Section::Named("keystone_authtoken");
const SHARE_BACKEND: Section = Section::ShareBackend;
const VOLUME_BACKEND: Section = Section::VolumeBackend;

pub const KEYS: &[Key] = &[
    key(
        DEFAULT,
        "osapi_share_listen",
        Kind::String,
        "127.0.0.1",
        "Address Manila's API listens on.",
    ),
    key(
        DEFAULT,
        "osapi_share_listen_port",
        Kind::Port,
        "8786",
        "Port Manila's API listens on.",
    ),
    key(
        DEFAULT,
        "osapi_share_workers",
        Kind::Integer,
        "0",
        "HTTP worker threads; 0 means one per CPU core.",
    ),
    key(
        DEFAULT,
        "auth_strategy",
        Kind::String,
        "noauth",
        "How callers are identified: noauth (every caller is admin, token \"user:project\"), noauth2 (the \
         same token; user \"admin\" has the role admin, and the policy rule context_is_admin decides who is \
         an administrator) or keystone (X-Auth-Token validated by Keystone; see [keystone_authtoken]). Never \
         expose noauth or noauth2 beyond the local machine.",
    ),
    key(
        DEFAULT,
        "osapi_share_base_URL",
        Kind::String,
        "",
        "When set, replaces scheme and host:port of the links in API responses, for a server behind a \
         proxy (e.g. https://share.example.org:8786).",
    ),
    key(
        DEFAULT,
        "osapi_max_limit",
        Kind::Integer,
        "1000",
        "The most items a list returns in one page.",
    ),
    key(
        DEFAULT,
        "default_share_type",
        Kind::String,
        "",
        "Name of the share type used when a request names none (a consistency group created without \
         share_types, a share without share_type), and shown by GET /v2/{project_id}/types/default. Unset: \
         there is no default type, a consistency group created without share_types answers 400, and that \
         call answers 404 \"Default share type not found\".",
    ),
    key(
        DEFAULT,
        "storage_availability_zone",
        Kind::String,
        "nova",
        "The availability zone of this server's share service: the only zone a share may name at creation \
         (others answer 404 \"Availability zone <az> could not be found.\"), and the zone every placed share \
         reports.",
    ),
    key(
        DEFAULT,
        "enabled_share_protocols",
        Kind::List,
        "NFS,CIFS",
        "Protocols shares may be created with, comma-separated. Upstream's supported set: NFS, CIFS, \
         GLUSTERFS, HDFS, CEPHFS, MAPRFS.",
    ),
    key(
        DEFAULT,
        "graceful_shutdown_timeout",
        Kind::Integer,
        "60",
        "How long (seconds) a server told to stop (SIGTERM or SIGINT) waits for requests in flight and \
         running jobs before it stops them; jobs it still holds are then released to other replicas. 0 \
         waits without limit. Keep it below the container runtime's own stop timeout (compose.yaml's \
         stop_grace_period), which ends the process with SIGKILL.",
    ),
    key(
        DEFAULT,
        "state_path",
        Kind::String,
        ".",
        "Directory of the embedded SQLite file used when [database] connection is empty.",
    ),
    key(
        DEFAULT,
        "enabled_apis",
        Kind::List,
        "osapi_share",
        "The APIs this process serves, comma-separated, each on its own listener: osapi_share (Manila's, on \
         osapi_share_listen_port) and osapi_volume (Cinder's, on osapi_volume_listen_port). Both share the \
         database, the job queue and workers, policy and authentication.",
    ),
    key(
        DEFAULT,
        "osapi_volume_listen",
        Kind::String,
        "127.0.0.1",
        "Address Cinder's API listens on, when enabled_apis names osapi_volume.",
    ),
    key(
        DEFAULT,
        "osapi_volume_listen_port",
        Kind::Port,
        "8776",
        "Port Cinder's API listens on, when enabled_apis names osapi_volume.",
    ),
    key(
        DEFAULT,
        "osapi_volume_base_URL",
        Kind::String,
        "",
        "As osapi_share_base_URL, for the links of Cinder's API.",
    ),
    key(
        DEFAULT,
        "default_volume_type",
        Kind::String,
        "__DEFAULT__",
        "The volume type a volume gets when it names none. The migrations create __DEFAULT__, as Cinder's \
         do.",
    ),
    key(
        DEFAULT,
        "quota_groups",
        Kind::Integer,
        "10",
        "How many consistency groups (Cinder's \"groups\") a project may hold; the next create answers 413 \
         GroupLimitExceeded.",
    ),
    key(
        DEFAULT,
        "enabled_backends",
        Kind::List,
        "volumes",
        "The volume backends, each described by a section of the same name (see [volumes] below). Unset: \
         one simulated backend called \"volumes\".",
    ),
    key(
        DEFAULT,
        "host",
        Kind::String,
        "manila-cg-api",
        "The \"host\" part of every placement, host@backend#pool, for backends without a backend_host of \
         their own. It names the deployment: give every replica the same value, and keep it across \
         restarts (unlike upstream, the default is not the machine's hostname, which differs between \
         replicas and containers). Groups placed under an earlier name keep working; `manila-cg-api \
         update-host` renames them.",
    ),
    key(
        DEFAULT,
        "enabled_share_backends",
        Kind::List,
        "simulated",
        "The backends consistency groups and shares are placed on, each described by a section of the same \
         name (see [simulated] below). Unset: one simulated backend called \"simulated\".",
    ),
    key(
        DEFAULT,
        "job_workers",
        Kind::Integer,
        "2",
        "Job workers in this server process. Every replica runs its own; a job is claimed by one worker at \
         a time.",
    ),
    key(
        DEFAULT,
        "job_poll_interval_ms",
        Kind::Integer,
        "200",
        "How often (milliseconds) an idle worker looks for new jobs.",
    ),
    key(
        DEFAULT,
        "job_lease_seconds",
        Kind::Integer,
        "60",
        "How long (seconds) a claimed job stays with its worker. If the server dies, another replica takes \
         the job over when this runs out, so keep it longer than the slowest backend call.",
    ),
    key(
        DEFAULT,
        "job_claim_batch",
        Kind::Integer,
        "1",
        "How many jobs a worker claims in one statement and then runs in turn. A job of the batch not \
         started within half the lease goes back to the queue.",
    ),
    key(
        DEFAULT,
        "job_purge_age_in_days",
        Kind::Integer,
        "7",
        "Finished (succeeded or failed) jobs older than this many days are deleted by every server, as \
         `manila-manage db purge` deletes old rows; 0 keeps them. `manila-cg-api db purge --age-in-days N` \
         does the same once.",
    ),
    key(
        DEFAULT,
        "job_purge_interval",
        Kind::Integer,
        "3600",
        "Seconds between two purges of finished jobs in each server.",
    ),
    Key {
        default: DefaultValue::Computed("sqlite://<state_path>/manila-cg-api.sqlite"),
        ..key(
            DATABASE,
            "connection",
            Kind::String,
            "",
            "postgres://user:password@host:port/dbname, or sqlite://<path>. The environment variable \
             DATABASE_URL overrides it. TLS to PostgreSQL takes libpq's parameters in the URL: \
             ?sslmode=verify-full&sslrootcert=/path/ca.pem (and sslcert, sslkey).",
        )
    },
    key(
        DATABASE,
        "max_pool_size",
        Kind::Integer,
        "10",
        "Most connections the server keeps open. It also bounds the threads that run database calls \
         (shared among the HTTP workers), so a call never parks a thread waiting for a connection; further \
         calls queue in order.",
    ),
    key(
        DATABASE,
        "pool_timeout",
        Kind::Integer,
        "30",
        "How long (seconds) a request waits for a free connection before answering 503.",
    ),
    key(
        DATABASE,
        "prepared_statements",
        Kind::Boolean,
        "true",
        "Keep each statement prepared on its connection. Set false when the server reaches PostgreSQL \
         through a transaction pooler (PgBouncer with pool_mode = transaction), which hands each \
         transaction to another server connection: every statement is then sent unnamed.",
    ),
    Key {
        aliases: &["auth_uri"],
        default: DefaultValue::Computed("<auth_url>"),
        ..key(
            KEYSTONE,
            "www_authenticate_uri",
            Kind::String,
            "",
            "Where a client without a valid token is told to authenticate, in \"WWW-Authenticate: Keystone \
             uri='...'\".",
        )
    },
    key(
        KEYSTONE,
        "auth_url",
        Kind::String,
        "",
        "Keystone's identity endpoint (with or without /v3). Required with auth_strategy = keystone.",
    ),
    key(
        KEYSTONE,
        "username",
        Kind::String,
        "",
        "The service user that validates tokens (GET /v3/auth/tokens). It needs a role Keystone's policy \
         lets validate tokens (service or admin). Required with auth_strategy = keystone.",
    ),
    key(
        KEYSTONE,
        "password",
        Kind::String,
        "",
        "The service user's password. Required with auth_strategy = keystone.",
    ),
    key(
        KEYSTONE,
        "project_name",
        Kind::String,
        "service",
        "The service user's project.",
    ),
    key(
        KEYSTONE,
        "user_domain_name",
        Kind::String,
        "Default",
        "The service user's domain.",
    ),
    key(
        KEYSTONE,
        "project_domain_name",
        Kind::String,
        "Default",
        "The domain of the service user's project.",
    ),
    key(
        KEYSTONE,
        "cafile",
        Kind::String,
        "",
        "A PEM file of CA certificates trusted, besides the system's store, to verify an https auth_url.",
    ),
    key(
        KEYSTONE,
        "certfile",
        Kind::String,
        "",
        "A PEM client certificate presented to Keystone (with keyfile; both or neither).",
    ),
    key(
        KEYSTONE,
        "keyfile",
        Kind::String,
        "",
        "The PEM private key of certfile.",
    ),
    key(
        KEYSTONE,
        "insecure",
        Kind::Boolean,
        "false",
        "Do not verify Keystone's certificate (neither its chain nor its host name). For tests only.",
    ),
    key(
        KEYSTONE,
        "token_cache_time",
        Kind::Integer,
        "300",
        "Seconds a validated or rejected token is remembered, never beyond the token's own expiry. A revoked \
         token keeps working until its entry ages out.",
    ),
    key(
        KEYSTONE,
        "token_cache_size",
        Kind::Integer,
        "10000",
        "Most tokens the cache holds; the oldest entries make room for new ones.",
    ),
    key(
        KEYSTONE,
        "http_connect_timeout",
        Kind::Integer,
        "5",
        "Seconds a call to Keystone may take; past it the request gets 503.",
    ),
    key(
        Section::Named("ssl"),
        "cert_file",
        Kind::String,
        "",
        "The PEM certificate (chain) the API listeners serve https with; with key_file. Unset: plain HTTP.",
    ),
    key(
        Section::Named("ssl"),
        "key_file",
        Kind::String,
        "",
        "The PEM private key of cert_file.",
    ),
    key(
        Section::Named("ssl"),
        "ca_file",
        Kind::String,
        "",
        "When set, clients must present a certificate issued by one of these PEM CA certificates (needs \
         cert_file and key_file).",
    ),
    key(
        Section::Named("oslo_middleware"),
        "max_request_body_size",
        Kind::Integer,
        "114688",
        "Largest request body accepted, in bytes; larger ones get 413 overLimit.",
    ),
    key(
        Section::Named("oslo_policy"),
        "policy_file",
        Kind::String,
        "policy.yaml",
        "The operator's policy rules, YAML or JSON, in oslo.policy's language: a mapping of policy names to \
         rules; a name left out keeps its default in code (`manila-cg-api policy sample` prints them all, \
         see config/policy.yaml.sample), a name with no default falls back to the rule \"default\". A \
         relative path is resolved against the directory of this file (the working directory when no file \
         is read). If this key is not set and the file does not exist, the defaults apply; a file named here \
         must exist. Empty: the defaults only, no file is looked for. A broken file stops the start-up; the \
         file is re-read about a second after it changes, and a broken rewrite is logged and ignored (the \
         rules in force stay). Replace the file atomically (write a copy, rename it). http: and https: \
         checks are not supported: they deny.",
    ),
    Key {
        default: DefaultValue::Computed("<section name>"),
        ..key(
            SHARE_BACKEND,
            "share_backend_name",
            Kind::String,
            "",
            "The name share types match with the share_backend_name extra spec.",
        )
    },
    key(
        SHARE_BACKEND,
        "share_driver",
        Kind::String,
        "simulated",
        "The only driver is \"simulated\": it stores nothing, waits its latency and fails at its failure \
         rate, so every state of the API really happens.",
    ),
    Key {
        default: DefaultValue::Computed("<host>"),
        ..key(
            SHARE_BACKEND,
            "backend_host",
            Kind::String,
            "",
            "The \"host\" part of this backend's placements, host@backend#pool, when it is not [DEFAULT] \
             host.",
        )
    },
    key(
        SHARE_BACKEND,
        "driver_handles_share_servers",
        Kind::Boolean,
        "False",
        "Whether the backend creates share servers (then a share network must be given, and share types \
         must say driver_handles_share_servers = True).",
    ),
    key(
        SHARE_BACKEND,
        "consistency_group_support",
        Kind::String,
        "pool",
        "How the backend keeps a consistency group's shares together: pool, host, or empty for no \
         consistency-group support (never chosen for a CG).",
    ),
    key(
        SHARE_BACKEND,
        "pools",
        Kind::List,
        "pool0:1000",
        "Pools and their capacity in GiB, as name:capacity, comma-separated. The scheduler places a new CG \
         on the eligible pool with most free capacity.",
    ),
    key(
        SHARE_BACKEND,
        "capabilities",
        Kind::List,
        "",
        "Further capabilities the backend reports, as key=value, comma-separated (True/False and numbers are \
         typed), for share type extra specs to match (e.g. compression=True, tier=gold).",
    ),
    key(
        SHARE_BACKEND,
        "simulated_latency_ms",
        Kind::Integer,
        "0",
        "The simulated driver's delay per call (milliseconds).",
    ),
    key(
        SHARE_BACKEND,
        "simulated_failure_rate",
        Kind::Float,
        "0.0",
        "The share of the simulated driver's calls that fail, from 0 to 1.",
    ),
    key(
        SHARE_BACKEND,
        "simulated_seed",
        Kind::Integer,
        "0",
        "The seed of the simulated driver's failure draws, so a run can be repeated.",
    ),
    Key {
        default: DefaultValue::Computed("<section name>"),
        ..key(
            VOLUME_BACKEND,
            "volume_backend_name",
            Kind::String,
            "",
            "The name volume types match with the volume_backend_name extra spec.",
        )
    },
    key(
        VOLUME_BACKEND,
        "volume_driver",
        Kind::String,
        "simulated",
        "The only driver is \"simulated\" (as for share backends).",
    ),
    Key {
        default: DefaultValue::Computed("<host>"),
        ..key(
            VOLUME_BACKEND,
            "backend_host",
            Kind::String,
            "",
            "The \"host\" part of this backend's placements, host@backend#pool, when it is not [DEFAULT] \
             host.",
        )
    },
    key(
        VOLUME_BACKEND,
        "consistent_group_snapshot_enabled",
        Kind::Boolean,
        "True",
        "Whether the backend can snapshot a consistency group at one point in time; the scheduler places \
         groups only on backends that can.",
    ),
    key(
        VOLUME_BACKEND,
        "simulated_latency_ms",
        Kind::Integer,
        "0",
        "The simulated driver's delay per call (milliseconds).",
    ),
    key(
        VOLUME_BACKEND,
        "simulated_failure_rate",
        Kind::Float,
        "0.0",
        "The share of the simulated driver's calls that fail, from 0 to 1.",
    ),
    key(
        VOLUME_BACKEND,
        "simulated_seed",
        Kind::Integer,
        "0",
        "The seed of the simulated driver's failure draws, so a run can be repeated.",
    ),
];

/// Whether `section` (a name from a file, any case) is one of the fixed
/// sections.
pub fn is_named_section(section: &str) -> bool {
    SECTIONS
        .iter()
        .any(|(known, _)| matches!(known, Section::Named(name) if name.eq_ignore_ascii_case(section)))
}

impl Key {
    /// Whether a file's `name` (any case) means this key, by its name or
    /// an older one.
    pub fn answers_to(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name) || self.aliases.iter().any(|alias| alias.eq_ignore_ascii_case(name))
    }
}

/// The entry for `name` in the fixed section `section`, or, for any other
/// section, in a backend section.
pub fn lookup(section: &str, name: &str) -> Option<&'static Key> {
    let fixed = is_named_section(section);
    KEYS.iter().find(|key| {
        let in_section = match key.section {
            Section::Named(known) => known.eq_ignore_ascii_case(section),
            Section::ShareBackend | Section::VolumeBackend => !fixed,
        };
        in_section && key.answers_to(name)
    })
}

/// Whether `name` is a key of sections of `kind`.
pub fn is_key_of(kind: Section, name: &str) -> bool {
    KEYS.iter().any(|key| key.section == kind && key.answers_to(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_listed_once_in_a_listed_section() {
        for (index, key) in KEYS.iter().enumerate() {
            assert!(SECTIONS.iter().any(|(section, _)| *section == key.section), "{key:?}");
            assert!(
                !KEYS[..index]
                    .iter()
                    .any(|earlier| earlier.section == key.section && earlier.name == key.name),
                "{key:?} twice"
            );
            assert!(key.help.ends_with('.'), "{key:?}");
        }
    }

    #[test]
    fn lookups_know_fixed_and_backend_sections() {
        assert_eq!(lookup("DEFAULT", "host").map(|key| key.name), Some("host"));
        assert_eq!(lookup("default", "HOST").map(|key| key.name), Some("host"));
        assert_eq!(
            lookup("keystone_authtoken", "auth_uri").map(|key| key.name),
            Some("www_authenticate_uri")
        );
        assert!(lookup("database", "host").is_none());
        assert_eq!(
            lookup("alpha", "pools").map(|key| key.section),
            Some(Section::ShareBackend)
        );
        assert!(lookup("DEFAULT", "pools").is_none());
        assert!(is_key_of(Section::VolumeBackend, "volume_driver"));
        assert!(!is_key_of(Section::ShareBackend, "volume_driver"));
    }
}
