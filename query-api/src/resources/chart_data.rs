//! Chart data: `GET /api/v1/charts/{id}/data`, the batch for a whole dashboard, and a dataset's preview
//! and column statistics, computed by the chart engine and cached in Redis.
//!
//! A cache key carries everything the answer depends on: the chart's version, the dataset version it
//! reads, a digest of the dashboard filters and, when a filter counts back from now, the current minute.
//! A change to any of them reads under a new key, so stale data is never served; old entries expire.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vizpro_chart_engine::{
    ChartRequest, DatasetInput, DatasetVersionRef, EngineError, ExternalConnection,
    ExternalDataset, ExternalKind, ExternalRelation,
};
use vizpro_events::chart::{ChartQuery, ChartSpec, ChartType, Filter, FilterOp};
use vizpro_events::dashboard::DashboardFilter;
use vizpro_events::data_source::SealedConnection;
use vizpro_events::dataset::DatasetSource;
use vizpro_http_edge::extract::PathParams;
use vizpro_http_edge::redis_slot::{self, REDIS_COMMAND_TIMEOUT};
use vizpro_http_edge::tokens::Caller;
use vizpro_http_edge::{Problem, ProblemDocument};

use crate::chart_sources::SourceKey;
use crate::consistency::ReadAfter;
use crate::error::ApiError;
use crate::state::AppState;
use crate::visibility::Visibility;

/// Query parameters of the chart-data endpoints.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataParams {
    /// Filters applied on top of the chart's own, as a JSON array of
    /// `{"column": …, "op": …, "value": …}` (URL-encoded). A filter on a column a chart's dataset lacks
    /// does not apply to that chart.
    pub filters: Option<String>,
}

/// Query parameters of a dataset preview.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewParams {
    /// The dataset version; the newest when left out.
    pub version: Option<i32>,
    /// How many rows, 1 to 1000; 100 when left out.
    pub limit: Option<usize>,
}

/// Query parameters naming a dataset version.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParams {
    /// The dataset version; the newest when left out.
    pub version: Option<i32>,
}

/// The chart, dataset version and visibility a chart-data answer needs.
#[derive(Debug, Clone, FromRow)]
struct ChartSource {
    id: Uuid,
    version: i32,
    chart_type: String,
    spec: serde_json::Value,
    dataset_id: Uuid,
    dataset_visible: bool,
    dataset_version: Option<i32>,
    location: Option<String>,
    /// Where the dataset's rows come from (`DatasetSource` as JSON).
    dataset_source: Option<serde_json::Value>,
    /// For a dataset over a database: that data source's kind, version and sealed connection.
    source_kind: Option<String>,
    source_version: Option<i32>,
    sealed_connection: Option<serde_json::Value>,
}

/// A chart source with its stored spec and type already read, as this process holds it.
#[derive(Debug)]
pub struct HeldChart {
    source: ChartSource,
    spec: ChartSpec,
    chart_type: ChartType,
}

impl HeldChart {
    fn parse(source: ChartSource) -> Result<Self, ApiError> {
        let spec: ChartSpec = serde_json::from_value(source.spec.clone())
            .map_err(|error| anyhow::anyhow!("a stored chart spec cannot be read: {error}"))?;
        let chart_type: ChartType =
            serde_json::from_value(serde_json::Value::String(source.chart_type.clone()))
                .map_err(|error| anyhow::anyhow!("a stored chart type cannot be read: {error}"))?;
        Ok(HeldChart {
            source,
            spec,
            chart_type,
        })
    }
}

/// A chart the caller may see, with the dataset version it reads and whether the caller may see that
/// dataset too: held in memory when this process knows it to be current (see `crate::chart_sources`),
/// loaded from PostgreSQL otherwise and always when the read waited for a position (`read_after`).
async fn chart_source(
    state: &AppState,
    caller: Caller,
    chart_id: Uuid,
    read_after: bool,
) -> Result<Arc<HeldChart>, ApiError> {
    let key = SourceKey {
        chart_id,
        user_id: caller.user_id,
        role: caller.role,
    };
    if !read_after && let Some(held) = state.charts.source(&key) {
        return Ok(held);
    }
    let observed = state.charts.observe();
    let source = load_chart_source(state, caller, chart_id).await?;
    Ok(state
        .charts
        .keep_source(key, HeldChart::parse(source)?, observed))
}

