//! Charts over an external PostgreSQL or MySQL table or read-only query.
//!
//! The relation is registered in a [`SessionContext`] as the table `dataset`, so builder and native-SQL
//! charts plan over it exactly as over a stored dataset. Projection, filters and limit are pushed down
//! into the SQL sent to the server (see `datafusion-table-providers-*` 0.15.1).
//!
//! * A **table** uses the providers' own `SqlTable`: the schema comes from the server's catalog, and
//!   `scan` sends `SELECT <columns> FROM "schema"."table" WHERE <filters> LIMIT <n>`.
//! * A **query** has no provider of its own, so [`QueryTable`] wraps it as a derived table: the scan SQL
//!   is unparsed by DataFusion with a placeholder table, and the placeholder is replaced *in the AST* by
//!   `(<query>) AS placeholder`. Its execution plan is our own leaf, so none of `SqlExec`'s text-based
//!   rewrites (`with_fetch`, `try_pushdown_sort`, dynamic filters, which search the SQL text for
//!   " LIMIT " and " WHERE ") can touch the user's query.
//!
//! A query only ever runs as one read-only `SELECT`:
//! 1. it is parsed with sqlparser in the server's dialect and must be exactly one `Query` statement, with
//!    no data-modifying CTE, `SELECT … INTO`, `FOR UPDATE/SHARE` or known side-effecting function;
//! 2. the server enforces it: PostgreSQL connections start with
//!    `-c default_transaction_read_only=on`, MySQL connections run `SET SESSION TRANSACTION READ ONLY`
//!    as a setup query (re-run after every pool reset);
//! 3. both drivers send it as one prepared statement, which cannot hold a second command.
//!
//! The one real guarantee remains a database user that has only `SELECT` privileges; 1–3 are
//! defence in depth.
//!
//! The password never appears in `Debug` output or in errors: it is held in a `SecretString` by the
//! PostgreSQL pool, given to `mysql_async` structurally, and scrubbed from any error text.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::common::TableReference;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::TableProvider;
use datafusion::error::{DataFusionError, Result as DataFusionResult};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::logical_plan::builder::LogicalTableSource;
use datafusion::logical_expr::{Expr, LogicalPlanBuilder, TableProviderFilterPushDown, TableType};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    ChildrenPropertiesMode, DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning,
    PlanProperties, ReplaceChildrenOptions, SendableRecordBatchStream,
};
use datafusion::prelude::SessionContext;
use datafusion::sql::sqlparser::ast::{self, Visit, VisitMut, Visitor, VisitorMut};
use datafusion::sql::sqlparser::dialect::{
    Dialect as ParserDialect, MySqlDialect as MySqlParserDialect,
    PostgreSqlDialect as PostgresParserDialect,
};
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::unparser::Unparser;
use datafusion::sql::unparser::dialect::{
    Dialect as UnparserDialect, MySqlDialect, PostgreSqlDialect,
};
use datafusion_table_providers_common::UnsupportedTypeAction;
use datafusion_table_providers_common::sql::db_connection_pool::dbconnection::{
    self, AsyncDbConnection, DbConnection,
};
use datafusion_table_providers_common::sql::db_connection_pool::{
    DbConnectionPool, JoinPushDown, PasswordProvider, StaticPasswordProvider,
};
use datafusion_table_providers_common::sql::sql_provider_datafusion::{
    self as sql_provider, SqlTable, default_filter_pushdown, get_stream, project_schema_safe,
};
use datafusion_table_providers_mysql::DynMySQLConnectionPool;
use datafusion_table_providers_mysql::conn::MySQLConnection;
use datafusion_table_providers_postgres::DynPostgresConnectionPool;
use datafusion_table_providers_postgres::pool::{self as postgres_pool, PostgresConnectionPool};
use futures::TryStreamExt;
use ipnet::IpNet;
use mysql_async::prelude::{Queryable, ToValue};
use secrecy::SecretString;
use tokio::time::Instant;

use crate::error::EngineError;
use crate::native_sql::TABLE_NAME;

/// Connections the engine may keep open to one database (one pool per set of connection details).
const POOL_SIZE: usize = 2;
/// How long the server lets one statement run (PostgreSQL `statement_timeout`).
const STATEMENT_TIMEOUT_MS: u64 = 60_000;
/// How long reading the relation's schema may take once connected.
const METADATA_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest query text accepted.
const MAX_QUERY_CHARS: usize = 100_000;
/// The name the scan SQL is unparsed with before the user's query replaces it.
const PLACEHOLDER: &str = "vizpro_remote_query";
/// Functions refused in a PostgreSQL query: they change session state, touch files or other servers,
/// or run SQL given as text (which would bypass the checks above).
const POSTGRES_DENIED_FUNCTIONS: &[&str] = &[
    "set_config",
    "query_to_xml",
    "query_to_xmlschema",
    "query_to_xml_and_xmlschema",
    "cursor_to_xml",
    "dblink",
    "dblink_exec",
    "dblink_connect",
    "dblink_send_query",
    "pg_read_file",
    "pg_read_binary_file",
    "pg_ls_dir",
    "lo_import",
    "lo_export",
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_reload_conf",
    "pg_advisory_lock",
    "pg_advisory_xact_lock",
    "pg_notify",
    "nextval",
    "setval",
];
/// Functions refused in a MySQL query.
const MYSQL_DENIED_FUNCTIONS: &[&str] =
    &["load_file", "get_lock", "release_lock", "release_all_locks"];

/// Which server an external connection reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalKind {
    Postgres,
    Mysql,
}

/// Where an external relation lives and how to sign in.
#[derive(Clone)]
pub struct ExternalConnection {
    pub kind: ExternalKind,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub username: String,
    pub password: String,
    /// `disable`, `prefer` (the default), `require`, `verify-ca` or `verify-full`. `prefer` and
    /// `require` encrypt without checking the certificate, as libpq does.
    pub ssl_mode: Option<String>,
}

impl fmt::Debug for ExternalConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExternalConnection")
            .field("kind", &self.kind)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("ssl_mode", &self.ssl_mode)
            .finish()
    }
}

/// What a chart reads from an external connection.
#[derive(Debug, Clone)]
pub enum ExternalRelation {
    /// A table or view; without a schema, PostgreSQL looks in `public` and MySQL in the connection's
    /// database.
    Table {
        schema: Option<String>,
        table: String,
    },
    /// One read-only `SELECT` in the server's own dialect.
    Query { sql: String },
}

/// One column of an external table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExternalColumn {
    pub name: String,
    /// The server's own type name, e.g. `integer` or `varchar(40)`.
    pub data_type: String,
    pub nullable: bool,
}

