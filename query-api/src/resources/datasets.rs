//! `GET /api/v1/datasets`: the tables charts are drawn from, and their uploaded versions.

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
use crate::pagination::{ListColumns, ListParams, ListQuery, Page, fetch_page, paged_row};
use crate::state::AppState;
use crate::visibility::Visibility;

/// A dataset as its readers see it.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Dataset {
    pub id: Uuid,
    pub owner_id: Uuid,
    #[schema(example = "Orders")]
    pub name: String,
    pub description: String,
    /// Where the rows come from: `{"kind": "upload"}`, `{"kind": "table", "data_source_id": …, "table": …}`
    /// or `{"kind": "query", "data_source_id": …, "sql": …}`.
    #[schema(value_type = Object)]
    pub source: serde_json::Value,
    /// The newest uploaded version; 0 before the first.
    pub latest_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The version of the dataset's stream; it changes with every change.
    pub version: i32,
    /// What the caller may do with it: `edit` or `view`.
    #[schema(example = "view")]
    pub access: String,
}

/// One uploaded version of a dataset's rows.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct DatasetVersion {
    pub dataset_version: i32,
    /// Where the stored rows are.
    pub location: String,
    /// The columns and their types.
    #[schema(value_type = Object)]
    pub columns: serde_json::Value,
    pub row_count: i64,
    pub bytes: i64,
    pub checksum_sha256: String,
    pub added_at: DateTime<Utc>,
}

/// A dataset with its versions (newest first) and, for those who may edit it, its grants.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatasetDetail {
    #[serde(flatten)]
    pub dataset: Dataset,
    pub versions: Vec<DatasetVersion>,
    /// Present only when the caller may edit the dataset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<Grant>>,
}

paged_row!(Dataset, id, name);

/// `select … from rm_datasets r where <visible to the caller>`.
fn select_visible(visibility: &Visibility) -> QueryBuilder<'static, Postgres> {
    let mut query = QueryBuilder::new(
        "select r.id, r.owner_id, r.name, r.description, r.source, r.latest_version, \
         r.created_at, r.updated_at, r.version, ",
    );
    visibility.push_access(&mut query, "r");
    query.push(" as access from rm_datasets r where ");
    visibility.push_visible(&mut query, "r");
    query
}

/// The datasets the caller may see.
#[utoipa::path(get, path = "/api/v1/datasets", operation_id = "list_datasets", tag = "datasets", security(("bearer" = [])),
    params(ListParams, ReadHeaders),
    responses(
        (status = 200, body = Page<Dataset>, description = "One page of the datasets the caller may see", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The page has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "A query parameter, the cursor or X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ListQuery(params): ListQuery<ListParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let request = params.validate()?;
    let visibility = Visibility::of(caller);
    let page: Page<Dataset> = fetch_page(
        &state.pool,
        select_visible(&visibility),
        ListColumns::RESOURCE,
        &request,
        caller.user_id,
    )
    .await?;
    list_response(&headers, &page)
}

/// One dataset with its versions, and its grants when the caller may edit it.
#[utoipa::path(get, path = "/api/v1/datasets/{id}", operation_id = "get_dataset", tag = "datasets", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dataset"), ReadHeaders),
    responses(
        (status = 200, body = DatasetDetail, description = "The dataset", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The dataset has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "The id or X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such dataset, deleted, or not visible to the caller"),
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
    let dataset: Dataset = query
        .build_query_as()
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::not_found("dataset"))?;
    let versions: Vec<DatasetVersion> = sqlx::query_as(
        "select dataset_version, location, columns, row_count, bytes, checksum_sha256, added_at \
           from rm_dataset_versions where dataset_id = $1 order by dataset_version desc",
    )
    .bind(id)
    .fetch_all(&state.pool)
    .await?;
    let grants = if may_edit(&dataset.access) {
        Some(grants_of(&state.pool, id).await?)
    } else {
        None
    };
    let version = dataset.version;
    let body = DatasetDetail {
        dataset,
        versions,
        grants,
    };
    detail_response(&headers, version, &body, Vec::new())
}
