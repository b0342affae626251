//! Authentication once per request, and rate limits.
//!
//! This follows the command API's middleware: the command API's version takes that service's own state and
//! has a sign-in quota the read side does not need, so it cannot be called from here.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use vizpro_http_edge::Problem;
use vizpro_http_edge::client_ip::client_ip;
use vizpro_http_edge::rate_limit::Decision;
use vizpro_http_edge::tokens::Authentication;

use crate::state::AppState;

/// Verifies the access token (if any) once, keeps the outcome for the `Caller` extractor and the
/// read-your-writes wait, and counts the request against the right limit: per user for signed-in callers,
/// per address for everyone else. The keys are the query API's own, so that a page full of reads does not
/// use up the quota a user's writes to the command API count against.
pub async fn authenticate_and_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path();
    if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let authentication = Authentication::from_parts(&parts, &state.tokens);
    let (key, quota) = if let Authentication::Authenticated(caller) = &authentication {
        (
            format!("query:user:{}", caller.user_id),
            state.settings.user_quota,
        )
    } else {
        let address = client_ip(&parts, state.settings.client_ip_source)
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".to_owned());
        (
            format!("query:anonymous:{address}"),
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
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        format!("Too many requests; try again in {seconds} seconds."),
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
}
