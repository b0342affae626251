//! vizpro's write side.
//!
//! [`build`] connects to PostgreSQL (running migrations), Redis and NATS, starts the relay and
//! binds the HTTP listener; [`BoundService::run_until_stopped`] serves until SIGINT/SIGTERM.

pub mod aggregates;
pub mod auth;
pub mod commands;
pub mod config;
pub mod error;
pub mod health;
pub mod openapi;
pub mod relay;
pub mod resources;
/// Sealing lives in http-edge because the query API opens what the command API seals.
pub use vizpro_http_edge::sealing;
pub mod state;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::http::HeaderValue;
use secrecy::ExposeSecret;
use sqlx::postgres::PgPoolOptions;
use vizpro_event_store::EventStore;
use vizpro_http_edge::admission::{self, Admission};
use vizpro_http_edge::client_ip::ClientIpSource;
use vizpro_http_edge::layers::{self, EdgeSettings};
use vizpro_http_edge::rate_limit::{Quota, RateLimiter};
use vizpro_http_edge::server::BoundService;
use vizpro_http_edge::tokens::TokenKeys;

pub use config::Config;
pub use state::AppState;

use crate::relay::{RelaySettings, RelayStatus};
use crate::resources::dataset_versions::Uploads;
use crate::sealing::ConnectionSealer;
use crate::state::{Settings, Shared};
use vizpro_dataset_storage::{ImportLimits, ObjectStorage};

/// A built, bound, not yet serving command API.
pub type Application = BoundService<AppState>;

/// Builds the command API and binds its listen address; serve it with `run_until_stopped`.
pub async fn build(config: Config) -> anyhow::Result<Application> {
    let listen = config.listen;
    let (router, state) = build_router(config).await?;
    BoundService::bind(listen, router, state)
        .await
        .context("cannot bind the listen address")
}

/// Everything [`build`] does except binding the listener: connects, migrates, starts the
/// relay, and returns the service's router wrapped in the standard edge layers, with its state. Serve it
/// with `into_make_service_with_connect_info::<SocketAddr>()`.
pub async fn build_router(config: Config) -> anyhow::Result<(Router, AppState)> {
    let secret = config.jwt_secret.expose_secret().as_bytes().to_vec();
    anyhow::ensure!(
        secret.len() >= 32,
        "VIZPRO_JWT_SECRET must be at least 32 bytes long"
    );
    anyhow::ensure!(
        config.body_limit_bytes <= vizpro_events::MAX_PAYLOAD_BYTES,
        "VIZPRO_BODY_LIMIT_BYTES ({}) is above the event payload maximum ({}): a body that large could never be recorded",
        config.body_limit_bytes,
        vizpro_events::MAX_PAYLOAD_BYTES
    );
    let sealer = ConnectionSealer::from_config(&config.connection_keys, &config.connection_key_id)?;

    let pool = PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        // Testing each connection on checkout costs a round trip per query; a broken connection
        // fails its statement instead, which answers 503 and is dropped from the pool.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(3))
        .after_connect(|connection, _| {
            Box::pin(vizpro_event_store::epochs::register_epoch(connection))
        })
        .connect(&config.database_url)
        .await
        .context("cannot connect to PostgreSQL")?;
    vizpro_migrations::migrate(&pool, config.migration_database_url.as_deref()).await?;

    let redis = vizpro_http_edge::redis_slot::connect_in_background(&config.redis_url);
    let nats = async_nats::ConnectOptions::new()
        .name("vizpro-command-api")
        .retry_on_initial_connect()
        .connect(config.nats_url.as_str())
        .await
        .context("invalid NATS address")?;

    // The recorder is installed before anything records, so that what the relay counts before the first
    // scrape is not lost.
    vizpro_http_edge::telemetry::metrics_handle();
    let relay_status = Arc::new(RelayStatus::default());
    if config.relay {
        let settings = RelaySettings {
            stream_name: config.nats_stream.clone(),
            subject_prefix: config.nats_subject_prefix.clone(),
            batch: config.relay_batch.max(1),
            idle: Duration::from_millis(config.relay_idle_ms.max(1)),
            duplicate_window: relay::DUPLICATE_WINDOW,
            max_message_bytes: vizpro_events::MAX_MESSAGE_BYTES,
            max_age: Duration::from_secs(config.nats_stream_max_age_seconds),
            max_bytes: config.nats_stream_max_bytes,
        };
        tokio::spawn(relay::run(
            pool.clone(),
            nats.clone(),
            settings,
            relay_status.clone(),
        ));
    }

    let state = AppState::new(Shared {
        store: EventStore::new(pool),
        aggregates: Default::default(),
        tokens: Arc::new(TokenKeys::from_secret(
            &secret,
            &config.jwt_issuer,
            Duration::from_secs(config.access_token_seconds.max(30)),
        )),
        limiter: RateLimiter::new(redis.clone(), &config.redis_key_prefix),
        sealer,
        settings: Settings {
            admin_emails: config
                .admin_emails
                .iter()
                .map(|email| email.trim().to_lowercase())
                .collect(),
            default_role: config.default_role,
            refresh_token_lifetime: chrono::Duration::days(config.refresh_token_days.max(1)),
            secure_cookies: config.secure_cookies,
            metrics_token: config.metrics_token.clone(),
            client_ip_source: if config.trust_forwarded_for {
                ClientIpSource::LastForwardedFor
            } else {
                ClientIpSource::Peer
            },
            auth_quota: Quota::per_minute(config.auth_rate_per_minute),
            user_quota: Quota::per_minute(config.user_rate_per_minute),
            anonymous_quota: Quota::per_minute(config.anonymous_rate_per_minute),
        },
        redis,
        nats,
        relay: relay_status,
        uploads: Uploads {
            storage: ObjectStorage::from_url(&config.object_store_url)
                .context("cannot open the object store")?,
            temp_dir: if config.upload_temp_dir.trim().is_empty() {
                std::env::temp_dir()
            } else {
                std::path::PathBuf::from(config.upload_temp_dir.trim())
            },
            max_upload_bytes: config.max_upload_bytes,
            limits: ImportLimits {
                max_field_bytes: config.max_csv_field_bytes.max(1024),
                ..ImportLimits::default()
            },
        },
    });

    let edge = EdgeSettings {
        cors_origins: config
            .cors_origins
            .iter()
            .filter(|origin| !origin.trim().is_empty())
            .filter_map(|origin| HeaderValue::from_str(origin.trim()).ok())
            .collect(),
        body_limit: config.body_limit_bytes,
        request_timeout: Duration::from_secs(config.request_timeout_seconds.max(1)),
        upload_timeout: Duration::from_secs(config.upload_timeout_seconds.max(1)),
    };
    let router = layers::apply(router(state.clone()), &edge);
    Ok((router, state))
}

/// Every route of the command API, documented in its OpenAPI document.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = openapi::api_router().split_for_parts();
    let document = Arc::new(openapi::document());
    api_router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .merge(health::router())
        .fallback(layers::not_found_fallback)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(Admission {
                tokens: state.tokens.clone(),
                limiter: state.limiter.clone(),
                client_ip_source: state.settings.client_ip_source,
                scope: "command",
                user_quota: state.settings.user_quota,
                anonymous_quota: state.settings.anonymous_quota,
                sign_in_quota: Some(state.settings.auth_quota),
            }),
            admission::authenticate_and_limit,
        ))
        .with_state(state)
}
