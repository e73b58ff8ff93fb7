//! Graceful shutdown of the real binary: SIGTERM (or SIGINT) under load
//! answers every request that reached the server and exits 0 within the
//! grace period; a job the stopping server held is released and another
//! replica finishes it long before its lease would have run out.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use manila_cg_api::db::consistency_groups::{self as repo, Scope};
use manila_cg_api::db::jobs;
use manila_cg_api::db::schema::jobs as jobs_table;
use manila_cg_api::db::DbPool;

use crate::helpers::{queue_cg, Backend, TestApp, TestDatabase, PROJECT};

/// The real binary on a free port over `database_url`, its log collected.
pub struct Server {
    child: Child,
    pub port: u16,
    pub log: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_manila-cg-api"));
        command
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("MANILA_CG__DEFAULT__OSAPI_SHARE_LISTEN_PORT", "0")
            .env("MANILA_CG__DEFAULT__AUTH_STRATEGY", "noauth2")
            .env("MANILA_CG__DEFAULT__HOST", "replica1")
            .env("RUST_LOG", "info");
        for (name, value) in env {
            command.env(name, value);
        }
        Server::spawn(command)
    }

    /// Starts `command` (which must log at info level) and waits for the
    /// line that names its port.
    pub fn spawn(mut command: Command) -> Server {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(port) = line
                    .split_once("(port ")
                    .and_then(|(_, rest)| rest.strip_suffix(')'))
                    .and_then(|port| port.parse::<u16>().ok())
                {
                    let _ = port_tx.send(port);
                }
                let mut log = lines.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let port = match port_rx.recv_timeout(Duration::from_secs(60)) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start:\n{}", log.lock().unwrap());
            }
        };
        Server { child, port, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Waits for the process to end, at most `limit`.
    pub fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A response read off the wire, byte for byte as the server sent it.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"))
    }
}

