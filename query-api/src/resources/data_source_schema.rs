//! Reaching an external database: whether its connection works, and which tables and columns it has.
//!
//! Both open the data source's sealed connection details and talk to the database through the chart
//! engine, within the connect timeout, so a source that does not answer is a clear problem instead of a
//! hanging request. Only those who may see the data source may ask.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use sqlx::FromRow;
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_chart_engine::ExternalTable;
use vizpro_http_edge::ProblemDocument;
use vizpro_http_edge::extract::PathParams;
use vizpro_http_edge::tokens::Caller;

use super::chart_data::{engine_problem, open_connection};
use crate::error::ApiError;
use crate::state::AppState;
use crate::visibility::Visibility;

#[derive(Debug, FromRow)]
struct SourceRow {
    kind: String,
    sealed_connection: Option<serde_json::Value>,
}

/// The connection of a data source the caller may see.
async fn connection_of(
    state: &AppState,
    caller: Caller,
    id: Uuid,
) -> Result<vizpro_chart_engine::ExternalConnection, ApiError> {
    let visibility = Visibility::of(caller);
    let mut query =
        sqlx::QueryBuilder::new("select r.kind, r.sealed_connection from rm_data_sources r where ");
    visibility.push_visible(&mut query, "r");
    query.push(" and r.id = ").push_bind(id);
    let row = query
        .build_query_as::<SourceRow>()
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::not_found("data source"))?;
    let sealed = row.sealed_connection.unwrap_or(serde_json::Value::Null);
    open_connection(state, id, &row.kind, &sealed)
}

/// A connection that answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionStatus {
    pub data_source_id: Uuid,
    /// Always true: a connection that fails answers with a problem instead.
    pub reachable: bool,
    /// Milliseconds connecting, signing in and running a trivial query took.
    pub latency_ms: f64,
}

/// Connects to the data source's database, signs in and runs a trivial query.
#[utoipa::path(get, path = "/api/v1/data-sources/{id}/status", operation_id = "data_source_status", tag = "data-sources", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The data source")),
    responses(
        (status = 200, body = ConnectionStatus, description = "The database answered"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such data source, or not visible"),
        (status = 409, body = ProblemDocument, content_type = "application/problem+json", description = "The data source is not a database"),
        (status = 422, body = ProblemDocument, content_type = "application/problem+json", description = "The database refused the user name, password or database name; `field` names it"),
        (status = 502, body = ProblemDocument, content_type = "application/problem+json", description = "The database cannot be reached"),
        (status = 504, body = ProblemDocument, content_type = "application/problem+json", description = "The database did not answer in time"),
    ))]
pub async fn status(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<Uuid>,
) -> Result<Json<ConnectionStatus>, ApiError> {
    let connection = connection_of(&state, caller, id).await?;
    let started = Instant::now();
    state
        .engine
        .test_connection(connection, state.settings.external_connect_timeout)
        .await
        .map_err(engine_problem)?;
    Ok(Json(ConnectionStatus {
        data_source_id: id,
        reachable: true,
        latency_ms: started.elapsed().as_secs_f64() * 1000.0,
    }))
}

/// The tables and views of a data source's database.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceTables {
    pub data_source_id: Uuid,
    /// `{"schema", "name", "kind": "table" | "view", "columns": [{"name", "data_type", "nullable"}]}`.
    #[schema(value_type = Vec<Object>)]
    pub tables: Vec<ExternalTable>,
}

/// Lists the tables and views of the data source's database with their columns, system schemas left
/// out: what a dataset over the source can read.
#[utoipa::path(get, path = "/api/v1/data-sources/{id}/tables", operation_id = "data_source_tables", tag = "data-sources", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The data source")),
    responses(
        (status = 200, body = SourceTables, description = "Tables and views with their columns"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such data source, or not visible"),
        (status = 409, body = ProblemDocument, content_type = "application/problem+json", description = "The data source is not a database"),
        (status = 502, body = ProblemDocument, content_type = "application/problem+json", description = "The database cannot be reached"),
        (status = 504, body = ProblemDocument, content_type = "application/problem+json", description = "The database did not answer in time"),
    ))]
pub async fn tables(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<Uuid>,
) -> Result<Json<SourceTables>, ApiError> {
    let connection = connection_of(&state, caller, id).await?;
    let tables = state
        .engine
        .list_tables(connection, state.settings.external_connect_timeout)
        .await
        .map_err(engine_problem)?;
    Ok(Json(SourceTables {
        data_source_id: id,
        tables,
    }))
}