/// A table or view of an external database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExternalTable {
    pub schema: String,
    pub name: String,
    /// `table` or `view`.
    pub kind: String,
    pub columns: Vec<ExternalColumn>,
}

/// The catalog query listing every column of every user table and view, system schemas left out. The
/// information schema's own types are cast to text so that both servers answer plain strings.
pub(crate) fn catalog_query(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Postgres => {
            "SELECT c.table_schema::text AS table_schema, c.table_name::text AS table_name, \
             t.table_type::text AS table_type, c.column_name::text AS column_name, \
             c.data_type::text AS data_type, c.is_nullable::text AS is_nullable, \
             c.ordinal_position::int4 AS ordinal_position \
             FROM information_schema.columns c \
             JOIN information_schema.tables t \
               ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema \
              AND t.table_name = c.table_name \
             WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') \
               AND c.table_schema NOT LIKE 'pg_toast%' AND c.table_schema NOT LIKE 'pg_temp_%'"
        }
        ExternalKind::Mysql => {
            "SELECT CAST(c.TABLE_SCHEMA AS CHAR) AS table_schema, CAST(c.TABLE_NAME AS CHAR) AS table_name, \
             CAST(t.TABLE_TYPE AS CHAR) AS table_type, CAST(c.COLUMN_NAME AS CHAR) AS column_name, \
             CAST(c.COLUMN_TYPE AS CHAR) AS data_type, CAST(c.IS_NULLABLE AS CHAR) AS is_nullable, \
             CAST(c.ORDINAL_POSITION AS SIGNED) AS ordinal_position \
             FROM information_schema.COLUMNS c \
             JOIN information_schema.TABLES t \
               ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
             WHERE c.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"
        }
    }
}

