//! Reads by key that arrive while earlier ones are at the database are
//! answered together: one hop to the blocking pool, one pooled connection
//! and one load for the lot, each distinct key read once, instead of a hop
//! and a query per request. Under load the hop and the database's
//! per-statement work were most of a show's cost.
//!
//! A request only ever joins a batch that has not started, so it sees
//! every write committed before it arrived, exactly as its own query would.

use std::collections::HashMap;
use std::hash::Hash;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

use super::{DbConnection, DbPool};
use crate::error::{Error, Result};

/// Reads the values of many keys in one go; a key with no value is left
/// out of the map.
pub type Load<K, V> = fn(&mut DbConnection, &[K]) -> Result<HashMap<K, V>>;

/// Bounds one query's key list.
const MAX_BATCH: usize = 128;

type Reply<V> = oneshot::Sender<Result<Option<V>>>;

pub struct Batcher<K, V> {
    load: Load<K, V>,
    /// Batches at the database at once. While all are busy, arrivals queue
    /// and go together in the next one; below it, a read goes at once.
    max_in_flight: usize,
    queue: Mutex<Queue<K, V>>,
}

struct Queue<K, V> {
    waiting: Vec<(K, Reply<V>)>,
    in_flight: usize,
}

impl<K, V> Batcher<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    pub fn new(load: Load<K, V>, max_in_flight: usize) -> Arc<Self> {
        Arc::new(Batcher {
            load,
            max_in_flight: max_in_flight.max(1),
            queue: Mutex::new(Queue {
                waiting: Vec::new(),
                in_flight: 0,
            }),
        })
    }

    /// The value of `key`, read by the next batch to start.
    pub async fn get(self: &Arc<Self>, pool: &DbPool, key: K) -> Result<Option<V>> {
        let (reply, answer) = oneshot::channel();
        let start_batch = {
            let mut queue = self.lock();
            queue.waiting.push((key, reply));
            let start = queue.in_flight < self.max_in_flight;
            if start {
                queue.in_flight += 1;
            }
            start
        };
        if start_batch {
            let batcher = Arc::clone(self);
            let pool = pool.clone();
            // Detached: its results travel through the replies.
            drop(actix_web::rt::task::spawn_blocking(move || batcher.drain(&pool)));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(Error::Internal("a batched database read was dropped".into())))
    }

    /// Runs batches until nobody is waiting, then gives its slot back in
    /// the same critical section, so no arrival is left without a runner.
    fn drain(&self, pool: &DbPool) {
        loop {
            let batch: Vec<(K, Reply<V>)> = {
                let mut queue = self.lock();
                if queue.waiting.is_empty() {
                    queue.in_flight -= 1;
                    return;
                }
                let take = queue.waiting.len().min(MAX_BATCH);
                queue.waiting.drain(..take).collect()
            };
            let mut keys: Vec<K> = Vec::with_capacity(batch.len());
            for (key, _) in &batch {
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
            let load = self.load;
            let loaded = super::with_connection(pool, |conn| {
                catch_unwind(AssertUnwindSafe(|| load(conn, &keys)))
                    .unwrap_or_else(|_| Err(Error::Internal("a batched database read panicked".into())))
            });
            for (key, reply) in batch {
                let answer = match &loaded {
                    Ok(values) => Ok(values.get(&key).cloned()),
                    Err(err) => Err(err.clone()),
                };
                // A client that went away dropped its end; nothing to do.
                let _ = reply.send(answer);
            }
        }
    }

    /// A panic never happens under the lock, but a poisoned queue is still
    /// consistent: every change to it is a single push, drain or count.
    fn lock(&self) -> MutexGuard<'_, Queue<K, V>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DatabaseConfig;
    use std::sync::Condvar;

    /// A batcher over `load` and a pool on a new SQLite file (kept while
    /// the directory lives).
    fn batcher(
        load: Load<String, u32>,
        max_in_flight: usize,
    ) -> (tempfile::TempDir, DbPool, Arc<Batcher<String, u32>>) {
        let dir = tempfile::tempdir().unwrap();
        let pool = super::super::connect(&DatabaseConfig {
            connection: format!("sqlite://{}", dir.path().join("batch.sqlite").display()),
            max_pool_size: 2,
            pool_timeout_secs: 5,
            prepared_statements: true,
        })
        .unwrap();
        (dir, pool, Batcher::new(load, max_in_flight))
    }

    /// Keys are numbers; the value is twice the key, and "missing" has none.
    fn doubled(keys: &[String]) -> HashMap<String, u32> {
        keys.iter()
            .filter_map(|key| key.parse::<u32>().ok().map(|n| (key.clone(), n * 2)))
            .collect()
    }

    /// A runner gives its slot back just after its last replies are sent.
    async fn slots_in_use_once_settled(batcher: &Batcher<String, u32>) -> usize {
        for _ in 0..500 {
            if batcher.lock().in_flight == 0 {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        batcher.lock().in_flight
    }

    /// A gate the first batch waits at, so the test knows what queued.
    struct Gate {
        /// (the first batch started, the gate is open)
        state: Mutex<(bool, bool)>,
        opened: Condvar,
    }

    static GATE: Gate = Gate {
        state: Mutex::new((false, false)),
        opened: Condvar::new(),
    };
    static BATCHES: Mutex<Vec<Vec<String>>> = Mutex::new(Vec::new());

    fn gated(_: &mut DbConnection, keys: &[String]) -> Result<HashMap<String, u32>> {
        let mut state = GATE.state.lock().unwrap();
        state.0 = true;
        while !state.1 {
            state = GATE.opened.wait(state).unwrap();
        }
        BATCHES.lock().unwrap().push(keys.to_vec());
        Ok(doubled(keys))
    }

    #[actix_web::test]
    async fn reads_arriving_during_a_batch_go_together_in_the_next() {
        let (_dir, pool, batcher) = batcher(gated, 1);
        let first = actix_web::rt::spawn({
            let (batcher, pool) = (batcher.clone(), pool.clone());
            async move { batcher.get(&pool, "1".to_string()).await }
        });
        // Polled, not waited for: the read runs on this test's own thread.
        while !GATE.state.lock().unwrap().0 {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let queued: Vec<_> = ["2", "3", "2", "missing"]
            .into_iter()
            .map(|key| {
                let (batcher, pool) = (batcher.clone(), pool.clone());
                actix_web::rt::spawn(async move { batcher.get(&pool, key.to_string()).await })
            })
            .collect();
        // Let every queued read reach the queue before the gate opens.
        while batcher.lock().waiting.len() < 4 {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        GATE.state.lock().unwrap().1 = true;
        GATE.opened.notify_all();

        assert_eq!(first.await.unwrap().unwrap(), Some(2));
        let mut answers = Vec::new();
        for read in queued {
            answers.push(read.await.unwrap().unwrap());
        }
        assert_eq!(answers, [Some(4), Some(6), Some(4), None]);
        assert_eq!(
            *BATCHES.lock().unwrap(),
            [vec!["1".to_string()], vec!["2".into(), "3".into(), "missing".into()]],
            "the first read alone, then the queued ones with each key once"
        );
        assert_eq!(
            slots_in_use_once_settled(&batcher).await,
            0,
            "the runner gave its slot back"
        );
    }

    fn failing(_: &mut DbConnection, keys: &[String]) -> Result<HashMap<String, u32>> {
        match keys.iter().any(|key| key == "fail") {
            true => Err(Error::Unavailable("database unavailable".into())),
            false => Ok(doubled(keys)),
        }
    }

    #[actix_web::test]
    async fn a_failed_batch_fails_its_reads_and_the_next_one_runs() {
        let (_dir, pool, batcher) = batcher(failing, 2);
        let failed = batcher.get(&pool, "fail".to_string()).await;
        assert!(matches!(failed, Err(Error::Unavailable(ref text)) if text == "database unavailable"));
        assert_eq!(batcher.get(&pool, "21".to_string()).await.unwrap(), Some(42));
    }

    fn panicking(_: &mut DbConnection, keys: &[String]) -> Result<HashMap<String, u32>> {
        if keys.iter().any(|key| key == "panic") {
            panic!("a bug in a loader");
        }
        Ok(doubled(keys))
    }

    #[actix_web::test]
    async fn a_panicking_loader_is_an_internal_error_and_frees_its_slot() {
        let (_dir, pool, batcher) = batcher(panicking, 1);
        let failed = batcher.get(&pool, "panic".to_string()).await;
        assert!(matches!(failed, Err(Error::Internal(ref text)) if text == "a batched database read panicked"));
        assert_eq!(batcher.get(&pool, "5".to_string()).await.unwrap(), Some(10));
        assert_eq!(slots_in_use_once_settled(&batcher).await, 0);
    }
}
