//! The binary as an operator runs it: `db sync`, and `serve` configured by
//! a file and the environment.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use manila_cg_api::db;
use manila_cg_api::db::consistency_groups::{self, Scope};
use manila_cg_api::db::schema::consistency_groups as cgs;

use crate::helpers::{queue_cg, test_config, Backend, TestDatabase, PROJECT};

const BINARY: &str = env!("CARGO_BIN_EXE_manila-cg-api");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn db_sync_migrates_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("synced.sqlite");
    let output = Command::new(BINARY)
        .args(["db", "sync"])
        .env("DATABASE_URL", format!("sqlite://{}", file.display()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let pool = db::connect(&test_config(&format!("sqlite://{}", file.display())).database).unwrap();
    assert_eq!(
        db::migrate(&mut pool.get().unwrap()).unwrap(),
        Vec::<String>::new(),
        "already up to date"
    );
}

#[test]
fn bad_usage_and_bad_config_exit_non_zero_with_a_reason() {
    let output = Command::new(BINARY).args(["frobnicate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: manila-cg-api"));

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.conf");
    std::fs::write(&config, "[DEFAULT]\nosapi_share_listen_port = eighty\n").unwrap();
    let output = Command::new(BINARY)
        .args(["--config", config.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("osapi_share_listen_port"));
}

/// The file sets the port and auth strategy; the environment overrides
/// the strategy; `DATABASE_URL` picks the database.
#[actix_web::test]
async fn serve_reads_the_file_then_the_environment() {
    let database = TestDatabase::create(Backend::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("manila-cg-api.conf");
    let port = free_port();
    std::fs::write(
        &config,
        format!("[DEFAULT]\nosapi_share_listen_port = {port}\nauth_strategy = noauth\nenabled_share_backends = alpha\n[alpha]\npools = p:10\npool = q:1\n"),
    )
    .unwrap();
    let mut server = Command::new(BINARY)
        .args(["serve", "--config", config.to_str().unwrap()])
        .env("DATABASE_URL", database.url())
        .env("MANILA_CG__DEFAULT__AUTH_STRATEGY", "noauth2")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap()).lines();
    let started = Instant::now();
    let mut warnings = Vec::new();
    loop {
        let line = log.next().expect("server exited early").unwrap();
        if line.contains(" WARN ") {
            warnings.push(line.split_once("] ").unwrap().1.to_string());
        }
        if line.contains("listening on") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no start-up line");
    }
    assert_eq!(
        warnings,
        [format!("{}:7: unknown key pool in [alpha]; ignored", config.display())],
        "a misspelled key is named with its file and line"
    );
    let client = awc::Client::default();
    let versions = client.get(format!("http://127.0.0.1:{port}/")).send().await.unwrap();
    assert_eq!(versions.status().as_u16(), 300);
    // noauth2 (from the environment): alice is no admin.
    let response = client
        .post(format!("http://127.0.0.1:{port}/v2/p/types"))
        .insert_header(("X-Auth-Token", "alice:p"))
        .insert_header(("Content-Type", "application/json"))
        .send_body(r#"{"share_type": {"name": "t", "extra_specs": {"driver_handles_share_servers": false}}}"#)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    server.kill().unwrap();
    server.wait().unwrap();
}

fn repository_file(relative: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn the_committed_config_sample_is_what_the_command_prints() {
    let output = Command::new(BINARY).args(["config", "sample"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let committed = std::fs::read_to_string(repository_file("config/manila-cg-api.conf.sample")).unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        committed,
        "regenerate it: cargo run -q -- config sample > config/manila-cg-api.conf.sample"
    );
}

/// The committed sample is a configuration file the server loads as it
/// stands, without a warning, and gets its defaults from.
#[test]
fn the_committed_config_sample_loads_as_a_config_file() {
    let output = Command::new(BINARY)
        .args(["healthcheck", "--config"])
        .arg(repository_file("config/manila-cg-api.conf.sample"))
        .env_clear()
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Only the loading matters: the health check then asks port 8786,
    // whatever does or does not answer there.
    assert!(!stderr.contains("expected `[section]`"), "{stderr}");
    assert!(!stderr.contains(" WARN "), "{stderr}");
    let config = manila_cg_api::config::Config::load(Some(&repository_file("config/manila-cg-api.conf.sample")))
        .expect("the sample loads");
    assert_eq!(config.port, 8786);
    assert_eq!(config.host, "manila-cg-api");
}

/// `update-host` gives placements under the old name the new one, and
/// leaves a host that merely begins with the same letters alone.
#[test]
fn update_host_renames_placements_under_the_old_name() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let database = TestDatabase::create(backend);
        let pool = db::connect(&test_config(database.url()).database).unwrap();
        db::migrate(&mut pool.get().unwrap()).unwrap();
        let hosts = ["old@alpha#pool0", "old", "older@alpha#pool0", "OLD@alpha#pool0"];
        let ids: Vec<String> = hosts
            .iter()
            .map(|host| {
                let id = queue_cg(&pool, PROJECT);
                diesel::update(cgs::table.filter(cgs::id.eq(&id)))
                    .set(cgs::host.eq(*host))
                    .execute(&mut pool.get().unwrap())
                    .unwrap();
                id
            })
            .collect();
        let output = Command::new(BINARY)
            .args(["update-host", "--currenthost", "old", "--newhost", "new"])
            .env("DATABASE_URL", database.url())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(stderr.contains("2 placement(s) under old now under new"), "{stderr}");
        let renamed: Vec<Option<String>> = ids
            .iter()
            .map(|id| {
                consistency_groups::find(&mut pool.get().unwrap(), id, Scope::All)
                    .unwrap()
                    .unwrap()
                    .host
            })
            .collect();
        let expected = ["new@alpha#pool0", "new", "older@alpha#pool0", "OLD@alpha#pool0"];
        assert_eq!(renamed, expected.map(|host| Some(host.to_string())), "{backend:?}");
    }
}
