//! `manila-cg-api [serve] [--config FILE]` runs the API server;
//! `manila-cg-api db sync [--config FILE]` only brings the schema up to date;
//! `manila-cg-api policy sample` prints the default policy rules as YAML.

use std::path::PathBuf;
use std::process::ExitCode;

use manila_cg_api::config::Config;
use manila_cg_api::{db, policy, startup::Application};

const USAGE: &str = "usage: manila-cg-api [serve | db sync | policy sample] [--config FILE]";

enum Command {
    Serve,
    DbSync,
    PolicySample,
}

fn parse_args(args: &[String]) -> Result<(Command, Option<PathBuf>), String> {
    let mut words = Vec::new();
    let mut config = std::env::var_os("MANILA_CG_API_CONFIG").map(PathBuf::from);
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--config" => config = Some(iter.next().ok_or("--config needs a file")?.into()),
            "-h" | "--help" => return Err(String::new()),
            other => words.push(other),
        }
    }
    let command = match words.as_slice() {
        [] | ["serve"] => Command::Serve,
        ["db", "sync"] => Command::DbSync,
        ["policy", "sample"] => Command::PolicySample,
        _ => return Err(format!("unknown command: {}", words.join(" "))),
    };
    Ok((command, config))
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
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
    if let Command::PolicySample = command {
        // Needs no configuration: the defaults are the code's.
        print!("{}", policy::defaults::sample());
        return ExitCode::SUCCESS;
    }
    let result = Config::load(config_path.as_deref())
        .map_err(|err| err.to_string())
        .and_then(|config| match command {
            Command::Serve => serve(config),
            Command::DbSync => sync(config),
            Command::PolicySample => Ok(()),
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            log::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    let address = format!("{}:{}", config.listen, config.port);
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config)?;
        log::info!("manila-cg-api listening on {address} (port {})", app.port());
        app.run_until_stopped().await.map_err(|err| err.to_string())
    })
}

fn sync(config: Config) -> Result<(), String> {
    let pool = db::connect(&config.database)?;
    let mut conn = pool.get().map_err(|err| err.to_string())?;
    let applied = db::migrate(&mut conn)?;
    log::info!("database is up to date ({} migrations applied)", applied.len());
    Ok(())
}
