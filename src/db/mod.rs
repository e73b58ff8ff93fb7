//! The database: one connection type over PostgreSQL and SQLite, its pool,
//! the migrations, and the bridge that keeps diesel off the async workers.

pub mod batch;
pub mod cgsnapshots;
pub mod consistency_groups;
pub mod hosts;
pub mod jobs;
pub mod keyset;
pub(crate) mod rows;
pub mod schema;
pub mod share_networks;
pub mod share_types;
pub mod shares;
pub mod volume_cgsnapshots;
pub mod volume_consistency_groups;
pub mod volume_quotas;
pub mod volume_snapshots;
pub mod volume_types;
pub mod volumes;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::connection::{AnsiTransactionManager, CacheSize, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseConfig;
use crate::error::{Error, Result};

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// The `deleted` value of a live row; soft delete writes the row's id there
/// (Manila's convention), so unique constraints can include `deleted`.
pub const LIVE: &str = "False";

/// Any key taken by `pg_advisory_xact_lock`, so replicas starting
/// together migrate one after the other.
const MIGRATION_LOCK_KEY: i64 = 0x6d61_6e69_6c61_6367;

/// One connection to whichever database the configuration names; queries
/// written once with diesel's DSL run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<ConnectionManager>;

/// Runs diesel code on the concrete connection inside a [`DbConnection`]:
/// `per_backend!(conn, |c| query.load(c))`, the body compiled once for
/// each backend. For the hot queries. Through the `MultiConnection` a
/// query has no static id, so diesel renders its SQL on every call just to
/// find the prepared statement, and `eq_any` becomes an `IN` list of one
/// parameter per value, which is never cached (PostgreSQL parses and plans
/// it each time); on the concrete connection the statement is found by
/// its type, and `eq_any` is one array parameter on PostgreSQL.
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use per_backend;

/// Where the data lives, decided by the connection URL's scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres(String),
    Sqlite(PathBuf),
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Backend::Postgres(url.to_string()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| format!("unsupported database URL {url:?}: use postgres://... or sqlite://<path>"))?;
        Ok(Backend::Sqlite(PathBuf::from(path)))
    }
}

/// Opens connections by backend explicitly, rather than diesel's
/// try-each-in-turn, and prepares every connection the same way.
pub struct ConnectionManager {
    backend: Backend,
    /// `[database] prepared_statements`.
    prepared_statements: bool,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.backend {
            Backend::Postgres(url) => {
                let mut conn = PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                if !self.prepared_statements {
                    // Every statement then travels as one unnamed
                    // parse-bind-execute, which a transaction pooler
                    // keeps on one server connection.
                    conn.set_prepared_statement_cache_size(CacheSize::Disabled);
                }
                Ok(DbConnection::Postgresql(conn))
            }
            Backend::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(r2d2::Error::ConnectionError)?;
                // Writers queue for the lock instead of failing at once.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Builds the pool; fails if the database cannot be reached.
pub fn connect(config: &DatabaseConfig) -> Result<DbPool, String> {
    let backend = Backend::from_url(&config.connection)?;
    if let Backend::Sqlite(path) = &backend {
        // WAL lets readers run beside the one writer; it is a property of
        // the file, so set once here rather than per connection.
        let mut conn = SqliteConnection::establish(&path.to_string_lossy()).map_err(|err| err.to_string())?;
        conn.batch_execute("PRAGMA journal_mode = WAL;")
            .map_err(|err| err.to_string())?;
    }
    r2d2::Pool::builder()
        .max_size(config.max_pool_size)
        // Connections open as load needs them, not all at start-up.
        .min_idle(Some(1))
        // No test query on every checkout: that doubled the round trips of
        // a simple read. A dead connection fails its query, is reported
        // as `has_broken`, and is replaced.
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(config.pool_timeout_secs))
        .build(ConnectionManager {
            backend,
            prepared_statements: config.prepared_statements,
        })
        .map_err(|err| format!("cannot connect to the database: {err}"))
}

/// Brings the schema up to date; returns the names of the migrations run.
///
/// On PostgreSQL every pending migration runs in one transaction that
/// first takes a transaction-level advisory lock: replicas starting
/// together migrate one after the other, the lock ends with the
/// transaction whatever happens, and nothing depends on the session, so
/// it works through a transaction pooler too. A migration therefore may
/// not use what refuses to run in a transaction (`CREATE INDEX
/// CONCURRENTLY`).
pub fn migrate(conn: &mut DbConnection) -> Result<Vec<String>, String> {
    let applied = match conn {
        DbConnection::Postgresql(pg) => pg.transaction(|pg| {
            pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"))?;
            pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(names)
        }),
        DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(names),
    };
    applied.map_err(|err| format!("migration failed: {err}"))
}

fn names(versions: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    versions.iter().map(ToString::to_string).collect()
}

/// SQLite's writers in this process, queued for the write lock. SQLite lets
/// one connection write at a time, and its busy handler makes the others
/// sleep in steps growing to 100 ms, retrying against newcomers that may
/// take the lock first: under 16 or more concurrent writers a create's
/// p99 was 0.5-0.9 s while its mean was a few milliseconds. Waiting here
/// instead hands the lock to the next writer the moment it is released.
/// std's mutex rather than a strictly fair one: letting a running writer
/// take a just-released lock kept throughput at what it was (a fair
/// hand-off to a sleeping thread halved it), and the tails still fell
/// from 300-660 ms to under 60 ms. One process serves one
/// database file, so one queue per process is one queue per file.
static SQLITE_WRITERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `work` in one transaction that may write. On SQLite it waits its
/// turn in [`SQLITE_WRITERS`], then begins `IMMEDIATE`, taking the write
/// lock up front: a deferred transaction that reads, then writes while
/// another connection wrote, fails with an unrecoverable `SQLITE_BUSY`
/// instead of waiting its turn. Called on a blocking thread, never on an
/// async worker (the queue blocks).
pub fn write_transaction<T, F>(conn: &mut DbConnection, work: F) -> Result<T>
where
    F: FnOnce(&mut DbConnection) -> Result<T>,
{
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(work);
    };
    // A writer that panicked left nothing behind: its transaction rolled back.
    let _turn = SQLITE_WRITERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    let outcome = work(conn);
    if let DbConnection::Sqlite(sqlite) = conn {
        match &outcome {
            Ok(_) => AnsiTransactionManager::commit_transaction(sqlite)?,
            Err(_) => AnsiTransactionManager::rollback_transaction(sqlite)?,
        }
    }
    outcome
}

