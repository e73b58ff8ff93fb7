//! The application's own metrics registry and its Prometheus text
//! rendering. One registry per application (`startup::Application`),
//! never a global, so servers started side by side (as the tests do) count
//! only their own requests and jobs.
//!
//! Counters that change per request or per job live here; values that
//! are cheaper to read at scrape time (pool state, queue depth) are handed
//! to [`Metrics::render`] by the caller.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::db::jobs::JobKind;

/// The route label of a request no route matched. A fixed label, never
/// the raw path, so any number of odd URLs adds one series, not many.
pub const UNMATCHED: &str = "unmatched";

/// Upper bounds (seconds) of the latency histogram's buckets: fine below a
/// few milliseconds, where this API's requests are answered.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// What a worker did with a job it held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobOutcome {
    Succeeded,
    Failed,
    /// Its lease ran out before it finished; another replica owns it.
    LeaseLost,
    /// The outcome could not be written (the database went away).
    Unrecorded,
}

impl JobOutcome {
    const ALL: [JobOutcome; 4] = [
        JobOutcome::Succeeded,
        JobOutcome::Failed,
        JobOutcome::LeaseLost,
        JobOutcome::Unrecorded,
    ];

    fn as_str(self) -> &'static str {
        match self {
            JobOutcome::Succeeded => "succeeded",
            JobOutcome::Failed => "failed",
            JobOutcome::LeaseLost => "lease_lost",
            JobOutcome::Unrecorded => "unrecorded",
        }
    }
}

#[derive(Clone, Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    /// Count per bucket (not cumulative); the last is `+Inf`.
    buckets: [u64; LATENCY_BUCKETS.len() + 1],
    seconds: f64,
    count: u64,
}

/// The values read when the metrics are scraped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScrapeValues {
    pub pool_in_use: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    pub open_connections: usize,
    /// Pending and running jobs by `(kind, state)`; `None` when the
    /// database could not be asked.
    pub queue: Option<Vec<(String, String, u64)>>,
}

#[derive(Default)]
pub struct Metrics {
    http: Mutex<HashMap<RouteKey, RouteStats>>,
    jobs: Mutex<BTreeMap<(String, JobOutcome), u64>>,
}

/// A poisoned lock only means a panic elsewhere mid-update of a counter;
/// the counts are still worth serving.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `(api, route template, method)`: one series of the request families.
type RouteKey = (&'static str, String, &'static str);

/// Methods outside this list share one label, so a client inventing
/// methods cannot grow the number of series.
pub fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// The route label for an actix match pattern. Resources also answer at
/// `<path>.json` (upstream's format suffix), and actix names the first
/// pattern of such a resource, which is the `.json` one; the label is the
/// path without the suffix, whichever of the two the request used.
/// A segment's regular expression (`{project_id:[0-9a-f-]+}`) is left
/// out: the label names the parameter only.
pub fn route_label(pattern: Option<String>) -> String {
    match pattern.map(|pattern| without_constraints(&pattern)) {
        Some(pattern) if !pattern.is_empty() => match pattern.strip_suffix(".json") {
            Some(bare) if !bare.is_empty() => bare.to_string(),
            _ => pattern,
        },
        _ => UNMATCHED.to_string(),
    }
}

/// `{name:regex}` as `{name}`; the regexes here hold no braces.
fn without_constraints(pattern: &str) -> String {
    let mut label = String::with_capacity(pattern.len());
    let (mut in_braces, mut in_regex) = (false, false);
    for c in pattern.chars() {
        match c {
            '{' => in_braces = true,
            '}' => (in_braces, in_regex) = (false, false),
            ':' if in_braces => in_regex = true,
            _ => {}
        }
        if !in_regex {
            label.push(c);
        }
    }
    label
}

impl Metrics {
    /// Counts one answered request of `api` (`osapi_share` or `osapi_volume`).
    pub fn observe_request(
        &self,
        api: &'static str,
        route: String,
        method: &'static str,
        status: u16,
        elapsed: Duration,
    ) {
        let seconds = elapsed.as_secs_f64();
        let bucket = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        let mut http = lock(&self.http);
        let stats = http.entry((api, route, method)).or_default();
        *stats.by_status.entry(status).or_default() += 1;
        stats.buckets[bucket] += 1;
        stats.seconds += seconds;
        stats.count += 1;
    }

    pub fn observe_job(&self, kind: &str, outcome: JobOutcome) {
        *lock(&self.jobs).entry((kind.to_string(), outcome)).or_default() += 1;
    }

    /// The Prometheus text exposition format (version 0.0.4), families in
    /// a fixed order and series sorted, so two scrapes differ only in values.
    pub fn render(&self, scrape: &ScrapeValues) -> String {
        let mut out = String::with_capacity(4096);
        let http = self.http_by_route();
        http_requests(&mut out, &http);
        http_durations(&mut out, &http);
        connections_and_pool(&mut out, scrape);
        if let Some(queue) = &scrape.queue {
            queue_depth(&mut out, queue);
        }
        jobs_completed(&mut out, &lock(&self.jobs));
        out
    }

