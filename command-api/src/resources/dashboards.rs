//! `/api/v1/dashboards`: charts arranged on a 12-column grid, with filters applied to every tile.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_domain::{Charts, DashboardCommand, Dashboards, Description, ResourceName, Slug};
use vizpro_events::chart::FilterOp;
use vizpro_events::dashboard::{DashboardFilter, GridCell, TilePlacement};
use vizpro_http_edge::ProblemDocument;
use vizpro_http_edge::extract::{JsonBody, PathParams};
use vizpro_http_edge::tokens::Caller;

use super::{REFERENCE_NEED, actor, ensure_something_to_change, load_state, missing_reference};
use crate::commands::{Accepted, CommandRun, RequestMeta, SideWrite, execute};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDashboard {
    #[schema(example = "Sales overview")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Unique across dashboards; derived from the name when absent.
    #[schema(example = "sales-overview")]
    pub slug: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDashboard {
    pub name: Option<String>,
    pub description: Option<String>,
    pub slug: Option<String>,
}

/// A cell of the 12-column grid.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl From<Cell> for GridCell {
    fn from(cell: Cell) -> Self {
        GridCell {
            x: cell.x,
            y: cell.y,
            w: cell.w,
            h: cell.h,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddTile {
    pub chart_id: Uuid,
    #[serde(flatten)]
    pub cell: Cell,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    pub tile_id: Uuid,
    #[serde(flatten)]
    pub cell: Cell,
}

/// The whole layout: every tile exactly once.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeLayout {
    pub placements: Vec<Placement>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterInput {
    /// Kept when given (so saved filter values survive edits), assigned otherwise.
    pub filter_id: Option<Uuid>,
    pub label: String,
    pub column: String,
    /// eq, ne, lt, lte, gt, gte, between, in, not_in, contains, is_null, is_not_null, last.
    #[schema(value_type = String, example = "eq")]
    pub op: FilterOp,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
}

/// The dashboard's filters, applied on top of every tile's own.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeFilters {
    pub filters: Vec<FilterInput>,
}

#[utoipa::path(post, path = "/api/v1/dashboards", tag = "dashboards", request_body = CreateDashboard, security(("bearer" = [])),
    responses((status = 201, body = Accepted), (status = 409, description = "Slug taken", body = ProblemDocument),
              (status = 422, body = ProblemDocument)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    JsonBody(request): JsonBody<CreateDashboard>,
) -> Result<Accepted, ApiError> {
    let name = ResourceName::parse("name", &request.name)?;
    let description = Description::parse(&request.description)?;
    let dashboard_id = Uuid::now_v7();
    let chosen_slug = request.slug.as_deref().map(Slug::parse).transpose()?;
    let slug = chosen_slug
        .clone()
        .unwrap_or_else(|| Slug::from_name(&name));
    let attempt = create_with_slug(
        &state,
        caller,
        &meta,
        dashboard_id,
        &name,
        &description,
        slug,
    )
    .await;
    match attempt {
        // A derived slug that is taken gets a short suffix from the id rather than failing the request.
        Err(ApiError::Problem(problem))
            if chosen_slug.is_none()
                && problem.status() == StatusCode::CONFLICT
                && problem.document().problem_type.ends_with("slug-taken") =>
        {
            let suffix = &dashboard_id.simple().to_string()[24..];
            let base: String = Slug::from_name(&name).as_str().chars().take(90).collect();
            let slug = Slug::parse(&format!("{}-{suffix}", base.trim_end_matches('-')))?;
            create_with_slug(
                &state,
                caller,
                &meta,
                dashboard_id,
                &name,
                &description,
                slug,
            )
            .await
        }
        other => other,
    }
}

async fn create_with_slug(
    state: &AppState,
    caller: Caller,
    meta: &RequestMeta,
    dashboard_id: Uuid,
    name: &ResourceName,
    description: &Description,
    slug: Slug,
) -> Result<Accepted, ApiError> {
    let fingerprint = serde_json::json!({
        "name": name.as_str(), "description": description.as_str(), "slug": slug.as_str(),
    });
    execute::<Dashboards>(
        state,
        CommandRun {
            creates: true,
            side_writes: vec![SideWrite::ReserveSlug {
                slug: slug.as_str().to_owned(),
                dashboard_id,
            }],
            ..CommandRun::change(
                dashboard_id,
                vec![DashboardCommand::Create {
                    actor: actor(caller),
                    dashboard_id,
                    name: name.clone(),
                    description: description.clone(),
                    slug,
                }],
                caller.user_id,
                meta,
                fingerprint,
            )
        },
    )
    .await
}

#[utoipa::path(patch, path = "/api/v1/dashboards/{id}", tag = "dashboards", request_body = UpdateDashboard, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dashboard")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 409, body = ProblemDocument),
              (status = 412, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<UpdateDashboard>,
) -> Result<Accepted, ApiError> {
    let actor = actor(caller);
    let mut commands = Vec::new();
    let mut side_writes = Vec::new();
    if let Some(name) = &request.name {
        commands.push(DashboardCommand::Rename {
            actor,
            name: ResourceName::parse("name", name)?,
        });
    }
    if let Some(description) = &request.description {
        commands.push(DashboardCommand::ChangeDescription {
            actor,
            description: Description::parse(description)?,
        });
    }
    if let Some(slug) = &request.slug {
        let slug = Slug::parse(slug)?;
        side_writes.push(SideWrite::ReleaseSlugs { dashboard_id: id });
        side_writes.push(SideWrite::ReserveSlug {
            slug: slug.as_str().to_owned(),
            dashboard_id: id,
        });
        commands.push(DashboardCommand::ChangeSlug { actor, slug });
    }
    ensure_something_to_change(commands.len())?;
    let fingerprint = serde_json::json!({ "name": request.name, "description": request.description, "slug": request.slug });
    execute::<Dashboards>(
        &state,
        CommandRun {
            side_writes,
            ..CommandRun::change(id, commands, caller.user_id, &meta, fingerprint)
        },
    )
    .await
}

#[utoipa::path(delete, path = "/api/v1/dashboards/{id}", tag = "dashboards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dashboard")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
) -> Result<Accepted, ApiError> {
    let commands = vec![DashboardCommand::Delete {
        actor: actor(caller),
    }];
    execute::<Dashboards>(
        &state,
        CommandRun {
            side_writes: vec![SideWrite::ReleaseSlugs { dashboard_id: id }],
            ..CommandRun::change(
                id,
                commands,
                caller.user_id,
                &meta,
                serde_json::json!("delete"),
            )
        },
    )
    .await
}

/// Places a chart the caller can see on the dashboard.
#[utoipa::path(post, path = "/api/v1/dashboards/{id}/tiles", tag = "dashboards", request_body = AddTile, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dashboard")),
    responses((status = 200, body = Accepted, description = "`tile_id` names the new tile"), (status = 404, body = ProblemDocument),
              (status = 409, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn add_tile(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<AddTile>,
) -> Result<Accepted, ApiError> {
    let actor = actor(caller);
    load_state::<Charts>(&state, request.chart_id)
        .await?
        .authorize(&actor, REFERENCE_NEED)
        .map_err(|error| missing_reference("chart_id", error))?;
    let tile_id = Uuid::now_v7();
    let fingerprint = serde_json::to_value(&request).unwrap_or_default();
    let command = DashboardCommand::AddTile {
        actor,
        tile_id,
        chart_id: request.chart_id,
        cell: request.cell.into(),
    };
    execute::<Dashboards>(
        &state,
        CommandRun {
            tile_id: Some(tile_id),
            ..CommandRun::change(id, vec![command], caller.user_id, &meta, fingerprint)
        },
    )
    .await
}

#[utoipa::path(delete, path = "/api/v1/dashboards/{id}/tiles/{tile_id}", tag = "dashboards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dashboard"), ("tile_id" = Uuid, Path, description = "The tile")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 409, body = ProblemDocument)))]
pub async fn remove_tile(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams((id, tile_id)): PathParams<(Uuid, Uuid)>,
) -> Result<Accepted, ApiError> {
    let commands = vec![DashboardCommand::RemoveTile {
        actor: actor(caller),
        tile_id,
    }];
    let fingerprint = serde_json::json!({ "remove_tile": tile_id });
    execute::<Dashboards>(
        &state,
        CommandRun {
            tile_id: Some(tile_id),
            ..CommandRun::change(id, commands, caller.user_id, &meta, fingerprint)
        },
    )
    .await
}

/// Replaces the layout after a drag or resize.
#[utoipa::path(put, path = "/api/v1/dashboards/{id}/layout", tag = "dashboards", request_body = ChangeLayout, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dashboard")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 412, body = ProblemDocument),
              (status = 422, body = ProblemDocument)))]
