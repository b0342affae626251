//! The one error type of every decision.

/// Why a command was rejected. Each variant maps to one HTTP status in the command API.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DomainError {
    /// The resource does not exist, or the actor may not see it. Both look the same so that ids cannot
    /// be probed for existence.
    #[error("{resource} not found")]
    NotFound {
        /// The kind of resource, e.g. "chart".
        resource: &'static str,
    },

    /// The actor sees the resource but may not do this.
    #[error("forbidden: {reason}")]
    Forbidden {
        /// What the actor lacks.
        reason: String,
    },

    /// A resource with this id already exists.
    #[error("{resource} already exists")]
    AlreadyExists {
        /// The kind of resource.
        resource: &'static str,
    },

    /// The resource has been deleted, so nothing more can happen to it.
    #[error("{resource} has been deleted")]
    Deleted {
        /// The kind of resource.
        resource: &'static str,
    },

    /// A value has the wrong shape.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// A JSON-pointer-like path to the value, e.g. "spec.query.measures[0].column".
        field: String,
        /// What is wrong, phrased for the person who sent it.
        reason: String,
    },

    /// The command breaks a business rule given the current state.
    #[error("{code}: {detail}")]
    Conflict {
        /// A stable kebab-case code clients can match on, e.g. "tile-not-found".
        code: &'static str,
        /// A human-readable explanation.
        detail: String,
    },
}

impl DomainError {
    /// Builds an [`DomainError::Invalid`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Builds a [`DomainError::Forbidden`].
    pub fn forbidden(reason: impl Into<String>) -> Self {
        DomainError::Forbidden {
            reason: reason.into(),
        }
    }

    /// Builds a [`DomainError::Conflict`].
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        DomainError::Conflict {
            code,
            detail: detail.into(),
        }
    }
}