/// Runs `task` with a pooled connection on the blocking thread pool, so
/// no diesel call ever holds an async worker thread.
pub async fn call<T, F>(pool: &DbPool, task: F) -> Result<T>
where
    F: FnOnce(&mut DbConnection) -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || with_connection(&pool, task)).await?
}

/// [`call`] for work that writes: `task` runs in one
/// [`write_transaction`], so on SQLite it waits its turn with every other
/// writer instead of sleeping in SQLite's busy handler.
pub async fn write<T, F>(pool: &DbPool, task: F) -> Result<T>
where
    F: FnOnce(&mut DbConnection) -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    call(pool, move |conn| write_transaction(conn, task)).await
}

/// Runs `task` with a pooled connection, on the calling thread.
fn with_connection<T>(pool: &DbPool, task: impl FnOnce(&mut DbConnection) -> Result<T>) -> Result<T> {
    let mut conn = pool.get()?;
    match task(&mut conn) {
        // A query that failed on a connection that is now dead (the
        // server went away or ended the session) is the database being
        // unavailable, whatever error reached us first. The session's
        // end can arrive as an ordinary error, so only a ping tells.
        Err(Error::Internal(message)) if conn.is_broken() || conn.ping().is_err() => Err(Error::Unavailable(message)),
        outcome => outcome,
    }
}

/// The current time as stored: UTC, naive, whole microseconds (what
/// PostgreSQL keeps), so a value reads back exactly as it was written.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_url_scheme() {
        assert_eq!(
            Backend::from_url("postgres://u@localhost/db"),
            Ok(Backend::Postgres("postgres://u@localhost/db".into()))
        );
        assert_eq!(
            Backend::from_url("postgresql://u@localhost/db"),
            Ok(Backend::Postgres("postgresql://u@localhost/db".into()))
        );
        assert_eq!(
            Backend::from_url("sqlite:///tmp/x.db"),
            Ok(Backend::Sqlite("/tmp/x.db".into()))
        );
        assert_eq!(Backend::from_url("sqlite:x.db"), Ok(Backend::Sqlite("x.db".into())));
        assert!(Backend::from_url("mysql://u@h/db").is_err());
    }
}
