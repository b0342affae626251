//! vizpro's read side over HTTP.
//!
//! The query API answers reads from the read models the projector builds in PostgreSQL, and serves
//! dashboard documents from Redis when the cached copy is current. It never writes domain state; the only
//! thing it writes is cache entries in Redis.
//!
//! * [`build`] connects to PostgreSQL and Redis and binds the listener;
//!   [`BoundService::run_until_stopped`] serves until SIGINT/SIGTERM.
//! * [`build_router`] does everything but binding, for a caller that serves the router itself.
//! * [`router`] is only the `/api/v1` read routes with their middleware, so that an all-in-one binary can
//!   merge it with the command API's router; [`service_router`] adds the OpenAPI document, health,
//!   metrics and the fallback for a standalone query API.

pub mod chart_sources;
pub mod config;
pub mod consistency;
pub mod documents;
pub mod error;
pub mod health;
pub mod openapi;
pub mod pagination;
pub mod resources;
pub mod state;
pub mod visibility;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::http::HeaderValue;
use secrecy::ExposeSecret;
use sqlx::postgres::PgPoolOptions;
use vizpro_http_edge::admission::{self, Admission};
use vizpro_http_edge::client_ip::ClientIpSource;
use vizpro_http_edge::layers::{self, EdgeSettings};
use vizpro_http_edge::rate_limit::{Quota, RateLimiter};
use vizpro_http_edge::server::BoundService;
use vizpro_http_edge::tokens::TokenKeys;

pub use config::Config;
pub use state::AppState;

use crate::state::{Settings, Shared};

/// Reads carry no body; anything larger than this is refused before it is read.
const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// A built, bound, not yet serving query API.
pub type Application = BoundService<AppState>;

/// Builds the query API and binds its listen address; serve it with `run_until_stopped`.
pub async fn build(config: Config) -> anyhow::Result<Application> {
    let listen = config.listen;
    let (router, state) = build_router(config).await?;
    BoundService::bind(listen, router, state)
        .await
        .context("cannot bind the listen address")
}

/// Everything [`build`] does except binding the listener: the state and the standalone
/// service's router wrapped in the standard edge layers. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` so that anonymous rate limits see client addresses.
pub async fn build_router(config: Config) -> anyhow::Result<(Router, AppState)> {
    let state = build_state(&config).await?;
    let router = layers::apply(service_router(state.clone()), &edge_settings(&config));
    Ok((router, state))
}

/// Connects to PostgreSQL (without migrating: the command API and the projector own the schema) and, in
/// the background, to Redis; prepares the token keys and the rate limiter.
pub async fn build_state(config: &Config) -> anyhow::Result<AppState> {
    let secret = config.jwt_secret.expose_secret().as_bytes().to_vec();
    anyhow::ensure!(
        secret.len() >= 32,
        "VIZPRO_JWT_SECRET must be at least 32 bytes long"
    );
    let pool = PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        // Testing each connection on checkout costs a round trip per query; a broken connection fails its
        // statement instead, which answers 503 and is dropped from the pool.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(3))
        .connect(&config.database_url)
        .await
        .context("cannot connect to PostgreSQL")?;
    let redis = vizpro_http_edge::redis_slot::connect_in_background(&config.redis_url);
    let documents = Arc::new(documents::DocumentMemory::default());
    let charts = Arc::new(chart_sources::ChartMemory::default());
    documents::follow_announcements(
        &documents,
        &charts,
        &config.redis_url,
        documents::Channels {
            stale_dashboards: vizpro_read_models::cache::stale_dashboards_channel(
                &config.redis_key_prefix,
            ),
            chart_sources: vizpro_read_models::cache::chart_sources_channel(
                &config.redis_key_prefix,
            ),
        },
    );
    // Install the metrics recorder now, so that gauges set before the first scrape are kept.
    vizpro_http_edge::telemetry::metrics_handle();
    let storage = vizpro_dataset_storage::ObjectStorage::from_url(&config.object_store_url)
        .context("cannot open the object store")?;
    let engine = vizpro_chart_engine::ChartEngine::new(
        vizpro_chart_engine::EngineConfig {
            threads: config.query_threads.max(1),
            memory_limit_bytes: config.query_memory_mib.max(16) * 1024 * 1024,
            max_result_rows: config.query_max_rows.max(1),
            timeout: Duration::from_secs(config.query_timeout_seconds.max(1)),
        },
        &storage,
    )
    .context("cannot start the chart engine")?
    .with_host_policy(vizpro_chart_engine::HostPolicy::new(
        config.external_hosts_allowed.clone(),
        config.external_hosts_denied.clone(),
    ));
    let sealer = vizpro_http_edge::sealing::ConnectionSealer::from_config(
        &config.connection_keys,
        &config.connection_key_id,
    )
    .context("VIZPRO_CONNECTION_KEYS / VIZPRO_CONNECTION_KEY_ID")?;
    Ok(AppState::new(Shared {
        engine: Arc::new(engine),
        sealer: Arc::new(sealer),
        projection_progress: vizpro_read_models::listen_for_progress(pool.clone()),
        pool,
        tokens: Arc::new(TokenKeys::from_secret(
            &secret,
            &config.jwt_issuer,
            Duration::from_secs(config.access_token_seconds.max(30)),
        )),
        limiter: RateLimiter::new(redis.clone(), &config.redis_key_prefix),
        redis,
        documents,
        charts,
        settings: Settings {
            metrics_token: config.metrics_token.clone(),
            client_ip_source: if config.trust_forwarded_for {
                ClientIpSource::LastForwardedFor
            } else {
                ClientIpSource::Peer
            },
            user_quota: Quota::per_minute(config.user_rate_per_minute),
            anonymous_quota: Quota::per_minute(config.anonymous_rate_per_minute),
            redis_key_prefix: config.redis_key_prefix.clone(),
            min_position_wait: Duration::from_millis(config.min_position_wait_ms),
            chart_cache_seconds: config.chart_cache_seconds,
            external_connect_timeout: Duration::from_secs(
                config.external_connect_timeout_seconds.max(1),
            ),
            external_cache_seconds: config.external_cache_seconds,
        },
    }))
}

