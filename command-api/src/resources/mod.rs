//! Command endpoints for users and the four shareable resources.

mod sharing;

pub mod charts;
pub mod dashboards;
pub mod data_sources;
pub mod dataset_versions;
pub mod datasets;
pub mod users;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_domain::{Actor, Decider, DomainError, Need};
use vizpro_events::{Access, Grantee, Role};
use vizpro_http_edge::Problem;
use vizpro_http_edge::tokens::Caller;

use crate::error::ApiError;
use crate::state::AppState;

pub fn actor(caller: Caller) -> Actor {
    Actor {
        user_id: caller.user_id,
        role: caller.role,
    }
}

/// Sharing a resource with a user or with everyone who has a role.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    /// `{"kind": "user", "user_id": "…"}` or `{"kind": "role", "role": "viewer"}`.
    #[schema(value_type = Object, example = json!({"kind": "user", "user_id": "0190a1b2-0000-7000-8000-000000000000"}))]
    pub grantee: Grantee,
    /// `view` or `edit`.
    #[schema(value_type = String, example = "view")]
    pub access: Access,
}

/// Parses the `{grantee}` path segment: `user:<uuid>` or `role:<role>`.
pub fn parse_grantee(raw: &str) -> Result<Grantee, Problem> {
    let invalid = || {
        Problem::bad_request(
            "invalid-path-parameter",
            "grantee must be `user:<uuid>` or `role:<admin|editor|viewer|auditor>`",
        )
    };
    match raw.split_once(':') {
        Some(("user", id)) => id
            .parse::<Uuid>()
            .map(|user_id| Grantee::User { user_id })
            .map_err(|_| invalid()),
        Some(("role", role)) => role
            .parse::<Role>()
            .map(|role| Grantee::Role { role })
            .map_err(|_| invalid()),
        _ => Err(invalid()),
    }
}

/// Loads another aggregate's state to check that the caller may see it (a chart's dataset, a tile's chart).
/// Answers 404 when it does not exist, is another kind of resource, or is not visible to the caller.
pub async fn load_state<D: Decider>(state: &AppState, id: Uuid) -> Result<D::State, ApiError> {
    let loaded = state.store.load::<D::Event>(id).await?;
    Ok(loaded
        .map(|stream| D::replay(&stream.events))
        .unwrap_or_default())
}

/// The 404 for a referenced resource, naming the field that referenced it.
pub fn missing_reference(field: &str, error: DomainError) -> ApiError {
    match error {
        DomainError::NotFound { resource } | DomainError::Deleted { resource } => {
            Problem::invalid_field(
                field,
                format!(
                    "no {} with this id exists or is visible to you",
                    resource.replace('_', " ")
                ),
            )
            .into()
        }
        other => other.into(),
    }
}

/// Rejects a PATCH that names nothing to change.
pub fn ensure_something_to_change(count: usize) -> Result<(), ApiError> {
    if count == 0 {
        return Err(Problem::invalid_field("body", "name at least one field to change").into());
    }
    Ok(())
}

/// View is enough to reference a resource.
pub const REFERENCE_NEED: Need = Need::View;