async fn load_chart_source(
    state: &AppState,
    caller: Caller,
    chart_id: Uuid,
) -> Result<ChartSource, ApiError> {
    let visibility = Visibility::of(caller);
    let mut query = sqlx::QueryBuilder::new(
        "select r.id, r.version, r.chart_type, r.spec, r.dataset_id, \
         coalesce((select true from rm_datasets d where d.id = r.dataset_id and ",
    );
    visibility.push_visible(&mut query, "d");
    query.push(
        "), false) as dataset_visible, v.dataset_version, v.location, ds.source as dataset_source, \
         s.kind as source_kind, s.version as source_version, s.sealed_connection \
         from rm_charts r \
         left join rm_datasets ds on ds.id = r.dataset_id \
         left join rm_data_sources s on s.id::text = ds.source->>'data_source_id' and not s.deleted \
         left join rm_dataset_versions v on v.dataset_id = r.dataset_id \
           and v.dataset_version = coalesce(r.pinned_dataset_version, ds.latest_version) \
         where ",
    );
    visibility.push_visible(&mut query, "r");
    query.push(" and r.id = ").push_bind(chart_id);
    query
        .build_query_as::<ChartSource>()
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::not_found("chart"))
}

/// A chart's data, as the chart library takes it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChartDataResponse {
    pub chart_id: Uuid,
    /// The chart version the data was computed for.
    pub chart_version: i32,
    pub chart_type: String,
    pub dataset_id: Uuid,
    /// The dataset version the data was computed from; 0 for a dataset read live from a database.
    pub dataset_version: i32,
    pub computed_at: DateTime<Utc>,
    /// Milliseconds the engine took (when it was computed, not when it was served from the cache).
    pub computation_ms: f64,
    pub row_count: usize,
    /// Whether rows were cut off at the row limit.
    pub truncated: bool,
    /// Columns: `{"name", "data_type", "role": "dimension" | "measure" | "value", "values": […]}`.
    #[schema(value_type = Vec<Object>)]
    pub columns: serde_json::Value,
    /// For a big number over "the last n units": the same measures over the n units before.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub comparison: Option<serde_json::Value>,
}

/// Parses the `filters` query parameter.
fn parse_filters(raw: Option<&str>) -> Result<Vec<Filter>, ApiError> {
    match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => Ok(Vec::new()),
        Some(raw) => serde_json::from_str::<Vec<Filter>>(raw).map_err(|error| {
            Problem::bad_request(
                "invalid-query-parameter",
                format!(
                    "filters must be a JSON array of {{\"column\", \"op\", \"value\"}}: {error}"
                ),
            )
            .with_extension("field", "filters")
            .into()
        }),
    }
}

/// The problem a failed computation answers with.
pub fn engine_problem(error: EngineError) -> ApiError {
    match error {
        EngineError::InvalidSpec { field, detail } => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-chart-spec",
            "The chart does not fit its data",
            format!("{field}: {detail}"),
        )
        .with_extension("field", field)
        .into(),
        EngineError::TooMuchMemory { .. } => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "query-too-large",
            "The query needs too much memory",
            error.to_string(),
        )
        .into(),
        EngineError::Timeout { .. } => Problem::new(
            StatusCode::GATEWAY_TIMEOUT,
            "query-timeout",
            "The query took too long",
            error.to_string(),
        )
        .into(),
        EngineError::DataUnavailable(detail) => {
            tracing::error!(error = %detail, "a dataset version's stored data cannot be read");
            Problem::unavailable("The dataset's stored data cannot be read right now.").into()
        }
        EngineError::SourceUnavailable(detail) => {
            // Whether a name did not resolve, a port refused or a route was missing stays in the log:
            // told to the caller, it would make the server a port scanner of the networks it reaches.
            tracing::warn!(error = %detail, "a data source cannot be reached");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "data-source-unreachable",
                "The data source cannot be reached",
                "The data source cannot be reached right now. Check its host and port, or ask an administrator to look at the server's log.",
            )
            .into()
        }
        EngineError::Internal(detail) => ApiError::Internal(anyhow::anyhow!(detail)),
    }
}