/// The standard edge layers' settings from the configuration.
pub fn edge_settings(config: &Config) -> EdgeSettings {
    EdgeSettings {
        cors_origins: config
            .cors_origins
            .iter()
            .filter(|origin| !origin.trim().is_empty())
            .filter_map(|origin| HeaderValue::from_str(origin.trim()).ok())
            .collect(),
        body_limit: BODY_LIMIT_BYTES,
        request_timeout: Duration::from_secs(config.request_timeout_seconds.max(1)),
        upload_timeout: Duration::from_secs(config.request_timeout_seconds.max(1)),
    }
}

/// The `/api/v1` read routes with authentication, rate limits and read-your-writes, and nothing else: no
/// fallback, no health or OpenAPI routes, no edge layers. Its paths do not overlap the command API's, so
/// an all-in-one binary can merge the two routers and wrap the result in `layers::apply` once.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = openapi::api_router().split_for_parts();
    api_router
        // Layers run outermost-last: authentication first, then the read-your-writes wait, which only
        // waits for authenticated callers.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            consistency::wait_for_min_position,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(Admission {
                tokens: state.tokens.clone(),
                limiter: state.limiter.clone(),
                client_ip_source: state.settings.client_ip_source,
                scope: "query",
                user_quota: state.settings.user_quota,
                anonymous_quota: state.settings.anonymous_quota,
                sign_in_quota: None,
            }),
            admission::authenticate_and_limit,
        ))
        .with_state(state)
}

/// The standalone query API: [`router`], the OpenAPI document at `/api/v1/openapi.json`, health and
/// metrics, and problem+json for unknown paths.
pub fn service_router(state: AppState) -> Router {
    let document = Arc::new(openapi::document());
    router(state.clone())
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .merge(health::router().with_state(state))
        .fallback(layers::not_found_fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_without_services() -> AppState {
        let pool = PgPoolOptions::new()
            .connect_lazy("postgres://postgres@127.0.0.1:5432/unused")
            .unwrap();
        let redis: vizpro_http_edge::redis_slot::RedisSlot =
            Arc::new(tokio::sync::RwLock::new(None));
        AppState::new(Shared {
            projection_progress: tokio::sync::watch::channel(Default::default()).1,
            pool,
            tokens: Arc::new(TokenKeys::from_secret(
                b"a-test-secret-that-is-long-enough-0123",
                "vizpro",
                Duration::from_secs(900),
            )),
            limiter: RateLimiter::new(redis.clone(), "test:"),
            redis,
            documents: Default::default(),
            charts: Default::default(),
            settings: Settings {
                client_ip_source: ClientIpSource::Peer,
                metrics_token: None,
                user_quota: Quota::per_minute(100),
                anonymous_quota: Quota::per_minute(100),
                redis_key_prefix: "test:".to_owned(),
                min_position_wait: Duration::from_millis(10),
                chart_cache_seconds: 60,
                external_connect_timeout: Duration::from_secs(1),
                external_cache_seconds: 60,
            },
            sealer: Arc::new(
                vizpro_http_edge::sealing::ConnectionSealer::from_config(
                    &secrecy::SecretString::from(
                        "k:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned(),
                    ),
                    "k",
                )
                .unwrap(),
            ),
            engine: Arc::new(
                vizpro_chart_engine::ChartEngine::new(
                    vizpro_chart_engine::EngineConfig::default(),
                    &vizpro_dataset_storage::ObjectStorage::from_url(&format!(
                        "file://{}/vizpro-unit-objects",
                        std::env::temp_dir().display()
                    ))
                    .unwrap(),
                )
                .unwrap(),
            ),
        })
    }

    /// An all-in-one binary merges this router with the command API's, which has its own health routes,
    /// OpenAPI document, fallback and write methods on the same paths; merging must not conflict.
    #[tokio::test]
    async fn the_read_routes_merge_with_a_router_shaped_like_the_command_apis() {
        async fn ok() -> &'static str {
            "ok"
        }
        let command_like = Router::new()
            .route("/healthz", axum::routing::get(ok))
            .route("/readyz", axum::routing::get(ok))
            .route("/metrics", axum::routing::get(ok))
            .route("/api/v1/openapi.json", axum::routing::get(ok))
            .route("/api/v1/charts", axum::routing::post(ok))
            .route("/api/v1/charts/{id}", axum::routing::patch(ok).delete(ok))
            .route("/api/v1/users/{id}", axum::routing::patch(ok))
            .route("/api/v1/dashboards/{id}/tiles", axum::routing::post(ok))
            .fallback(layers::not_found_fallback);
        let merged = router(state_without_services()).merge(command_like);
        drop(merged);
        drop(service_router(state_without_services()));
    }
}
