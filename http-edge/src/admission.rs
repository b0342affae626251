//! Authentication once per request, and rate limits: the middleware both APIs run in front of `/api/v1`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Problem;
use crate::client_ip::{ClientIpSource, client_ip};
use crate::rate_limit::{Decision, Quota, RateLimiter};
use crate::tokens::{Authentication, TokenKeys};

/// Who is let in, and how often.
#[derive(Debug, Clone)]
pub struct Admission {
    pub tokens: Arc<TokenKeys>,
    pub limiter: RateLimiter,
    pub client_ip_source: ClientIpSource,
    /// Prefixes every limiter key, so that each service counts against quotas of its own (a page full of
    /// reads must not use up the quota that a user's writes count against).
    pub scope: &'static str,
    /// Requests per signed-in user.
    pub user_quota: Quota,
    /// Requests per anonymous client address.
    pub anonymous_quota: Quota,
    /// Requests per client address to `/api/v1/auth/…` (registration, sign-in, refresh), when the service
    /// has those endpoints: deliberately strict against password guessing.
    pub sign_in_quota: Option<Quota>,
}

/// Verifies the access token (if any) once, keeps the outcome for the `Caller` extractor, and counts the
/// request against the right limit. Paths outside `/api/v1/` and the OpenAPI document are not limited.
pub async fn authenticate_and_limit(
    State(admission): State<Arc<Admission>>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path();
    if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let authentication = Authentication::from_parts(&parts, &admission.tokens);
    let address = || {
        client_ip(&parts, admission.client_ip_source)
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".to_owned())
    };
    let scope = admission.scope;
    let (key, quota) = match (&authentication, admission.sign_in_quota) {
        (_, Some(quota)) if path.starts_with("/api/v1/auth/") => {
            (format!("{scope}:auth:{}", address()), quota)
        }
        (Authentication::Authenticated(caller), _) => (
            format!("{scope}:user:{}", caller.user_id),
            admission.user_quota,
        ),
        _ => (
            format!("{scope}:anonymous:{}", address()),
            admission.anonymous_quota,
        ),
    };
    if let Decision::Limited { retry_after } = admission.limiter.check(&key, quota).await {
        return too_many_requests(retry_after).into_response();
    }
    parts.extensions.insert(authentication);
    next.run(Request::from_parts(parts, body)).await
}

/// 429 with `Retry-After` in whole seconds.
pub fn too_many_requests(retry_after: Duration) -> Problem {
    let seconds = retry_after.as_secs_f64().ceil().max(1.0) as u64;
    Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        format!("Too many requests; try again in {seconds} seconds."),
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
}
