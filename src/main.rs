//! `manila-cg-api [serve] [--config FILE]` runs the API server;
//! `manila-cg-api db sync [--config FILE]` only brings the schema up to date;
//! `manila-cg-api db purge --age-in-days N [--config FILE]` deletes finished
//! jobs last changed more than N days ago (as `manila-manage db purge`);
//! `manila-cg-api policy sample` prints the default policy rules as YAML;
//! `manila-cg-api config sample` prints every configuration key, commented;
//! `manila-cg-api update-host --currenthost OLD --newhost NEW` renames the
//! `host` part of every placement, as `manila-manage share update_host`.
//! `manila-cg-api healthcheck [--config FILE]` asks the server configured
//! there for `/healthcheck` (for container health checks: the runtime
//! image has no HTTP client) and exits 0 only on a 200.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use actix_web::rt::signal::unix::{Signal, SignalKind};
use manila_cg_api::config::{self, Config, ServedApi, SslConfig};
use manila_cg_api::{db, logging, policy, startup::Application, tls};
use rustls::pki_types::ServerName;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str =
    "usage: manila-cg-api [serve | db sync | db purge --age-in-days N | policy sample | config sample | \
     healthcheck | update-host --currenthost OLD --newhost NEW] [--config FILE]";

enum Command {
    Serve,
    DbSync,
    /// Finished jobs older than this many days.
    DbPurge(u32),
    PolicySample,
    ConfigSample,
    Healthcheck,
    UpdateHost {
        current: String,
        new: String,
    },
}

fn parse_args(args: &[String]) -> Result<(Command, Option<PathBuf>), String> {
    let mut words = Vec::new();
    let mut config = std::env::var_os("MANILA_CG_API_CONFIG").map(PathBuf::from);
    let mut age_in_days = None;
    let (mut current, mut new) = (None, None);
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--config" => config = Some(iter.next().ok_or("--config needs a file")?.into()),
            "--age-in-days" => age_in_days = Some(iter.next().ok_or("--age-in-days needs a number of days")?.as_str()),
            "--currenthost" => current = Some(iter.next().ok_or("--currenthost needs a host")?.clone()),
            "--newhost" => new = Some(iter.next().ok_or("--newhost needs a host")?.clone()),
            "-h" | "--help" => return Err(String::new()),
            other => words.push(other),
        }
    }
    let command = match words.as_slice() {
        [] | ["serve"] => Command::Serve,
        ["db", "sync"] => Command::DbSync,
        // `manila-manage db purge <age_in_days>` takes it positionally.
        ["db", "purge"] | ["db", "purge", _] => {
            let days = match (words.get(2).copied(), age_in_days) {
                (Some(days), None) | (None, Some(days)) => days,
                (None, None) => return Err("db purge needs --age-in-days N".into()),
                (Some(_), Some(_)) => return Err("db purge takes the age once".into()),
            };
            Command::DbPurge(
                days.parse()
                    .map_err(|_| format!("age in days must be a whole number of days, not {days:?}"))?,
            )
        }
        ["policy", "sample"] => Command::PolicySample,
        ["config", "sample"] => Command::ConfigSample,
        ["healthcheck"] => Command::Healthcheck,
        ["update-host"] => match (current, new) {
            (Some(current), Some(new)) if !current.is_empty() && !new.is_empty() => {
                Command::UpdateHost { current, new }
            }
            _ => return Err("update-host needs --currenthost and --newhost".into()),
        },
        _ => return Err(format!("unknown command: {}", words.join(" "))),
    };
    Ok((command, config))
}

