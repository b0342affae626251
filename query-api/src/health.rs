//! Liveness, readiness and metrics.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;
use vizpro_http_edge::redis_slot::{self, REDIS_COMMAND_TIMEOUT};

use crate::state::AppState;

/// `/healthz`, `/readyz` and `/metrics`. An all-in-one binary that already serves these paths for another
/// service can mount this router under a prefix of its own.
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

/// Ready when PostgreSQL answers. Redis is reported but does not make the service unready: every read is
/// answered from PostgreSQL while Redis is away.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let database = sqlx::query("select 1").execute(&state.pool).await.is_ok();
    let redis = match redis_slot::connection(&state.redis).await {
        Some(mut connection) => {
            let command = redis::cmd("PING");
            let ping = command.query_async::<String>(&mut connection);
            matches!(
                tokio::time::timeout(REDIS_COMMAND_TIMEOUT, ping).await,
                Ok(Ok(_))
            )
        }
        None => false,
    };
    let body = json!({
        "status": if database { "ready" } else { "unavailable" },
        "database": database,
        "redis": redis,
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
