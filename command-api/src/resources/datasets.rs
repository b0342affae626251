//! `/api/v1/datasets`: tables of data charts are drawn from.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_domain::{DataSources, DatasetCommand, Datasets, Description, ResourceName};
use vizpro_events::dataset::DatasetSource;
use vizpro_http_edge::ProblemDocument;
use vizpro_http_edge::extract::{JsonBody, PathParams};
use vizpro_http_edge::tokens::Caller;

use super::{REFERENCE_NEED, actor, ensure_something_to_change, load_state, missing_reference};
use crate::commands::{Accepted, CommandRun, RequestMeta, execute};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDataset {
    #[schema(example = "Orders 2026")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `{"kind": "upload"}` (CSV versions uploaded later), `{"kind": "table", "data_source_id": …, "schema": …, "table": …}`
    /// or `{"kind": "query", "data_source_id": …, "sql": "select …"}`.
    #[schema(value_type = Object, example = json!({"kind": "upload"}))]
    pub source: DatasetSource,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDataset {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/datasets", tag = "datasets", request_body = CreateDataset, security(("bearer" = [])),
    responses((status = 201, body = Accepted), (status = 403, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    JsonBody(request): JsonBody<CreateDataset>,
) -> Result<Accepted, ApiError> {
    let name = ResourceName::parse("name", &request.name)?;
    let description = Description::parse(&request.description)?;
    let actor = actor(caller);
    let referenced_source = match &request.source {
        DatasetSource::Upload { .. } => None,
        DatasetSource::Table { data_source_id, .. }
        | DatasetSource::Query { data_source_id, .. } => Some(*data_source_id),
    };
    if let Some(data_source_id) = referenced_source {
        load_state::<DataSources>(&state, data_source_id)
            .await?
            .authorize(&actor, REFERENCE_NEED)
            .map_err(|error| missing_reference("source.data_source_id", error))?;
    }
    let dataset_id = Uuid::now_v7();
    let fingerprint = serde_json::json!({
        "name": name.as_str(), "description": description.as_str(), "source": request.source,
    });
    execute::<Datasets>(
        &state,
        CommandRun {
            creates: true,
            ..CommandRun::change(
                dataset_id,
                vec![DatasetCommand::Create {
                    actor,
                    dataset_id,
                    name,
                    description,
                    source: request.source,
                }],
                caller.user_id,
                &meta,
                fingerprint,
            )
        },
    )
    .await
}

#[utoipa::path(patch, path = "/api/v1/datasets/{id}", tag = "datasets", request_body = UpdateDataset, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dataset")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 412, body = ProblemDocument),
              (status = 422, body = ProblemDocument)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<UpdateDataset>,
) -> Result<Accepted, ApiError> {
    let actor = actor(caller);
    let mut commands = Vec::new();
    if let Some(name) = &request.name {
        commands.push(DatasetCommand::Rename {
            actor,
            name: ResourceName::parse("name", name)?,
        });
    }
    if let Some(description) = &request.description {
        commands.push(DatasetCommand::ChangeDescription {
            actor,
            description: Description::parse(description)?,
        });
    }
    ensure_something_to_change(commands.len())?;
    let fingerprint =
        serde_json::json!({ "name": request.name, "description": request.description });
    execute::<Datasets>(
        &state,
        CommandRun::change(id, commands, caller.user_id, &meta, fingerprint),
    )
    .await
}

#[utoipa::path(delete, path = "/api/v1/datasets/{id}", tag = "datasets", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dataset")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
) -> Result<Accepted, ApiError> {
    let commands = vec![DatasetCommand::Delete {
        actor: actor(caller),
    }];
    execute::<Datasets>(
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
    Datasets,
    DatasetCommand,
    "datasets",
    "/api/v1/datasets/{id}/grants",
    "/api/v1/datasets/{id}/grants/{grantee}"
);