fn main() -> ExitCode {
    logging::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, config_path) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The samples need no configuration: they are the code's.
    match command {
        Command::PolicySample => {
            print!("{}", policy::defaults::sample());
            return ExitCode::SUCCESS;
        }
        Command::ConfigSample => {
            print!("{}", config::sample::sample());
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let result = Config::load(config_path.as_deref())
        .map_err(|err| err.to_string())
        .and_then(|config| match command {
            Command::Serve => serve(config),
            Command::DbSync => sync(config),
            Command::DbPurge(days) => purge(config, days),
            Command::PolicySample | Command::ConfigSample => Ok(()),
            Command::Healthcheck => healthcheck(config),
            Command::UpdateHost { current, new } => update_host(config, &current, &new),
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            log::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Serves until SIGTERM or SIGINT, then stops gracefully (see
/// `StopHandle::shutdown`); a second signal cuts the grace period short.
fn serve(config: Config) -> Result<(), String> {
    let addresses = [
        (
            ServedApi::Share,
            "manila-cg-api",
            format!("{}:{}", config.listen, config.port),
        ),
        (
            ServedApi::Volume,
            "manila-cg-api osapi_volume",
            format!("{}:{}", config.volume.listen, config.volume.port),
        ),
    ];
    actix_web::rt::System::new().block_on(async move {
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        let app = Application::build(config)?;
        for (api, name, address) in &addresses {
            if let Some(port) = app.port_of(*api) {
                log::info!("{name} listening on {address} (port {port})");
            }
        }
        let stop = app.stop_handle();
        actix_web::rt::spawn(async move {
            let name = next_signal(&mut terminate, &mut interrupt).await;
            log::info!("{name} received");
            let first = stop.clone();
            actix_web::rt::spawn(async move { first.shutdown().await });
            let name = next_signal(&mut terminate, &mut interrupt).await;
            log::info!("{name} received again");
            stop.shutdown().await;
        });
        app.run_until_stopped().await.map_err(|err| err.to_string())
    })
}

fn signal(kind: SignalKind) -> Result<Signal, String> {
    actix_web::rt::signal::unix::signal(kind).map_err(|err| format!("cannot handle signals: {err}"))
}

async fn next_signal(terminate: &mut Signal, interrupt: &mut Signal) -> &'static str {
    match futures_util::future::select(Box::pin(terminate.recv()), Box::pin(interrupt.recv())).await {
        futures_util::future::Either::Left(_) => "SIGTERM",
        futures_util::future::Either::Right(_) => "SIGINT",
    }
}

/// One `GET /healthcheck` to this configuration's own listener (the
/// loopback address when it listens on all of them), over https when
/// `[ssl]` is set.
fn healthcheck(config: Config) -> Result<(), String> {
    const TIMEOUT: Duration = Duration::from_secs(5);
    let ip = match config.listen.parse::<IpAddr>() {
        Ok(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Ok(ip) => ip,
        Err(_) => return Err(format!("osapi_share_listen {:?} is not an IP address", config.listen)),
    };
    let address = SocketAddr::new(ip, config.port);
    let tcp = TcpStream::connect_timeout(&address, TIMEOUT).map_err(|err| format!("{address}: {err}"))?;
    tcp.set_read_timeout(Some(TIMEOUT)).map_err(|err| err.to_string())?;
    tcp.set_write_timeout(Some(TIMEOUT)).map_err(|err| err.to_string())?;
    let mut stream: Box<dyn ReadWrite> = match &config.ssl {
        Some(ssl) => Box::new(tls_stream(ssl, ip, tcp)?),
        None => Box::new(tcp),
    };
    write!(
        stream,
        "GET /healthcheck HTTP/1.0\r\nHost: {address}\r\nAccept: text/plain\r\n\r\n"
    )
    .map_err(|err| format!("{address}: {err}"))?;
    let mut answer = String::new();
    match stream.take(64 * 1024).read_to_string(&mut answer) {
        Ok(_) => {}
        // A TLS peer that closed without saying so: what came is the answer.
        Err(err) if err.kind() == ErrorKind::UnexpectedEof && !answer.is_empty() => {}
        Err(err) => return Err(format!("{address}: {err}")),
    }
    let status_line = answer.lines().next().unwrap_or_default();
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    if status_line.split(' ').nth(1) == Some("200") {
        println!("{body}");
        Ok(())
    } else {
        Err(format!("{address}: {status_line}: {body}"))
    }
}

/// Deletes the finished jobs last changed more than `days` days ago.
fn purge(config: Config, days: u32) -> Result<(), String> {
    let pool = db::connect(&config.database)?;
    let mut conn = pool.get().map_err(|err| err.to_string())?;
    let before = db::now() - chrono::Duration::days(i64::from(days));
    let purged = db::jobs::purge(&mut conn, before, manila_cg_api::worker::PURGE_CHUNK)
        .map_err(|err| format!("purge failed: {err}"))?;
    log::info!("purged {purged} finished job(s) last changed before {before}");
    Ok(())
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// TLS to our own listener. Its certificate names the host clients use,
/// not the loopback address asked here, and it is our own, so it is not
/// verified. When the listener requires client certificates, ours is the
/// server's own (so it must be issued by `ca_file` for client use too).
fn tls_stream(
    ssl: &SslConfig,
    ip: IpAddr,
    tcp: TcpStream,
) -> Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, String> {
    let settings = tls::ClientSettings {
        cafile: None,
        identity: ssl
            .ca_file
            .as_ref()
            .map(|_| (ssl.cert_file.as_path(), ssl.key_file.as_path())),
        insecure: true,
    };
    let config = tls::client_config(settings)?;
    let connection =
        rustls::ClientConnection::new(config, ServerName::IpAddress(ip.into())).map_err(|err| format!("TLS: {err}"))?;
    Ok(rustls::StreamOwned::new(connection, tcp))
}

/// Renames the placements made under `current` (see `db::hosts`).
fn update_host(config: Config, current: &str, new: &str) -> Result<(), String> {
    let pool = db::connect(&config.database)?;
    let renamed = db::with_connection(&pool, |conn| {
        db::write_transaction(conn, |conn| Ok(db::hosts::rename(conn, current, new)?))
    })
    .map_err(|err| err.to_string())?;
    log::info!("{renamed} placement(s) under {current} now under {new}");
    Ok(())
}

fn sync(config: Config) -> Result<(), String> {
    let pool = db::connect(&config.database)?;
    let mut conn = pool.get().map_err(|err| err.to_string())?;
    let applied = db::migrate(&mut conn)?;
    log::info!("database is up to date ({} migrations applied)", applied.len());
    Ok(())
}
