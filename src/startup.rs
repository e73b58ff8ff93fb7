//! Builds the server from a configuration: database, migrations, routes,
//! a bound listener. Shared by the binary and the black-box tests.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::api;
use crate::config::Config;
use crate::db::{self, DbPool};

/// What every handler can reach.
pub struct AppState {
    pub config: Config,
    pub pool: DbPool,
}

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Connects, migrates and binds; the server runs once awaited.
    pub fn build(config: Config) -> Result<Application, String> {
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
        let workers = config.workers;
        let state = web::Data::new(AppState { config, pool });
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PathConfig::default().error_handler(api::fault::extractor_error))
                .app_data(web::QueryConfig::default().error_handler(api::fault::extractor_error))
                .configure(api::configure)
                .wrap(from_fn(api::pipeline::faultwrap))
        });
        if workers > 0 {
            server = server.workers(workers);
        }
        let server = server
            .listen(listener)
            .map_err(|err| err.to_string())?
            .run();
        Ok(Application { port, server })
    }

    /// The port actually bound (useful with port 0 in tests).
    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