/// Whether any filter counts back from now, so that the answer changes with the clock.
fn depends_on_now(query: &ChartQuery, extra: &[Filter]) -> bool {
    let chart_filters: &[Filter] = match query {
        ChartQuery::Builder { filters, .. } => filters,
        ChartQuery::Sql { .. } => &[],
    };
    chart_filters
        .iter()
        .chain(extra)
        .any(|filter| filter.op == FilterOp::Last)
}

fn cache_key(
    prefix: &str,
    source: &ChartSource,
    input: &ChartInput,
    filters: &[Filter],
    now: Option<DateTime<Utc>>,
) -> String {
    let mut digest = Sha256::new();
    digest.update(serde_json::to_vec(filters).unwrap_or_default());
    if let Some(now) = now {
        digest.update(now.format("%Y-%m-%dT%H:%M").to_string());
    }
    format!(
        "{prefix}chart-data:{}:{}:{}:{}:{}",
        source.id,
        source.version,
        source.dataset_id,
        input.freshness,
        hex::encode(&digest.finalize()[..12])
    )
}

/// The body cached under `key`: held in this process, or else in Redis (and then held from now on).
async fn cached_body(state: &AppState, key: &str, lifetime: Duration) -> Option<Bytes> {
    if let Some(body) = state.charts.body(key) {
        return Some(body);
    }
    let body = Bytes::from(redis_body(state, key).await?);
    state.charts.keep_body(key, body.clone(), lifetime);
    Some(body)
}

async fn redis_body(state: &AppState, key: &str) -> Option<String> {
    let mut connection = redis_slot::connection(&state.redis).await?;
    let mut command = redis::cmd("GET");
    command.arg(key);
    let reply = command.query_async::<Option<String>>(&mut connection);
    match tokio::time::timeout(REDIS_COMMAND_TIMEOUT, reply).await {
        Ok(Ok(body)) => body,
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "Redis failed; computing chart data");
            None
        }
        Err(_) => None,
    }
}

/// Caches `body` under `key` for `seconds`, in this process and in Redis, and returns it ready to send.
async fn store_body(state: &AppState, key: &str, body: String, seconds: u64) -> Bytes {
    let body = Bytes::from(body);
    state
        .charts
        .keep_body(key, body.clone(), Duration::from_secs(seconds.max(1)));
    store_in_redis(state, key, &body, seconds).await;
    body
}

async fn store_in_redis(state: &AppState, key: &str, body: &[u8], seconds: u64) {
    let Some(mut connection) = redis_slot::connection(&state.redis).await else {
        return;
    };
    let mut command = redis::cmd("SET");
    command.arg(key).arg(body).arg("EX").arg(seconds.max(1));
    let reply = command.query_async::<()>(&mut connection);
    if let Ok(Err(error)) = tokio::time::timeout(REDIS_COMMAND_TIMEOUT, reply).await {
        tracing::warn!(error = %error, "chart data could not be cached");
    }
}

