use uuid::Uuid;

use crate::ExpectedVersion;

/// Why an event-store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer got there first, or the caller's expectation was wrong.
    #[error("stream {stream_id} was expected at version {expected} but is at version {}", actual.unwrap_or(0))]
    Conflict {
        stream_id: Uuid,
        expected: ExpectedVersion,
        actual: Option<i32>,
    },
    #[error("stream {stream_id} belongs to another kind of resource")]
    WrongStreamType { stream_id: Uuid },
    #[error("an append needs at least one event")]
    NothingToAppend,
    /// The database cannot be reached right now; the caller should answer 503 and try again later.
    #[error("the event store is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// An event's payload is over the documented maximum; nothing was appended.
    #[error("a {event_type} event would be {size} bytes, over the limit of {limit}")]
    PayloadTooLarge {
        event_type: String,
        /// The payload's largest top-level field, which the request most likely made too large.
        field: Option<String>,
        size: usize,
        limit: usize,
    },
    #[error("event payload cannot be stored: {0}")]
    UnstorablePayload(#[source] sqlx::Error),
    #[error("event store query failed: {0}")]
    Database(#[source] sqlx::Error),
    #[error("event metadata is malformed: {0}")]
    Metadata(#[source] serde_json::Error),
    #[error(transparent)]
    Codec(#[from] vizpro_events::CodecError),
    /// The binary copy of the history did not have the shape it was asked for.
    #[error("the event history cannot be read: {0}")]
    MalformedHistory(String),
}

impl StoreError {
    pub fn from_sqlx(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            return StoreError::Unavailable(error);
        }
        let code = error
            .as_database_error()
            .and_then(|database_error| database_error.code());
        // 22P05: a character jsonb cannot hold (NUL); 54000: a value beyond PostgreSQL's size limits.
        if matches!(
            code.as_deref(),
            Some("22P05") | Some("54000") | Some("22021")
        ) {
            return StoreError::UnstorablePayload(error);
        }
        StoreError::Database(error)
    }
}

/// Whether an error means the database cannot be reached (as opposed to refusing a statement).
pub fn is_unavailable(error: &sqlx::Error) -> bool {
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
