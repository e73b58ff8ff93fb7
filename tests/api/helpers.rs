//! The black-box harness: a real server on a free port, over a real
//! database of its own (a fresh PostgreSQL database cloned from a migrated
//! template, or a fresh SQLite file), spoken to over HTTP.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use awc::http::header::HeaderMap;
use awc::http::Method;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use manila_cg_api::config::{
    AuthStrategy, BackendConfig, CgSupport, Config, DatabaseConfig, KeystoneConfig, PolicyConfig, PoolConfig,
    ServedApi, SimulatedDriverConfig, VolumeApiConfig, VolumeBackendConfig, WorkerConfig,
};
use manila_cg_api::db::consistency_groups::{self, ConsistencyGroup};
use manila_cg_api::db::jobs::{self, JobKind};
use manila_cg_api::db::{self, DbConnection};
use manila_cg_api::startup::{Application, StopHandle};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Writes each test twice, once per database backend:
/// `both_backends!(name, |app| async move { ... });`
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[actix_web::test]
            async fn postgres() {
                let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await;
                ($body)(app).await;
            }

            #[actix_web::test]
            async fn sqlite() {
                let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await;
                ($body)(app).await;
            }
        }
    };
}

/// A database that exists for one test and is removed after it.
pub enum TestDatabase {
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
}

impl TestDatabase {
    pub fn create(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Postgres => {
                let admin_url = admin_url();
                let (template, strategy) = migrated_template(&admin_url);
                let name = format!("mcg_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
                admin
                    .batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"{strategy}"))
                    .expect("clone the template database");
                let url = database_url(&admin_url, &name);
                TestDatabase::Postgres { admin_url, name, url }
            }
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
                TestDatabase::Sqlite { _dir: dir, url }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Postgres { url, .. } | TestDatabase::Sqlite { url, .. } => url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name, .. } = self {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

/// An empty PostgreSQL database (no template, no migrations) that exists
/// for one test, for tests of migrating itself.
pub struct EmptyDatabase {
    admin_url: String,
    name: String,
}

impl EmptyDatabase {
    pub fn create() -> EmptyDatabase {
        let admin_url = admin_url();
        let name = format!("mcg_empty_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a database");
        EmptyDatabase { admin_url, name }
    }

    pub fn url(&self) -> String {
        database_url(&self.admin_url, &self.name)
    }
}

impl Drop for EmptyDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
        }
    }
}

/// The PostgreSQL server the tests may create databases on.
fn admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "DATABASE_URL is not set. Run the suite with scripts/test, which starts a throwaway \
             PostgreSQL, or point DATABASE_URL at a server where this user may create databases."
        )
    })
}

