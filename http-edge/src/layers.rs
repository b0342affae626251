//! The middleware every vizpro API runs behind.

use std::any::Any;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::{
    SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::problem::{PROBLEM_JSON, Problem};

/// Settings of the standard layers.
#[derive(Debug, Clone)]
pub struct EdgeSettings {
    /// Origins allowed to call the API from a browser (empty: same origin only).
    pub cors_origins: Vec<HeaderValue>,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How long a request may take before it is answered with 503.
    pub request_timeout: Duration,
    /// How long a file upload (a `multipart/form-data` request) may take; uploads of hundreds of
    /// megabytes need longer than other requests.
    pub upload_timeout: Duration,
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps `router` in request ids, tracing, sensitive-header redaction, panic and timeout handling, security
/// headers, CORS, body limits, and a last pass that turns every bare error response into problem+json.
pub fn apply(router: Router, settings: &EdgeSettings) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(settings.cors_origins.clone()))
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-min-position"),
            REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            REQUEST_ID,
            HeaderName::from_static("x-position"),
            HeaderName::from_static("x-cache"),
        ])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600));

    let timeout = settings.request_timeout;
    let upload_timeout = settings.upload_timeout;
    let router = router
        .layer(DefaultBodyLimit::max(settings.body_limit))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(SetSensitiveRequestHeadersLayer::new([
                    header::AUTHORIZATION,
                    header::COOKIE,
                ]))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request| {
                            let request_id = request
                                .headers()
                                .get(REQUEST_ID)
                                .and_then(|value| value.to_str().ok())
                                .unwrap_or("-");
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                path = %request.uri().path(),
                                request_id = %request_id,
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(SetSensitiveResponseHeadersLayer::new([header::SET_COOKIE]))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(panic_as_problem))
                .layer(axum::middleware::map_response(problem_for_bare_errors))
                .layer(cors)
                .layer(axum::middleware::from_fn(
                    move |request: Request, next: axum::middleware::Next| {
                        let limit = if is_upload(&request) {
                            upload_timeout
                        } else {
                            timeout
                        };
                        async move {
                            match tokio::time::timeout(limit, next.run(request)).await {
                                Ok(response) => response,
                                Err(_) => Problem::unavailable(format!(
                                    "The request did not complete within {} seconds.",
                                    limit.as_secs()
                                ))
                                .into_response(),
                            }
                        }
                    },
                )),
        );
    // Outermost, so that every answer carries them: panics, time-outs and the framework's own errors too.
    security_headers()
        .into_iter()
        .fold(router, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::if_not_present(name, value))
        })
}

/// The headers every API answer carries unless it sets its own (the SPA's pages do, with a policy that
/// lets them run): no sniffing, no framing, no referrer, no content of any kind, HTTPS only.
pub fn security_headers() -> [(HeaderName, HeaderValue); 5] {
    [
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ),
        (
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        ),
    ]
}

/// [`security_headers`] on the routes of `router` (not its fallback): for routes that live outside
/// [`apply`], such as an all-in-one binary's own.
pub fn with_security_headers(router: Router) -> Router {
    security_headers()
        .into_iter()
        .fold(router, |router, (name, value)| {
            router.route_layer(SetResponseHeaderLayer::if_not_present(name, value))
        })
}

/// Whether a request carries a file upload.
/// Uploads, and re-conversions of an uploaded file with other column types, take as long as the file is
/// large; they get the upload timeout instead of the request timeout.
fn is_upload(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"))
        || (request.method() == Method::POST && request.uri().path().ends_with("/column-types"))
}

/// The answer for a route that does not exist.
pub async fn not_found_fallback() -> Problem {
    Problem::not_found("There is no such endpoint. The API is described at /api/v1/openapi.json.")
}

fn panic_as_problem(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = %message, "a request handler panicked");
    Problem::internal().into_response()
}

/// Error responses produced by the framework (405, 413, 408 and the like) come without a body that names
/// the problem; this gives them one, keeping the framework's own explanation as the detail.
async fn problem_for_bare_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .filter(|text| !text.trim().is_empty())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    let (slug, detail) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "This endpoint does not support this method; the API is described at /api/v1/openapi.json.".to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("body-too-large", "The request body exceeds the size this endpoint accepts.".to_owned()),
        _ if status.is_server_error() => {
            tracing::error!(status = status.as_u16(), body = %text, "an error response without a problem body");
            ("internal-error", "The request could not be completed.".to_owned())
        }
        _ => ("request-rejected", text),
    };
    let title = status.canonical_reason().unwrap_or("Error");
    let mut problem = Problem::new(status, slug, title, detail).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let (mut new_parts, body) = problem.into_parts();
    new_parts.extensions = parts.extensions;
    Response::from_parts(new_parts, Body::new(body))
}
