//! Builds the server from a configuration: database, migrations, routes,
//! a bound listener. Shared by the binary and the black-box tests.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::api;
use crate::api::auth::keystone::Keystone;
use crate::api::state::HttpState;
use crate::config::{Config, ServedApi};
use crate::db::{self, jobs};
use crate::logging;
use crate::metrics::Metrics;
use crate::policy::Enforcer;
use crate::service::consistency_groups;
use crate::shutdown::{self, ConnectionGuard, Lifecycle};
use crate::tls;
use crate::worker::{self, drivers::Drivers, WorkerState, Workers};

/// Batches of one kind of read at the database at once (`db::batch`).
/// Measured with `bench/run`: one left requests idle while it ran, more
/// than two made the batches too small to pay.
const BATCHES_IN_FLIGHT: usize = 2;

pub struct Application {
    /// The port of each API served, in `enabled_apis` order.
    ports: Vec<(ServedApi, u16)>,
    servers: Vec<Server>,
    stop: StopHandle,
}

/// Stops a running [`Application`] from outside it.
#[derive(Clone)]
pub struct StopHandle {
    servers: Vec<ServerHandle>,
    workers: Arc<Workers>,
    state: web::Data<HttpState>,
    /// The listening sockets (a second descriptor of each), so a draining
    /// server can refuse new connections at once.
    listeners: Vec<Arc<TcpListener>>,
}

/// How often the drain looks whether connections and jobs are done.
const DRAIN_POLL: Duration = Duration::from_millis(20);

impl StopHandle {
    /// Stops the job workers; a job in progress keeps its lease.
    pub fn stop_workers(&self) {
        self.workers.abort();
    }

    /// Stops at once, as a crash would: in-flight requests are cut and
    /// claimed jobs keep their leases until they run out.
    pub async fn halt(&self) {
        self.stop_workers();
        for server in &self.servers {
            server.stop(false).await;
        }
    }

    /// The graceful stop SIGTERM asks for: refuse new connections, answer
    /// the requests that come on open ones with `Connection: close`, stop
    /// claiming jobs, and wait (within the grace period) for the open
    /// connections to close and the running jobs to finish. Jobs still
    /// held at the end are released for another replica. Calling it again
    /// while it runs ends the grace period at once.
    pub async fn shutdown(&self) {
        let lifecycle = &self.state.lifecycle;
        if !lifecycle.begin_stop() {
            log::warn!("stopping now: the grace period is cut short");
            lifecycle.hurry();
            return;
        }
        let grace = self.state.config.graceful_shutdown_timeout;
        let deadline = grace.map(|grace| Instant::now() + grace);
        log::info!(
            "shutting down: no new connections or jobs; waiting {} for requests and jobs in progress",
            grace.map_or("without limit".to_string(), |grace| format!(
                "up to {} s",
                grace.as_secs()
            ))
        );

        // The listening socket is closed first, while the accept thread is
        // still taking connections off it, so new attempts are refused
        // rather than queued to be reset; only then are open connections
        // told to close (which sends their clients to reconnect). The
        // accept thread's complaint about the closed socket is expected.
        logging::closing_listeners();
        for (listener, server) in self.listeners.iter().zip(&self.servers) {
            if let Err(err) = socket2::SockRef::from(listener.as_ref()).shutdown(std::net::Shutdown::Both) {
                log::warn!("cannot close a listening socket ({err}); new connections wait until exit");
            }
            server.pause().await;
        }
        lifecycle.begin_drain();

        let drained = loop {
            let (connections, jobs) = (lifecycle.open_connections(), self.workers.running());
            if connections == 0 && jobs == 0 {
                break true;
            }
            if lifecycle.in_a_hurry() || deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                log::warn!(
                    "grace period over with {connections} connection(s) open and {jobs} job(s) running; stopping them"
                );
                break false;
            }
            actix_web::rt::time::sleep(DRAIN_POLL).await;
        };

        self.workers.abort();
        let names = self.workers.names().to_vec();
        if !names.is_empty() {
            match db::call(&self.state.pool, move |conn| Ok(jobs::release(conn, &names)?)).await {
                Ok(0) => {}
                Ok(released) => log::info!("released {released} job(s) for another server to take"),
                Err(err) => log::error!("cannot release this server's jobs (their leases will run out): {err}"),
            }
        }
        log::info!("{}", if drained { "drained; stopping" } else { "stopping" });
        for server in &self.servers {
            server.stop(drained).await;
        }
    }
}

/// Threads each HTTP worker may run database calls on: together, as many
/// as the pool has connections. With more (actix's default is 512 per
/// worker), calls beyond the pool's size each park a thread to wait for a
/// connection, and r2d2 hands a freed connection to whichever thread gets
/// there first, not the longest waiting: under load some requests waited
/// for seconds while most took a millisecond. Capped here, calls queue in
/// order for a thread instead, and a thread's call finds a connection.
fn blocking_threads(pool_size: u32, http_workers: usize) -> usize {
    (pool_size as usize).div_ceil(http_workers.max(1)).max(1)
}

