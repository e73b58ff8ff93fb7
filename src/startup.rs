//! Builds the server from a configuration: database, migrations, routes,
//! a bound listener. Shared by the binary and the black-box tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::rt::task::JoinHandle;
use actix_web::{web, App, HttpServer};

use crate::api;
use crate::api::auth::keystone::Keystone;
use crate::config::Config;
use crate::db::{self, DbPool};
use crate::policy::Enforcer;
use crate::worker::{self, driver::Drivers};

/// What every handler and worker can reach.
pub struct AppState {
    pub config: Config,
    pub pool: DbPool,
    pub drivers: Drivers,
    /// Validates tokens when `auth_strategy = keystone`.
    pub keystone: Keystone,
    /// The policy rules, reloaded in place when the policy file changes.
    pub policy: Arc<Enforcer>,
}

pub struct Application {
    port: u16,
    server: Server,
    workers: Arc<Vec<JoinHandle<()>>>,
}

/// Stops a running [`Application`] from outside it.
#[derive(Clone)]
pub struct StopHandle {
    server: ServerHandle,
    workers: Arc<Vec<JoinHandle<()>>>,
}

impl StopHandle {
    /// Stops the job workers; a job in progress keeps its lease.
    pub fn stop_workers(&self) {
        for worker in self.workers.iter() {
            worker.abort();
        }
    }

    /// Stops at once, as a crash would: in-flight requests are cut and
    /// claimed jobs keep their leases until they run out.
    pub async fn halt(&self) {
        self.stop_workers();
        self.server.stop(false).await;
    }
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

        let address = (config.listen.as_str(), config.port);
        let listener = TcpListener::bind(address)
            .map_err(|err| format!("cannot listen on {}:{}: {err}", config.listen, config.port))?;
        let port = listener.local_addr().map_err(|err| err.to_string())?.port();
        let http_workers = config.workers;
        let drivers = Drivers::from_config(&config.backends);
        let keystone = Keystone::new(config.keystone.clone());
        let state = web::Data::new(AppState {
            config,
            pool,
            drivers,
            keystone,
            policy,
        });
        let workers = worker::spawn(state.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PathConfig::default().error_handler(api::fault::extractor_error))
                .app_data(web::QueryConfig::default().error_handler(api::fault::extractor_error))
                .configure(api::configure)
                .wrap(from_fn(api::pipeline::faultwrap))
        });
        if http_workers > 0 {
            server = server.workers(http_workers);
        }
        let server = server.listen(listener).map_err(|err| err.to_string())?.run();
        Ok(Application {
            port,
            server,
            workers: Arc::new(workers),
        })
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle {
            server: self.server.handle(),
            workers: self.workers.clone(),
        }
    }

    /// The port actually bound (useful with port 0 in tests).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server stops (SIGINT/SIGTERM or a [`StopHandle`]),
    /// then stops the job workers.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        for worker in self.workers.iter() {
            worker.abort();
        }
        served
    }
}
