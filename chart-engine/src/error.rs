//! What can go wrong computing chart data.

/// A reason chart data could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The chart's specification does not fit its dataset; `field` is the JSON path of the culprit,
    /// such as `query.measures[1].column`.
    #[error("{field}: {detail}")]
    InvalidSpec { field: String, detail: String },
    /// The query needed more memory than one query may use.
    #[error(
        "the query needs more than the {limit_mib} MiB of memory a query may use; add filters or fewer groups"
    )]
    TooMuchMemory { limit_mib: usize },
    /// The query ran longer than a query may.
    #[error("the query did not finish within {seconds} seconds")]
    Timeout { seconds: u64 },
    /// The stored data of the dataset version is missing or unreadable.
    #[error("the dataset's stored data cannot be read: {0}")]
    DataUnavailable(String),
    /// An external database could not be reached or failed; the detail (which never holds the
    /// password) is for the caller.
    #[error("the data source cannot be read: {0}")]
    SourceUnavailable(String),
    /// Anything else; the detail is for logs, not for callers.
    #[error("the chart engine failed: {0}")]
    Internal(String),
}

impl EngineError {
    pub(crate) fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        EngineError::InvalidSpec {
            field: field.into(),
            detail: detail.into(),
        }
    }
}
