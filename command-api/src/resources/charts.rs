//! `/api/v1/charts`: what to draw from a dataset, and how.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_domain::{ChartCommand, Charts, Datasets, Description, ResourceName, parse_chart_spec};
use vizpro_events::chart::{ChartSpec, ChartType};
use vizpro_http_edge::extract::{JsonBody, PathParams};
use vizpro_http_edge::tokens::Caller;
use vizpro_http_edge::{Problem, ProblemDocument};

use super::{REFERENCE_NEED, actor, ensure_something_to_change, load_state, missing_reference};
use crate::commands::{Accepted, CommandRun, RequestMeta, execute};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChart {
    pub dataset_id: Uuid,
    #[schema(example = "Revenue by month")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// bar, line, area, pie, donut, scatter, table, big_number, histogram, heatmap or pivot_table.
    #[schema(value_type = String, example = "bar")]
    pub chart_type: ChartType,
    /// `{"query": {"mode": "builder", "dimensions": […], "measures": […], "filters": […], "sort": […], "limit": 100}, "options": {…}}`
    /// or `{"query": {"mode": "sql", "sql": "select …"}}`.
    #[schema(value_type = Object)]
    pub spec: ChartSpec,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChart {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Changes together with `spec`.
    #[schema(value_type = Option<String>)]
    pub chart_type: Option<ChartType>,
    #[schema(value_type = Option<Object>)]
    pub spec: Option<ChartSpec>,
}

/// Which dataset version the chart reads.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinDatasetVersion {
    /// A version number to pin, or null to follow the latest version.
    pub version: Option<i32>,
}

#[utoipa::path(post, path = "/api/v1/charts", tag = "charts", request_body = CreateChart, security(("bearer" = [])),
    responses((status = 201, body = Accepted), (status = 403, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    JsonBody(request): JsonBody<CreateChart>,
) -> Result<Accepted, ApiError> {
    let name = ResourceName::parse("name", &request.name)?;
    let description = Description::parse(&request.description)?;
    let spec = parse_chart_spec(request.chart_type, request.spec)?;
    let actor = actor(caller);
    load_state::<Datasets>(&state, request.dataset_id)
        .await?
        .authorize(&actor, REFERENCE_NEED)
        .map_err(|error| missing_reference("dataset_id", error))?;
    let chart_id = Uuid::now_v7();
    let fingerprint = serde_json::json!({
        "dataset_id": request.dataset_id, "name": name.as_str(), "description": description.as_str(),
        "chart_type": request.chart_type, "spec": spec,
    });
    let command = ChartCommand::Create {
        actor,
        chart_id,
        dataset_id: request.dataset_id,
        name,
        description,
        chart_type: request.chart_type,
        spec,
    };
    execute::<Charts>(
        &state,
        CommandRun {
            creates: true,
            ..CommandRun::change(chart_id, vec![command], caller.user_id, &meta, fingerprint)
        },
    )
    .await
}

#[utoipa::path(patch, path = "/api/v1/charts/{id}", tag = "charts", request_body = UpdateChart, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The chart")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 410, body = ProblemDocument),
              (status = 412, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<UpdateChart>,
) -> Result<Accepted, ApiError> {
    let actor = actor(caller);
    let mut commands = Vec::new();
    let mut fingerprint = serde_json::Map::new();
    if let Some(name) = &request.name {
        let name = ResourceName::parse("name", name)?;
        fingerprint.insert("name".into(), name.as_str().into());
        commands.push(ChartCommand::Rename { actor, name });
    }
    if let Some(description) = &request.description {
        let description = Description::parse(description)?;
        fingerprint.insert("description".into(), description.as_str().into());
        commands.push(ChartCommand::ChangeDescription { actor, description });
    }
    match (request.chart_type, request.spec) {
        (Some(chart_type), Some(spec)) => {
            let spec = parse_chart_spec(chart_type, spec)?;
            fingerprint.insert(
                "chart_type".into(),
                serde_json::to_value(chart_type).unwrap_or_default(),
            );
            fingerprint.insert(
                "spec".into(),
                serde_json::to_value(&spec).unwrap_or_default(),
            );
            commands.push(ChartCommand::Reconfigure {
                actor,
                chart_type,
                spec,
            });
        }
        (None, None) => {}
        (Some(_), None) | (None, Some(_)) => {
            return Err(Problem::invalid_field(
                "spec",
                "chart_type and spec change together: send both, since what a spec needs depends on the chart type",
            )
            .into());
        }
    }
    ensure_something_to_change(commands.len())?;
    execute::<Charts>(
        &state,
        CommandRun::change(id, commands, caller.user_id, &meta, fingerprint.into()),
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/charts/{id}/dataset-version", tag = "charts", request_body = PinDatasetVersion,
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "The chart")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn pin_dataset_version(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<PinDatasetVersion>,
) -> Result<Accepted, ApiError> {
    let commands = vec![ChartCommand::PinDatasetVersion {
        actor: actor(caller),
        version: request.version,
    }];
    let fingerprint = serde_json::json!({ "version": request.version });
    execute::<Charts>(
        &state,
        CommandRun::change(id, commands, caller.user_id, &meta, fingerprint),
    )
    .await
}

#[utoipa::path(delete, path = "/api/v1/charts/{id}", tag = "charts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The chart")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
) -> Result<Accepted, ApiError> {
    let commands = vec![ChartCommand::Delete {
        actor: actor(caller),
    }];
    execute::<Charts>(
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
    Charts,
    ChartCommand,
    "charts",
    "/api/v1/charts/{id}/grants",
    "/api/v1/charts/{id}/grants/{grantee}"
);
