//! A service bound to its address and ready to serve: what each API's `build` returns.

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;

/// A router, the listener it will serve on, and the state behind it (tests read the state).
#[derive(Debug)]
pub struct BoundService<S> {
    listener: TcpListener,
    router: Router,
    state: S,
}

impl<S> BoundService<S> {
    /// Binds `address`; port 0 picks a free port.
    pub async fn bind(address: SocketAddr, router: Router, state: S) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        Ok(BoundService {
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|address| address.port())
            .unwrap_or_default()
    }

    pub fn state(&self) -> &S {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM, passing client addresses on for rate limits and the audit trail.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(crate::shutdown::signal())
        .await
    }
}
