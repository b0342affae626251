//! `GET /api/v1/charts`: what to draw from a dataset, and how.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, Postgres, QueryBuilder};
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_http_edge::ProblemDocument;
use vizpro_http_edge::extract::PathParams;
use vizpro_http_edge::tokens::Caller;

use super::{Grant, ReadHeaders, detail_response, grants_of, list_response, may_edit};
use crate::error::ApiError;
use crate::pagination::{ChartListParams, ListColumns, ListQuery, Page, fetch_page, paged_row};
use crate::state::AppState;
use crate::visibility::Visibility;

/// A chart as its readers see it.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Chart {
    pub id: Uuid,
    pub owner_id: Uuid,
    /// The dataset the chart draws from.
    pub dataset_id: Uuid,
    #[schema(example = "Revenue by month")]
    pub name: String,
    pub description: String,
    #[schema(example = "bar")]
    pub chart_type: String,
    /// The query and the visual options.
    #[schema(value_type = Object)]
    pub spec: serde_json::Value,
    /// The dataset version the chart reads; `null` follows the latest version.
    pub pinned_dataset_version: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The version of the chart's stream; it changes with every change.
    pub version: i32,
    /// What the caller may do with it: `edit` or `view`.
    #[schema(example = "edit")]
    pub access: String,
}

/// A chart with its grants, which only those who may edit it are shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChartDetail {
    #[serde(flatten)]
    pub chart: Chart,
    /// Present only when the caller may edit the chart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<Grant>>,
}

paged_row!(Chart, id, name);

/// `select … from rm_charts r where <visible to the caller>`.
fn select_visible(visibility: &Visibility) -> QueryBuilder<'static, Postgres> {
    let mut query = QueryBuilder::new(
        "select r.id, r.owner_id, r.dataset_id, r.name, r.description, r.chart_type, r.spec, \
         r.pinned_dataset_version, r.created_at, r.updated_at, r.version, ",
    );
    visibility.push_access(&mut query, "r");
    query.push(" as access from rm_charts r where ");
    visibility.push_visible(&mut query, "r");
    query
}

/// The charts the caller may see, optionally only those drawn from one dataset.
#[utoipa::path(get, path = "/api/v1/charts", operation_id = "list_charts", tag = "charts", security(("bearer" = [])),
    params(ChartListParams, ReadHeaders),
    responses(
        (status = 200, body = Page<Chart>, description = "One page of the charts the caller may see", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The page has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "A query parameter, the cursor or X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ListQuery(params): ListQuery<ChartListParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (request, dataset_id) = params.validate()?;
    let visibility = Visibility::of(caller);
    let mut query = select_visible(&visibility);
    if let Some(dataset_id) = dataset_id {
        query.push(" and r.dataset_id = ").push_bind(dataset_id);
    }
    let page: Page<Chart> = fetch_page(
        &state.pool,
        query,
        ListColumns::RESOURCE,
        &request,
        caller.user_id,
    )
    .await?;
    list_response(&headers, &page)
}

/// One chart, with its grants when the caller may edit it.
#[utoipa::path(get, path = "/api/v1/charts/{id}", operation_id = "get_chart", tag = "charts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The chart"), ReadHeaders),
    responses(
        (status = 200, body = ChartDetail, description = "The chart", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The chart has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "The id or X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such chart, deleted, or not visible to the caller"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let visibility = Visibility::of(caller);
    let mut query = select_visible(&visibility);
    query.push(" and r.id = ").push_bind(id);
    let chart: Chart = query
        .build_query_as()
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::not_found("chart"))?;
    let grants = if may_edit(&chart.access) {
        Some(grants_of(&state.pool, id).await?)
    } else {
        None
    };
    let version = chart.version;
    let body = ChartDetail { chart, grants };
    detail_response(&headers, version, &body, Vec::new())
}
