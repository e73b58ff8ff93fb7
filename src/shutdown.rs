//! What a stopping server tells its parts: the drain flag the job workers
//! and the HTTP layer read, and the count of client connections still open.
//! The shutdown sequence itself is `startup::StopHandle::shutdown`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;

#[derive(Default)]
pub struct Lifecycle {
    stopping: AtomicBool,
    draining: AtomicBool,
    /// Set by a second signal: the grace period ends now.
    hurry: AtomicBool,
    open_connections: AtomicUsize,
}

impl Lifecycle {
    /// Marks the server as stopping; `false` if it already was.
    pub fn begin_stop(&self) -> bool {
        !self.stopping.swap(true, Ordering::SeqCst)
    }

    /// From now on responses close their connections and workers claim
    /// no more jobs.
    pub fn begin_drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    pub fn hurry(&self) {
        self.hurry.store(true, Ordering::SeqCst);
    }

    pub fn in_a_hurry(&self) -> bool {
        self.hurry.load(Ordering::SeqCst)
    }

    pub fn open_connections(&self) -> usize {
        self.open_connections.load(Ordering::SeqCst)
    }
}

/// Lives in a connection's extensions (set by `HttpServer::on_connect`),
/// which actix drops with the connection: while it exists the connection
/// is counted as open.
pub struct ConnectionGuard(Arc<Lifecycle>);

impl ConnectionGuard {
    pub fn new(lifecycle: Arc<Lifecycle>) -> ConnectionGuard {
        lifecycle.open_connections.fetch_add(1, Ordering::SeqCst);
        ConnectionGuard(lifecycle)
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.open_connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// While the server drains, every response carries `Connection: close`
/// and its connection is closed once it is written. A client learns this
/// from the response before it sends anything more, so no request is ever
/// written onto a connection the server is about to close (the race a
/// server closing idle keep-alive connections at once would have).
pub async fn close_when_draining(
    lifecycle: Arc<Lifecycle>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    if lifecycle.is_draining() {
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_count_connections_while_they_live() {
        let lifecycle = Arc::new(Lifecycle::default());
        let first = ConnectionGuard::new(lifecycle.clone());
        let second = ConnectionGuard::new(lifecycle.clone());
        assert_eq!(lifecycle.open_connections(), 2);
        drop(first);
        assert_eq!(lifecycle.open_connections(), 1);
        drop(second);
        assert_eq!(lifecycle.open_connections(), 0);
    }

    #[test]
    fn the_stop_begins_once() {
        let lifecycle = Lifecycle::default();
        assert!(lifecycle.begin_stop());
        assert!(!lifecycle.begin_stop());
        assert!(!lifecycle.is_draining(), "the drain is a separate step");
        lifecycle.begin_drain();
        assert!(lifecycle.is_draining());
    }
}
