//! The database layer behind the API: migrations (and that both trees make
//! the same schema) and the job queue's claim, on both backends.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::Duration;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};
use manila_cg_api::db::{self, jobs, DbConnection};

use crate::helpers::{queue_cg, test_config, Backend, TestDatabase};

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

/// A batch claim takes runnable jobs in queue order, each once; finished
/// jobs are neither claimed nor counted, and the purge deletes only
/// finished jobs older than its cut-off.
#[test]
fn batch_claims_and_the_purge_of_finished_jobs() {
    each_backend(|backend| {
        let database = TestDatabase::create(backend);
        let pool = db::connect(&test_config(database.url()).database).unwrap();
        let mut conn = pool.get().unwrap();
        db::migrate(&mut conn).unwrap();
        let mut queued: Vec<jobs::Job> = (0..5)
            .map(|n| jobs::enqueue(&mut conn, "test", &format!("r{n}")).unwrap())
            .collect();
        // Queue order (two enqueued in the same microsecond go by id).
        queued.sort_by(|a, b| (a.run_after, a.created_at, &a.id).cmp(&(b.run_after, b.created_at, &b.id)));
        let first = jobs::claim(&mut conn, "w", Duration::seconds(60), 3).unwrap();
        let ids: Vec<&str> = first.iter().map(|job| job.id.as_str()).collect();
        let oldest: Vec<&str> = queued[..3].iter().map(|job| job.id.as_str()).collect();
        assert_eq!(ids, oldest, "{backend:?}");
        assert!(first.iter().all(|job| job.status == jobs::RUNNING && job.attempts == 1));
        let rest = jobs::claim(&mut conn, "v", Duration::seconds(60), 10).unwrap();
        assert_eq!(rest.len(), 2, "{backend:?}");
        assert!(jobs::claim(&mut conn, "v", Duration::seconds(60), 10)
            .unwrap()
            .is_empty());
        for job in first.iter().chain(&rest) {
            let worker = job.claimed_by.clone().unwrap();
            assert!(jobs::finish(&mut conn, &job.id, &worker, Ok(())).unwrap());
        }
        assert_eq!(jobs::queue_depth(&mut conn).unwrap(), Vec::new());
        let pending = jobs::enqueue(&mut conn, "test", "later").unwrap();
        // Nothing finished before an hour ago; everything finished before now.
        assert_eq!(jobs::purge(&mut conn, db::now() - Duration::hours(1), 2).unwrap(), 0);
        assert_eq!(jobs::purge(&mut conn, db::now() + Duration::seconds(1), 2).unwrap(), 5);
        let left = jobs::claim(&mut conn, "w", Duration::seconds(60), 10).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].id, pending.id, "{backend:?}");
    });
}

/// The two migration trees make the same tables and columns (names, order,
/// nullability, declared types) and the same indexes, so a change made to
/// one tree only fails here. (`scripts/check-schema` checks src/db/schema.rs
/// against them.)
/// The statements a job runs every time (its enqueue, the claim, a
/// group's two updates, its finish) and the status change of an admin's
/// action or a failed step stay prepared on the connection that runs them, and PostgreSQL settles on one generic plan for each: they
/// are parsed and planned once per connection, not once per job. (diesel
/// keeps none of them prepared by itself.)
#[test]
fn a_jobs_statements_are_prepared_once_per_connection() {
    let database = TestDatabase::create(Backend::Postgres);
    let pool = db::connect(&test_config(database.url()).database).unwrap();
    let mut conn = pool.get().unwrap();
    let lease = Duration::seconds(60);
    for _ in 0..8 {
        let cg = queue_cg(&pool, "p");
        jobs::enqueue(&mut conn, "test", "resource").unwrap();
        // The group's job and the other one: a batch of two.
        let claimed = jobs::claim(&mut conn, "w", lease, 2).unwrap();
        assert_eq!(claimed.len(), 2);
        assert!(db::consistency_groups::assign_host(&mut conn, &cg, "h@b#p").unwrap());
        assert!(db::consistency_groups::mark_created(&mut conn, &cg, None).unwrap());
        assert!(db::consistency_groups::set_status(&mut conn, &cg, &["available"], "error").unwrap());
        for job in claimed {
            assert!(jobs::finish(&mut conn, &job.id, "w", Ok(())).unwrap());
        }
    }

    #[derive(QueryableByName, Debug)]
    struct Prepared {
        #[diesel(sql_type = Text)]
        statement: String,
        #[diesel(sql_type = BigInt)]
        generic_plans: i64,
    }
    let prepared: Vec<Prepared> = sql_query("SELECT statement, generic_plans FROM pg_prepared_statements")
        .load(&mut conn)
        .unwrap();
    for needle in [
        "INSERT INTO jobs",
        "SET status = 'running', claimed_by",
        "UPDATE consistency_groups SET host",
        "UPDATE consistency_groups SET status = 'available'",
        "UPDATE consistency_groups SET status = $1",
        "UPDATE jobs SET status",
    ] {
        let matching: Vec<&Prepared> = prepared.iter().filter(|p| p.statement.contains(needle)).collect();
        assert_eq!(matching.len(), 1, "{needle:?} is prepared once: {prepared:#?}");
        assert!(
            matching[0].generic_plans > 0,
            "{needle:?} runs a generic plan: {prepared:#?}"
        );
    }
}

