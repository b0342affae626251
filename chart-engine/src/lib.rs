//! Chart data: a chart specification becomes an Apache DataFusion plan over one dataset version, run
//! within per-query limits on a runtime of its own.
//!
//! This is the only crate that links DataFusion, so that only the query side pays for compiling it.
//!
//! * Builder charts are planned with the DataFrame API ([`plan`]): user input becomes column references
//!   and typed literals, never SQL text. Every column a specification names is checked against the
//!   dataset's schema first, so a wrong name or type is an [`EngineError::InvalidSpec`] that names the
//!   field.
//! * Native-SQL charts ([`native_sql`]) run one read-only `SELECT` in a session that holds nothing but
//!   the dataset, with DDL, DML and statements such as `SET` disabled and URL tables off.
//! * Every query has its own memory pool, a row limit and a timeout, and runs on the engine's own
//!   threads so that a heavy plan never stalls the HTTP runtime.

pub mod error;
pub mod external;
pub mod filters;
pub mod native_sql;
pub mod output;
pub mod plan;
pub mod time_buckets;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use datafusion::execution::cache::cache_manager::{CacheManager, CacheManagerConfig};
use datafusion::execution::object_store::{DefaultObjectStoreRegistry, ObjectStoreRegistry};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{DataFrame, ParquetReadOptions, SessionConfig, SessionContext};
use url::Url;
use vizpro_dataset_storage::ObjectStorage;
use vizpro_dataset_storage::object_storage::ENGINE_URL;
use vizpro_events::chart::{ChartQuery, ChartType, Filter};

pub use error::EngineError;
pub use external::{
    DEFAULT_DENIED_NETWORKS, ExternalColumn, ExternalConnection, ExternalKind, ExternalPools,
    ExternalRelation, ExternalTable, HostPolicy, parse_network,
};
pub use output::{ChartData, ColumnRole, ColumnStatistics, DatasetStatistics, ResultColumn};

/// Limits and threads of the engine.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// Threads that run query plans; they are separate from the HTTP runtime's.
    pub threads: usize,
    /// Memory one query may use for its operators, in bytes.
    pub memory_limit_bytes: usize,
    /// The most result rows a chart returns; more are cut off and the result says so.
    pub max_result_rows: usize,
    /// How long one query may run.
    pub timeout: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            threads: 2,
            memory_limit_bytes: 512 * 1024 * 1024,
            max_result_rows: 10_000,
            timeout: Duration::from_secs(30),
        }
    }
}

/// One stored dataset version, as the read model records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetVersionRef {
    /// The object key of its Parquet file.
    pub location: String,
    pub version: i32,
}

/// An external database relation a chart reads live, with how long connecting may take.
#[derive(Debug, Clone)]
pub struct ExternalDataset {
    pub connection: ExternalConnection,
    pub relation: ExternalRelation,
    pub connect_timeout: Duration,
}

/// Where a chart's rows come from.
#[derive(Debug, Clone)]
pub enum DatasetInput {
    /// A stored dataset version (an upload converted to Parquet).
    Stored(DatasetVersionRef),
    /// A table or read-only query of an external PostgreSQL or MySQL database, read at query time
    /// with projection, filters and limit pushed down to it.
    External(ExternalDataset),
}

impl From<DatasetVersionRef> for DatasetInput {
    fn from(stored: DatasetVersionRef) -> Self {
        DatasetInput::Stored(stored)
    }
}

/// What a chart asks for.
#[derive(Debug, Clone)]
pub struct ChartRequest {
    pub dataset: DatasetInput,
    pub chart_type: ChartType,
    pub query: ChartQuery,
    /// The chart's visual options; a histogram reads `bins` from them.
    pub options: serde_json::Value,
    /// The dashboard's filters, applied on top of the chart's own. A filter on a column the dataset
    /// lacks does not apply to this chart and is skipped.
    pub dashboard_filters: Vec<Filter>,
    /// The instant relative filters such as "last 30 days" count back from.
    pub now: DateTime<Utc>,
}