pub async fn change_layout(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<ChangeLayout>,
) -> Result<Accepted, ApiError> {
    let fingerprint = serde_json::to_value(&request).unwrap_or_default();
    let placements = request
        .placements
        .into_iter()
        .map(|placement| TilePlacement {
            tile_id: placement.tile_id,
            cell: placement.cell.into(),
        })
        .collect();
    let commands = vec![DashboardCommand::ChangeLayout {
        actor: actor(caller),
        placements,
    }];
    execute::<Dashboards>(
        &state,
        CommandRun::change(id, commands, caller.user_id, &meta, fingerprint),
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/dashboards/{id}/filters", tag = "dashboards", request_body = ChangeFilters, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dashboard")),
    responses((status = 200, body = Accepted), (status = 404, body = ProblemDocument), (status = 422, body = ProblemDocument)))]
pub async fn change_filters(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<ChangeFilters>,
) -> Result<Accepted, ApiError> {
    let fingerprint = serde_json::to_value(&request).unwrap_or_default();
    let filters = request
        .filters
        .into_iter()
        .map(|filter| DashboardFilter {
            filter_id: filter.filter_id.unwrap_or_else(Uuid::now_v7),
            label: filter.label,
            column: filter.column,
            op: filter.op,
            value: filter.value,
        })
        .collect();
    let commands = vec![DashboardCommand::ChangeFilters {
        actor: actor(caller),
        filters,
    }];
    execute::<Dashboards>(
        &state,
        CommandRun::change(id, commands, caller.user_id, &meta, fingerprint),
    )
    .await
}

super::sharing::sharing_endpoints!(
    Dashboards,
    DashboardCommand,
    "dashboards",
    "/api/v1/dashboards/{id}/grants",
    "/api/v1/dashboards/{id}/grants/{grantee}"
);