#[test]
fn both_migration_trees_make_the_same_schema() {
    let shapes = [Backend::Postgres, Backend::Sqlite].map(|backend| {
        let database = TestDatabase::create(backend);
        let pool = db::connect(&test_config(database.url()).database).unwrap();
        let mut conn = pool.get().unwrap();
        db::migrate(&mut conn).unwrap();
        match &mut *conn {
            DbConnection::Postgresql(conn) => Shape {
                columns: sql_query(POSTGRES_COLUMNS).load(conn).unwrap(),
                indexes: sql_query(POSTGRES_INDEXES).load(conn).unwrap().into_iter().collect(),
            },
            DbConnection::Sqlite(conn) => Shape {
                columns: sql_query(SQLITE_COLUMNS).load(conn).unwrap(),
                indexes: sql_query(SQLITE_INDEXES).load(conn).unwrap().into_iter().collect(),
            },
        }
    });
    let [postgres, sqlite] = &shapes;
    assert!(
        postgres.columns.len() > 100 && postgres.indexes.len() > 10,
        "{postgres:#?}"
    );
    assert_same("columns", &postgres.columns, &sqlite.columns);
    assert_same("indexes", &postgres.indexes, &sqlite.indexes);
}

/// Says what only one tree has, rather than printing both schemas whole.
fn assert_same<'a, T: PartialEq + std::fmt::Debug + 'a>(
    what: &str,
    postgres: impl IntoIterator<Item = &'a T> + Copy,
    sqlite: impl IntoIterator<Item = &'a T> + Copy,
) {
    let postgres: Vec<&T> = postgres.into_iter().collect();
    let sqlite: Vec<&T> = sqlite.into_iter().collect();
    if postgres == sqlite {
        return;
    }
    let only = |these: &[&T], those: &[&T]| -> Vec<String> {
        these
            .iter()
            .filter(|item| !those.contains(item))
            .map(|item| format!("\n    {item:?}"))
            .collect()
    };
    panic!(
        "the migration trees make different {what} (or the same in another order)\n  only migrations/postgres:{}\n  only migrations/sqlite:{}",
        only(&postgres, &sqlite).concat(),
        only(&sqlite, &postgres).concat(),
    );
}

#[derive(Debug)]
struct Shape {
    columns: Vec<Column>,
    indexes: BTreeSet<Index>,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    /// As the migration declares it, upper case: `VARCHAR(36)`, `INTEGER`.
    #[diesel(sql_type = Text)]
    declared_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
struct Index {
    /// A `CREATE INDEX`'s name; a UNIQUE constraint's index is named by
    /// each database its own way, so it is known by its table and columns.
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    table_name: String,
    /// In key order, comma-separated.
    #[diesel(sql_type = Text)]
    columns: String,
    #[diesel(sql_type = Integer)]
    unique: i32,
    /// Has a WHERE clause.
    #[diesel(sql_type = Integer)]
    partial: i32,
}

const POSTGRES_COLUMNS: &str = "
    SELECT table_name::text, column_name::text,
           upper(CASE data_type
                 WHEN 'character varying' THEN 'varchar' || coalesce('(' || character_maximum_length || ')', '')
                 WHEN 'timestamp without time zone' THEN 'timestamp'
                 ELSE data_type END) AS declared_type,
           (is_nullable = 'NO')::int4 AS not_null
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'
    ORDER BY table_name, ordinal_position";

// A primary key counts as NOT NULL: SQLite lets one that is not an INTEGER
// hold NULL unless declared NOT NULL (a documented legacy quirk); our ids
// are VARCHAR and always written.
const SQLITE_COLUMNS: &str = "
    SELECT m.name AS table_name, c.name AS column_name, upper(c.type) AS declared_type,
           (c.\"notnull\" OR c.pk > 0) AS not_null
    FROM sqlite_master m JOIN pragma_table_info(m.name) c
    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'
    ORDER BY m.name, c.cid";

const POSTGRES_INDEXES: &str = "
    SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype = 'u')
                THEN 'UNIQUE constraint' ELSE i.relname::text END AS name,
           t.relname::text AS table_name,
           (SELECT string_agg(a.attname::text, ',' ORDER BY key.position)
            FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS key(attnum, position)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = key.attnum) AS columns,
           x.indisunique::int4 AS \"unique\",
           (x.indpred IS NOT NULL)::int4 AS partial
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public' AND NOT x.indisprimary AND t.relname <> '__diesel_schema_migrations'";

const SQLITE_INDEXES: &str = "
    SELECT CASE WHEN l.origin = 'u' THEN 'UNIQUE constraint' ELSE l.name END AS name,
           m.name AS table_name,
           (SELECT group_concat(name, ',') FROM (SELECT k.name FROM pragma_index_info(l.name) k ORDER BY k.seqno))
               AS columns,
           l.\"unique\" AS \"unique\", l.partial AS partial
    FROM sqlite_master m JOIN pragma_index_list(m.name) l
    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'
      AND l.origin <> 'pk'";
