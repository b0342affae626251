//! RFC 9457 problem details.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One offending field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Where in the request the problem is, as a path such as `spec.query.measures[0].column`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// The body of an error response (RFC 9457).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProblemDocument {
    /// A stable identifier of the kind of problem, e.g. `urn:vizpro:problem:validation-failed`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short human summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// The offending fields, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Further members that some problems carry (for example `expected_version` and `actual_version`).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: Map<String, Value>,
}

/// An error response under construction.
#[derive(Debug, Clone)]
pub struct Problem {
    status: StatusCode,
    // Boxed so that `Result<_, Problem>` stays small on every request path.
    document: Box<ProblemDocument>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Problem {
    /// A problem whose `type` is `urn:vizpro:problem:<slug>`.
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            status,
            document: Box::new(ProblemDocument {
                problem_type: format!("urn:vizpro:problem:{slug}"),
                title: title.to_owned(),
                status: status.as_u16(),
                detail: detail.into(),
                errors: Vec::new(),
                extensions: Map::new(),
            }),
            headers: Vec::new(),
        }
    }

    /// 422 with one or more offending fields.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [single] => format!("{}: {}", single.field, single.message),
            _ => format!("{} fields are invalid", errors.len()),
        };
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation-failed",
            "The request is not valid",
            detail,
        );
        problem.document.errors = errors;
        problem
    }

    /// 422 for one field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem::validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    pub fn bad_request(slug: &str, detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            slug,
            "The request is malformed",
            detail,
        )
    }

    pub fn unauthorized(slug: &str, detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            slug,
            "Authentication is required",
            detail,
        )
        .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "This action is not allowed",
            detail,
        )
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "The resource does not exist",
            detail,
        )
    }

    /// 500 with a detail that reveals nothing; the cause must be logged by the caller.
    pub fn internal() -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-error",
            "Something went wrong on our side",
            "The request could not be completed. It has been logged with its request id.",
        )
    }

    /// 503 for a dependency that cannot be reached.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
            "The service is unavailable",
            detail,
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from_static("2"))
    }

    pub fn with_extension(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.document
            .extensions
            .insert(name.to_owned(), value.into());
        self
    }

    /// Names the offending fields of a problem that is not a plain validation failure (for example a 413).
    pub fn with_field_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.document.errors = errors;
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn document(&self) -> &ProblemDocument {
        &self.document
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.document).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{} {}: {}",
            self.status.as_u16(),
            self.document.problem_type,
            self.document.detail
        )
    }
}
