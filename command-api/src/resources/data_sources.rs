//! `/api/v1/data-sources`: where data comes from. Connection details are sealed before they reach an event.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_domain::{DataSourceCommand, DataSources, Description, ResourceName};
use vizpro_events::data_source::{DataSourceKind, SealedConnection};
use vizpro_http_edge::extract::{JsonBody, PathParams};
use vizpro_http_edge::tokens::Caller;
use vizpro_http_edge::{Problem, ProblemDocument};

use super::{actor, ensure_something_to_change};
use crate::commands::{Accepted, CommandRun, RequestMeta, execute};
use crate::error::ApiError;
use crate::state::AppState;

/// How to reach a PostgreSQL or MySQL database. Sealed with AES-256-GCM at once; never returned or logged.
#[derive(Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionDetails {
    #[schema(example = "db.internal")]
    pub host: String,
    #[schema(example = 5432)]
    pub port: u16,
    #[schema(example = "analytics")]
    pub database: String,
    #[schema(example = "reporting")]
    pub username: String,
    /// Write-only.
    #[schema(write_only)]
    pub password: String,
    /// For PostgreSQL: `disable`, `prefer` or `require` (default `prefer`).
    #[serde(default)]
    pub ssl_mode: Option<String>,
}

impl std::fmt::Debug for ConnectionDetails {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ConnectionDetails")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

impl ConnectionDetails {
    fn validate(&self, field: &str) -> Result<(), Problem> {
        let text_ok = |value: &str, max: usize| {
            !value.trim().is_empty()
                && value.chars().count() <= max
                && !value.chars().any(char::is_control)
        };
        if !text_ok(&self.host, 253) || self.host.chars().any(char::is_whitespace) {
            return Err(Problem::invalid_field(
                format!("{field}.host"),
                "must be a host name or address",
            ));
        }
        if self.port == 0 {
            return Err(Problem::invalid_field(
                format!("{field}.port"),
                "must be between 1 and 65535",
            ));
        }
        if !text_ok(&self.database, 128) {
            return Err(Problem::invalid_field(
                format!("{field}.database"),
                "must be 1 to 128 characters",
            ));
        }
        if !text_ok(&self.username, 128) {
            return Err(Problem::invalid_field(
                format!("{field}.username"),
                "must be 1 to 128 characters",
            ));
        }
        if self.password.chars().count() > 1024 || self.password.contains('\0') {
            return Err(Problem::invalid_field(
                format!("{field}.password"),
                "must be at most 1024 characters",
            ));
        }
        if let Some(mode) = &self.ssl_mode
            && !["disable", "prefer", "require"].contains(&mode.as_str())
        {
            return Err(Problem::invalid_field(
                format!("{field}.ssl_mode"),
                "must be disable, prefer or require",
            ));
        }
        Ok(())
    }

    fn display_address(&self) -> String {
        format!(
            "{}@{}:{}/{}",
            self.username, self.host, self.port, self.database
        )
    }

    /// What identifies the request for idempotency, without the password.
    fn fingerprint(&self) -> serde_json::Value {
        serde_json::json!({ "address": self.display_address(), "ssl_mode": self.ssl_mode })
    }
}

fn seal(
    state: &AppState,
    data_source_id: Uuid,
    details: &ConnectionDetails,
) -> Result<SealedConnection, ApiError> {
    let plaintext =
        serde_json::to_vec(details).map_err(|error| ApiError::Internal(error.into()))?;
    state
        .sealer
        .seal(data_source_id, &plaintext)
        .map_err(|error| {
            ApiError::Internal(anyhow::anyhow!(
                "sealing connection details failed: {error}"
            ))
        })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDataSource {
    #[schema(example = "Sales warehouse")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `upload` (CSV files), `postgres` or `mysql`.
    #[schema(value_type = String, example = "postgres")]
    pub kind: DataSourceKind,
    /// Required for `postgres` and `mysql`; not allowed for `upload`.
    pub connection: Option<ConnectionDetails>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDataSource {
    pub name: Option<String>,
    pub description: Option<String>,
    pub connection: Option<ConnectionDetails>,
}

#[utoipa::path(post, path = "/api/v1/data-sources", tag = "data-sources", request_body = CreateDataSource,
    security(("bearer" = [])),
    responses((status = 201, body = Accepted), (status = 403, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    JsonBody(request): JsonBody<CreateDataSource>,
) -> Result<Accepted, ApiError> {
    let name = ResourceName::parse("name", &request.name)?;
    let description = Description::parse(&request.description)?;
    let data_source_id = Uuid::now_v7();
    if let Some(details) = &request.connection {
        details.validate("connection")?;
    }
    let connection = request
        .connection
        .as_ref()
        .map(|details| seal(&state, data_source_id, details))
        .transpose()?;
    let display_address = request
        .connection
        .as_ref()
        .map(ConnectionDetails::display_address);
    let fingerprint = serde_json::json!({
        "name": name.as_str(), "description": description.as_str(), "kind": request.kind,
        "connection": request.connection.as_ref().map(ConnectionDetails::fingerprint),
    });
    execute::<DataSources>(
        &state,
        CommandRun {
            stream_id: data_source_id,
            commands: vec![DataSourceCommand::Create {
                actor: actor(caller),
                data_source_id,
                name,
                description,
                kind: request.kind,
                connection,
                display_address,
            }],
            actor_id: Some(caller.user_id),
            meta: &meta,
            fingerprint,
            side_writes: vec![],
            creates: true,
            tile_id: None,
        },
    )
    .await
}

#[utoipa::path(patch, path = "/api/v1/data-sources/{id}", tag = "data-sources", request_body = UpdateDataSource,
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "The data source")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 409, body = ProblemDocument),
              (status = 412, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<UpdateDataSource>,
) -> Result<Accepted, ApiError> {
    let actor = actor(caller);
    let mut commands = Vec::new();
    let mut fingerprint = serde_json::Map::new();
    if let Some(name) = &request.name {
        let name = ResourceName::parse("name", name)?;
        fingerprint.insert("name".into(), name.as_str().into());
        commands.push(DataSourceCommand::Rename { actor, name });
    }
    if let Some(description) = &request.description {
        let description = Description::parse(description)?;
        fingerprint.insert("description".into(), description.as_str().into());
        commands.push(DataSourceCommand::ChangeDescription { actor, description });
    }
    if let Some(details) = &request.connection {
        details.validate("connection")?;
        fingerprint.insert("connection".into(), details.fingerprint());
        commands.push(DataSourceCommand::ChangeConnection {
            actor,
            connection: seal(&state, id, details)?,
            display_address: details.display_address(),
        });
    }
    ensure_something_to_change(commands.len())?;
    execute::<DataSources>(
        &state,
        CommandRun::change(id, commands, caller.user_id, &meta, fingerprint.into()),
    )
    .await
}

#[utoipa::path(delete, path = "/api/v1/data-sources/{id}", tag = "data-sources", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The data source")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
) -> Result<Accepted, ApiError> {
    let commands = vec![DataSourceCommand::Delete {
        actor: actor(caller),
    }];
    execute::<DataSources>(
        &state,
        CommandRun::change(
            id,
            commands,
            caller.user_id,
            &meta,
            serde_json::json!("delete"),
        ),
    )
    .await
}

super::sharing::sharing_endpoints!(
    DataSources,
    DataSourceCommand,
    "data-sources",
    "/api/v1/data-sources/{id}/grants",
    "/api/v1/data-sources/{id}/grants/{grantee}"
);
