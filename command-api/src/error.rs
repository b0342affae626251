//! The command API's errors and their problem+json answers.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use vizpro_domain::DomainError;
use vizpro_event_store::StoreError;
use vizpro_http_edge::Problem;

/// Everything a command handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// `If-Match` named a version the stream is no longer at.
    #[error("the resource is at version {actual}, not {expected}")]
    PreconditionFailed { expected: i32, actual: i32 },
    /// A problem answered as it is.
    #[error("{0}")]
    Problem(Problem),
    /// A technical fault: logged in full, answered as a bare 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError::Problem(problem)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Store(StoreError::from_sqlx(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.into_problem().into_response()
    }
}

impl ApiError {
    pub fn into_problem(self) -> Problem {
        match self {
            ApiError::Problem(problem) => problem,
            ApiError::Domain(error) => domain_problem(error),
            ApiError::PreconditionFailed { expected, actual } => Problem::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition-failed",
                "The resource has changed",
                format!(
                    "If-Match named version {expected} but the resource is at version {actual}."
                ),
            )
            .with_extension("expected_version", expected)
            .with_extension("actual_version", actual),
            ApiError::Store(error) => store_problem(error),
            ApiError::Internal(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "a command failed for a technical reason"
                );
                Problem::internal()
            }
        }
    }
}

fn domain_problem(error: DomainError) -> Problem {
    match error {
        DomainError::NotFound { resource } => Problem::not_found(format!(
            "The {} does not exist or is not visible to you.",
            human(resource)
        )),
        DomainError::Forbidden { reason } => Problem::forbidden(reason),
        DomainError::AlreadyExists { resource } => Problem::new(
            StatusCode::CONFLICT,
            "already-exists",
            "The resource already exists",
            format!("The {} already exists.", human(resource)),
        ),
        DomainError::Deleted { resource } => Problem::new(
            StatusCode::GONE,
            "deleted",
            "The resource has been deleted",
            format!(
                "The {} has been deleted; it can no longer be changed.",
                human(resource)
            ),
        ),
        DomainError::Invalid { field, reason } => Problem::invalid_field(field, reason),
        DomainError::Conflict { code, detail } => Problem::new(
            StatusCode::CONFLICT,
            code,
            "The request conflicts with the resource's state",
            detail,
        ),
    }
}

fn store_problem(error: StoreError) -> Problem {
    match error {
        StoreError::Conflict { stream_id, expected, actual } => Problem::new(
            StatusCode::CONFLICT,
            "version-conflict",
            "The resource was changed concurrently",
            format!(
                "Expected version {expected} of {stream_id} but it is at version {}. Reload it and try again.",
                actual.unwrap_or(0)
            ),
        )
        .with_extension("expected_version", expected.to_string())
        .with_extension("actual_version", actual.unwrap_or(0)),
        StoreError::WrongStreamType { .. } => Problem::not_found("The resource does not exist or is not visible to you."),
        StoreError::Unavailable(cause) => {
            tracing::error!(error = %cause, "the event store is unavailable");
            Problem::unavailable("The database is unavailable right now; nothing was changed. Try again shortly.")
        }
        StoreError::PayloadTooLarge { event_type, field, size, limit } => {
            let field = field.unwrap_or_else(|| "body".to_owned());
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "event-too-large",
                "The change is too large to record",
                format!(
                    "`{field}` would make the {event_type} event {size} bytes, over the limit of {limit} bytes; nothing was changed."
                ),
            )
            .with_extension("limit_bytes", limit)
            .with_extension("size_bytes", size)
            .with_field_errors(vec![vizpro_http_edge::problem::FieldError {
                field,
                message: format!("makes the recorded change {size} bytes, over the limit of {limit} bytes"),
            }])
        }
        StoreError::UnstorablePayload(cause) => {
            tracing::warn!(error = %cause, "a value could not be stored");
            Problem::invalid_field("body", "a value contains characters or sizes that cannot be stored")
        }
        other => {
            tracing::error!(error = %other, "an event-store operation failed");
            Problem::internal()
        }
    }
}

/// `data_source` → `data source`, for messages people read.
fn human(resource: &str) -> String {
    resource.replace('_', " ")
}
