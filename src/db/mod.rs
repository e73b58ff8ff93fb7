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
pub mod sqlite_writer;
pub mod statement;
pub mod volume_cgsnapshots;
pub mod volume_consistency_groups;
pub mod volume_quotas;
pub mod volume_snapshots;
pub mod volume_types;
pub mod volumes;

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::connection::{AnsiTransactionManager, CacheSize, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseConfig;
use crate::error::{Error, Result};
use sqlite_writer::SqliteWriter;

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

/// The pooled connections, and on SQLite the one connection that writes
/// ([`SqliteWriter`]).
#[derive(Clone)]
pub struct DbPool {
    connections: r2d2::Pool<ConnectionManager>,
    sqlite_writer: Option<Arc<SqliteWriter>>,
}

impl DbPool {
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, r2d2::PoolError> {
        self.connections.get()
    }

    pub fn get_timeout(&self, timeout: Duration) -> Result<r2d2::PooledConnection<ConnectionManager>, r2d2::PoolError> {
        self.connections.get_timeout(timeout)
    }

    pub fn state(&self) -> r2d2::State {
        self.connections.state()
    }

    pub fn max_size(&self) -> u32 {
        self.connections.max_size()
    }
}

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
            Backend::Sqlite(path) => sqlite_writer::open_connection(path)
                .map_err(|message| r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(message))),
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
    let sqlite_writer = match &backend {
        Backend::Sqlite(path) => {
            // WAL lets readers run beside the one writer; it is a property
            // of the file, so set once here rather than per connection.
            let mut conn = SqliteConnection::establish(&path.to_string_lossy()).map_err(|err| err.to_string())?;
            conn.batch_execute("PRAGMA journal_mode = WAL;")
                .map_err(|err| err.to_string())?;
            Some(Arc::new(SqliteWriter::open(path)?))
        }
        Backend::Postgres(_) => None,
    };
    let connections = r2d2::Pool::builder()
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
        .map_err(|err| format!("cannot connect to the database: {err}"))?;
    Ok(DbPool {
        connections,
        sqlite_writer,
    })
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

thread_local! {
    /// The SQLite writer of the pool whose connection this thread's task
    /// holds ([`with_connection`]), so that [`write_transaction`] finds it
    /// without every caller passing the pool down.
    static TASK_SQLITE_WRITER: RefCell<Option<Arc<SqliteWriter>>> = const { RefCell::new(None) };
}

/// [`TASK_SQLITE_WRITER`] for as long as it lives; the one before after,
/// even when the task panics.
struct TaskWriter(Option<Arc<SqliteWriter>>);

impl TaskWriter {
    fn enter(writer: Option<Arc<SqliteWriter>>) -> TaskWriter {
        TaskWriter(TASK_SQLITE_WRITER.with(|current| current.replace(writer)))
    }
}

impl Drop for TaskWriter {
    fn drop(&mut self) {
        TASK_SQLITE_WRITER.with(|current| current.replace(self.0.take()));
    }
}

/// Runs `work` in one transaction that may write. On SQLite it goes to the
/// pool's [`SqliteWriter`], which takes the file's writes in turn and
/// commits them in groups; `conn` then only reads outside it. A
/// connection used outside a pool's task (none in the server) writes
/// itself, beginning `IMMEDIATE` to take the write lock up front: a
/// deferred transaction that reads, then writes while another connection
/// wrote, fails with an unrecoverable `SQLITE_BUSY` instead of waiting its
/// turn. Called on a blocking thread, never on an async worker.
pub fn write_transaction<T, F>(conn: &mut DbConnection, work: F) -> Result<T>
where
    F: FnOnce(&mut DbConnection) -> Result<T>,
{
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(work);
    };
    if let Some(writer) = TASK_SQLITE_WRITER.with(|writer| writer.borrow().clone()) {
        return writer.write(work);
    }
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
    match &pool.sqlite_writer {
        // The writer has its own connection: none is taken from the pool.
        Some(writer) => {
            let writer = Arc::clone(writer);
            actix_web::web::block(move || writer.write(task)).await?
        }
        None => call(pool, move |conn| write_transaction(conn, task)).await,
    }
}

/// [`write`] for work whose writing is one statement: a statement is
/// atomic by itself, so on PostgreSQL it runs without `BEGIN` and
/// `COMMIT` around it, two round trips fewer (a job's steps are such
/// writes, several per job). On SQLite it still waits its turn with the
/// one writer. Work that writes twice must use [`write`].
pub async fn write_statement<T, F>(pool: &DbPool, task: F) -> Result<T>
where
    F: FnOnce(&mut DbConnection) -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    match &pool.sqlite_writer {
        Some(_) => write(pool, task).await,
        None => call(pool, task).await,
    }
}

/// Runs `task` with a pooled connection, on the calling thread (a
/// blocking one).
pub fn with_connection<T>(pool: &DbPool, task: impl FnOnce(&mut DbConnection) -> Result<T>) -> Result<T> {
    let mut conn = pool.get()?;
    let _writer = TaskWriter::enter(pool.sqlite_writer.clone());
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
