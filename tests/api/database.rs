//! The database layer behind the API: migrations and the job queue's
//! claim, on both backends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use manila_cg_api::db::{self, jobs};

use crate::helpers::{test_config, Backend, TestDatabase};

fn each_backend(test: impl Fn(Backend)) {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        test(backend);
    }
}

#[test]
fn migrations_are_idempotent() {
    each_backend(|backend| {
        let database = TestDatabase::create(backend);
        let pool = db::connect(&test_config(database.url()).database).unwrap();
        let mut conn = pool.get().unwrap();
        db::migrate(&mut conn).unwrap();
        assert_eq!(db::migrate(&mut conn).unwrap(), Vec::<String>::new(), "{backend:?}");
    });
}

/// Four workers race for 60 jobs: every job is claimed exactly once.
#[test]
fn racing_workers_claim_each_job_exactly_once() {
    each_backend(|backend| {
        let database = TestDatabase::create(backend);
        let mut config = test_config(database.url()).database;
        config.max_pool_size = 8;
        let pool = db::connect(&config).unwrap();
        if backend == Backend::Sqlite {
            db::migrate(&mut pool.get().unwrap()).unwrap();
        }
        let queued: Vec<String> = {
            let mut conn = pool.get().unwrap();
            (0..60)
                .map(|n| jobs::enqueue(&mut conn, "test", &format!("resource-{n}")).unwrap().id)
                .collect()
        };
        let claims: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let workers: Vec<_> = (0..4)
            .map(|n| {
                let pool = pool.clone();
                let claims = claims.clone();
                std::thread::spawn(move || {
                    let worker = format!("worker-{n}");
                    let mut conn = pool.get().unwrap();
                    while let Some(job) = jobs::claim_next(&mut conn, &worker, Duration::seconds(60)).unwrap() {
                        assert_eq!(job.claimed_by.as_deref(), Some(worker.as_str()));
                        let previous = claims.lock().unwrap().insert(job.id.clone(), worker.clone());
                        assert_eq!(previous, None, "job {} claimed twice", job.id);
                        assert!(jobs::finish(&mut conn, &job.id, &worker, Ok(())).unwrap());
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        let mut claimed: Vec<String> = claims.lock().unwrap().keys().cloned().collect();
        claimed.sort();
        let mut expected = queued;
        expected.sort();
        assert_eq!(claimed, expected, "{backend:?}");
    });
}

/// A job whose claimant stopped renewing is taken over once the lease
/// runs out, and the old claimant can no longer finish it.
#[test]
fn an_expired_lease_is_taken_over() {
    each_backend(|backend| {
        let database = TestDatabase::create(backend);
        let pool = db::connect(&test_config(database.url()).database).unwrap();
        let mut conn = pool.get().unwrap();
        db::migrate(&mut conn).unwrap();
        let job = jobs::enqueue(&mut conn, "test", "r").unwrap();
        let first = jobs::claim_next(&mut conn, "dead", Duration::milliseconds(-1))
            .unwrap()
            .unwrap();
        assert_eq!(first.id, job.id);
        let second = jobs::claim_next(&mut conn, "alive", Duration::seconds(60))
            .unwrap()
            .unwrap();
        assert_eq!((second.id.as_str(), second.attempts), (job.id.as_str(), 2));
        assert!(!jobs::finish(&mut conn, &job.id, "dead", Ok(())).unwrap());
        assert!(jobs::finish(&mut conn, &job.id, "alive", Err("driver said no".into())).unwrap());
        assert_eq!(
            jobs::claim_next(&mut conn, "alive", Duration::seconds(60)).unwrap(),
            None
        );
    });
}
