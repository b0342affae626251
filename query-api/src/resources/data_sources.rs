//! `GET /api/v1/data-sources`: where data comes from. Connection details are sealed on the write side and
//! never reach the read models; only a display address is shown.

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

/// A data source as its readers see it.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct DataSource {
    pub id: Uuid,
    pub owner_id: Uuid,
    #[schema(example = "Warehouse")]
    pub name: String,
    pub description: String,
    /// `postgres`, `mysql`, `upload` and the like.
    #[schema(example = "postgres")]
    pub kind: String,
    /// Where the data source points, without credentials (for example `db.example.com:5432/sales`).
    pub display_address: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The version of the data source's stream; it changes with every change.
    pub version: i32,
    /// What the caller may do with it: `edit` or `view`.
    #[schema(example = "edit")]
    pub access: String,
}

/// A data source with its grants, which only those who may edit it are shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DataSourceDetail {
    #[serde(flatten)]
    pub data_source: DataSource,
    /// Present only when the caller may edit the data source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<Grant>>,
}

paged_row!(DataSource, id, name);

/// `select … from rm_data_sources r where <visible to the caller>`.
fn select_visible(visibility: &Visibility) -> QueryBuilder<'static, Postgres> {
    let mut query = QueryBuilder::new(
        "select r.id, r.owner_id, r.name, r.description, r.kind, r.display_address, \
         r.created_at, r.updated_at, r.version, ",
    );
    visibility.push_access(&mut query, "r");
    query.push(" as access from rm_data_sources r where ");
    visibility.push_visible(&mut query, "r");
    query
}

/// The data sources the caller may see.
#[utoipa::path(get, path = "/api/v1/data-sources", operation_id = "list_data_sources", tag = "data-sources", security(("bearer" = [])),
    params(ListParams, ReadHeaders),
    responses(
        (status = 200, body = Page<DataSource>, description = "One page of the data sources the caller may see", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
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
    let page: Page<DataSource> = fetch_page(
        &state.pool,
        select_visible(&visibility),
        ListColumns::RESOURCE,
        &request,
        caller.user_id,
    )
    .await?;
    list_response(&headers, &page)
}

/// One data source, with its grants when the caller may edit it.
#[utoipa::path(get, path = "/api/v1/data-sources/{id}", operation_id = "get_data_source", tag = "data-sources", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The data source"), ReadHeaders),
    responses(
        (status = 200, body = DataSourceDetail, description = "The data source", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The data source has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "The id or X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such data source, deleted, or not visible to the caller"),
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
    let data_source: DataSource = query
        .build_query_as()
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::not_found("data source"))?;
    let grants = if may_edit(&data_source.access) {
        Some(grants_of(&state.pool, id).await?)
    } else {
        None
    };
    let version = data_source.version;
    let body = DataSourceDetail {
        data_source,
        grants,
    };
    detail_response(&headers, version, &body, Vec::new())
}