/// `admin_url` with its database name replaced by `name`.
pub fn database_url(admin_url: &str, name: &str) -> String {
    let (without_query, query) = match admin_url.split_once('?') {
        Some((url, query)) => (url, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let authority_end = without_query
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| without_query[start..].find('/').map(|slash| start + slash))
        .unwrap_or(without_query.len());
    format!("{}/{name}{query}", &without_query[..authority_end])
}

/// A database migrated once per migration set, cloned for every test,
/// and the clause that makes cloning fast where the server has it
/// (PostgreSQL 15's default `WAL_LOG` strategy is five times slower for
/// small databases). The name carries a digest of the migrations so a
/// changed schema gets a new template; an advisory lock keeps concurrent
/// test processes from building it twice.
fn migrated_template(admin_url: &str) -> (String, &'static str) {
    static TEMPLATE: OnceLock<(String, &'static str)> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let name = format!("mcg_template_{:016x}", migrations_digest());
            let mut admin = PgConnection::establish(admin_url).expect("connect to PostgreSQL");
            admin.batch_execute("SELECT pg_advisory_lock(727272)").unwrap();
            let exists = diesel::sql_query(format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"))
                .execute(&mut admin)
                .unwrap()
                > 0;
            if !exists {
                admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")).unwrap();
                let conn = PgConnection::establish(&database_url(admin_url, &name)).unwrap();
                db::migrate(&mut DbConnection::Postgresql(conn)).expect("migrate the template");
            }
            admin.batch_execute("SELECT pg_advisory_unlock(727272)").unwrap();
            let has_strategy = diesel::sql_query("SELECT 1 WHERE current_setting('server_version_num')::int >= 150000")
                .execute(&mut admin)
                .unwrap()
                > 0;
            (name, if has_strategy { " STRATEGY FILE_COPY" } else { "" })
        })
        .clone()
}

fn migrations_digest() -> u64 {
    fn visit(dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, files);
            } else {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut files = Vec::new();
    visit(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres"),
        &mut files,
    );
    files.sort();
    // FNV-1a: stable across runs and toolchains, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, contents) in files {
        for byte in name.bytes().chain(contents) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The configuration every test server starts from. `noauth2`, so a test
/// is admin with the token `admin:<project>` and a plain member with any
/// other user, e.g. `alice:<project>`.
pub fn test_config(database_url: &str) -> Config {
    Config {
        listen: "127.0.0.1".to_string(),
        port: 0,
        workers: 1,
        auth_strategy: AuthStrategy::NoAuth2,
        keystone: KeystoneConfig::default(),
        base_url: None,
        max_limit: 1000,
        max_request_body_size: 114_688,
        default_share_type: None,
        storage_availability_zone: "nova".to_string(),
        enabled_share_protocols: vec!["NFS".to_string(), "CIFS".to_string()],
        database: DatabaseConfig {
            connection: database_url.to_string(),
            max_pool_size: 4,
            pool_timeout_secs: 5,
            prepared_statements: true,
        },
        host: "testhost".to_string(),
        backends: vec![BackendConfig {
            name: "alpha".to_string(),
            backend_host: None,
            share_backend_name: "ALPHA".to_string(),
            driver_handles_share_servers: false,
            consistency_group_support: Some(CgSupport::Pool),
            pools: vec![PoolConfig {
                name: "pool0".to_string(),
                capacity_gb: 1000,
            }],
            capabilities: Vec::new(),
            simulated: SimulatedDriverConfig {
                latency_ms: 0,
                failure_rate: 0.0,
                seed: 0,
            },
        }],
        worker: WorkerConfig {
            workers: 2,
            poll_interval_ms: 20,
            lease_secs: 30,
            claim_batch: 1,
            purge_age_days: 7,
            purge_interval_secs: 3600,
        },
        // The rules in code; tests/api/policy.rs names files of its own.
        policy: PolicyConfig {
            policy_file: None,
            required: false,
        },
        graceful_shutdown_timeout: Some(std::time::Duration::from_secs(10)),
        ssl: None,
        enabled_apis: vec![ServedApi::Share, ServedApi::Volume],
        volume: VolumeApiConfig {
            listen: "127.0.0.1".to_string(),
            port: 0,
            base_url: None,
            default_volume_type: "__DEFAULT__".to_string(),
            quota_groups: 10,
            backends: vec![VolumeBackendConfig {
                name: "lvm".to_string(),
                backend_host: None,
                volume_backend_name: "LVM".to_string(),
                consistent_group_snapshot_enabled: true,
                simulated: SimulatedDriverConfig {
                    latency_ms: 0,
                    failure_rate: 0.0,
                    seed: 0,
                },
            }],
        },
    }
}

pub struct TestApp {
    pub address: String,
    /// Where Cinder's API listens, when the configuration enables it.
    pub volume_address: Option<String>,
    pub stop: StopHandle,
    /// Shared by servers started beside this one; dropped (and the
    /// database with it) when the last of them ends.
    database: Arc<TestDatabase>,
    client: awc::Client,
    /// Who is an administrator, for checking admin-only fields.
    auth_strategy: AuthStrategy,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// Starts a server whose configuration `adjust` may change first.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::start(Arc::new(TestDatabase::create(backend)), adjust)
    }

    /// A second server (a replica) on this server's database.
    pub fn spawn_beside(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::start(self.database.clone(), adjust)
    }

    fn start(database: Arc<TestDatabase>, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = test_config(database.url());
        adjust(&mut config);
        let auth_strategy = config.auth_strategy;
        let app = Application::build(config).expect("server starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let volume_address = app
            .port_of(ServedApi::Volume)
            .map(|port| format!("http://127.0.0.1:{port}"));
        let stop = app.stop_handle();
        actix_web::rt::spawn(app.run_until_stopped());
        TestApp {
            address,
            volume_address,
            stop,
            database,
            client: awc::Client::builder().disable_redirects().finish(),
            auth_strategy,
        }
    }

    /// A pool on the server's own database, for arranging rows that no
    /// API call makes yet and for calling the service layer directly.
    pub fn pool(&self) -> db::DbPool {
        db::connect(&test_config(self.database.url()).database).expect("connect to the test database")
    }

    pub fn database_url(&self) -> &str {
        self.database.url()
    }

    /// Sends a request; `headers` are added as given (no defaults). The
    /// answer is checked against `api-ref/openapi.yaml` before it is
    /// returned, so every test also tests the document.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> TestResponse {
        let mut request = self.client.request(method.clone(), format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let mut response = match body {
            Some(body) => request.send_body(body.to_string()).await,
            None => request.send().await,
        }
        .expect("the server answers");
        let received = response.body().limit(16 * 1024 * 1024).await.expect("read the body");
        let response = TestResponse {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: received.to_vec(),
            experimental: headers.iter().any(|(name, value)| {
                name.eq_ignore_ascii_case("x-openstack-manila-api-experimental") && value.eq_ignore_ascii_case("true")
            }),
        };
        let sent_json = headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("content-type") && value.to_ascii_lowercase().starts_with("application/json")
        });
        let exchange = crate::openapi::Exchange {
            method: &method,
            path,
            request: body.filter(|_| sent_json),
            admin: self.is_admin(headers),
        };
        crate::openapi::check(crate::openapi::Api::Share, &exchange, &response);
        response
    }

    /// Whether the token in `headers` makes the caller an administrator
    /// under this server's auth strategy (`noauth`: everyone; `noauth2`:
    /// the user `admin`); `None` without a token.
    fn is_admin(&self, headers: &[(&str, &str)]) -> Option<bool> {
        let (_, token) = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("x-auth-token"))?;
        let user = token.split(':').next().unwrap_or_default();
        Some(match self.auth_strategy {
            AuthStrategy::NoAuth => true,
            AuthStrategy::NoAuth2 => user == "admin",
            // A Keystone token is opaque: its roles are Keystone's to know.
            AuthStrategy::Keystone => return None,
        })
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.request(Method::GET, path, headers, None).await
    }

    /// Sends a request to Cinder's listener; `headers` as given.
    pub async fn volume_request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> TestResponse {
        let address = self.volume_address.as_ref().expect("the volume API is enabled");
        let mut request = self.client.request(method.clone(), format!("{address}{path}"));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let mut response = match body {
            Some(body) => request.send_body(body.to_string()).await,
            None => request.send().await,
        }
        .expect("the server answers");
        let received = response.body().limit(16 * 1024 * 1024).await.expect("read the body");
        let response = TestResponse {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: received.to_vec(),
            experimental: false,
        };
        let sent_json = headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("content-type") && value.to_ascii_lowercase().starts_with("application/json")
        });
        let exchange = crate::openapi::Exchange {
            method: &method,
            path,
            request: body.filter(|_| sent_json),
            admin: self.is_admin(headers),
        };
        crate::openapi::check(crate::openapi::Api::Volume, &exchange, &response);
        response
    }
}

