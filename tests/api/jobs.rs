//! The durable job queue under the real server: CG creation runs through
//! jobs, survives a crashed server, and two servers on one database run
//! each job exactly once.

use std::collections::HashSet;
use std::time::Duration;

use actix_web::rt::time::sleep;
use diesel::prelude::*;
use manila_cg_api::config::Config;
use manila_cg_api::db::consistency_groups::{self as repo, Scope};
use manila_cg_api::db::jobs;
use manila_cg_api::db::schema::jobs as jobs_table;
use manila_cg_api::db::DbPool;

use crate::helpers::{queue_cg, Backend, TestApp};

fn status(pool: &DbPool, id: &str) -> Option<String> {
    repo::find(&mut pool.get().unwrap(), id, Scope::All)
        .unwrap()
        .map(|cg| cg.status)
}

fn all_jobs(pool: &DbPool) -> Vec<jobs::Job> {
    jobs_table::table
        .select(jobs::Job::as_select())
        .load(&mut pool.get().unwrap())
        .unwrap()
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1500 {
        if done() {
            return;
        }
        sleep(Duration::from_millis(20)).await;
    }
    panic!("{what}: not reached within 30 s");
}

fn slow_driver(latency_ms: u64, lease_secs: u64) -> impl FnOnce(&mut Config) {
    move |config: &mut Config| {
        config.backends[0].simulated.latency_ms = latency_ms;
        config.worker.lease_secs = lease_secs;
    }
}

#[actix_web::test]
async fn a_created_cg_is_placed_and_made_available() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn(backend).await;
        let pool = app.pool();
        let id = queue_cg(&pool, "p");
        wait_until("available", || status(&pool, &id).as_deref() == Some("available")).await;
        let cg = repo::find(&mut pool.get().unwrap(), &id, Scope::All).unwrap().unwrap();
        assert_eq!(cg.host.as_deref(), Some("testhost@alpha#pool0"));
        // The job is marked done just after the group (a step of its own).
        wait_until("job done", || all_jobs(&pool)[0].status != "running").await;
        let [job] = all_jobs(&pool).try_into().unwrap();
        assert_eq!((job.status.as_str(), job.attempts), ("succeeded", 1));
    }
}

#[actix_web::test]
async fn a_failing_backend_leaves_the_cg_in_error() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| config.backends[0].simulated.failure_rate = 1.0).await;
        let pool = app.pool();
        let id = queue_cg(&pool, "p");
        wait_until("error", || status(&pool, &id).as_deref() == Some("error")).await;
        let cg = repo::find(&mut pool.get().unwrap(), &id, Scope::All).unwrap().unwrap();
        assert_eq!(
            cg.host.as_deref(),
            Some("testhost@alpha#pool0"),
            "placed, then the driver failed"
        );
    }
}

#[actix_web::test]
async fn no_backend_with_cg_support_means_error_without_host() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = TestApp::spawn_with(backend, |config| config.backends[0].consistency_group_support = None).await;
        let pool = app.pool();
        let id = queue_cg(&pool, "p");
        wait_until("error", || status(&pool, &id).as_deref() == Some("error")).await;
        let cg = repo::find(&mut pool.get().unwrap(), &id, Scope::All).unwrap().unwrap();
        assert_eq!(cg.host, None);
    }
}

/// A server dies while the driver works on a CG; a server started on the
/// same database takes the job over once the lease runs out.
#[actix_web::test]
async fn a_job_survives_a_crashed_server() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let first = TestApp::spawn_with(backend, slow_driver(60_000, 2)).await;
        let pool = first.pool();
        let id = queue_cg(&pool, "p");
        wait_until("claimed", || all_jobs(&pool)[0].status == "running").await;
        first.stop.halt().await;
        let crashed = all_jobs(&pool)[0].claimed_by.clone();
        assert_eq!(status(&pool, &id).as_deref(), Some("creating"));

        let second = first.spawn_beside(slow_driver(0, 30));
        wait_until("available", || status(&pool, &id).as_deref() == Some("available")).await;
        wait_until("job done", || all_jobs(&pool)[0].status != "running").await;
        let [job] = all_jobs(&pool).try_into().unwrap();
        assert_eq!(job.status, "succeeded", "{backend:?}");
        assert!(job.attempts >= 2, "taken over, not run afresh: {job:?}");
        assert_ne!(job.claimed_by, crashed, "the surviving server finished it");
        drop(second);
    }
}

/// Two replicas on one PostgreSQL database share 200 jobs: every job runs
/// once, and both replicas do some of them.
#[actix_web::test]
async fn two_servers_run_each_of_200_jobs_exactly_once() {
    let first = TestApp::spawn_with(Backend::Postgres, slow_driver(5, 30)).await;
    let second = first.spawn_beside(slow_driver(5, 30));
    let pool = first.pool();
    let ids: Vec<String> = (0..200).map(|_| queue_cg(&pool, "p")).collect();
    wait_until("all available", || {
        all_jobs(&pool).iter().all(|job| job.status == "succeeded")
    })
    .await;
    let jobs = all_jobs(&pool);
    assert_eq!(jobs.len(), 200);
    assert!(jobs.iter().all(|job| job.attempts == 1), "a job ran twice");
    let replicas: HashSet<&str> = jobs
        .iter()
        .filter_map(|job| job.claimed_by.as_deref())
        .map(|worker| worker.rsplit_once(':').map(|(replica, _)| replica).unwrap_or(worker))
        .collect();
    assert_eq!(replicas.len(), 2, "both replicas took jobs: {replicas:?}");
    for id in &ids {
        assert_eq!(status(&pool, id).as_deref(), Some("available"));
    }
    drop(second);
}