/// Reads one HTTP/1.1 response with a `Content-Length` body. Anything
/// short of that (EOF, reset, garbage) is an error: the request was lost.
pub fn read_response(reader: &mut impl BufRead) -> Result<RawResponse, String> {
    let mut line = String::new();
    let read = reader
        .read_line(&mut line)
        .map_err(|err| format!("status line: {err}"))?;
    if read == 0 {
        return Err("connection closed before the response".into());
    }
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("bad status line {line:?}"))?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|err| format!("headers: {err}"))? == 0 {
            return Err("connection closed inside the headers".into());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| format!("bad header {line:?}"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map(|(_, value)| value.parse().map_err(|_| format!("bad length {value:?}")))
        .transpose()?
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|err| format!("body ({length} bytes): {err}"))?;
    Ok(RawResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

#[derive(Default, Debug)]
struct Tally {
    answered_before: usize,
    answered_after: usize,
    /// Requests written that got no complete response.
    lost: Vec<String>,
    /// Requests that could not be written at all: the first on a new
    /// connection the kernel had queued just as the listening socket
    /// closed, and reset with it. The server never saw them; clients
    /// retry these safely.
    unsent: usize,
    /// Answers that were not the expected 200.
    wrong: Vec<String>,
    refused: usize,
}

/// One client of the steady load: keep-alive connections, a request after
/// each response, a new connection whenever the server closes one, until
/// the server refuses connections after the signal.
fn keep_loading(port: u16, signalled: Arc<AtomicBool>, tally: Arc<Mutex<Tally>>) {
    let token = format!("admin:{PROJECT}");
    let cg_list = request(
        "GET",
        &format!("/v2/{PROJECT}/consistency-groups"),
        &[
            ("X-Auth-Token", &token),
            ("X-OpenStack-Manila-API-Version", "2.30"),
            ("X-OpenStack-Manila-API-Experimental", "True"),
        ],
        "",
    );
    let healthcheck = request("GET", "/healthcheck", &[], "");
    let requests = [cg_list, healthcheck];
    let mut sent = 0usize;
    let give_up = Instant::now() + Duration::from_secs(60);
    while Instant::now() < give_up {
        let stream = match TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => stream,
            Err(err) if err.kind() == ErrorKind::ConnectionRefused => {
                let mut tally = tally.lock().unwrap();
                tally.refused += 1;
                if signalled.load(Ordering::SeqCst) {
                    return;
                }
                tally.wrong.push("refused before the signal".into());
                return;
            }
            Err(err) => panic!("connect: {err}"),
        };
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        let mut answered_here = 0;
        loop {
            let text = &requests[sent % requests.len()];
            sent += 1;
            let after = signalled.load(Ordering::SeqCst);
            if let Err(err) = writer.write_all(text.as_bytes()) {
                let mut tally = tally.lock().unwrap();
                if after && answered_here == 0 {
                    tally.unsent += 1;
                } else {
                    tally.lost.push(format!("write: {err}"));
                }
                break;
            }
            let outcome = read_response(&mut reader);
            let mut tally = tally.lock().unwrap();
            match outcome {
                Ok(response) => {
                    answered_here += 1;
                    if after {
                        tally.answered_after += 1;
                    } else {
                        tally.answered_before += 1;
                    }
                    if response.status != 200 {
                        tally.wrong.push(format!("{} {}", response.status, response.body));
                    }
                    if response.closes() {
                        break;
                    }
                }
                Err(err) => {
                    tally.lost.push(err);
                    break;
                }
            }
        }
    }
    panic!("the server kept accepting connections for a minute");
}

fn graceful_stop_under_load(backend: Backend, signal: &str) {
    let database = TestDatabase::create(backend);
    let mut server = Server::start(
        database.url(),
        &[("MANILA_CG__DEFAULT__GRACEFUL_SHUTDOWN_TIMEOUT", "10")],
    );
    let port = server.port;
    let signalled = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (signalled, tally) = (signalled.clone(), tally.clone());
            std::thread::spawn(move || keep_loading(port, signalled, tally))
        })
        .collect();

    // A request in flight across the signal: its body is only half sent
    // when the signal arrives, the rest follows after it.
    let body = r#"{"consistency_group": {"name": "slow"}}"#;
    let token = format!("admin:{PROJECT}");
    let slow = request(
        "POST",
        &format!("/v2/{PROJECT}/consistency-groups"),
        &[
            ("X-Auth-Token", &token),
            ("X-OpenStack-Manila-API-Version", "2.30"),
            ("X-OpenStack-Manila-API-Experimental", "True"),
            ("Content-Type", "application/json"),
        ],
        body,
    );
    let (first_half, second_half) = slow.split_at(slow.len() - body.len() / 2);
    let mut slow_stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow_stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    slow_stream.write_all(first_half.as_bytes()).unwrap();

    std::thread::sleep(Duration::from_millis(1500));
    let before = tally.lock().unwrap().answered_before;
    assert!(before > 50, "the load is running: {before} answers");
    signalled.store(true, Ordering::SeqCst);
    let signalled_at = Instant::now();
    server.signal(signal);

    std::thread::sleep(Duration::from_millis(300));
    slow_stream.write_all(second_half.as_bytes()).unwrap();
    let slow_response = read_response(&mut BufReader::new(&slow_stream)).expect("the slow request is answered");

    let status = server.wait(Duration::from_secs(10)).unwrap_or_else(|| {
        panic!(
            "still running 10 s (the grace period) after {signal}:\n{}",
            server.log()
        )
    });
    let stopped_after = signalled_at.elapsed();
    for client in clients {
        client.join().expect("a load client failed");
    }
    let tally = tally.lock().unwrap();
    let log = server.log();
    assert!(
        tally.answered_after > 0,
        "requests on open connections were answered during the drain"
    );
    assert!(status.success(), "exit status {status:?}\n{log}");
    assert_eq!(tally.lost, Vec::<String>::new(), "requests lost ({tally:?})\n{log}");
    assert_eq!(tally.wrong, Vec::<String>::new(), "{log}");
    assert!(tally.refused >= 8, "every client was refused in the end: {tally:?}");
    assert_eq!(slow_response.status, 400);
    assert_eq!(
        slow_response.body,
        r#"{"badRequest":{"code":400,"message":"Must specify at least one share type as a default share type has not been configured."}}"#
    );
    assert_eq!(slow_response.header("connection"), Some("close"));
    assert!(log.contains(&format!("{signal} received")), "{log}");
    assert!(log.contains("drained; stopping"), "{log}");
    assert!(!log.contains(" ERROR "), "a clean drain logs no error:\n{log}");
    assert!(
        stopped_after < Duration::from_secs(5),
        "drained long before the grace period ended: {stopped_after:?}"
    );
}