/// Groups the catalog query's rows into tables, ordered by schema, table and column position.
pub(crate) fn tables_from_catalog(rows: &crate::ChartData) -> Vec<ExternalTable> {
    let column = |name: &str| {
        rows.columns
            .iter()
            .find(|column| column.name == name)
            .map(|column| column.values.clone())
            .unwrap_or_default()
    };
    let text = |values: &[serde_json::Value], row: usize| {
        values
            .get(row)
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let (schemas, tables, types) = (
        column("table_schema"),
        column("table_name"),
        column("table_type"),
    );
    let (names, data_types, nullables, positions) = (
        column("column_name"),
        column("data_type"),
        column("is_nullable"),
        column("ordinal_position"),
    );
    let mut ordered: Vec<(String, String, i64, usize)> = (0..rows.row_count)
        .map(|row| {
            let position = positions
                .get(row)
                .and_then(|value| value.as_i64().or_else(|| value.as_str()?.parse().ok()))
                .unwrap_or_default();
            (text(&schemas, row), text(&tables, row), position, row)
        })
        .collect();
    ordered.sort();
    let mut found: Vec<ExternalTable> = Vec::new();
    for (schema, table, _, row) in ordered {
        let column = ExternalColumn {
            name: text(&names, row),
            data_type: text(&data_types, row),
            nullable: text(&nullables, row).eq_ignore_ascii_case("yes"),
        };
        match found.last_mut() {
            Some(last) if last.schema == schema && last.name == table => last.columns.push(column),
            _ => found.push(ExternalTable {
                kind: if text(&types, row).to_ascii_uppercase().contains("VIEW") {
                    "view".to_owned()
                } else {
                    "table".to_owned()
                },
                schema,
                name: table,
                columns: vec![column],
            }),
        }
    }
    found
}

/// Connection pools of the databases charts read, kept between queries: a dashboard of many tiles over
/// one database, and every refresh of it, would otherwise connect and sign in once per chart. A pool is
/// found by a digest of everything it was opened with, the password included, so changed connection
/// details open a new pool and the old one is let go when it has been idle for [`POOL_IDLE`].
#[derive(Default)]
pub struct ExternalPools {
    pools: std::sync::Mutex<HashMap<[u8; 32], CachedPool>>,
    /// Which addresses new pools may connect to.
    policy: HostPolicy,
}

impl fmt::Debug for ExternalPools {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ExternalPools")
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
enum SharedPool {
    Postgres(Arc<DynPostgresConnectionPool>),
    Mysql(Arc<DynMySQLConnectionPool>),
}

struct CachedPool {
    pool: SharedPool,
    last_used: Instant,
}

/// How long an unused pool and its connections are kept.
const POOL_IDLE: Duration = Duration::from_secs(300);
/// How many databases' pools are kept at most; the one unused the longest goes first.
const MAX_POOLS: usize = 32;

impl ExternalPools {
    /// No pools yet; new ones connect only where `policy` permits.
    pub fn new(policy: HostPolicy) -> Self {
        ExternalPools {
            pools: std::sync::Mutex::default(),
            policy,
        }
    }

    /// Which addresses new pools may connect to.
    pub fn policy(&self) -> &HostPolicy {
        &self.policy
    }

    fn key(connection: &ExternalConnection) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut digest = Sha256::new();
        let kind = match connection.kind {
            ExternalKind::Postgres => "postgres",
            ExternalKind::Mysql => "mysql",
        };
        let port = connection.port.to_string();
        let ssl_mode = connection.ssl_mode.as_deref().unwrap_or("");
        for part in [
            kind,
            &connection.host,
            &port,
            &connection.database,
            &connection.username,
            &connection.password,
            ssl_mode,
        ] {
            // Each part with its length, so that no two different sets of details run together alike.
            digest.update((part.len() as u64).to_be_bytes());
            digest.update(part.as_bytes());
        }
        digest.finalize().into()
    }

    fn pools(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], CachedPool>> {
        // A panic while the map was held cannot leave it half-changed: every change is one call.
        self.pools
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn find(&self, key: &[u8; 32]) -> Option<SharedPool> {
        let now = Instant::now();
        let mut pools = self.pools();
        pools.retain(|_, cached| now.duration_since(cached.last_used) < POOL_IDLE);
        let cached = pools.get_mut(key)?;
        cached.last_used = now;
        Some(cached.pool.clone())
    }

    fn keep(&self, key: [u8; 32], pool: SharedPool) {
        let mut pools = self.pools();
        if pools.len() >= MAX_POOLS
            && !pools.contains_key(&key)
            && let Some(oldest) = pools
                .iter()
                .min_by_key(|(_, cached)| cached.last_used)
                .map(|(key, _)| *key)
        {
            pools.remove(&oldest);
        }
        pools.insert(
            key,
            CachedPool {
                pool,
                last_used: Instant::now(),
            },
        );
    }

    /// How many pools are kept.
    pub fn len(&self) -> usize {
        self.pools().len()
    }

    /// Whether no pool is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pool for `connection`, opened (within `connect_timeout`) when none is kept.
    async fn pool(
        &self,
        connection: &ExternalConnection,
        connect_timeout: Duration,
    ) -> Result<SharedPool, EngineError> {
        let key = Self::key(connection);
        if let Some(pool) = self.find(&key) {
            return Ok(pool);
        }
        let pool = match connection.kind {
            ExternalKind::Postgres => SharedPool::Postgres(Arc::new(
                postgres_pool(connection, &self.policy, connect_timeout).await?,
            )),
            ExternalKind::Mysql => SharedPool::Mysql(Arc::new(
                mysql_pool(connection, &self.policy, connect_timeout).await?,
            )),
        };
        self.keep(key, pool.clone());
        Ok(pool)
    }
}

/// Registers the relation as the table `dataset` in the given SessionContext, reading through a pool of
/// `pools` (opened within `connect_timeout` when there is none for the connection yet).
pub async fn register_dataset(
    context: &SessionContext,
    pools: &ExternalPools,
    connection: &ExternalConnection,
    relation: &ExternalRelation,
    connect_timeout: Duration,
) -> Result<(), EngineError> {
    validate_connection(connection)?;
    // Everything about the relation is checked before the network is touched.
    let prepared = prepare_relation(connection.kind, relation)?;
    let provider = match pools.pool(connection, connect_timeout).await? {
        SharedPool::Postgres(pool) => {
            provider_for(
                pool,
                Arc::new(PostgreSqlDialect {}),
                "postgres",
                prepared,
                connection,
            )
            .await?
        }
        SharedPool::Mysql(pool) => {
            provider_for(
                pool,
                Arc::new(MySqlDialect {}),
                "mysql",
                prepared,
                connection,
            )
            .await?
        }
    };
    context
        .register_table(TABLE_NAME, provider)
        .map_err(|error| EngineError::Internal(error.to_string()))?;
    Ok(())
}

/// Connects, signs in and runs `SELECT 1`, all within `connect_timeout`.
pub async fn test_connection(
    connection: &ExternalConnection,
    policy: &HostPolicy,
    connect_timeout: Duration,
) -> Result<(), EngineError> {
    validate_connection(connection)?;
    match connection.kind {
        ExternalKind::Postgres => drop(postgres_pool(connection, policy, connect_timeout).await?),
        ExternalKind::Mysql => drop(mysql_pool(connection, policy, connect_timeout).await?),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

fn ssl_mode(connection: &ExternalConnection) -> Result<SslMode, EngineError> {
    let mode = connection
        .ssl_mode
        .as_deref()
        .map(str::trim)
        .map(str::to_ascii_lowercase);
    match mode.as_deref() {
        None | Some("") | Some("prefer") => Ok(SslMode::Prefer),
        Some("disable") => Ok(SslMode::Disable),
        Some("require") => Ok(SslMode::Require),
        Some("verify-ca") => Ok(SslMode::VerifyCa),
        Some("verify-full") => Ok(SslMode::VerifyFull),
        Some(_) => Err(EngineError::invalid(
            "connection.ssl_mode",
            "must be disable, prefer, require, verify-ca or verify-full",
        )),
    }
}

fn validate_connection(connection: &ExternalConnection) -> Result<(), EngineError> {
    let host = &connection.host;
    // No '/': tokio-postgres would take it for a Unix socket directory.
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    if !host_ok {
        return Err(EngineError::invalid(
            "connection.host",
            "must be a host name or an IP address",
        ));
    }
    if connection.port == 0 {
        return Err(EngineError::invalid("connection.port", "must not be 0"));
    }
    ssl_mode(connection)?;
    // The PostgreSQL pool builds a libpq key=value string without quoting, and splits it on
    // whitespace and '=': the user and database names must survive that.
    let postgres = connection.kind == ExternalKind::Postgres;
    for (field, value) in [
        ("connection.database", &connection.database),
        ("connection.username", &connection.username),
    ] {
        let bad_char = |c: char| {
            c.is_control() || (postgres && (c.is_whitespace() || matches!(c, '=' | '\'' | '\\')))
        };
        if value.is_empty() || value.chars().count() > 64 || value.chars().any(bad_char) {
            return Err(EngineError::invalid(
                field,
                "must be 1 to 64 characters, without spaces, quotes, '=' or '\\'",
            ));
        }
    }
    Ok(())
}

/// A relation that passed validation.
enum Prepared {
    Table(TableReference),
    Query(Box<ast::Query>),
}

fn prepare_relation(
    kind: ExternalKind,
    relation: &ExternalRelation,
) -> Result<Prepared, EngineError> {
    match relation {
        ExternalRelation::Table { schema, table } => {
            validate_identifier(kind, "relation.table", table)?;
            let reference = match schema {
                Some(schema) => {
                    validate_identifier(kind, "relation.schema", schema)?;
                    // `partial` takes the names as they are: no parsing, no lower-casing.
                    TableReference::partial(schema.as_str(), table.as_str())
                }
                None => TableReference::bare(table.as_str()),
            };
            Ok(Prepared::Table(reference))
        }
        ExternalRelation::Query { sql } => Ok(Prepared::Query(validate_query(kind, sql)?)),
    }
}

fn validate_identifier(kind: ExternalKind, field: &str, name: &str) -> Result<(), EngineError> {
    // PostgreSQL names are quoted and escaped by the unparser and bound as parameters in the catalog
    // query. The MySQL provider quotes with backticks without escaping them (`SHOW COLUMNS FROM`), and
    // strips every '"' from the SQL it runs.
    let bad_char =
        |c: char| c.is_control() || (kind == ExternalKind::Mysql && matches!(c, '`' | '"'));
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(bad_char) {
        return Err(EngineError::invalid(
            field,
            "must be 1 to 64 characters without control characters (and, for MySQL, without ` or \")",
        ));
    }
    Ok(())
}

/// Parses `sql` in the server's dialect and accepts it only if it is exactly one read-only query.
fn validate_query(kind: ExternalKind, sql: &str) -> Result<Box<ast::Query>, EngineError> {
    const FIELD: &str = "relation.sql";
    if sql.trim().is_empty() {
        return Err(EngineError::invalid(FIELD, "the query is empty"));
    }
    if sql.chars().count() > MAX_QUERY_CHARS {
        return Err(EngineError::invalid(FIELD, "the query is too long"));
    }
    let dialect: Box<dyn ParserDialect> = match kind {
        ExternalKind::Postgres => Box::new(PostgresParserDialect {}),
        ExternalKind::Mysql => Box::new(MySqlParserDialect {}),
    };
    let mut statements = Parser::parse_sql(dialect.as_ref(), sql)
        .map_err(|error| EngineError::invalid(FIELD, error.to_string()))?;
    if statements.len() != 1 {
        return Err(EngineError::invalid(
            FIELD,
            "write exactly one SELECT statement",
        ));
    }
    let query = match statements.pop() {
        Some(ast::Statement::Query(query)) => query,
        _ => {
            return Err(EngineError::invalid(
                FIELD,
                "only a SELECT query can be charted",
            ));
        }
    };
    let denied = match kind {
        ExternalKind::Postgres => POSTGRES_DENIED_FUNCTIONS,
        ExternalKind::Mysql => MYSQL_DENIED_FUNCTIONS,
    };
    // Explicit trait calls: `Visit` and `VisitMut` both name their method `visit`.
    if let ControlFlow::Break(reason) = Visit::visit(query.as_ref(), &mut ReadOnlyCheck { denied })
    {
        return Err(EngineError::invalid(FIELD, reason));
    }
    // The MySQL provider deletes every '"' from the SQL it runs, which would change string literals.
    if kind == ExternalKind::Mysql && query.to_string().contains('"') {
        return Err(EngineError::invalid(
            FIELD,
            "use single quotes for strings and backticks for names; double quotes are not supported",
        ));
    }
    Ok(query)
}

/// Walks a query and stops at the first thing that could write or change session state.
struct ReadOnlyCheck {
    denied: &'static [&'static str],
}

impl ReadOnlyCheck {
    fn is_denied(&self, name: &ast::ObjectName) -> bool {
        name.0
            .last()
            .and_then(|part| part.as_ident())
            .is_some_and(|ident| {
                let lowered = ident.value.to_ascii_lowercase();
                self.denied.contains(&lowered.as_str())
            })
    }
}

impl Visitor for ReadOnlyCheck {
    type Break = String;

    fn pre_visit_statement(&mut self, _statement: &ast::Statement) -> ControlFlow<String> {
        // The query itself is visited, not its statement, so any statement met is nested, such as
        // the DELETE in `WITH d AS (DELETE … RETURNING *) SELECT …`.
        ControlFlow::Break("the query may not contain other statements".to_string())
    }

    fn pre_visit_query(&mut self, query: &ast::Query) -> ControlFlow<String> {
        if !query.locks.is_empty() {
            return ControlFlow::Break("FOR UPDATE / FOR SHARE is not allowed".to_string());
        }
        match query.body.as_ref() {
            ast::SetExpr::Insert(_)
            | ast::SetExpr::Update(_)
            | ast::SetExpr::Delete(_)
            | ast::SetExpr::Merge(_) => {
                ControlFlow::Break("data-modifying statements are not allowed".to_string())
            }
            _ => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_select(&mut self, select: &ast::Select) -> ControlFlow<String> {
        if select.into.is_some() {
            return ControlFlow::Break("SELECT … INTO is not allowed".to_string());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ast::ObjectName) -> ControlFlow<String> {
        // Table functions such as `FROM dblink(…)` are relations too.
        if self.is_denied(relation) {
            return ControlFlow::Break(format!("{relation} is not allowed"));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &ast::Expr) -> ControlFlow<String> {
        if let ast::Expr::Function(function) = expr
            && self.is_denied(&function.name)
        {
            return ControlFlow::Break(format!("the function {} is not allowed", function.name));
        }
        ControlFlow::Continue(())
    }
}

// ---------------------------------------------------------------------------------------------
// Connection pools
// ---------------------------------------------------------------------------------------------

fn timeout_error(timeout: Duration) -> EngineError {
    EngineError::Timeout {
        seconds: timeout.as_secs().max(1),
    }
}

fn auth_error() -> EngineError {
    EngineError::invalid(
        "connection.username",
        "the server refused the user name or password",
    )
}

/// An error message for callers: one line, without the providers' documentation links, and never the
/// password.
fn clean(message: &str, password: &str) -> String {
    let mut text = message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("For details, refer to"))
        .filter(|line| !line.starts_with("For further information, refer to"))
        .collect::<Vec<_>>()
        .join("; ");
    if password.chars().count() >= 4 {
        text = text.replace(password, "********");
    }
    text.chars().take(500).collect()
}

/// Fails fast, with the connect timeout, when nothing listens at `host:port`, and refuses a host any of
/// whose addresses `policy` does not permit, before connecting. The providers' own check blocks its
/// thread for up to 30 seconds per address.
async fn reachable(
    connection: &ExternalConnection,
    policy: &HostPolicy,
    deadline: Instant,
    timeout: Duration,
) -> Result<(), EngineError> {
    let address = (connection.host.as_str(), connection.port);
    let addresses: Vec<std::net::SocketAddr> =
        match tokio::time::timeout_at(deadline, tokio::net::lookup_host(address)).await {
            Ok(Ok(addresses)) => addresses.collect(),
            Ok(Err(error)) => {
                return Err(EngineError::SourceUnavailable(format!(
                    "cannot resolve {}: {error}",
                    connection.host
                )));
            }
            Err(_) => return Err(timeout_error(timeout)),
        };
    // Every address a name resolves to must be permitted, since the driver may use any of them. Which
    // address was refused stays in the log: the answer would tell the caller what a name resolves to.
    if let Some(refused) = addresses
        .iter()
        .find(|address| !policy.permits(address.ip()))
    {
        tracing::warn!(host = %connection.host, address = %refused.ip(), "a data source names an address the host policy refuses");
        return Err(EngineError::invalid(
            "connection.host",
            "is an address this server does not let data sources reach; an administrator can allow it",
        ));
    }
    match tokio::time::timeout_at(deadline, tokio::net::TcpStream::connect(&addresses[..])).await {
        Ok(Ok(_stream)) => Ok(()),
        Ok(Err(error)) => Err(EngineError::SourceUnavailable(format!(
            "cannot reach {}:{}: {error}",
            connection.host, connection.port
        ))),
        Err(_) => Err(timeout_error(timeout)),
    }
}

/// Which addresses data sources may connect to. A data source names any host its creator likes, and the
/// server connects to it: without a policy an editor could reach the cloud's metadata service or a
/// database listening only on the server's loopback. An address is permitted when an allowed network
/// contains it, and otherwise unless a denied network contains it (or the IPv4 address it embeds) or it
/// is one of this server's own addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPolicy {
    allowed: Vec<IpNet>,
    denied: Vec<IpNet>,
}

/// What is denied unless allowed: loopback, link-local (where cloud metadata services answer),
/// unspecified addresses, and the metadata addresses that lie outside those ranges.
pub const DEFAULT_DENIED_NETWORKS: &str = "127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10,0.0.0.0/8,::/128,100.100.100.200/32,fd00:ec2::254/128";

impl HostPolicy {
    pub fn new(allowed: Vec<IpNet>, denied: Vec<IpNet>) -> Self {
        HostPolicy { allowed, denied }
    }

    /// Whether a data source may connect to `address`.
    pub fn permits(&self, address: IpAddr) -> bool {
        self.permits_among(address, &own_addresses())
    }

    /// [`permits`](Self::permits), with this server's own addresses given.
    fn permits_among(&self, address: IpAddr, own: &[IpAddr]) -> bool {
        let forms = address_forms(address);
        if forms
            .iter()
            .any(|form| self.allowed.iter().any(|network| network.contains(form)))
        {
            return true;
        }
        !forms.iter().any(|form| {
            self.denied.iter().any(|network| network.contains(form)) || own.contains(form)
        })
    }
}

/// An address and every IPv4 address it stands for: an IPv6 address can carry an IPv4 one that the
/// network stack (or a NAT64 gateway, or a 6to4 relay) turns back into it, so `::127.0.0.1`,
/// `::ffff:127.0.0.1`, `64:ff9b::7f00:1` and `2002:7f00:1::` are all judged as 127.0.0.1 too.
fn address_forms(address: IpAddr) -> Vec<IpAddr> {
    let mut forms = vec![address, address.to_canonical()];
    if let IpAddr::V6(v6) = address {
        let segments = v6.segments();
        let octets = v6.octets();
        let last_four = IpAddr::V4(std::net::Ipv4Addr::new(
            octets[12], octets[13], octets[14], octets[15],
        ));
        // IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks), apart from :: and ::1.
        if segments[..6].iter().all(|segment| *segment == 0) && segments[6] != 0 {
            forms.push(last_four);
        }
        // NAT64: the well-known prefix 64:ff9b::/96 and the local-use 64:ff9b:1::/48.
        if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || segments[..3] == [0x64, 0xff9b, 1] {
            forms.push(last_four);
        }
        // 6to4: 2002:aabb:ccdd::/48 carries aa.bb.cc.dd.
        if segments[0] == 0x2002 {
            forms.push(IpAddr::V4(std::net::Ipv4Addr::new(
                octets[2], octets[3], octets[4], octets[5],
            )));
        }
    }
    forms
}

/// The addresses of this server's own network interfaces: a database listening on one of them is as
/// much this server's as one on its loopback.
fn own_addresses() -> Vec<IpAddr> {
    match if_addrs::get_if_addrs() {
        Ok(interfaces) => interfaces
            .iter()
            .map(|interface| interface.ip().to_canonical())
            .collect(),
        Err(error) => {
            tracing::warn!(error = %error, "this server's own addresses cannot be listed; only the configured networks are denied");
            Vec::new()
        }
    }
}

impl Default for HostPolicy {
    fn default() -> Self {
        let denied = DEFAULT_DENIED_NETWORKS
            .split(',')
            .map(|network| parse_network(network).expect("the default networks parse"))
            .collect();
        HostPolicy::new(Vec::new(), denied)
    }
}

/// A network in CIDR notation, or one address (a network of one).
pub fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    if let Ok(network) = text.parse::<IpNet>() {
        return Ok(network.trunc());
    }
    text.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("{text:?} is neither an address nor a network such as 10.0.0.0/8"))
}

/// Runs `future` on a blocking-pool thread, because `PostgresConnectionPool::new` calls the blocking
/// `std::net::TcpStream::connect_timeout` (30 s per address) inside an async fn; the engine's runtime
/// has only a couple of workers. The deadline still holds: on expiry the thread is left to finish.
async fn on_blocking_thread<F>(
    deadline: Instant,
    timeout: Duration,
    future: F,
) -> Result<F::Output, EngineError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handle = tokio::runtime::Handle::current();
    let task = tokio::task::spawn_blocking(move || handle.block_on(future));
    match tokio::time::timeout_at(deadline, task).await {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(error)) => Err(EngineError::Internal(format!("connecting failed: {error}"))),
        Err(_) => Err(timeout_error(timeout)),
    }
}

async fn postgres_pool(
    connection: &ExternalConnection,
    policy: &HostPolicy,
    connect_timeout: Duration,
) -> Result<PostgresConnectionPool, EngineError> {
    let deadline = Instant::now() + connect_timeout;
    reachable(connection, policy, deadline, connect_timeout).await?;
    let ssl_mode = match ssl_mode(connection)? {
        SslMode::Disable => "disable",
        SslMode::Prefer => "prefer",
        SslMode::Require => "require",
        SslMode::VerifyCa => "verify-ca",
        SslMode::VerifyFull => "verify-full",
    };
    let secret = |value: String| SecretString::from(value);
    let mut params: HashMap<String, SecretString> = HashMap::new();
    // `connection_string` is the only way to reach tokio-postgres' `connect_timeout`; the password is
    // not in it but comes from the password provider, so any character is fine there.
    params.insert(
        "connection_string".to_string(),
        secret(format!(
            "host={} port={} user={} dbname={} connect_timeout={}",
            connection.host,
            connection.port,
            connection.username,
            connection.database,
            connect_timeout.as_secs().max(1),
        )),
    );
    params.insert("sslmode".to_string(), secret(ssl_mode.to_string()));
    // Startup options: every transaction of the session is read-only, and no statement runs forever.
    params.insert(
        "options".to_string(),
        secret(format!(
            "-c default_transaction_read_only=on -c statement_timeout={STATEMENT_TIMEOUT_MS}"
        )),
    );
    params.insert("application_name".to_string(), secret("vizpro".to_string()));
    params.insert(
        "connection_pool_size".to_string(),
        secret(POOL_SIZE.to_string()),
    );
    let password: Arc<dyn PasswordProvider> = Arc::new(StaticPasswordProvider::new(
        SecretString::from(connection.password.clone()),
    ));
    let future = PostgresConnectionPool::new_with_password_provider(params, password);
    match on_blocking_thread(deadline, connect_timeout, future).await? {
        // Columns of types the provider cannot map are left out (with a warning) instead of failing
        // the whole table.
        Ok(pool) => Ok(pool.with_unsupported_type_action(UnsupportedTypeAction::Warn)),
        Err(error) => Err(postgres_error(&error, connection)),
    }
}

fn postgres_error(error: &postgres_pool::Error, connection: &ExternalConnection) -> EngineError {
    match error {
        postgres_pool::Error::InvalidUsernameOrPassword { .. } => auth_error(),
        postgres_pool::Error::InvalidHostOrPortError { .. } => EngineError::SourceUnavailable(
            format!("cannot reach {}:{}", connection.host, connection.port),
        ),
        postgres_pool::Error::PostgresConnectionError { source }
        | postgres_pool::Error::ConnectionPoolError { source }
            if source.code().map(|code| code.code()) == Some("3D000") =>
        {
            EngineError::invalid("connection.database", "the database does not exist")
        }
        other => EngineError::SourceUnavailable(clean(&other.to_string(), &connection.password)),
    }
}

/// A MySQL pool of our own, because `MySQLConnectionPool::new` overwrites the `setup` queries with its
/// own and offers no way to add `SET SESSION TRANSACTION READ ONLY` or a connect timeout. Its
/// connections are the provider's `MySQLConnection`, so `SqlTable` and the Arrow conversion are the
/// provider's.
struct ReadOnlyMySqlPool {
    pool: mysql_async::Pool,
    connect_timeout: Duration,
}

impl fmt::Debug for ReadOnlyMySqlPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the pool: its options hold the password.
        f.debug_struct("ReadOnlyMySqlPool").finish_non_exhaustive()
    }
}

