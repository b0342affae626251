//! Liveness and readiness.

use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process is up.
async fn healthz() -> impl IntoResponse {
    axum::Json(json!({ "status": "ok" }))
}

/// Ready when PostgreSQL answers. NATS and Redis are reported but do not make the service unready: commands
/// succeed without them (the relay catches up; rate limits fall back to local counting).
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let database = sqlx::query("select 1")
        .execute(state.store.pool())
        .await
        .is_ok();
    let nats = state.nats.connection_state() == async_nats::connection::State::Connected;
    let redis = state.redis.read().await.is_some();
    let checkpoint = *state.relay.checkpoint.lock().await;
    let body = json!({
        "status": if database { "ready" } else { "unavailable" },
        "database": database,
        "nats": nats,
        "redis": redis,
        "relay": {
            "leader": state.relay.leader.load(Ordering::Relaxed),
            "published": state.relay.published_total.load(Ordering::Relaxed),
            "backlog_events": state.relay.backlog_events.load(Ordering::Relaxed),
            "checkpoint_position": checkpoint.position,
            "horizon_age_seconds": *state.relay.horizon_age_seconds.lock().await,
            "payloads_omitted": state.relay.payloads_omitted.load(Ordering::Relaxed),
            "last_omitted_event_id": *state.relay.last_omitted_event.lock().await,
            "stream_refused": state.relay.stream_refused.lock().await.clone(),
        },
    });
    let status = if database {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body))
}

async fn metrics(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> impl IntoResponse {
    vizpro_http_edge::telemetry::metrics_response(state.settings.metrics_token.as_ref(), &request)
}
