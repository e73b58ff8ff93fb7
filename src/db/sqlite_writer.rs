//! SQLite's writes, with group commit.
//!
//! SQLite lets one connection write at a time. Writing from whichever
//! pooled connection a request holds was costly twice over: writers slept
//! in SQLite's busy handler (a create's p99 reached 0.5-0.9 s under 16
//! writers), and every commit invalidated every other connection's page
//! cache, so each write first read back from the OS the pages of the table
//! and of each of its indexes that the previous writer had changed (with
//! the list indexes of issue 18 that doubled a create's CPU).
//!
//! So one connection per database file takes every write transaction of
//! this process, in turn, and keeps its cache warm. A writer that finds
//! others queued behind it leaves the transaction open for them rather
//! than committing: each write runs in its own savepoint (a failed one
//! undoes only itself), the last of the queue (or the
//! [`MAX_WRITES_PER_COMMIT`]th) commits for all, and each learns the
//! outcome of the commit that carried its write before it returns, so an
//! answer never reports a write that is not durable. Writes still happen
//! one after the other, in one order, so a conditional update still has
//! one winner.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::{Connection, SqliteConnection};

use super::DbConnection;
use crate::error::{Error, Result};

/// How many writes one commit carries at most, so the first of a long
/// queue waits for a bounded number of others (a write takes well under a
/// millisecond) before its answer.
const MAX_WRITES_PER_COMMIT: usize = 32;

/// The writing connection of one SQLite database file.
pub struct SqliteWriter {
    path: PathBuf,
    state: Mutex<WriterState>,
    /// Writers waiting for `state`: the one holding it commits only when
    /// none is left.
    queued: AtomicUsize,
}

struct WriterState {
    /// `None` after a failed commit, which may leave a connection in no
    /// known state; the next writer opens a new one.
    conn: Option<DbConnection>,
    open: Option<OpenTransaction>,
}

/// The write transaction left open for the queued writers.
struct OpenTransaction {
    writes: usize,
    outcome: Arc<CommitOutcome>,
}

/// How a transaction's commit went: set once, awaited by every writer it
/// carried. Its own lock, not the writer's, so the writers it wakes do
/// not hold up those already making the next transaction.
#[derive(Default)]
struct CommitOutcome {
    result: Mutex<Option<Result<(), String>>>,
    set: Condvar,
}

impl CommitOutcome {
    fn set(&self, result: Result<(), String>) {
        *self.result.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
        self.set.notify_all();
    }

    fn wait(&self) -> Result<(), String> {
        let mut result = self.result.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(result) = result.as_ref() {
                return result.clone();
            }
            result = self.set.wait(result).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl SqliteWriter {
    pub fn open(path: &Path) -> Result<SqliteWriter, String> {
        let conn = open_connection(path)?;
        Ok(SqliteWriter {
            path: path.to_path_buf(),
            state: Mutex::new(WriterState {
                conn: Some(conn),
                open: None,
            }),
            queued: AtomicUsize::new(0),
        })
    }

    /// Runs `work` in this file's write transaction (see the module) and
    /// returns once the transaction is committed. Blocks: call it on a
    /// blocking thread, never on an async worker.
    pub fn write<T>(&self, work: impl FnOnce(&mut DbConnection) -> Result<T>) -> Result<T> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut state = self.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let conn = self.begin(&mut state)?;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| conn.transaction(work)));
        if outcome.is_err() {
            // The panic left `work`'s savepoint open: undo it alone.
            if let DbConnection::Sqlite(sqlite) = conn {
                let _ = AnsiTransactionManager::rollback_transaction(sqlite);
            }
        }
        let committed = self.commit_or_leave_open(state);
        let outcome = outcome.unwrap_or_else(|panicked| panic::resume_unwind(panicked));
        match committed {
            Ok(()) => outcome,
            Err(message) => Err(Error::Internal(message)),
        }
    }

    /// A writer that panicked left nothing half-done behind (its savepoint
    /// was undone), so a poisoned lock is taken as it is.
    fn lock(&self) -> MutexGuard<'_, WriterState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The connection, inside the open write transaction, beginning one
    /// (`IMMEDIATE`: the write lock up front, so a transaction that reads
    /// first can never fail to upgrade) if none is open.
    fn begin<'a>(&self, state: &'a mut WriterState) -> Result<&'a mut DbConnection> {
        if state.conn.is_none() {
            state.conn = Some(open_connection(&self.path).map_err(Error::Unavailable)?);
        }
        let conn = state.conn.as_mut().expect("opened above");
        if state.open.is_none() {
            if let DbConnection::Sqlite(sqlite) = conn {
                AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
            }
            state.open = Some(OpenTransaction {
                writes: 0,
                outcome: Arc::default(),
            });
        }
        Ok(conn)
    }

    /// After a write: commits if no writer is queued (or the transaction
    /// is full), else leaves the transaction to them and waits until one
    /// of them commits it. Returns how the commit went.
    fn commit_or_leave_open(&self, mut state: MutexGuard<'_, WriterState>) -> Result<(), String> {
        let open = state.open.as_mut().expect("a write runs in an open transaction");
        open.writes += 1;
        if self.queued.load(Ordering::SeqCst) > 0 && open.writes < MAX_WRITES_PER_COMMIT {
            let outcome = Arc::clone(&open.outcome);
            drop(state);
            return outcome.wait();
        }
        let outcome = state.open.take().expect("checked above").outcome;
        let committed = commit(&mut state.conn);
        drop(state);
        outcome.set(committed.clone());
        committed
    }
}

