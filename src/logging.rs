//! The process's log: env_logger's lines on standard error
//! (`[<UTC time> <LEVEL> <module>] <message>`), filtered by `RUST_LOG`
//! (`info` when unset), less the one complaint a clean drain provokes.
//!
//! A draining server closes its listening sockets while actix's accept
//! thread still watches them (so new connections are refused at once, see
//! `startup::StopHandle::shutdown`); the thread then logs `Error accepting
//! connection: Invalid argument (os error 22)` at error level. Once the
//! sockets were closed on purpose that line says nothing, so it is
//! dropped; any other accept error (too many open files, ...) still shows.

use std::sync::atomic::{AtomicBool, Ordering};

use log::{Level, Log, Metadata, Record};

/// Set when this process closes its listening sockets to drain.
static LISTENERS_CLOSED: AtomicBool = AtomicBool::new(false);

/// The module whose complaint about a closed listener is expected.
const ACCEPT_TARGET: &str = "actix_server::accept";

/// What the accept thread says when its listening socket was shut down.
const CLOSED_LISTENER_ERROR: &str = "(os error 22)";

/// Installs the logger; call once, first thing in `main`.
pub fn init() {
    let inner = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).build();
    log::set_max_level(inner.filter());
    if log::set_boxed_logger(Box::new(Logger { inner })).is_err() {
        eprintln!("a logger was already installed");
    }
}

/// Tells the logger that the listening sockets are being closed on
/// purpose, so the accept thread's complaint about them is expected.
pub fn closing_listeners() {
    LISTENERS_CLOSED.store(true, Ordering::SeqCst);
}

struct Logger {
    inner: env_logger::Logger,
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        self.inner.enabled(metadata)
    }

    fn log(&self, record: &Record) {
        if !is_expected_after_closing(record, LISTENERS_CLOSED.load(Ordering::SeqCst)) {
            self.inner.log(record);
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}

/// Whether `record` is the accept thread's complaint about a listening
/// socket this process closed (`closed`) for its drain.
fn is_expected_after_closing(record: &Record, closed: bool) -> bool {
    closed
        && record.level() == Level::Error
        && record.target() == ACCEPT_TARGET
        && record.args().to_string().ends_with(CLOSED_LISTENER_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(target: &str, level: Level, message: &str, closed: bool) -> bool {
        is_expected_after_closing(
            &Record::builder()
                .target(target)
                .level(level)
                .args(format_args!("{message}"))
                .build(),
            closed,
        )
    }

    #[test]
    fn only_the_closed_listener_complaint_is_dropped_and_only_while_draining() {
        let complaint = "Error accepting connection: Invalid argument (os error 22)";
        assert!(check(ACCEPT_TARGET, Level::Error, complaint, true));
        assert!(
            !check(ACCEPT_TARGET, Level::Error, complaint, false),
            "not before the drain"
        );
        assert!(!check(
            ACCEPT_TARGET,
            Level::Error,
            "Error accepting connection: Too many open files (os error 24)",
            true
        ));
        assert!(!check("manila_cg_api::startup", Level::Error, complaint, true));
    }
}