    /// A copy of the request counters, sorted by route and method, so the
    /// lock is not held while rendering.
    fn http_by_route(&self) -> Vec<(RouteKey, RouteStats)> {
        let mut rows: Vec<_> = lock(&self.http)
            .iter()
            .map(|(key, stats)| (key.clone(), stats.clone()))
            .collect();
        rows.sort_by(|(a, _), (b, _)| a.cmp(b));
        rows
    }
}

fn http_requests(out: &mut String, http: &[(RouteKey, RouteStats)]) {
    family(
        out,
        "http_requests_total",
        "counter",
        "HTTP requests answered, by API, route template, method and status.",
    );
    for ((api, route, method), stats) in http {
        for (status, count) in &stats.by_status {
            let _ = writeln!(
                out,
                "http_requests_total{{api=\"{api}\",route=\"{}\",method=\"{method}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
    }
}

fn http_durations(out: &mut String, http: &[(RouteKey, RouteStats)]) {
    family(
        out,
        "http_request_duration_seconds",
        "histogram",
        "Time from receiving a request to its response being ready, by API, route template and method.",
    );
    for ((api, route, method), stats) in http {
        let labels = format!("api=\"{api}\",route=\"{}\",method=\"{method}\"", escape(route));
        let count = stats.count;
        let mut cumulative = 0;
        for (bound, in_bucket) in LATENCY_BUCKETS.iter().zip(&stats.buckets) {
            cumulative += in_bucket;
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(out, "http_request_duration_seconds_sum{{{labels}}} {}", stats.seconds);
        let _ = writeln!(out, "http_request_duration_seconds_count{{{labels}}} {count}");
    }
}

fn connections_and_pool(out: &mut String, scrape: &ScrapeValues) {
    family(
        out,
        "http_connections_open",
        "gauge",
        "Client connections currently open.",
    );
    let _ = writeln!(out, "http_connections_open {}", scrape.open_connections);
    family(
        out,
        "db_pool_connections",
        "gauge",
        "Database connections held by the pool, by state.",
    );
    let _ = writeln!(out, "db_pool_connections{{state=\"in_use\"}} {}", scrape.pool_in_use);
    let _ = writeln!(out, "db_pool_connections{{state=\"idle\"}} {}", scrape.pool_idle);
    family(
        out,
        "db_pool_max_connections",
        "gauge",
        "Most connections the pool opens ([database] max_pool_size).",
    );
    let _ = writeln!(out, "db_pool_max_connections {}", scrape.pool_max);
}

/// Every kind in both states, zero where the database reported none.
fn queue_depth(out: &mut String, queue: &[(String, String, u64)]) {
    family(
        out,
        "job_queue_depth",
        "gauge",
        "Jobs in the database waiting (pending) or being worked on (running), by kind and state.",
    );
    let mut depth: BTreeMap<(String, String), u64> = JobKind::ALL
        .iter()
        .flat_map(|kind| ["pending", "running"].map(|state| ((kind.as_str().to_string(), state.to_string()), 0)))
        .collect();
    for (kind, state, count) in queue {
        depth.insert((kind.clone(), state.clone()), *count);
    }
    for ((kind, state), count) in depth {
        let _ = writeln!(
            out,
            "job_queue_depth{{kind=\"{}\",state=\"{}\"}} {count}",
            escape(&kind),
            escape(&state)
        );
    }
}

/// Every kind with every outcome, zero where none happened yet.
fn jobs_completed(out: &mut String, counted: &BTreeMap<(String, JobOutcome), u64>) {
    family(
        out,
        "jobs_completed_total",
        "counter",
        "Jobs this process worked on to the end, by kind and outcome.",
    );
    let mut jobs: BTreeMap<(String, JobOutcome), u64> = JobKind::ALL
        .iter()
        .flat_map(|kind| JobOutcome::ALL.map(|outcome| ((kind.as_str().to_string(), outcome), 0)))
        .collect();
    jobs.extend(counted.iter().map(|(key, count)| (key.clone(), *count)));
    for ((kind, outcome), count) in jobs {
        let _ = writeln!(
            out,
            "jobs_completed_total{{kind=\"{}\",outcome=\"{}\"}} {count}",
            escape(&kind),
            outcome.as_str()
        );
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value as the text format wants it: backslash, double quote and
/// line feed escaped.
fn escape(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '\n' => escaped.push_str("\\n"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_starting(text: &str, prefix: &str) -> Vec<String> {
        text.lines()
            .filter(|line| line.starts_with(prefix))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn route_labels_are_templates_without_the_json_twin() {
        assert_eq!(
            route_label(Some("/v2/{project_id}/consistency-groups/{id}.json".into())),
            "/v2/{project_id}/consistency-groups/{id}"
        );
        assert_eq!(route_label(Some("/healthcheck".into())), "/healthcheck");
        assert_eq!(route_label(Some(".json".into())), ".json");
        assert_eq!(route_label(None), UNMATCHED);
        assert_eq!(
            route_label(Some("/v3/{project_id:[0-9a-f-]+}/volumes/{id}.json".into())),
            "/v3/{project_id}/volumes/{id}"
        );
        assert_eq!(route_label(Some(String::new())), UNMATCHED);
    }

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label("GET"), "GET");
        assert_eq!(method_label("BREW"), "other");
        assert_eq!(method_label("get"), "other");
    }

    #[test]
    fn requests_are_counted_by_status_and_timed_in_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.observe_request("osapi_share", "/r".into(), "GET", 200, Duration::from_micros(300));
        metrics.observe_request("osapi_share", "/r".into(), "GET", 200, Duration::from_millis(3));
        metrics.observe_request("osapi_share", "/r".into(), "GET", 404, Duration::from_secs(20));
        let text = metrics.render(&ScrapeValues::default());
        assert_eq!(
            lines_starting(&text, "http_requests_total{"),
            [
                "http_requests_total{api=\"osapi_share\",route=\"/r\",method=\"GET\",status=\"200\"} 2",
                "http_requests_total{api=\"osapi_share\",route=\"/r\",method=\"GET\",status=\"404\"} 1",
            ]
        );
        let buckets = lines_starting(&text, "http_request_duration_seconds_bucket");
        assert_eq!(buckets.len(), LATENCY_BUCKETS.len() + 1);
        assert_eq!(
            buckets[0],
            "http_request_duration_seconds_bucket{api=\"osapi_share\",route=\"/r\",method=\"GET\",le=\"0.0005\"} 1"
        );
        assert_eq!(
            buckets[3],
            "http_request_duration_seconds_bucket{api=\"osapi_share\",route=\"/r\",method=\"GET\",le=\"0.005\"} 2"
        );
        assert_eq!(
            buckets[13],
            "http_request_duration_seconds_bucket{api=\"osapi_share\",route=\"/r\",method=\"GET\",le=\"10\"} 2"
        );
        assert_eq!(
            buckets[14],
            "http_request_duration_seconds_bucket{api=\"osapi_share\",route=\"/r\",method=\"GET\",le=\"+Inf\"} 3"
        );
        assert_eq!(
            lines_starting(&text, "http_request_duration_seconds_count"),
            ["http_request_duration_seconds_count{api=\"osapi_share\",route=\"/r\",method=\"GET\"} 3"]
        );
        let sum = lines_starting(&text, "http_request_duration_seconds_sum")[0]
            .rsplit_once(' ')
            .unwrap()
            .1
            .parse::<f64>()
            .unwrap();
        assert!((sum - 20.0033).abs() < 1e-9, "{sum}");
    }

    #[test]
    fn every_family_has_help_and_type_and_every_series_is_well_formed() {
        let metrics = Metrics::default();
        metrics.observe_request("osapi_share", "/a\"b\\c\nd".into(), "GET", 200, Duration::ZERO);
        metrics.observe_job("create_share", JobOutcome::Failed);
        let text = metrics.render(&ScrapeValues {
            queue: Some(vec![("create_share".into(), "pending".into(), 4)]),
            ..ScrapeValues::default()
        });
        assert!(text.contains("route=\"/a\\\"b\\\\c\\nd\""), "{text}");
        let mut declared = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                declared.push(rest.split(' ').next().unwrap().to_string());
                continue;
            }
            if line.starts_with("# HELP ") {
                continue;
            }
            let name = line.split(['{', ' ']).next().unwrap();
            let family = declared.last().expect("a series after its TYPE line");
            assert!(name.starts_with(family.as_str()), "{name} under {family}");
            let value = line.rsplit_once(' ').unwrap().1;
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn queue_depth_and_job_outcomes_list_every_kind() {
        let metrics = Metrics::default();
        metrics.observe_job("create_share", JobOutcome::Succeeded);
        metrics.observe_job("create_share", JobOutcome::Succeeded);
        metrics.observe_job("delete_share", JobOutcome::LeaseLost);
        let text = metrics.render(&ScrapeValues {
            queue: Some(vec![("create_share".into(), "running".into(), 2)]),
            ..ScrapeValues::default()
        });
        let depth = lines_starting(&text, "job_queue_depth{");
        assert_eq!(depth.len(), JobKind::ALL.len() * 2);
        assert!(depth.contains(&"job_queue_depth{kind=\"create_share\",state=\"running\"} 2".to_string()));
        assert!(depth.contains(&"job_queue_depth{kind=\"create_share\",state=\"pending\"} 0".to_string()));
        let jobs = lines_starting(&text, "jobs_completed_total{");
        assert_eq!(jobs.len(), JobKind::ALL.len() * JobOutcome::ALL.len());
        assert!(jobs.contains(&"jobs_completed_total{kind=\"create_share\",outcome=\"succeeded\"} 2".to_string()));
        assert!(jobs.contains(&"jobs_completed_total{kind=\"delete_share\",outcome=\"lease_lost\"} 1".to_string()));
    }

    #[test]
    fn an_unreadable_queue_leaves_its_family_out() {
        let text = Metrics::default().render(&ScrapeValues::default());
        assert!(!text.contains("job_queue_depth"), "{text}");
        assert!(text.contains("db_pool_connections{state=\"idle\"} 0\n"));
    }
}
