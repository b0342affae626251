//! Authentication once per request, and rate limits.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use vizpro_http_edge::Problem;
use vizpro_http_edge::client_ip::client_ip;
use vizpro_http_edge::rate_limit::Decision;
use vizpro_http_edge::tokens::Authentication;

use crate::state::AppState;

/// Verifies the access token (if any) once, keeps the outcome for the `Caller` extractor, and counts the
/// request against the right limit: strict per address for sign-in and registration, per user for
/// signed-in callers, per address for everyone else.
pub async fn authenticate_and_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let authentication = Authentication::from_parts(&parts, &state.tokens);
    let address = client_ip(&parts, state.settings.client_ip_source)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let (key, quota) = if path.starts_with("/api/v1/auth/") {
        (format!("auth:{address}"), state.settings.auth_quota)
    } else if let Authentication::Authenticated(caller) = &authentication {
        (
            format!("user:{}", caller.user_id),
            state.settings.user_quota,
        )
    } else {
        (
            format!("anonymous:{address}"),
            state.settings.anonymous_quota,
        )
    };
    if let Decision::Limited { retry_after } = state.limiter.check(&key, quota).await {
        return too_many_requests(retry_after).into_response();
    }
    parts.extensions.insert(authentication);
    next.run(Request::from_parts(parts, body)).await
}

pub fn too_many_requests(retry_after: std::time::Duration) -> Problem {
    let seconds = retry_after.as_secs_f64().ceil().max(1.0) as u64;
    Problem::new(
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        format!("Too many requests; try again in {seconds} seconds."),
    )
    .with_header(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds))
}
