//! What can go wrong turning an upload into a stored dataset version.

/// A reason an upload cannot become a dataset version. Every variant but [`ImportError::Io`] and
/// [`ImportError::Storage`] is the uploader's to fix, and names where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has a header row but no data rows")]
    NoRows,
    #[error("line {line} has {found} fields where the header has {expected}")]
    RaggedRow {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error(
        "line {line} contains binary data (a NUL or control byte); the file is not text, or it is UTF-16 without a byte-order mark and needs its encoding declared"
    )]
    BinaryData { line: u64 },
    #[error(
        "line {line} is not valid {encoding}; declare the file's encoding (for example windows-1252)"
    )]
    InvalidEncoding { line: u64, encoding: String },
    #[error("\"{label}\" is not an encoding this service knows")]
    UnknownEncoding { label: String },
    #[error("line {line}, column \"{column}\": a field is larger than {limit_bytes} bytes")]
    FieldTooLarge {
        line: u64,
        column: String,
        limit_bytes: usize,
    },
    #[error("a line near line {line} is longer than {limit_bytes} bytes")]
    LineTooLong { line: u64, limit_bytes: usize },
    #[error("the file has {found} columns; at most {limit} are supported")]
    TooManyColumns { found: usize, limit: usize },
    #[error("column {position} of the header has no name")]
    EmptyColumnName { position: usize },
    #[error("the column name \"{name}\" appears more than once in the header")]
    DuplicateColumnName { name: String },
    #[error("column {position}'s name is longer than {limit} characters")]
    ColumnNameTooLong { position: usize, limit: usize },
    #[error("the type override names \"{name}\", which is not a column of the file")]
    UnknownOverrideColumn { name: String },
    #[error("line {line}, column \"{column}\": \"{value}\" is not a valid {expected}")]
    TypeMismatch {
        line: u64,
        column: String,
        value: String,
        expected: String,
    },
    #[error(
        "line {line} opens a quoted field that is never closed: the quote swallows the rest of the file"
    )]
    UnclosedQuote { line: u64 },
    #[error("line {line}: the CSV is malformed: {detail}")]
    Malformed { line: u64, detail: String },
    #[error("the stored data could not be written: {0}")]
    Io(#[from] std::io::Error),
    #[error("the Parquet file could not be written: {0}")]
    Parquet(String),
    #[error("the object store failed: {0}")]
    Storage(String),
}

impl ImportError {
    /// Whether the upload itself is at fault (answer 4xx), rather than this service (answer 5xx).
    pub fn is_the_uploaders_fault(&self) -> bool {
        !matches!(
            self,
            ImportError::Io(_) | ImportError::Parquet(_) | ImportError::Storage(_)
        )
    }

    /// The line of the file the problem is on, when there is one.
    pub fn line(&self) -> Option<u64> {
        match self {
            ImportError::RaggedRow { line, .. }
            | ImportError::BinaryData { line }
            | ImportError::UnclosedQuote { line }
            | ImportError::InvalidEncoding { line, .. }
            | ImportError::FieldTooLarge { line, .. }
            | ImportError::LineTooLong { line, .. }
            | ImportError::TypeMismatch { line, .. }
            | ImportError::Malformed { line, .. } => Some(*line),
            _ => None,
        }
    }
}

impl From<object_store::Error> for ImportError {
    fn from(error: object_store::Error) -> Self {
        ImportError::Storage(error.to_string())
    }
}