/// The chart engine. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct ChartEngine {
    config: EngineConfig,
    registry: Arc<dyn ObjectStoreRegistry>,
    /// Parquet footers and file statistics, shared by every query's session. Dataset versions are
    /// immutable files, so what was read once about a file stays true; without sharing, every chart
    /// would read and decode its file's footer again before planning.
    caches: SharedCaches,
    /// Connection pools of external databases, kept between queries.
    pools: Arc<ExternalPools>,
    runtime: EngineRuntime,
}

/// The caches every session of an engine uses.
#[derive(Clone)]
struct SharedCaches(CacheManagerConfig);

impl std::fmt::Debug for SharedCaches {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("SharedCaches")
    }
}

/// A Tokio runtime that is shut down without blocking when dropped, so that dropping the engine from
/// inside another runtime (as a server does at shutdown) does not panic.
#[derive(Debug)]
struct EngineRuntime(Option<tokio::runtime::Runtime>);

impl Drop for EngineRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl ChartEngine {
    /// An engine reading dataset versions from `storage`.
    pub fn new(config: EngineConfig, storage: &ObjectStorage) -> Result<Self, EngineError> {
        let registry = DefaultObjectStoreRegistry::new();
        let url =
            Url::parse(ENGINE_URL).map_err(|error| EngineError::Internal(error.to_string()))?;
        registry.register_store(&url, storage.store());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.threads.max(1))
            .thread_name("chart-engine")
            .enable_all()
            .build()
            .map_err(|error| EngineError::Internal(error.to_string()))?;
        let shared = CacheManager::try_new(&CacheManagerConfig::default())
            .map_err(|error| EngineError::Internal(error.to_string()))?;
        let caches = CacheManagerConfig::default()
            .with_file_metadata_cache(Some(shared.get_file_metadata_cache()))
            .with_file_statistics_cache(shared.get_file_statistic_cache());
        Ok(ChartEngine {
            config,
            registry: Arc::new(registry),
            caches: SharedCaches(caches),
            pools: Arc::new(ExternalPools::default()),
            runtime: EngineRuntime(Some(runtime)),
        })
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The engine, connecting to external databases only where `policy` permits.
    pub fn with_host_policy(mut self, policy: HostPolicy) -> Self {
        self.pools = Arc::new(ExternalPools::new(policy));
        self
    }

    /// How many external databases' connection pools the engine keeps open.
    pub fn external_pools(&self) -> usize {
        self.pools.len()
    }

    /// A fresh session with its own memory pool, able to read the object store.
    fn session(&self) -> Result<SessionContext, EngineError> {
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_limit(self.config.memory_limit_bytes, 1.0)
            .with_object_store_registry(self.registry.clone())
            .with_cache_manager(self.caches.0.clone())
            .build_arc()
            .map_err(|error| EngineError::Internal(error.to_string()))?;
        let config = SessionConfig::new()
            .with_target_partitions(self.config.threads.max(1))
            .with_information_schema(false);
        Ok(SessionContext::new_with_config_rt(config, runtime))
    }