/// What `POST /consistency-groups` writes for `project`: a `creating` CG
/// and its job, for tests of the job machinery itself.
pub fn queue_cg(pool: &db::DbPool, project: &str) -> String {
    let cg = ConsistencyGroup {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: "alice".into(),
        project_id: project.into(),
        host: None,
        name: None,
        description: None,
        status: "creating".into(),
        source_cgsnapshot_id: None,
        share_network_id: None,
        share_server_id: None,
        created_at: db::now(),
        updated_at: None,
        deleted_at: None,
        deleted: db::LIVE.into(),
    };
    db::with_connection(pool, |conn| {
        db::write_transaction(conn, |conn| {
            consistency_groups::insert(conn, &cg, &[])?;
            jobs::enqueue(conn, JobKind::CreateConsistencyGroup.as_str(), &cg.id)?;
            Ok(())
        })
    })
    .unwrap();
    cg.id
}

/// The workers stop before the database goes, so none is left waiting on
/// a database that no longer exists.
impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop.stop_workers();
    }
}

/// The project most tests act in, and another for tests of project scope.
pub const PROJECT: &str = "16e1ab15c35a457e9c2b2aa189f544e1";
pub const OTHER_PROJECT: &str = "99e1ab15c35a457e9c2b2aa189f544e1";

