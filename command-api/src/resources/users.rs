//! `/api/v1/users/{id}`: account changes by the user themselves or by an admin.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_domain::{DisplayName, Password, UserCommand, Users};
use vizpro_events::Role;
use vizpro_http_edge::extract::{JsonBody, PathParams};
use vizpro_http_edge::tokens::Caller;
use vizpro_http_edge::{Problem, ProblemDocument};

use super::actor;
use crate::auth::{hash_password, verify_password};
use crate::commands::{Accepted, CommandRun, RequestMeta, SideWrite, execute};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[schema(example = "Ada Lovelace")]
    pub display_name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRole {
    /// admin, editor, viewer or auditor.
    #[schema(value_type = String, example = "viewer")]
    pub role: Role,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// Required when changing one's own password.
    pub current_password: Option<String>,
    pub new_password: String,
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("ChangePassword { .. }")
    }
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UpdateUser, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<UpdateUser>,
) -> Result<Accepted, ApiError> {
    let display_name = DisplayName::parse(&request.display_name)?;
    let fingerprint = serde_json::json!({ "display_name": display_name.as_str() });
    let commands = vec![UserCommand::ChangeDisplayName {
        actor: actor(caller),
        display_name,
    }];
    execute::<Users>(
        &state,
        CommandRun::change(id, commands, caller.user_id, &meta, fingerprint),
    )
    .await
}

/// Admins change other users' roles. The new role is in the user's next access token.
#[utoipa::path(put, path = "/api/v1/users/{id}/role", tag = "users", request_body = ChangeRole, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 409, body = ProblemDocument)))]
pub async fn change_role(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<ChangeRole>,
) -> Result<Accepted, ApiError> {
    let fingerprint = serde_json::json!({ "role": request.role });
    let commands = vec![UserCommand::ChangeRole {
        actor: actor(caller),
        role: request.role,
    }];
    execute::<Users>(
        &state,
        CommandRun::change(id, commands, caller.user_id, &meta, fingerprint),
    )
    .await
}

/// Changes a password and ends every session of the user. Users must confirm their current password;
/// admins resetting someone else's do not.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "users", request_body = ChangePassword, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user")),
    responses((status = 200, body = Accepted), (status = 403, body = ProblemDocument), (status = 404, body = ProblemDocument),
              (status = 422, body = ProblemDocument)))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<ChangePassword>,
) -> Result<Accepted, ApiError> {
    let new_password = Password::parse(&request.new_password)?;
    // The account's own email address and name are refused as its password. Only for a caller who may
    // change it (the user or an admin): for anyone else the answer would tell whether a guess is the
    // account's email. Whatever else is wrong is left to the command, which answers as it always does.
    let may_change = caller.user_id == id || caller.role == Role::Admin;
    let account = match may_change {
        true => super::load_state::<Users>(&state, id).await?,
        false => Default::default(),
    };
    if let Some(user) = account.user() {
        crate::auth::refuse_guessable_password(
            &new_password,
            &[user.email.as_str(), user.display_name.as_str()],
        )?;
    }
    if caller.user_id == id {
        let current = request.current_password.ok_or_else(|| {
            Problem::invalid_field("current_password", "confirm your current password")
        })?;
        let stored: Option<String> =
            sqlx::query_scalar("select password_hash from user_credentials where user_id = $1")
                .bind(id)
                .fetch_optional(state.store.pool())
                .await?;
        let matches = match stored {
            Some(hash) => verify_password(hash, current).await?,
            None => false,
        };
        if !matches {
            return Err(Problem::forbidden("The current password is wrong.").into());
        }
    }
    let password_hash = hash_password(new_password).await?;
    execute::<Users>(
        &state,
        CommandRun {
            side_writes: vec![
                SideWrite::StoreCredentials {
                    user_id: id,
                    password_hash,
                },
                SideWrite::RevokeSessions { user_id: id },
            ],
            ..CommandRun::change(
                id,
                vec![UserCommand::ChangePassword {
                    actor: actor(caller),
                }],
                caller.user_id,
                &meta,
                serde_json::json!("password"),
            )
        },
    )
    .await
}

/// Deactivates an account (admins only) and ends its sessions.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 409, body = ProblemDocument)))]
pub async fn deactivate(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
) -> Result<Accepted, ApiError> {
    execute::<Users>(
        &state,
        CommandRun {
            side_writes: vec![SideWrite::RevokeSessions { user_id: id }],
            ..CommandRun::change(
                id,
                vec![UserCommand::Deactivate {
                    actor: actor(caller),
                }],
                caller.user_id,
                &meta,
                serde_json::json!("deactivate"),
            )
        },
    )
    .await
}
