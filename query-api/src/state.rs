//! What every handler shares.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use sqlx::PgPool;
use vizpro_http_edge::client_ip::ClientIpSource;
use vizpro_http_edge::rate_limit::{Quota, RateLimiter};
use vizpro_http_edge::redis_slot::RedisSlot;
use vizpro_http_edge::tokens::TokenKeys;

/// Settings handlers consult, derived once from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub client_ip_source: ClientIpSource,
    /// What `/metrics` requires (see `vizpro_http_edge::telemetry::may_read_metrics`).
    pub metrics_token: Option<secrecy::SecretString>,
    pub user_quota: Quota,
    pub anonymous_quota: Quota,
    /// Prefix of every Redis key, shared with the projector that bumps dashboard generations.
    pub redis_key_prefix: String,
    /// How long a read carrying `X-Min-Position` waits for the projections to catch up.
    pub min_position_wait: Duration,
    /// How long computed chart data stays cached.
    pub chart_cache_seconds: u64,
    /// How long connecting to an external database may take.
    pub external_connect_timeout: Duration,
    /// How long the data of a chart over an external database stays cached.
    pub external_cache_seconds: u64,
}

/// The shared state behind a cheap-to-clone handle.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    /// The read models. The query API only reads them.
    pub pool: PgPool,
    pub tokens: Arc<TokenKeys>,
    pub limiter: RateLimiter,
    /// Cached dashboard documents; empty while Redis has not been reached.
    pub redis: RedisSlot,
    /// Dashboard documents held in this process with their rendered answers, used while they are
    /// known to be current.
    pub documents: Arc<crate::documents::DocumentMemory>,
    /// Chart sources and chart-data bodies held in this process (see `crate::chart_sources`).
    pub charts: Arc<crate::chart_sources::ChartMemory<crate::resources::chart_data::HeldChart>>,
    pub settings: Settings,
    /// Changes whenever the projector commits; reads waiting for `X-Min-Position` wake up on it.
    pub projection_progress: tokio::sync::watch::Receiver<vizpro_read_models::Progress>,
    /// Computes chart data on threads of its own.
    pub engine: Arc<vizpro_chart_engine::ChartEngine>,
    /// Opens the sealed connection details of external data sources.
    pub sealer: Arc<vizpro_http_edge::sealing::ConnectionSealer>,
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