/// Computes (or finds in the cache) one chart's data as a JSON body; the flag says whether it was cached.
async fn chart_body(
    state: &AppState,
    held: &HeldChart,
    filters: &[Filter],
) -> Result<(Bytes, bool), ApiError> {
    let source = &held.source;
    if !source.dataset_visible {
        return Err(ApiError::Forbidden(
            "The chart's dataset is not shared with you, so its data cannot be shown.".into(),
        ));
    }
    let input = chart_input(state, source)?;
    let now = Utc::now();
    let minute = depends_on_now(&held.spec.query, filters).then(|| {
        now.with_second(0)
            .unwrap_or(now)
            .with_nanosecond(0)
            .unwrap_or(now)
    });
    let key = cache_key(
        &state.settings.redis_key_prefix,
        source,
        &input,
        filters,
        minute,
    );
    let lifetime = Duration::from_secs(input.cache_seconds.max(1));
    if let Some(body) = cached_body(state, &key, lifetime).await {
        return Ok((body, true));
    }
    let dataset_version = input.dataset_version;
    let dataset = input.dataset.open(state)?;
    let data = state
        .engine
        .chart_data(ChartRequest {
            dataset,
            chart_type: held.chart_type,
            query: held.spec.query.clone(),
            options: held.spec.options.clone(),
            dashboard_filters: filters.to_vec(),
            now: minute.unwrap_or(now),
        })
        .await
        .map_err(engine_problem)?;
    let response = ChartDataResponse {
        chart_id: source.id,
        chart_version: source.version,
        chart_type: source.chart_type.clone(),
        dataset_id: source.dataset_id,
        dataset_version,
        computed_at: now,
        computation_ms: data.computation_ms,
        row_count: data.row_count,
        truncated: data.truncated,
        columns: serde_json::to_value(&data.columns)
            .map_err(|error| anyhow::anyhow!("chart data cannot be serialised: {error}"))?,
        comparison: data
            .comparison
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(|error| anyhow::anyhow!("chart data cannot be serialised: {error}"))?,
    };
    let body = serde_json::to_string(&response)
        .map_err(|error| anyhow::anyhow!("chart data cannot be serialised: {error}"))?;
    let body = store_body(state, &key, body, input.cache_seconds).await;
    Ok((body, false))
}

/// What a chart reads, with what its cached data is keyed on and how long it may be kept.
struct ChartInput<'a> {
    dataset: PendingDataset<'a>,
    /// The stored version read; 0 for a dataset read live from a database.
    dataset_version: i32,
    /// Part of the cache key: the stored version, or the data source's version and the current slot
    /// of `cache_seconds` for live data, which has no version of its own.
    freshness: String,
    cache_seconds: u64,
}

/// A chart's dataset before anything is opened: a database's sealed connection details are unsealed only
/// when the data is not in a cache, so a cache hit costs no decryption.
enum PendingDataset<'a> {
    Stored(DatasetVersionRef),
    External {
        data_source_id: Uuid,
        kind: &'a str,
        sealed: &'a serde_json::Value,
        relation: ExternalRelation,
    },
}

impl PendingDataset<'_> {
    fn open(self, state: &AppState) -> Result<DatasetInput, ApiError> {
        Ok(match self {
            PendingDataset::Stored(version) => DatasetInput::Stored(version),
            PendingDataset::External {
                data_source_id,
                kind,
                sealed,
                relation,
            } => DatasetInput::External(ExternalDataset {
                connection: open_connection(state, data_source_id, kind, sealed)?,
                relation,
                connect_timeout: state.settings.external_connect_timeout,
            }),
        })
    }
}