#[async_trait]
impl DbConnectionPool<mysql_async::Conn, &'static (dyn ToValue + Sync)> for ReadOnlyMySqlPool {
    async fn connect(
        &self,
    ) -> Result<
        Box<dyn DbConnection<mysql_async::Conn, &'static (dyn ToValue + Sync)>>,
        Box<dyn std::error::Error + Send + Sync>,
    > {
        let conn = tokio::time::timeout(self.connect_timeout, self.pool.get_conn())
            .await
            .map_err(|_| -> Box<dyn std::error::Error + Send + Sync> {
                format!(
                    "no MySQL connection within {} seconds",
                    self.connect_timeout.as_secs()
                )
                .into()
            })??;
        let conn = <MySQLConnection as AsyncDbConnection<
            mysql_async::Conn,
            &'static (dyn ToValue + Sync),
        >>::new(conn);
        Ok(Box::new(conn))
    }

    fn join_push_down(&self) -> JoinPushDown {
        // One table per session: there is nothing to join with.
        JoinPushDown::Disallow
    }
}

async fn mysql_pool(
    connection: &ExternalConnection,
    policy: &HostPolicy,
    connect_timeout: Duration,
) -> Result<ReadOnlyMySqlPool, EngineError> {
    let deadline = Instant::now() + connect_timeout;
    reachable(connection, policy, deadline, connect_timeout).await?;
    let mode = ssl_mode(connection)?;
    // mysql_async has no "prefer": try TLS, and go without it only if the server has none.
    let unverified = mysql_async::SslOpts::default()
        .with_danger_accept_invalid_certs(true)
        .with_danger_skip_domain_validation(true);
    let tls = match mode {
        SslMode::Disable => None,
        SslMode::Prefer | SslMode::Require => Some(unverified),
        SslMode::VerifyCa => {
            Some(mysql_async::SslOpts::default().with_danger_skip_domain_validation(true))
        }
        SslMode::VerifyFull => Some(mysql_async::SslOpts::default()),
    };
    let first = tokio::time::timeout_at(deadline, open_mysql(connection, tls, connect_timeout))
        .await
        .map_err(|_| timeout_error(connect_timeout))?;
    let result = match first {
        Err(mysql_async::Error::Driver(mysql_async::DriverError::NoClientSslFlagFromServer))
            if mode == SslMode::Prefer =>
        {
            tokio::time::timeout_at(deadline, open_mysql(connection, None, connect_timeout))
                .await
                .map_err(|_| timeout_error(connect_timeout))?
        }
        other => other,
    };
    result.map_err(|error| mysql_error(&error, connection))
}