impl Application {
    /// Connects, migrates, binds and starts the job workers (so it must be
    /// called on the runtime that will serve); requests are served once
    /// the application is awaited.
    pub fn build(config: Config) -> Result<Application, String> {
        let policy = Enforcer::from_config(&config.policy)?;
        let pool = db::connect(&config.database)?;
        let mut conn = pool
            .get()
            .map_err(|err| format!("cannot connect to the database: {err}"))?;
        for migration in db::migrate(&mut conn)? {
            log::info!("applied migration {migration}");
        }
        drop(conn);

        let listeners = config
            .enabled_apis
            .iter()
            .map(|&api| {
                let (host, port) = match api {
                    ServedApi::Share => (config.listen.as_str(), config.port),
                    ServedApi::Volume => (config.volume.listen.as_str(), config.volume.port),
                };
                let listener =
                    TcpListener::bind((host, port)).map_err(|err| format!("cannot listen on {host}:{port}: {err}"))?;
                Ok((api, listener))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let tls = match &config.ssl {
            Some(ssl) => Some(
                tls::server_config(&ssl.cert_file, &ssl.key_file, ssl.ca_file.as_deref())
                    .map_err(|err| format!("[ssl]: {err}"))?,
            ),
            None => None,
        };
        let http_workers = config.workers;
        let pool_size = config.database.max_pool_size;
        let keystone = Keystone::new(config.keystone.clone())?;
        let lifecycle = Arc::new(Lifecycle::default());
        let metrics = Arc::new(Metrics::default());
        let config = Arc::new(config);
        let workers = worker::spawn(Arc::new(WorkerState {
            config: config.clone(),
            pool: pool.clone(),
            drivers: Drivers::from_config(&config),
            metrics: metrics.clone(),
            lifecycle: lifecycle.clone(),
        }));
        let state = web::Data::new(HttpState {
            config,
            pool,
            keystone,
            policy,
            metrics,
            lifecycle,
            cg_reads: consistency_groups::Reads::new(BATCHES_IN_FLIGHT),
        });
        let http_workers = if http_workers > 0 {
            http_workers
        } else {
            std::thread::available_parallelism().map_or(2, |cores| cores.get())
        };

        let (mut ports, mut servers, mut own_listeners) = (Vec::new(), Vec::new(), Vec::new());
        for (api, listener) in listeners {
            ports.push((api, listener.local_addr().map_err(|err| err.to_string())?.port()));
            own_listeners.push(Arc::new(listener.try_clone().map_err(|err| err.to_string())?));
            let configure = match api {
                ServedApi::Share => api::configure,
                ServedApi::Volume => api::volume::configure,
            };
            let listener = Listener {
                socket: listener,
                tls: tls.clone(),
            };
            servers.push(serve(&state, api, listener, configure, http_workers, pool_size)?);
        }
        let stop = StopHandle {
            servers: servers.iter().map(Server::handle).collect(),
            workers: Arc::new(workers),
            state,
            listeners: own_listeners,
        };
        Ok(Application { ports, servers, stop })
    }

    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// The port `api` is served on, if it is enabled (the one actually
    /// bound: useful with port 0 in tests).
    pub fn port_of(&self, api: ServedApi) -> Option<u16> {
        self.ports
            .iter()
            .find(|(served, _)| *served == api)
            .map(|(_, port)| *port)
    }

    /// The port of the first API served (Manila's, unless it is disabled).
    pub fn port(&self) -> u16 {
        self.ports[0].1
    }

    /// Serves until the servers stop (after [`StopHandle::shutdown`], or
    /// [`StopHandle::halt`]), then stops the job workers.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = futures_util::future::join_all(self.servers).await;
        self.stop.stop_workers();
        served.into_iter().collect()
    }
}

/// A bound socket, and how it speaks TLS when `[ssl]` is set.
struct Listener {
    socket: TcpListener,
    tls: Option<rustls::ServerConfig>,
}

/// One API's HTTP server on `listener`, with the layers every request of
/// either API passes.
fn serve(
    state: &web::Data<HttpState>,
    api: ServedApi,
    listener: Listener,
    configure: fn(&mut web::ServiceConfig),
    http_workers: usize,
    pool_size: u32,
) -> Result<Server, String> {
    let app_state = state.clone();
    let lifecycle = state.lifecycle.clone();
    let server = HttpServer::new(move || {
        let lifecycle = app_state.lifecycle.clone();
        App::new()
            .app_data(app_state.clone())
            // Which API the requests of this listener belong to (a metrics label).
            .app_data(api)
            .app_data(web::PathConfig::default().error_handler(api::fault::extractor_error))
            .app_data(web::QueryConfig::default().error_handler(api::fault::extractor_error))
            .configure(configure)
            .wrap(from_fn(api::pipeline::faultwrap))
            .wrap(from_fn(api::metrics::record))
            .wrap(from_fn(move |req, next| {
                shutdown::close_when_draining(lifecycle.clone(), req, next)
            }))
    })
    // Signals are the binary's business (main.rs), which calls
    // `StopHandle::shutdown`; actix's own handling would cut SIGINT short.
    .disable_signals()
    .on_connect(move |_, extensions| {
        extensions.insert(ConnectionGuard::new(lifecycle.clone()));
    })
    .workers(http_workers)
    .worker_max_blocking_threads(blocking_threads(pool_size, http_workers));
    let server = match listener.tls {
        Some(tls) => server.listen_rustls_0_23(listener.socket, tls),
        None => server.listen(listener.socket),
    };
    Ok(server.map_err(|err| err.to_string())?.run())
}