fn chart_input<'a>(state: &AppState, source: &'a ChartSource) -> Result<ChartInput<'a>, ApiError> {
    let dataset_source: DatasetSource = source
        .dataset_source
        .clone()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|error| anyhow::anyhow!("a stored dataset source cannot be read: {error}"))?
        .unwrap_or(DatasetSource::Upload {});
    let relation = match dataset_source {
        DatasetSource::Upload {} => {
            let (Some(version), Some(location)) = (source.dataset_version, source.location.clone())
            else {
                return Err(Problem::new(
                    StatusCode::CONFLICT,
                    "dataset-has-no-data",
                    "The dataset has no data yet",
                    "The chart's dataset has no stored version to read; upload one first.",
                )
                .into());
            };
            return Ok(ChartInput {
                dataset: PendingDataset::Stored(DatasetVersionRef { location, version }),
                dataset_version: version,
                freshness: format!("v{version}"),
                cache_seconds: state.settings.chart_cache_seconds,
            });
        }
        DatasetSource::Table { schema, table, .. } => ExternalRelation::Table { schema, table },
        DatasetSource::Query { sql, .. } => ExternalRelation::Query { sql },
    };
    let (Some(kind), Some(source_version), Some(sealed)) = (
        source.source_kind.as_deref(),
        source.source_version,
        source.sealed_connection.as_ref(),
    ) else {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "data-source-unavailable",
            "The dataset's data source is gone",
            "The data source this dataset reads was deleted or has no connection details.",
        )
        .into());
    };
    let data_source_id = source
        .dataset_source
        .as_ref()
        .and_then(|value| value.get("data_source_id"))
        .and_then(|value| value.as_str())
        .and_then(|value| value.parse::<Uuid>().ok())
        .ok_or_else(|| anyhow::anyhow!("a dataset over a database names no data source"))?;
    let cache_seconds = state.settings.external_cache_seconds.max(1);
    let slot = Utc::now().timestamp() as u64 / cache_seconds;
    Ok(ChartInput {
        dataset: PendingDataset::External {
            data_source_id,
            kind,
            sealed,
            relation,
        },
        dataset_version: 0,
        freshness: format!("s{source_version}-t{slot}"),
        cache_seconds,
    })
}

/// Opens a data source's sealed connection details for the chart engine.
pub fn open_connection(
    state: &AppState,
    data_source_id: Uuid,
    kind: &str,
    sealed: &serde_json::Value,
) -> Result<ExternalConnection, ApiError> {
    let kind = match kind {
        "postgres" => ExternalKind::Postgres,
        "mysql" => ExternalKind::Mysql,
        other => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "not-a-database",
                "The data source is not a database",
                format!("A data source of kind {other} has no connection to open."),
            )
            .into());
        }
    };
    let sealed: SealedConnection = serde_json::from_value(sealed.clone())
        .map_err(|error| anyhow::anyhow!("a sealed connection cannot be read: {error}"))?;
    let opened = state
        .sealer
        .open_connection(data_source_id, &sealed)
        .map_err(|error| {
            // A key missing from the configuration is the operator's to fix; the detail goes to the log.
            anyhow::anyhow!("a data source's connection cannot be opened: {error}")
        })?;
    Ok(ExternalConnection {
        kind,
        host: opened.host,
        port: opened.port,
        database: opened.database,
        username: opened.username,
        password: opened.password,
        ssl_mode: opened.ssl_mode,
    })
}

fn json_response(body: impl Into<Bytes>, cached: bool) -> Response {
    let body: Bytes = body.into();
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, super::CACHE_CONTROL);
    headers.insert(
        "x-cache",
        HeaderValue::from_static(if cached { "hit" } else { "miss" }),
    );
    response
}

/// The data of one chart, computed from the dataset version it reads.
#[utoipa::path(get, path = "/api/v1/charts/{id}/data", operation_id = "get_chart_data", tag = "charts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The chart"), DataParams),
    responses(
        (status = 200, body = ChartDataResponse, description = "The chart's data, column by column", headers(("X-Cache" = String, description = "hit or miss"))),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "The filters parameter is malformed"),
        (status = 403, body = ProblemDocument, content_type = "application/problem+json", description = "The chart's dataset is not visible to the caller"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such chart, or not visible"),
        (status = 409, body = ProblemDocument, content_type = "application/problem+json", description = "The dataset has no stored version yet"),
        (status = 422, body = ProblemDocument, content_type = "application/problem+json", description = "The chart or a filter does not fit the data; `field` names it"),
        (status = 504, body = ProblemDocument, content_type = "application/problem+json", description = "The query took too long"),
    ))]
pub async fn chart_data(
    State(state): State<AppState>,
    caller: Caller,
    ReadAfter(target): ReadAfter,
    PathParams(id): PathParams<Uuid>,
    Query(params): Query<DataParams>,
) -> Result<Response, ApiError> {
    let filters = parse_filters(params.filters.as_deref())?;
    let source = chart_source(&state, caller, id, target.is_some()).await?;
    let (body, cached) = chart_body(&state, &source, &filters).await?;
    Ok(json_response(body, cached))
}