async fn open_mysql(
    connection: &ExternalConnection,
    tls: Option<mysql_async::SslOpts>,
    connect_timeout: Duration,
) -> Result<ReadOnlyMySqlPool, mysql_async::Error> {
    let constraints = mysql_async::PoolConstraints::new(0, POOL_SIZE).unwrap_or_default();
    let opts = mysql_async::OptsBuilder::default()
        .ip_or_hostname(connection.host.clone())
        .tcp_port(connection.port)
        .user(Some(connection.username.clone()))
        .pass(Some(connection.password.clone()))
        .db_name(Some(connection.database.clone()))
        // Otherwise a server on localhost is reached through its Unix socket instead.
        .prefer_socket(false)
        .ssl_opts(tls)
        .pool_opts(mysql_async::PoolOpts::new().with_constraints(constraints))
        // `setup`, not `init`: it runs again after every connection reset the pool does.
        // The first four are the provider's own setup queries.
        .setup(vec![
            "SET time_zone = '+00:00'",
            "SET character_set_results = 'utf8mb4'",
            "SET character_set_client = 'utf8mb4'",
            "SET character_set_connection = 'utf8mb4'",
            "SET SESSION TRANSACTION READ ONLY",
        ]);
    let pool = mysql_async::Pool::new(opts);
    let mut conn = pool.get_conn().await?;
    conn.query_drop("SELECT 1").await?;
    drop(conn);
    Ok(ReadOnlyMySqlPool {
        pool,
        connect_timeout,
    })
}

