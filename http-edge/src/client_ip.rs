//! The client's address, for rate limiting and the audit trail.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

/// Where to find the client's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientIpSource {
    /// The TCP peer (no proxy in front).
    #[default]
    Peer,
    /// The last address in `X-Forwarded-For`, which the trusted proxy in front appended. Earlier entries
    /// are whatever the client sent and are ignored.
    LastForwardedFor,
}

/// The client's address of a request, if it can be told.
pub fn client_ip(parts: &Parts, source: ClientIpSource) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    match source {
        ClientIpSource::Peer => peer,
        ClientIpSource::LastForwardedFor => parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
            .next_back()
            .or(peer),
    }
}
