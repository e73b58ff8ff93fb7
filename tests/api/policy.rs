//! The operator's policy file (reference section 12, issue 6): rules from
//! `[oslo_policy] policy_file` override the defaults, are re-read without
//! a restart, and a broken file is refused at start-up and ignored on
//! reload. Callers are noauth2's: `admin` has the role admin, anyone else
//! none.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use awc::http::Method;
use manila_cg_api::config::{AuthStrategy, PolicyConfig};
use manila_cg_api::db;
use manila_cg_api::db::consistency_groups::{self as repo, ConsistencyGroup, Scope};
use manila_cg_api::policy::{defaults, file, parser};
use manila_cg_api::startup::Application;
use serde_json::json;

use crate::helpers::{headers, test_config, Backend, TestApp, TestDatabase, TestResponse, JSON_HEADERS, PROJECT};

fn token(user: &str) -> String {
    format!("{user}:{PROJECT}")
}

/// A policy file in a directory of its own, replaced atomically (write,
/// then rename) as configuration tools do.
struct PolicyFile {
    dir: tempfile::TempDir,
}

impl PolicyFile {
    fn new(text: &str) -> PolicyFile {
        let file = PolicyFile {
            dir: tempfile::tempdir().unwrap(),
        };
        file.replace(text);
        file
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("policy.yaml")
    }

    fn replace(&self, text: &str) {
        let staged = self.dir.path().join("policy.yaml.new");
        std::fs::write(&staged, text).unwrap();
        std::fs::rename(&staged, self.path()).unwrap();
    }

    fn config(&self) -> PolicyConfig {
        PolicyConfig {
            policy_file: Some(self.path()),
            required: true,
        }
    }
}

async fn spawn_with_policy(backend: Backend, policy: &PolicyFile, strategy: AuthStrategy) -> TestApp {
    let config = policy.config();
    TestApp::spawn_with(backend, move |c| {
        c.policy = config;
        c.auth_strategy = strategy;
    })
    .await
}

async fn list_cgs(app: &TestApp, user: &str) -> TestResponse {
    let token = token(user);
    app.get(&format!("/v2/{PROJECT}/consistency-groups"), &headers(&token, "2.7"))
        .await
}

fn assert_forbidden(response: &TestResponse) {
    assert_eq!(response.status, 403, "{}", response.text());
    assert_eq!(
        response.json(),
        json!({"forbidden": {"code": 403, "message": "Access was denied to this resource."}})
    );
    let mut expected = [&JSON_HEADERS[..], &["x-openstack-manila-api-experimental"]].concat();
    expected.sort();
    assert_eq!(response.header_names(), expected);
    assert_eq!(response.header("content-type"), Some("application/json"));
    response.assert_request_id();
}

fn assert_empty_list(response: &TestResponse) {
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json(), json!({"consistency_groups": []}));
}

fn insert_cg(app: &TestApp) -> ConsistencyGroup {
    let cg = ConsistencyGroup {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: "alice".into(),
        project_id: PROJECT.into(),
        host: Some("testhost@alpha#pool0".into()),
        name: Some("cg1".into()),
        description: None,
        status: "available".into(),
        source_cgsnapshot_id: None,
        share_network_id: None,
        share_server_id: None,
        created_at: chrono::Utc::now().naive_utc(),
        updated_at: None,
        deleted_at: None,
        deleted: db::LIVE.into(),
    };
    repo::insert(&mut app.pool().get().unwrap(), &cg, &[]).unwrap();
    cg
}

fn status_of(app: &TestApp, id: &str) -> String {
    repo::find(&mut app.pool().get().unwrap(), id, Scope::All)
        .unwrap()
        .unwrap()
        .status
}

