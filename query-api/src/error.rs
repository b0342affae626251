//! The query API's errors and their problem+json answers.

use axum::response::{IntoResponse, Response};
use vizpro_http_edge::Problem;
use vizpro_read_models::ReadModelError;

/// Everything a read handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The resource does not exist, is deleted, or the caller may not see it. The three cases answer the
    /// same way so that an answer never reveals that someone else's resource exists.
    #[error("the {resource} does not exist or is not visible to the caller")]
    NotFound { resource: &'static str },
    /// The caller is known but their role does not allow the request.
    #[error("{0}")]
    Forbidden(String),
    /// A problem answered as it is.
    #[error("{0}")]
    Problem(Problem),
    /// A database failure: unreachable answers 503, anything else is a technical fault.
    #[error("database query failed: {0}")]
    Database(#[from] sqlx::Error),
    /// A technical fault: logged in full, answered as a bare 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn not_found(resource: &'static str) -> Self {
        ApiError::NotFound { resource }
    }

    pub fn into_problem(self) -> Problem {
        match self {
            ApiError::NotFound { resource } => Problem::not_found(format!(
                "The {resource} does not exist or is not visible to you."
            )),
            ApiError::Forbidden(reason) => Problem::forbidden(reason),
            ApiError::Problem(problem) => problem,
            ApiError::Database(error) if is_unavailable(&error) => {
                tracing::error!(error = %error, "the read-model database is unavailable");
                Problem::unavailable("The database is unavailable right now. Try again shortly.")
            }
            ApiError::Database(error) => {
                tracing::error!(error = %error, "a read-model query failed");
                Problem::internal()
            }
            ApiError::Internal(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "a read failed for a technical reason"
                );
                Problem::internal()
            }
        }
    }
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError::Problem(problem)
    }
}

impl From<ReadModelError> for ApiError {
    fn from(error: ReadModelError) -> Self {
        match error {
            ReadModelError::Database(error) => ApiError::Database(error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.into_problem().into_response()
    }
}

/// Whether an error means the database cannot be reached (as opposed to refusing a statement): such
/// failures are worth a retry, so they answer 503 rather than 500.
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(database_error) => {
            // Class 57 (operator intervention, e.g. shutting down) and 08 (connection exception).
            database_error
                .code()
                .is_some_and(|code| code.starts_with("57") || code.starts_with("08"))
        }
        _ => false,
    }
}