fn mysql_error(error: &mysql_async::Error, connection: &ExternalConnection) -> EngineError {
    match error {
        mysql_async::Error::Server(server) if server.code == 1045 => auth_error(),
        mysql_async::Error::Driver(mysql_async::DriverError::UnknownAuthPlugin { .. }) => {
            auth_error()
        }
        mysql_async::Error::Server(server) if server.code == 1049 => {
            EngineError::invalid("connection.database", "the database does not exist")
        }
        other => EngineError::SourceUnavailable(clean(&other.to_string(), &connection.password)),
    }
}

// ---------------------------------------------------------------------------------------------
// Table providers
// ---------------------------------------------------------------------------------------------

async fn provider_for<T: 'static, P: 'static>(
    pool: Arc<dyn DbConnectionPool<T, P> + Send + Sync>,
    dialect: Arc<dyn UnparserDialect + Send + Sync>,
    name: &str,
    relation: Prepared,
    connection: &ExternalConnection,
) -> Result<Arc<dyn TableProvider>, EngineError> {
    match relation {
        Prepared::Table(reference) => {
            // What `PostgresTableFactory::table_provider` does (without the federation wrapper); for
            // MySQL it stands in for `MySQLTable`, whose constructor wants the provider's own pool.
            let table =
                tokio::time::timeout(METADATA_TIMEOUT, SqlTable::new(name, &pool, reference))
                    .await
                    .map_err(|_| timeout_error(METADATA_TIMEOUT))?
                    .map_err(|error| table_error(&error, connection))?
                    .with_dialect(dialect);
            Ok(Arc::new(table))
        }
        Prepared::Query(query) => {
            let schema = tokio::time::timeout(METADATA_TIMEOUT, infer_query_schema(&pool, &query))
                .await
                .map_err(|_| timeout_error(METADATA_TIMEOUT))?
                .map_err(|detail| {
                    EngineError::invalid("relation.sql", clean(&detail, &connection.password))
                })?;
            Ok(Arc::new(QueryTable {
                pool,
                query,
                schema,
                dialect,
            }))
        }
    }
}