/// One tile's data, or the problem that kept it from being computed.
#[derive(Debug, Serialize, ToSchema)]
pub struct TileData {
    pub tile_id: Uuid,
    pub chart_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub data: Option<Box<serde_json::value::RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ProblemDocument>,
}

/// The data of every tile of a dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardData {
    pub dashboard_id: Uuid,
    pub tiles: Vec<TileData>,
}

#[derive(Debug, FromRow)]
struct DashboardRow {
    filters: serde_json::Value,
}

/// The data of every chart on a dashboard, with the dashboard's saved filters and the given ones applied.
/// A tile whose chart cannot be computed carries its problem instead; the others are still answered.
#[utoipa::path(get, path = "/api/v1/dashboards/{id}/data", operation_id = "get_dashboard_data", tag = "dashboards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dashboard"), DataParams),
    responses(
        (status = 200, body = DashboardData, description = "Each tile's data or problem"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "The filters parameter is malformed"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such dashboard, or not visible"),
    ))]
pub async fn dashboard_data(
    State(state): State<AppState>,
    caller: Caller,
    ReadAfter(target): ReadAfter,
    PathParams(id): PathParams<Uuid>,
    Query(params): Query<DataParams>,
) -> Result<Response, ApiError> {
    let extra = parse_filters(params.filters.as_deref())?;
    let visibility = Visibility::of(caller);
    let mut query = sqlx::QueryBuilder::new("select r.filters from rm_dashboards r where ");
    visibility.push_visible(&mut query, "r");
    query.push(" and r.id = ").push_bind(id);
    let dashboard = query
        .build_query_as::<DashboardRow>()
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::not_found("dashboard"))?;
    let saved: Vec<DashboardFilter> = serde_json::from_value(dashboard.filters).unwrap_or_default();
    // A saved filter applies once it has a value (or needs none); a given filter on the same column
    // replaces it.
    let mut filters: Vec<Filter> = saved
        .into_iter()
        .filter(|filter| {
            !filter.value.is_null() || matches!(filter.op, FilterOp::IsNull | FilterOp::IsNotNull)
        })
        .filter(|filter| !extra.iter().any(|given| given.column == filter.column))
        .map(|filter| Filter {
            column: filter.column,
            op: filter.op,
            value: filter.value,
        })
        .collect();
    filters.extend(extra);
    let tiles: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "select tile_id, chart_id from rm_dashboard_tiles where dashboard_id = $1 order by y, x, tile_id",
    )
    .bind(id)
    .fetch_all(&state.pool)
    .await?;
    let answers = futures::future::join_all(tiles.iter().map(|(tile_id, chart_id)| {
        let state = state.clone();
        let filters = filters.clone();
        let (tile_id, chart_id) = (*tile_id, *chart_id);
        async move {
            let outcome = match chart_source(&state, caller, chart_id, target.is_some()).await {
                Ok(source) => chart_body(&state, &source, &filters).await,
                Err(error) => Err(error),
            };
            match outcome {
                Ok((body, _)) => TileData {
                    tile_id,
                    chart_id,
                    data: String::from_utf8(body.to_vec())
                        .ok()
                        .and_then(|body| serde_json::value::RawValue::from_string(body).ok()),
                    error: None,
                },
                Err(error) => TileData {
                    tile_id,
                    chart_id,
                    data: None,
                    error: Some(error.into_problem().document().clone()),
                },
            }
        }
    }))
    .await;
    let body = serde_json::to_string(&DashboardData {
        dashboard_id: id,
        tiles: answers,
    })
    .map_err(|error| anyhow::anyhow!("dashboard data cannot be serialised: {error}"))?;
    Ok(json_response(body, false))
}

#[derive(Debug, FromRow)]
struct VersionRow {
    dataset_version: i32,
    location: String,
}

