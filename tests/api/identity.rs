//! The real Keystone the identity tests run against (started by
//! `scripts/test` through `scripts/lib/keystone.sh`, which exports
//! `KEYSTONE_URL` and `KEYSTONE_ADMIN_PASSWORD`), and what the tests make
//! in it through its API: a service user for the server, projects, users
//! with roles, and their tokens.

use std::sync::OnceLock;
use std::time::Duration;

use awc::http::{Method, StatusCode};
use manila_cg_api::config::{AuthStrategy, Config, KeystoneConfig};
use manila_cg_api::db::share_types::{self, ExtraSpecs};
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp};

/// Keystone's address and the service user every test server uses.
pub struct Keystone {
    pub url: String,
    admin_password: String,
    service_user: String,
    service_password: String,
}

/// A user with a role on a project, and a token scoped to that project.
pub struct Caller {
    pub project_id: String,
    pub token: String,
}

/// Set up once per test process: the service user (role `service` on
/// project `service`) and the `storage-operator` role.
pub fn keystone() -> &'static Keystone {
    static KEYSTONE: OnceLock<Keystone> = OnceLock::new();
    KEYSTONE.get_or_init(|| {
        let url = std::env::var("KEYSTONE_URL").unwrap_or_else(|_| {
            panic!(
                "KEYSTONE_URL is not set: the identity tests need a real Keystone. Run them through \
                 scripts/test, which installs and starts one (scripts/lib/keystone.sh)."
            )
        });
        let admin_password = std::env::var("KEYSTONE_ADMIN_PASSWORD").expect("KEYSTONE_ADMIN_PASSWORD");
        // The fixture's HTTP calls need a runtime of their own: the test
        // that gets here first is already inside one.
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let keystone = Keystone {
                    url,
                    admin_password,
                    service_user: format!("manila-{}", uuid::Uuid::new_v4().simple()),
                    service_password: format!("pw-{}", uuid::Uuid::new_v4().simple()),
                };
                let admin = keystone.admin_token().await;
                let service_project = keystone.find_or_create(&admin, "projects", "project", "service").await;
                let service_role = keystone.find_or_create(&admin, "roles", "role", "service").await;
                keystone
                    .find_or_create(&admin, "roles", "role", "storage-operator")
                    .await;
                let user = keystone
                    .create_user(&admin, &keystone.service_user, &keystone.service_password)
                    .await;
                keystone.grant(&admin, &service_project, &user, &service_role).await;
                keystone
            })
        })
        .join()
        .expect("Keystone fixture set-up")
    })
}

impl Keystone {
    /// `[keystone_authtoken]` for a test server.
    pub fn config(&self) -> KeystoneConfig {
        KeystoneConfig {
            www_authenticate_uri: format!("{}/v3", self.url),
            auth_url: self.url.clone(),
            username: self.service_user.clone(),
            password: self.service_password.clone(),
            // Keystone's test server is slow when the whole suite runs.
            http_timeout: Duration::from_secs(60),
            ..KeystoneConfig::default()
        }
    }

    /// A test server with `auth_strategy = keystone`, and a default share
    /// type (`default`, no share servers) so members can create groups.
    pub async fn server(&self, backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let keystone = self.config();
        let app = TestApp::spawn_with(backend, |config| {
            config.auth_strategy = AuthStrategy::Keystone;
            config.keystone = keystone;
            config.default_share_type = Some("default".into());
            adjust(config);
        })
        .await;
        let specs = ExtraSpecs::from([("driver_handles_share_servers".to_string(), "False".to_string())]);
        share_types::insert(&mut app.pool().get().unwrap(), "default", true, &specs).expect("insert the default type");
        app
    }

    /// A new project with a new user holding `roles` on it.
    pub async fn caller(&self, roles: &[&str]) -> Caller {
        let admin = self.admin_token().await;
        let project = self.create("projects", "project", &unique("project")).await;
        self.caller_in(&admin, &project, roles).await
    }

    /// A new user holding `roles` on an existing project.
    pub async fn member_of(&self, project_id: &str, roles: &[&str]) -> Caller {
        let admin = self.admin_token().await;
        self.caller_in(&admin, project_id, roles).await
    }

    async fn caller_in(&self, admin: &str, project_id: &str, roles: &[&str]) -> Caller {
        let name = unique("user");
        let password = unique("pw");
        let user_id = self.create_user(admin, &name, &password).await;
        for role in roles {
            let role_id = self.find_or_create(admin, "roles", "role", role).await;
            self.grant(admin, project_id, &user_id, &role_id).await;
        }
        let token = self.token(&name, &password, json!({"id": project_id})).await;
        Caller {
            project_id: project_id.to_string(),
            token,
        }
    }