#[test]
fn sigterm_under_load_answers_every_request_and_exits_0() {
    graceful_stop_under_load(Backend::Postgres, "TERM");
}

#[test]
fn sigint_under_load_answers_every_request_and_exits_0() {
    graceful_stop_under_load(Backend::Sqlite, "INT");
}

fn the_job(pool: &DbPool) -> jobs::Job {
    let [job] = jobs_table::table
        .select(jobs::Job::as_select())
        .load(&mut pool.get().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    job
}

async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The binary holds a job whose driver call outlasts the grace period;
/// SIGTERM releases it, and a replica on the same database (whose own
/// lease is 10 minutes, like the stopped server's) finishes it at once.
async fn a_held_job_is_released(backend: Backend) {
    // Only an observer: no job workers of its own.
    let observer = TestApp::spawn_with(backend, |config| config.worker.workers = 0).await;
    let pool = observer.pool();
    let mut server = Server::start(
        observer.database_url(),
        &[
            ("MANILA_CG__DEFAULT__GRACEFUL_SHUTDOWN_TIMEOUT", "1"),
            ("MANILA_CG__DEFAULT__JOB_LEASE_SECONDS", "600"),
            ("MANILA_CG__DEFAULT__JOB_POLL_INTERVAL_MS", "20"),
            ("MANILA_CG__DEFAULT__ENABLED_SHARE_BACKENDS", "alpha"),
            ("MANILA_CG__ALPHA__SIMULATED_LATENCY_MS", "60000"),
        ],
    );
    let id = queue_cg(&pool, PROJECT);
    wait_until("claimed", Duration::from_secs(30), || {
        the_job(&pool).status == "running"
    })
    .await;
    let held = the_job(&pool);
    assert!(held.claimed_by.as_deref().is_some_and(|by| by.starts_with("replica1:")));

    let signalled_at = Instant::now();
    server.signal("TERM");
    let status = server
        .wait(Duration::from_secs(5))
        .expect("exits soon after the grace period");
    let log = server.log();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(
        signalled_at.elapsed() >= Duration::from_secs(1),
        "waited for the job through the grace period"
    );
    assert!(log.contains("released 1 job(s)"), "{log}");
    let released = the_job(&pool);
    assert_eq!(
        (
            released.status.as_str(),
            released.claimed_by.as_deref(),
            released.lease_expires_at
        ),
        ("pending", None, None),
        "{released:?}"
    );
    assert_eq!(released.attempts, 1);

    let replica = observer.spawn_beside(|config| config.worker.lease_secs = 600);
    let taken_at = Instant::now();
    wait_until("finished by the replica", Duration::from_secs(30), || {
        the_job(&pool).status == "succeeded"
    })
    .await;
    assert!(taken_at.elapsed() < Duration::from_secs(10), "{:?}", taken_at.elapsed());
    let done = the_job(&pool);
    assert_eq!(done.attempts, 2);
    assert!(
        done.claimed_by.as_deref().is_some_and(|by| by.starts_with("testhost:")),
        "{done:?}"
    );
    let cg = repo::find(&mut pool.get().unwrap(), &id, Scope::All).unwrap().unwrap();
    assert_eq!(cg.status, "available");
    assert_eq!(
        cg.host.as_deref(),
        Some("replica1@alpha#pool0"),
        "placed by the first server"
    );
    drop(replica);
}

#[actix_web::test]
async fn a_job_held_at_sigterm_is_released_to_another_replica_postgres() {
    a_held_job_is_released(Backend::Postgres).await;
}

#[actix_web::test]
async fn a_job_held_at_sigterm_is_released_to_another_replica_sqlite() {
    a_held_job_is_released(Backend::Sqlite).await;
}