/// The stored version of a dataset the caller may see: the one asked for, or the newest.
async fn dataset_version(
    state: &AppState,
    caller: Caller,
    dataset_id: Uuid,
    version: Option<i32>,
) -> Result<VersionRow, ApiError> {
    let visibility = Visibility::of(caller);
    let mut query = sqlx::QueryBuilder::new(
        "select v.dataset_version, v.location from rm_datasets r \
         join rm_dataset_versions v on v.dataset_id = r.id and v.dataset_version = ",
    );
    match version {
        Some(version) => query.push_bind(version),
        None => query.push("r.latest_version"),
    };
    query.push(" where ");
    visibility.push_visible(&mut query, "r");
    query.push(" and r.id = ").push_bind(dataset_id);
    query
        .build_query_as::<VersionRow>()
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::not_found("dataset version"))
}

/// The first rows of a dataset version.
#[utoipa::path(get, path = "/api/v1/datasets/{id}/preview", operation_id = "preview_dataset", tag = "datasets", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dataset"), PreviewParams),
    responses(
        (status = 200, description = "Columns with their first values", body = Object),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such dataset or version, or not visible"),
    ))]
pub async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<Uuid>,
    Query(params): Query<PreviewParams>,
) -> Result<Response, ApiError> {
    let limit = params.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(Problem::invalid_field("limit", "must be from 1 to 1000").into());
    }
    let version = dataset_version(&state, caller, id, params.version).await?;
    let key = format!(
        "{}dataset-preview:{id}:{}:{limit}",
        state.settings.redis_key_prefix, version.dataset_version
    );
    let lifetime = Duration::from_secs(state.settings.chart_cache_seconds.max(1));
    if let Some(body) = cached_body(&state, &key, lifetime).await {
        return Ok(json_response(body, true));
    }
    let data = state
        .engine
        .preview(
            DatasetVersionRef {
                location: version.location,
                version: version.dataset_version,
            },
            limit,
        )
        .await
        .map_err(engine_problem)?;
    let body = serde_json::to_string(&serde_json::json!({
        "dataset_id": id,
        "dataset_version": version.dataset_version,
        "row_count": data.row_count,
        "columns": data.columns,
    }))
    .map_err(|error| anyhow::anyhow!("a preview cannot be serialised: {error}"))?;
    let body = store_body(&state, &key, body, state.settings.chart_cache_seconds).await;
    Ok(json_response(body, false))
}

/// Nulls, distinct estimate, minimum and maximum of every column of a dataset version.
#[utoipa::path(get, path = "/api/v1/datasets/{id}/statistics", operation_id = "dataset_statistics", tag = "datasets", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dataset"), VersionParams),
    responses(
        (status = 200, description = "Per-column statistics", body = Object),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such dataset or version, or not visible"),
    ))]
pub async fn statistics(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<Uuid>,
    Query(params): Query<VersionParams>,
) -> Result<Response, ApiError> {
    let version = dataset_version(&state, caller, id, params.version).await?;
    let key = format!(
        "{}dataset-statistics:{id}:{}",
        state.settings.redis_key_prefix, version.dataset_version
    );
    let lifetime = Duration::from_secs(state.settings.chart_cache_seconds.max(1));
    if let Some(body) = cached_body(&state, &key, lifetime).await {
        return Ok(json_response(body, true));
    }
    let statistics = state
        .engine
        .statistics(DatasetVersionRef {
            location: version.location,
            version: version.dataset_version,
        })
        .await
        .map_err(engine_problem)?;
    let body = serde_json::to_string(&serde_json::json!({
        "dataset_id": id,
        "dataset_version": version.dataset_version,
        "row_count": statistics.row_count,
        "columns": statistics.columns,
    }))
    .map_err(|error| anyhow::anyhow!("statistics cannot be serialised: {error}"))?;
    let body = store_body(&state, &key, body, state.settings.chart_cache_seconds).await;
    Ok(json_response(body, false))
}