/// noauth2's token of the administrator (in `PROJECT`).
pub fn admin() -> String {
    format!("admin:{PROJECT}")
}

/// A plain member of `PROJECT`.
pub fn member() -> String {
    format!("alice:{PROJECT}")
}

/// A plain member of `OTHER_PROJECT`.
pub fn stranger() -> String {
    format!("mallory:{OTHER_PROJECT}")
}

/// The headers of an API request as the client sends them: token,
/// microversion, the experimental opt-in (the CG APIs need it) and a
/// JSON body.
pub fn headers<'a>(token: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("X-Auth-Token", token),
        ("X-OpenStack-Manila-API-Version", version),
        ("X-OpenStack-Manila-API-Experimental", "True"),
        ("Content-Type", "application/json"),
    ]
}

/// An upstream fault body: `{"<name>": {"code": code, "message": message}}`.
pub fn fault(name: &str, code: u16, message: &str) -> Value {
    json!({ name: {"code": code, "message": message} })
}

/// Asserts a fault answer of a versioned route: the status, the whole body,
/// exactly the JSON headers (with the experimental echo when the request
/// asked for it) and a well-formed request id.
pub fn assert_fault(response: &TestResponse, status: u16, name: &str, message: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(response.json(), fault(name, status, message));
    let mut expected: Vec<&str> = JSON_HEADERS.to_vec();
    if response.experimental {
        expected.push("x-openstack-manila-api-experimental");
        expected.sort_unstable();
        assert_eq!(response.header("x-openstack-manila-api-experimental"), Some("True"));
    }
    assert_eq!(response.header_names(), expected, "{name} {status}: {message}");
    response.assert_request_id();
}

/// The headers of every JSON answer of a versioned route (without the
/// experimental echo), as `TestResponse::header_names` lists them.
pub const JSON_HEADERS: [&str; 6] = [
    "content-type",
    "openstack-api-version",
    "vary",
    "x-compute-request-id",
    "x-openstack-manila-api-version",
    "x-openstack-request-id",
];

pub struct TestResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Whether the request opted in to experimental APIs, which the server
    /// then echoes in `X-OpenStack-Manila-API-Experimental`.
    pub experimental: bool,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("body is not JSON ({err}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("header is text"))
    }

    /// The headers' names, lower case and sorted, without the ones every
    /// HTTP response has (`date`, `content-length`), so a test can assert
    /// exactly which headers the API added.
    pub fn header_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .headers
            .keys()
            .map(|name| name.as_str().to_string())
            .filter(|name| name != "date" && name != "content-length")
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Asserts the request id headers: present, equal, `req-<uuid4>`.
    pub fn assert_request_id(&self) -> String {
        let compute = self.header("x-compute-request-id").expect("x-compute-request-id");
        assert_eq!(self.header("x-openstack-request-id"), Some(compute));
        let uuid = compute.strip_prefix("req-").expect("req- prefix");
        let parsed = uuid::Uuid::parse_str(uuid).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.hyphenated().to_string(), uuid);
        compute.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::database_url;

    #[test]
    fn database_url_swaps_only_the_database_name() {
        assert_eq!(
            database_url("postgres://u@127.0.0.1:5/postgres", "x"),
            "postgres://u@127.0.0.1:5/x"
        );
        assert_eq!(
            database_url("postgres://u@127.0.0.1:5", "x"),
            "postgres://u@127.0.0.1:5/x"
        );
        assert_eq!(
            database_url("postgresql://u:p@h/postgres?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
    }
}