    /// A member of a new project whose token expires after `lifetime`:
    /// Keystone ends a token made from an application credential when the
    /// credential expires. Also returns when that is.
    pub async fn expiring_caller(&self, lifetime: Duration) -> (Caller, chrono::DateTime<chrono::Utc>) {
        let admin = self.admin_token().await;
        let project_id = self.create("projects", "project", &unique("project")).await;
        let (name, password) = (unique("user"), unique("pw"));
        let user_id = self.create_user(&admin, &name, &password).await;
        let role_id = self.find_or_create(&admin, "roles", "role", "member").await;
        self.grant(&admin, &project_id, &user_id, &role_id).await;
        let own = self.token(&name, &password, json!({"id": project_id})).await;

        let expires_at = chrono::Utc::now() + lifetime;
        // The granted role only: by default the credential takes every role
        // of the token, implied ones too, and Keystone then sometimes could
        // not find an assignment for an implied role (seen once in a full run).
        let body = json!({"application_credential": {
            "name": unique("credential"),
            "expires_at": expires_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "roles": [{"id": role_id}],
        }});
        let path = format!("/v3/users/{user_id}/application_credentials");
        let mut answer = self.call(Method::POST, &path, Some(&own), None, Some(&body)).await;
        for _ in 0..5 {
            if answer.status != StatusCode::BAD_REQUEST {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(500)).await;
            answer = self.call(Method::POST, &path, Some(&own), None, Some(&body)).await;
        }
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "application credential: {}",
            answer.body
        );
        let credential = &answer.body["application_credential"];
        let body = json!({"auth": {"identity": {
            "methods": ["application_credential"],
            "application_credential": {"id": credential["id"], "secret": credential["secret"]},
        }}});
        let answer = self
            .call(Method::POST, "/v3/auth/tokens?nocatalog", None, None, Some(&body))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "token from the credential");
        let token = answer.subject_token.expect("X-Subject-Token");
        (Caller { project_id, token }, expires_at)
    }

    /// Revokes a token (Keystone answers 404 for it from then on).
    pub async fn revoke(&self, token: &str) {
        let admin = self.admin_token().await;
        let path = "/v3/auth/tokens";
        let answer = self.call(Method::DELETE, path, Some(&admin), Some(token), None).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "revoke a token");
    }

    /// A token of the bootstrap administrator, scoped to project `admin`.
    async fn admin_token(&self) -> String {
        let project = json!({"name": "admin", "domain": {"id": "default"}});
        self.token("admin", &self.admin_password, project).await
    }

    async fn token(&self, user: &str, password: &str, project: Value) -> String {
        let body = json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": user, "domain": {"id": "default"}, "password": password}}},
            "scope": {"project": project},
        }});
        let answer = self
            .call(Method::POST, "/v3/auth/tokens?nocatalog", None, None, Some(&body))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "token for {user}");
        answer.subject_token.expect("X-Subject-Token")
    }

    async fn create_user(&self, admin: &str, name: &str, password: &str) -> String {
        let body = json!({"user": {"name": name, "password": password, "domain_id": "default"}});
        self.post(admin, "users", "user", body).await
    }

    async fn create(&self, collection: &str, key: &str, name: &str) -> String {
        let admin = self.admin_token().await;
        let body = json!({ key: {"name": name, "domain_id": "default"} });
        self.post(&admin, collection, key, body).await
    }

    /// The id of the named project or role, created when missing (several
    /// test processes may race to create it; the loser finds it).
    async fn find_or_create(&self, admin: &str, collection: &str, key: &str, name: &str) -> String {
        for _ in 0..2 {
            let path = format!("/v3/{collection}?name={name}");
            let found = self.call(Method::GET, &path, Some(admin), None, None).await.body;
            if let Some(id) = found[collection][0]["id"].as_str() {
                return id.to_string();
            }
            let body = match key {
                "project" => json!({ key: {"name": name, "domain_id": "default"} }),
                _ => json!({ key: {"name": name} }),
            };
            let path = format!("/v3/{collection}");
            let answer = self.call(Method::POST, &path, Some(admin), None, Some(&body)).await;
            if answer.status != StatusCode::CREATED && answer.status != StatusCode::CONFLICT {
                panic!("creating {key} {name}: {}", answer.status);
            }
        }
        panic!("{key} {name} neither found nor created")
    }

    async fn post(&self, admin: &str, collection: &str, key: &str, body: Value) -> String {
        let path = format!("/v3/{collection}");
        let answer = self.call(Method::POST, &path, Some(admin), None, Some(&body)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "create {key}");
        answer.body[key]["id"].as_str().expect("an id").to_string()
    }

    async fn grant(&self, admin: &str, project: &str, user: &str, role: &str) {
        let path = format!("/v3/projects/{project}/users/{user}/roles/{role}");
        let answer = self.call(Method::PUT, &path, Some(admin), None, None).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "grant a role");
    }

    /// One call to Keystone's API. Its test server keeps its data in SQLite,
    /// which answers 500 ("database is locked") when many tests write at
    /// once; such answers are retried.
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        subject: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        for attempt in 1.. {
            let client = awc::Client::builder().timeout(Duration::from_secs(60)).finish();
            let mut request = client.request(method.clone(), format!("{}{path}", self.url));
            if let Some(token) = token {
                request = request.insert_header(("X-Auth-Token", token));
            }
            if let Some(subject) = subject {
                request = request.insert_header(("X-Subject-Token", subject));
            }
            let sent = match body {
                Some(body) => request.send_json(body).await,
                None => request.send().await,
            };
            let mut response = sent.expect("Keystone answers");
            let status = response.status();
            if status.is_server_error() && attempt < 10 {
                actix_web::rt::time::sleep(Duration::from_millis(200 * attempt)).await;
                continue;
            }
            let subject_token = response
                .headers()
                .get("x-subject-token")
                .and_then(|value| value.to_str().ok())
                .map(str::to_string);
            let text = response.body().limit(1 << 20).await.expect("Keystone's answer");
            let body = serde_json::from_slice(&text).unwrap_or(Value::Null);
            return Answer {
                status,
                subject_token,
                body,
            };
        }
        unreachable!("the loop returns")
    }
}

/// What Keystone answered.
struct Answer {
    status: StatusCode,
    subject_token: Option<String>,
    body: Value,
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}