fn table_error(error: &sql_provider::Error, connection: &ExternalConnection) -> EngineError {
    match error {
        sql_provider::Error::UnableToGetSchema {
            source: dbconnection::Error::UndefinedTable { table_name, .. },
        } => EngineError::invalid(
            "relation.table",
            format!("the table {table_name} does not exist or this user cannot see it"),
        ),
        sql_provider::Error::UnableToGetSchema {
            source:
                dbconnection::Error::UnsupportedDataType {
                    data_type,
                    field_name,
                },
        } => EngineError::invalid(
            "relation.table",
            format!("the column {field_name} has the unsupported type {data_type}"),
        ),
        other => EngineError::SourceUnavailable(clean(&other.to_string(), &connection.password)),
    }
}

/// The Arrow schema of a query, in the providers' own type mapping: the query runs once with
/// `LIMIT 1`, left-joined to a one-row table so that an empty result still yields one (all-null) row
/// to read the column types from (the providers take the schema from the first row).
async fn infer_query_schema<T: 'static, P: 'static>(
    pool: &Arc<dyn DbConnectionPool<T, P> + Send + Sync>,
    query: &ast::Query,
) -> Result<SchemaRef, String> {
    let sql = format!(
        "SELECT vizpro_probe.* FROM (SELECT 1 AS vizpro_one) AS vizpro_probe_one \
         LEFT JOIN (SELECT * FROM ({query}) AS vizpro_probe_inner LIMIT 1) AS vizpro_probe ON 1 = 1"
    );
    let conn = pool.connect().await.map_err(|error| error.to_string())?;
    let stream = dbconnection::query_arrow(conn, sql, None)
        .await
        .map_err(|error| error.to_string())?;
    let schema = stream.schema();
    let _batches: Vec<_> = stream
        .try_collect()
        .await
        .map_err(|error| error.to_string())?;
    if schema.fields().is_empty() {
        return Err("the query returns no columns".to_string());
    }
    Ok(schema)
}

/// A read-only query exposed as a table: `SELECT <columns> FROM (<query>) AS q WHERE <filters>
/// LIMIT <n>`.
struct QueryTable<T: 'static, P: 'static> {
    pool: Arc<dyn DbConnectionPool<T, P> + Send + Sync>,
    query: Box<ast::Query>,
    schema: SchemaRef,
    dialect: Arc<dyn UnparserDialect + Send + Sync>,
}

impl<T, P> fmt::Debug for QueryTable<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryTable")
            .field("query", &self.query.to_string())
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<T: 'static, P: 'static> TableProvider for QueryTable<T, P> {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::View
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> DataFusionResult<Vec<TableProviderFilterPushDown>> {
        // The providers' rule: Exact for every filter the unparser can write in the dialect (and
        // that holds no subquery), Unsupported for the rest, which DataFusion then applies itself.
        Ok(default_filter_pushdown(filters, self.dialect.as_ref()))
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DataFusionResult<Arc<dyn ExecutionPlan>> {
        let sql = scan_sql(
            &self.schema,
            &self.query,
            self.dialect.as_ref(),
            projection,
            filters,
            limit,
        )?;
        let schema = project_schema_safe(&self.schema, projection)?;
        Ok(Arc::new(RemoteQueryExec::new(
            schema,
            Arc::clone(&self.pool),
            sql,
        )))
    }
}

/// Unparses the scan over a placeholder table, then swaps the placeholder for `(<query>) AS
/// placeholder` in the syntax tree, never in the text.
fn scan_sql(
    schema: &SchemaRef,
    query: &ast::Query,
    dialect: &dyn UnparserDialect,
    projection: Option<&Vec<usize>>,
    filters: &[Expr],
    limit: Option<usize>,
) -> DataFusionResult<String> {
    let source = LogicalTableSource::new(Arc::clone(schema));
    let plan = LogicalPlanBuilder::scan_with_filters(
        TableReference::bare(PLACEHOLDER),
        Arc::new(source),
        projection.cloned(),
        filters.to_vec(),
    )?
    .limit(0, limit)?
    .build()?;
    let mut statement = Unparser::new(dialect).plan_to_sql(&plan)?;
    let mut splice = SpliceQuery { query, spliced: 0 };
    let _ = VisitMut::visit(&mut statement, &mut splice);
    if splice.spliced != 1 {
        return Err(DataFusionError::Internal(format!(
            "expected one placeholder table in the scan SQL, found {}",
            splice.spliced
        )));
    }
    Ok(statement.to_string())
}

struct SpliceQuery<'a> {
    query: &'a ast::Query,
    spliced: usize,
}

impl VisitorMut for SpliceQuery<'_> {
    type Break = ();

    // After the children: the spliced-in query is never visited, so a table of the user's that
    // happened to share the placeholder's name is left alone.
    fn post_visit_table_factor(&mut self, table_factor: &mut ast::TableFactor) -> ControlFlow<()> {
        let alias = match table_factor {
            ast::TableFactor::Table { name, .. }
                if name.0.len() == 1
                    && name.0[0]
                        .as_ident()
                        .is_some_and(|ident| ident.value == PLACEHOLDER) =>
            {
                name.0[0].as_ident().cloned()
            }
            _ => None,
        };
        if let Some(alias) = alias {
            *table_factor = ast::TableFactor::Derived {
                lateral: false,
                subquery: Box::new(self.query.clone()),
                alias: Some(ast::TableAlias {
                    explicit: true,
                    name: alias,
                    columns: vec![],
                    at: None,
                }),
                sample: None,
            };
            self.spliced += 1;
        }
        ControlFlow::Continue(())
    }
}

/// A leaf that runs one fixed SQL text through the provider's connection and Arrow conversion. Unlike
/// the providers' `SqlExec` it accepts no limit, sort or filter rewrites after planning: those edit
/// the SQL as text and would land inside the user's query.
struct RemoteQueryExec<T: 'static, P: 'static> {
    schema: SchemaRef,
    pool: Arc<dyn DbConnectionPool<T, P> + Send + Sync>,
    sql: String,
    properties: Arc<PlanProperties>,
}

