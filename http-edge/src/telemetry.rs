//! Structured logs and Prometheus metrics.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global tracing subscriber: JSON lines by default, human-readable when `json` is false.
/// Calling it twice is harmless (tests spawn many applications in one process).
pub fn init_tracing(default_filter: &str, json: bool) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if json {
        registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init()
    } else {
        registry.with(fmt::layer().compact()).try_init()
    };
    // An already installed subscriber is fine: the first one wins.
    drop(result);
}

/// The process-wide Prometheus recorder; installed on first use.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder installed first (for example by an embedding process) keeps working; this
            // handle then renders only what was recorded before, which is acceptable for a fallback.
            drop(metrics::set_global_recorder(recorder));
            handle
        })
        .clone()
}

/// Whether a request may read `/metrics`. The figures tell a stranger how busy the platform is and what it
/// runs, so they are for operators: with a metrics token configured, only a request that carries it as a
/// bearer token; without one, only a client on this machine (a loopback peer, e.g. a local Prometheus
/// agent or an operator's shell).
pub fn may_read_metrics(
    token: Option<&secrecy::SecretString>,
    peer: Option<std::net::SocketAddr>,
    authorization: Option<&str>,
) -> bool {
    use secrecy::ExposeSecret;
    // An empty token (an unset variable passed on as "") is no token.
    match token.filter(|token| !token.expose_secret().is_empty()) {
        Some(token) => authorization
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|presented| {
                same_secret(presented.as_bytes(), token.expose_secret().as_bytes())
            }),
        None => peer.is_some_and(|peer| peer.ip().to_canonical().is_loopback()),
    }
}

/// Compares two secrets in time that depends on their length only.
fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    presented.len() == expected.len()
        && presented
            .iter()
            .zip(expected)
            .fold(0_u8, |difference, (left, right)| {
                difference | (left ^ right)
            })
            == 0
}

/// `/metrics` for a service: the Prometheus text when [`may_read_metrics`], otherwise the 404 any unknown
/// path gets, so that the endpoint is not advertised.
pub fn metrics_response(
    token: Option<&secrecy::SecretString>,
    request: &axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0);
    let authorization = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if may_read_metrics(token, peer, authorization) {
        metrics_handle().render().into_response()
    } else {
        crate::Problem::not_found(
            "There is no such endpoint. The API is described at /api/v1/openapi.json.",
        )
        .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(text: &str) -> Option<std::net::SocketAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn without_a_token_only_this_machine_reads_the_metrics() {
        assert!(may_read_metrics(None, peer("127.0.0.1:5000"), None));
        assert!(may_read_metrics(None, peer("[::1]:5000"), None));
        assert!(may_read_metrics(
            None,
            peer("[::ffff:127.0.0.1]:5000"),
            None
        ));
        assert!(!may_read_metrics(None, peer("10.0.0.7:5000"), None));
        assert!(!may_read_metrics(
            None,
            peer("203.0.113.9:5000"),
            Some("Bearer guess")
        ));
        assert!(!may_read_metrics(None, None, None));
    }

    #[test]
    fn with_a_token_only_its_bearer_reads_the_metrics_wherever_it_comes_from() {
        let token = secrecy::SecretString::from("a-long-operator-token".to_owned());
        assert!(may_read_metrics(
            Some(&token),
            peer("10.0.0.7:5000"),
            Some("Bearer a-long-operator-token")
        ));
        assert!(!may_read_metrics(
            Some(&token),
            peer("127.0.0.1:5000"),
            None
        ));
        assert!(!may_read_metrics(
            Some(&token),
            peer("127.0.0.1:5000"),
            Some("Bearer a-long-operator-tokeN")
        ));
        assert!(!may_read_metrics(
            Some(&token),
            peer("127.0.0.1:5000"),
            Some("a-long-operator-token")
        ));
    }
}
