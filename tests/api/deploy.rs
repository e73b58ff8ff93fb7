//! The container's start-up without Docker: docker/entrypoint.sh run with
//! exactly the environment compose.yaml gives the server (the database URL
//! and port re-pointed at this test's), the binary on PATH, over an empty
//! database. It must create the schema, serve a healthy /healthcheck, pass
//! the health check compose runs, and stop cleanly on SIGTERM.

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use yaml_serde::Value;

use crate::shutdown::{read_response, Server};

fn repository(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// An empty database on the test server, dropped at the end.
struct EmptyDatabase {
    admin_url: String,
    name: String,
}

impl EmptyDatabase {
    fn create() -> EmptyDatabase {
        let admin_url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
        let name = format!("mcg_deploy_{}", uuid::Uuid::new_v4().simple());
        PgConnection::establish(&admin_url)
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap();
        EmptyDatabase { admin_url, name }
    }

    fn url(&self) -> String {
        let (base, _) = self.admin_url.rsplit_once('/').expect("a database in DATABASE_URL");
        format!("{base}/{}", self.name)
    }
}

impl Drop for EmptyDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
        }
    }
}

#[test]
fn the_entrypoint_with_the_compose_environment_serves_a_healthy_api() {
    let compose: Value = yaml_serde::from_str(&std::fs::read_to_string(repository("compose.yaml")).unwrap()).unwrap();
    let api = &compose["services"]["api"];
    let db = &compose["services"]["db"];
    assert_eq!(text(&db["image"]), "postgres:15");
    assert_eq!(text(&db["healthcheck"]["test"][1]), "pg_isready -U manila -d manila");
    assert_eq!(text(&api["depends_on"]["db"]["condition"]), "service_healthy");
    let health_command: Vec<String> = api["healthcheck"]["test"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(text)
        .collect();
    assert_eq!(health_command, ["CMD", "manila-cg-api", "healthcheck"]);

    let mut environment: BTreeMap<String, String> = api["environment"]
        .as_mapping()
        .expect("environment as a mapping")
        .iter()
        .map(|(name, value)| (text(name), text(value)))
        .collect();
    assert!(environment["DATABASE_URL"].starts_with("postgres://manila:manila@db:5432/"));
    assert_eq!(environment["MANILA_CG__DEFAULT__OSAPI_SHARE_LISTEN"], "0.0.0.0");
    // noauth makes every caller an admin: the host's loopback only.
    assert_eq!(environment["MANILA_CG__DEFAULT__AUTH_STRATEGY"], "noauth");
    let published: Vec<String> = api["ports"].as_sequence().unwrap().iter().map(text).collect();
    assert_eq!(published, ["127.0.0.1:8786:8786"]);
    // Placement must not depend on the container's hostname.
    assert_eq!(environment["MANILA_CG__DEFAULT__HOST"], "manila-cg-api");
    let database = EmptyDatabase::create();
    environment.insert("DATABASE_URL".into(), database.url());
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    environment.insert("MANILA_CG__DEFAULT__OSAPI_SHARE_LISTEN_PORT".into(), port.to_string());
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_manila-cg-api")).parent().unwrap();
    environment.insert("PATH".into(), format!("{}:/usr/bin:/bin", binary_dir.display()));

    let command = |args: &[&str]| {
        let mut command = Command::new(repository("docker/entrypoint.sh"));
        command.args(args).env_clear().envs(&environment);
        command
    };
    let mut server = Server::spawn(command(&[]));
    assert_eq!(server.port, port);

    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    (&stream)
        .write_all(b"GET /healthcheck HTTP/1.1\r\nHost: api\r\n\r\n")
        .unwrap();
    let response = read_response(&mut BufReader::new(&stream)).unwrap();
    assert_eq!((response.status, response.body.as_str()), (200, "OK"));

    let log = server.log();
    let synced = log.find("database is up to date (").expect("db sync ran");
    let listening = log.find("listening on 0.0.0.0:").expect("then the server");
    assert!(synced < listening, "{log}");
    assert!(
        !log.contains("(0 migrations applied)"),
        "db sync made the schema: {log}"
    );
    let mut conn = PgConnection::establish(&database.url()).unwrap();
    let tables = diesel::sql_query(
        "SELECT 1 FROM information_schema.tables WHERE table_name IN ('consistency_groups', 'jobs', 'shares')",
    )
    .execute(&mut conn)
    .unwrap();
    assert_eq!(tables, 3);
    drop(conn);

    // The health check compose runs, in the same environment.
    let check = command(&["healthcheck"]).output().unwrap();
    assert!(check.status.success(), "{check:?}");
    assert_eq!(String::from_utf8_lossy(&check.stdout), "OK\n");

    // Other commands pass through to the binary.
    let sync = command(&["db", "sync"]).output().unwrap();
    assert!(sync.status.success(), "{sync:?}");
    assert!(String::from_utf8_lossy(&sync.stderr).contains("(0 migrations applied)"));

    // exec: the server itself gets the runtime's SIGTERM.
    server.signal("TERM");
    let status = server.wait(Duration::from_secs(10)).expect("stops on SIGTERM");
    assert!(status.success(), "{status:?}\n{}", server.log());
    assert!(
        !server.log().contains(" ERROR "),
        "a clean stop logs no error:\n{}",
        server.log()
    );
    let check = command(&["healthcheck"]).output().unwrap();
    assert!(!check.status.success(), "nothing listens any more");
}