impl<T, P> RemoteQueryExec<T, P> {
    fn new(
        schema: SchemaRef,
        pool: Arc<dyn DbConnectionPool<T, P> + Send + Sync>,
        sql: String,
    ) -> Self {
        let properties = PlanProperties::new(
            EquivalenceProperties::new(Arc::clone(&schema)),
            Partitioning::UnknownPartitioning(1),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        RemoteQueryExec {
            schema,
            pool,
            sql,
            properties: Arc::new(properties),
        }
    }
}

impl<T, P> fmt::Debug for RemoteQueryExec<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RemoteQueryExec sql={}", self.sql)
    }
}

impl<T, P> DisplayAs for RemoteQueryExec<T, P> {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "RemoteQueryExec sql={}", self.sql)
    }
}

impl<T: 'static, P: 'static> ExecutionPlan for RemoteQueryExec<T, P> {
    fn name(&self) -> &'static str {
        "RemoteQueryExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DataFusionResult<TreeNodeRecursion>,
    ) -> DataFusionResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn replace_children(
        self: Arc<Self>,
        _children: Vec<Arc<dyn ExecutionPlan>>,
        _options: ReplaceChildrenOptions,
    ) -> DataFusionResult<Arc<dyn ExecutionPlan>> {
        Ok(self)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DataFusionResult<Arc<dyn ExecutionPlan>> {
        self.replace_children(
            children,
            ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
        )
    }

    fn execute(
        &self,
        _partition: usize,
        _context: Arc<TaskContext>,
    ) -> DataFusionResult<SendableRecordBatchStream> {
        tracing::debug!(sql = %self.sql, "external query");
        let future = get_stream(
            Arc::clone(&self.pool),
            self.sql.clone(),
            Arc::clone(&self.schema),
        );
        let stream = futures::stream::once(future).try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            Arc::clone(&self.schema),
            stream,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn by_default_data_sources_reach_networks_but_not_this_server_or_the_cloud_metadata_service() {
        let policy = HostPolicy::default();
        for permitted in ["10.1.2.3", "192.168.0.10", "203.0.113.7", "2001:db8::5"] {
            assert!(policy.permits(address(permitted)), "{permitted}");
        }
        for refused in [
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "169.254.169.254",
            "fe80::1",
            "0.0.0.0",
            "100.100.100.200",
            "fd00:ec2::254",
            // Loopback written as IPv6 is still loopback, however the IPv4 address is embedded.
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::7f00:1",
            "2002:7f00:1::",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!policy.permits(address(refused)), "{refused}");
        }
    }

    #[test]
    fn this_servers_own_addresses_are_refused_like_its_loopback() {
        let policy = HostPolicy::default();
        let own = [address("10.20.30.40"), address("2001:db8::40")];
        for refused in [
            "10.20.30.40",
            "::ffff:10.20.30.40",
            "64:ff9b::a14:1e28",
            "2001:db8::40",
        ] {
            assert!(!policy.permits_among(address(refused), &own), "{refused}");
        }
        assert!(policy.permits_among(address("10.20.30.41"), &own));
        // The real interfaces of this machine, whatever they are.
        for own in own_addresses() {
            assert!(!policy.permits(own), "{own}");
        }
    }

    #[test]
    fn an_allowed_network_wins_over_a_denied_one_and_networks_parse_as_written() {
        let policy = HostPolicy::new(
            vec![parse_network("127.0.0.1").unwrap()],
            vec![
                parse_network("127.0.0.0/8").unwrap(),
                parse_network("10.0.0.0/8").unwrap(),
            ],
        );
        assert!(policy.permits(address("127.0.0.1")));
        assert!(!policy.permits(address("127.0.0.2")));
        assert!(!policy.permits(address("10.200.0.1")));
        assert_eq!(
            parse_network(" 10.1.2.3/8 ").unwrap(),
            parse_network("10.0.0.0/8").unwrap()
        );
        assert!(
            parse_network("localhost")
                .unwrap_err()
                .contains("localhost")
        );
    }
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::prelude::{col, lit};

    fn refused(kind: ExternalKind, sql: &str) -> bool {
        matches!(
            validate_query(kind, sql),
            Err(EngineError::InvalidSpec { .. })
        )
    }

    #[test]
    fn only_one_read_only_select_is_accepted() {
        use ExternalKind::{Mysql, Postgres};
        assert!(!refused(
            Postgres,
            "SELECT a, sum(b) FROM s.t WHERE a > 1 GROUP BY a"
        ));
        assert!(!refused(Mysql, "SELECT `a` FROM t WHERE b = 'x' LIMIT 5"));
        assert!(refused(Postgres, "DELETE FROM t"));
        assert!(refused(Postgres, "SELECT 1; SELECT 2"));
        assert!(refused(Postgres, "SELECT 1; DROP TABLE t"));
        assert!(refused(
            Postgres,
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"
        ));
        assert!(refused(Postgres, "SELECT * INTO copy FROM t"));
        assert!(refused(Postgres, "SELECT * FROM t FOR UPDATE"));
        assert!(refused(
            Postgres,
            "SELECT set_config('default_transaction_read_only', 'off', false)"
        ));
        assert!(refused(
            Postgres,
            "SELECT * FROM pg_catalog.query_to_xml('x', true, true, '')"
        ));
        assert!(refused(Mysql, "SELECT \"a\" FROM t"));
        assert!(refused(Mysql, "SELECT LOAD_FILE('/etc/passwd')"));
    }

    #[test]
    fn the_scan_wraps_the_query_as_a_derived_table() {
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Utf8, true),
        ]));
        let query = validate_query(
            ExternalKind::Postgres,
            "SELECT a, b FROM t WHERE b <> 'z' LIMIT 100",
        )
        .expect("a valid query");
        let sql = scan_sql(
            &schema,
            &query,
            &PostgreSqlDialect {},
            Some(&vec![0]),
            &[col("a").gt(lit(1_i64))],
            Some(10),
        )
        .expect("scan SQL");
        assert!(
            sql.contains(
                "FROM (SELECT a, b FROM t WHERE b <> 'z' LIMIT 100) AS \"vizpro_remote_query\""
            ),
            "{sql}"
        );
        assert!(sql.contains("> 1"), "{sql}");
        assert!(sql.ends_with("LIMIT 10"), "{sql}");
    }

    #[test]
    fn the_password_stays_out_of_debug_and_errors() {
        let connection = ExternalConnection {
            kind: ExternalKind::Postgres,
            host: "db.example".to_string(),
            port: 5432,
            database: "sales".to_string(),
            username: "reader".to_string(),
            password: "s3cr3t-pass".to_string(),
            ssl_mode: None,
        };
        assert!(!format!("{connection:?}").contains("s3cr3t-pass"));
        assert!(!clean("login s3cr3t-pass failed", &connection.password).contains("s3cr3t-pass"));
    }
}