/// Commits, or on failure rolls back and drops the connection.
fn commit(conn: &mut Option<DbConnection>) -> Result<(), String> {
    let Some(DbConnection::Sqlite(sqlite)) = conn else {
        return Err("the SQLite writer has no connection".into());
    };
    let Err(err) = AnsiTransactionManager::commit_transaction(sqlite) else {
        return Ok(());
    };
    let _ = AnsiTransactionManager::rollback_transaction(sqlite);
    *conn = None;
    Err(Error::from(err).to_string())
}

/// A connection to `path` set up as every SQLite connection is.
pub fn open_connection(path: &Path) -> Result<DbConnection, String> {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).map_err(|err| err.to_string())?;
    // Another process (a second server, `db purge`) may hold the write
    // lock: wait for it rather than fail at once.
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
    )
    .map_err(|err| err.to_string())?;
    Ok(DbConnection::Sqlite(conn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::BigInt;
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn writer() -> (tempfile::TempDir, SqliteWriter) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("writer.sqlite");
        let mut conn = open_connection(&path).unwrap();
        conn.batch_execute("CREATE TABLE t (n INTEGER NOT NULL UNIQUE)")
            .unwrap();
        (dir, SqliteWriter::open(&path).unwrap())
    }

    fn count(writer: &SqliteWriter) -> i64 {
        let mut conn = open_connection(&writer.path).unwrap();
        diesel::sql_query("SELECT count(*) AS n FROM t")
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n
    }

    fn insert(conn: &mut DbConnection, n: i64) -> Result<()> {
        diesel::sql_query(format!("INSERT INTO t (n) VALUES ({n})")).execute(conn)?;
        Ok(())
    }

    #[test]
    fn concurrent_writes_all_commit_and_a_failed_one_undoes_only_itself() {
        let (_dir, writer) = writer();
        let writer = Arc::new(writer);
        let threads: Vec<_> = (0..8)
            .map(|thread| {
                let writer = Arc::clone(&writer);
                std::thread::spawn(move || {
                    for i in 0..50 {
                        // Every tenth value is written twice: the second fails
                        // on the unique constraint, in its own savepoint.
                        let n = thread * 1000 + i - i64::from(i % 10 == 9);
                        let _ = writer.write(|conn| insert(conn, n));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(count(&writer), 8 * 45);
        assert!(writer.lock().open.is_none(), "the last writer committed");
    }

    #[test]
    fn an_answer_comes_after_its_commit() {
        let (_dir, writer) = writer();
        writer.write(|conn| insert(conn, 1)).unwrap();
        assert_eq!(count(&writer), 1, "another connection sees the write once it returned");
    }

    #[test]
    fn a_panicking_write_is_undone_and_the_writer_goes_on() {
        let (_dir, writer) = writer();
        let panicked = panic::catch_unwind(AssertUnwindSafe(|| {
            writer.write(|conn| -> Result<()> {
                insert(conn, 1)?;
                panic!("a bug in a write");
            })
        }));
        assert!(panicked.is_err());
        writer.write(|conn| insert(conn, 2)).unwrap();
        assert_eq!(count(&writer), 1, "only the second write stayed");
    }
}