async fn reset_status(app: &TestApp, user: &str, id: &str) -> TestResponse {
    let token = token(user);
    app.request(
        Method::POST,
        &format!("/v2/{PROJECT}/consistency-groups/{id}/action"),
        &headers(&token, "2.7"),
        Some(r#"{"reset_status": {"status": "error"}}"#),
    )
    .await
}

/// Polls `probe` until it gives `wanted`, for at most 15 seconds (the
/// watcher takes one to two of its periods).
async fn eventually<F, Fut>(what: &str, wanted: u16, probe: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = u16>,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = probe().await;
        if status == wanted {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: still {status}, wanted {wanted}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

mod a_denying_rule_refuses_even_the_admin {
    use super::*;

    async fn run(backend: Backend) {
        let policy = PolicyFile::new("\"consistency_group:get_all\": \"!\"\n");
        let app = spawn_with_policy(backend, &policy, AuthStrategy::NoAuth2).await;
        assert_forbidden(&list_cgs(&app, "admin").await);
        let token = token("admin");
        let detail = app
            .get(
                &format!("/v2/{PROJECT}/consistency-groups/detail"),
                &headers(&token, "2.7"),
            )
            .await;
        assert_forbidden(&detail);
        // Names the file leaves out keep their defaults.
        let snapshots = app
            .get(&format!("/v2/{PROJECT}/cgsnapshots"), &headers(&token, "2.7"))
            .await;
        assert_eq!(snapshots.status, 200, "{}", snapshots.text());
        assert_eq!(snapshots.json(), json!({"cgsnapshots": []}));
    }

    #[actix_web::test]
    async fn postgres() {
        run(Backend::Postgres).await;
    }

    #[actix_web::test]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }
}

mod a_granted_rule_lets_a_member_reset {
    use super::*;

    async fn run(backend: Backend) {
        let policy = PolicyFile::new("consistency_group:reset_status: '@'\n");
        let app = spawn_with_policy(backend, &policy, AuthStrategy::NoAuth2).await;
        let cg = insert_cg(&app);
        let response = reset_status(&app, "alice", &cg.id).await;
        assert_eq!(response.status, 202, "{}", response.text());
        assert!(response.body.is_empty());
        assert_eq!(status_of(&app, &cg.id), "error");
        // The sibling rule is untouched.
        let token = token("alice");
        let response = app
            .request(
                Method::POST,
                &format!("/v2/{PROJECT}/consistency-groups/{}/action", cg.id),
                &headers(&token, "2.7"),
                Some(r#"{"force_delete": {}}"#),
            )
            .await;
        assert_forbidden(&response);
    }

    #[actix_web::test]
    async fn postgres() {
        run(Backend::Postgres).await;
    }

    #[actix_web::test]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }
}

mod credentials_and_context_is_admin_decide {
    use super::*;

    async fn run(backend: Backend) {
        // A generic check on the caller's user, and an admin rule no role meets.
        let policy = PolicyFile::new(
            "context_is_admin: '!'\n\
             consistency_group:reset_status: user_id:alice or rule:admin_api\n",
        );
        let app = spawn_with_policy(backend, &policy, AuthStrategy::NoAuth2).await;
        let cg = insert_cg(&app);
        assert_forbidden(&reset_status(&app, "admin", &cg.id).await);
        assert_forbidden(&reset_status(&app, "bob", &cg.id).await);
        assert_eq!(status_of(&app, &cg.id), "available");
        assert_eq!(reset_status(&app, "alice", &cg.id).await.status, 202);
        assert_eq!(status_of(&app, &cg.id), "error");

        // noauth makes every caller admin whatever context_is_admin says.
        let noauth = spawn_with_policy(backend, &policy, AuthStrategy::NoAuth).await;
        let cg = insert_cg(&noauth);
        assert_eq!(reset_status(&noauth, "bob", &cg.id).await.status, 202);
    }

    #[actix_web::test]
    async fn postgres() {
        run(Backend::Postgres).await;
    }

    #[actix_web::test]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }
}

mod rules_reload_without_a_restart {
    use super::*;

    async fn run(backend: Backend) {
        let policy = PolicyFile::new("\"consistency_group:get_all\": \"!\"\n");
        let app = spawn_with_policy(backend, &policy, AuthStrategy::NoAuth2).await;
        assert_forbidden(&list_cgs(&app, "admin").await);

        policy.replace("\"consistency_group:get_all\": \"user_id:admin\"\n");
        eventually("the new rule", 200, || async { list_cgs(&app, "admin").await.status }).await;
        assert_empty_list(&list_cgs(&app, "admin").await);
        assert_forbidden(&list_cgs(&app, "alice").await);

        // A broken rewrite is ignored: the last good rules stay (the
        // defaults would let alice list).
        policy.replace("\"consistency_group:get_all\": [\"user_id:alice\"\n");
        actix_web::rt::time::sleep(file::POLL_INTERVAL * 3).await;
        assert_empty_list(&list_cgs(&app, "admin").await);
        assert_forbidden(&list_cgs(&app, "alice").await);

        // Fixed again, it is taken.
        policy.replace("{\"consistency_group:get_all\": \"user_id:alice\"}");
        eventually("the fixed file", 200, || async { list_cgs(&app, "alice").await.status }).await;
        assert_forbidden(&list_cgs(&app, "admin").await);
    }

    #[actix_web::test]
    async fn postgres() {
        run(Backend::Postgres).await;
    }

    #[actix_web::test]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }
}

/// The database is never reached: the policy file is read first.
fn build_error(policy: PolicyConfig) -> String {
    let database = TestDatabase::create(Backend::Sqlite);
    let mut config = test_config(database.url());
    config.policy = policy;
    match Application::build(config) {
        Ok(_) => panic!("the server should refuse to start"),
        Err(message) => message,
    }
}

#[actix_web::test]
async fn a_broken_file_stops_the_start_naming_the_file() {
    let policy = PolicyFile::new("consistency_group:get_all: [\"role:admin\"\n");
    let message = build_error(policy.config());
    let prefix = format!("policy file {} is broken: ", policy.path().display());
    assert!(message.starts_with(&prefix), "{message}");

    let policy = PolicyFile::new("consistency_group:get_all: 5\n");
    assert_eq!(
        build_error(policy.config()),
        format!(
            "policy file {} is broken: rule \"consistency_group:get_all\" is a number, not a string or a list of lists",
            policy.path().display()
        )
    );
}

#[actix_web::test]
async fn a_named_file_must_exist_but_the_default_one_need_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.yaml");
    let message = build_error(PolicyConfig {
        policy_file: Some(path.clone()),
        required: true,
    });
    assert_eq!(message, format!("policy file {} does not exist", path.display()));

    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.policy = PolicyConfig {
            policy_file: Some(path.clone()),
            required: false,
        }
    })
    .await;
    assert_empty_list(&list_cgs(&app, "alice").await);
    // Once it appears it is read.
    std::fs::write(dir.path().join("staged"), "consistency_group:get_all: '!'").unwrap();
    std::fs::rename(dir.path().join("staged"), &path).unwrap();
    eventually("the new file", 403, || async { list_cgs(&app, "alice").await.status }).await;
}

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn the_committed_sample_is_what_the_command_prints() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_manila-cg-api"))
        .args(["policy", "sample"])
        .output()
        .expect("run manila-cg-api policy sample");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8(output.stdout).unwrap();
    let committed = std::fs::read_to_string(repo_file("config/policy.yaml.sample")).unwrap();
    assert_eq!(
        printed, committed,
        "regenerate it: cargo run -- policy sample > config/policy.yaml.sample"
    );
}

#[test]
fn the_sample_uncommented_is_the_defaults() {
    let sample = std::fs::read_to_string(repo_file("config/policy.yaml.sample")).unwrap();
    // A rule too long for one line goes on as `#  "<check>"` below its name.
    let mut uncommented = String::new();
    let mut in_rule = false;
    for line in sample.lines() {
        if let Some(rule) = line.strip_prefix("#\"") {
            uncommented.push_str(&format!("\"{rule}\n"));
            in_rule = true;
        } else if let Some(rest) = line.strip_prefix("#  ").filter(|_| in_rule) {
            uncommented.push_str(&format!("  {rest}\n"));
        } else {
            in_rule = false;
        }
    }
    let rules = file::parse_document(&uncommented).unwrap();
    assert_eq!(rules.len(), defaults::DEFAULTS.len());
    for ((name, parsed), default) in rules.iter().zip(defaults::DEFAULTS) {
        assert_eq!(name, default.name);
        assert!(parsed.problems.is_empty(), "{name}: {:?}", parsed.problems);
        assert_eq!(parsed.check, parser::parse_text(default.check_str).check, "{name}");
    }
}