    /// Runs `work` on the engine's threads within the time limit.
    async fn run<T, F>(&self, work: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, EngineError>> + Send + 'static,
    {
        let timeout = self.config.timeout;
        let runtime = self
            .runtime
            .0
            .as_ref()
            .ok_or_else(|| EngineError::Internal("the engine is shutting down".into()))?;
        let task = runtime.spawn(async move { tokio::time::timeout(timeout, work).await });
        match task.await {
            Ok(Ok(result)) => result,
            Ok(Err(_elapsed)) => Err(EngineError::Timeout {
                seconds: timeout.as_secs(),
            }),
            Err(join_error) => Err(EngineError::Internal(join_error.to_string())),
        }
    }

    /// Computes a chart's data.
    pub async fn chart_data(&self, request: ChartRequest) -> Result<ChartData, EngineError> {
        let context = self.session()?;
        let limits = self.config;
        let pools = self.pools.clone();
        self.run(async move {
            let started = Instant::now();
            register_dataset(&context, &pools, &request.dataset).await?;
            let mut data = match &request.query {
                ChartQuery::Sql { sql } => native_sql::run(&context, sql, &limits).await?,
                ChartQuery::Builder { .. } => {
                    let dataset = context
                        .table(native_sql::TABLE_NAME)
                        .await
                        .map_err(plan::internal)?;
                    plan::run(dataset, &request, &limits).await?
                }
            };
            data.computation_ms = started.elapsed().as_secs_f64() * 1000.0;
            Ok(data)
        })
        .await
    }

    /// Connects to an external database, signs in and runs a trivial query, within the timeout.
    pub async fn test_connection(
        &self,
        connection: ExternalConnection,
        connect_timeout: Duration,
    ) -> Result<(), EngineError> {
        let pools = self.pools.clone();
        self.run(async move {
            external::test_connection(&connection, pools.policy(), connect_timeout).await
        })
        .await
    }

    /// The tables and views of an external database with their columns, system schemas left out.
    pub async fn list_tables(
        &self,
        connection: ExternalConnection,
        connect_timeout: Duration,
    ) -> Result<Vec<ExternalTable>, EngineError> {
        let context = self.session()?;
        let limits = self.config;
        let pools = self.pools.clone();
        self.run(async move {
            let relation = ExternalRelation::Query {
                sql: external::catalog_query(connection.kind).to_owned(),
            };
            external::register_dataset(&context, &pools, &connection, &relation, connect_timeout)
                .await?;
            let frame = context
                .table(native_sql::TABLE_NAME)
                .await
                .map_err(plan::internal)?;
            let batches = plan::collect(frame, &limits).await?;
            let rows = output::chart_data(&batches, ColumnRole::Value, 1_000_000)?;
            Ok(external::tables_from_catalog(&rows))
        })
        .await
    }

    /// The first rows of a dataset version, at most `limit` and never more than the row limit.
    pub async fn preview(
        &self,
        dataset: DatasetVersionRef,
        limit: usize,
    ) -> Result<ChartData, EngineError> {
        let context = self.session()?;
        let limit = limit.min(self.config.max_result_rows);
        self.run(async move {
            let started = Instant::now();
            let frame = open_dataset(&context, &dataset).await?;
            let frame = frame.limit(0, Some(limit + 1)).map_err(plan::internal)?;
            let batches = plan::collect(frame, &limits_for_preview()).await?;
            let mut data = output::chart_data(&batches, ColumnRole::Value, limit)?;
            data.computation_ms = started.elapsed().as_secs_f64() * 1000.0;
            Ok(data)
        })
        .await
    }

    /// Nulls, distinct estimate, minimum and maximum of every column of a dataset version.
    pub async fn statistics(
        &self,
        dataset: DatasetVersionRef,
    ) -> Result<DatasetStatistics, EngineError> {
        let context = self.session()?;
        let limits = self.config;
        self.run(async move {
            let frame = open_dataset(&context, &dataset).await?;
            plan::statistics(frame, &limits).await
        })
        .await
    }
}

fn limits_for_preview() -> EngineConfig {
    EngineConfig::default()
}

/// Registers the chart's rows as the table `dataset`, the only table its session holds.
async fn register_dataset(
    context: &SessionContext,
    pools: &ExternalPools,
    dataset: &DatasetInput,
) -> Result<(), EngineError> {
    match dataset {
        DatasetInput::Stored(stored) => {
            let url = format!("{ENGINE_URL}/{}", stored.location.trim_start_matches('/'));
            context
                .register_parquet(native_sql::TABLE_NAME, url, ParquetReadOptions::default())
                .await
                .map_err(|error| EngineError::DataUnavailable(error.to_string()))
        }
        DatasetInput::External(external) => {
            external::register_dataset(
                context,
                pools,
                &external.connection,
                &external.relation,
                external.connect_timeout,
            )
            .await
        }
    }
}

/// The dataset version's Parquet file as a DataFrame.
pub(crate) async fn open_dataset(
    context: &SessionContext,
    dataset: &DatasetVersionRef,
) -> Result<DataFrame, EngineError> {
    let url = format!("{ENGINE_URL}/{}", dataset.location.trim_start_matches('/'));
    context
        .read_parquet(url, ParquetReadOptions::default())
        .await
        .map_err(|error| EngineError::DataUnavailable(error.to_string()))
}
