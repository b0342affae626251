//! What every handler shares.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use chrono::Duration as ChronoDuration;
use vizpro_event_store::EventStore;
use vizpro_events::Role;
use vizpro_http_edge::client_ip::ClientIpSource;
use vizpro_http_edge::rate_limit::{Quota, RateLimiter};
use vizpro_http_edge::tokens::TokenKeys;

use crate::relay::RelayStatus;
use crate::sealing::ConnectionSealer;

/// Settings handlers consult, derived once from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub admin_emails: Vec<String>,
    pub default_role: Role,
    pub refresh_token_lifetime: ChronoDuration,
    pub secure_cookies: bool,
    pub client_ip_source: ClientIpSource,
    /// What `/metrics` requires (see `vizpro_http_edge::telemetry::may_read_metrics`).
    pub metrics_token: Option<secrecy::SecretString>,
    pub auth_quota: Quota,
    pub user_quota: Quota,
    pub anonymous_quota: Quota,
}

/// The shared state behind a cheap-to-clone handle.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub store: EventStore,
    /// Decided states kept between commands, so that a command reads only what its stream gained since.
    pub aggregates: crate::aggregates::AggregateStates,
    pub tokens: Arc<TokenKeys>,
    pub limiter: RateLimiter,
    pub sealer: ConnectionSealer,
    pub settings: Settings,
    pub redis: vizpro_http_edge::redis_slot::RedisSlot,
    pub nats: async_nats::Client,
    pub relay: Arc<RelayStatus>,
    /// Where uploads are converted and stored.
    pub uploads: crate::resources::dataset_versions::Uploads,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for Arc<TokenKeys> {
    fn from_ref(state: &AppState) -> Self {
        state.tokens.clone()
    }
}
