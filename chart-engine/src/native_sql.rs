//! Native-SQL charts: one read-only `SELECT` over the dataset, and nothing else reachable.
//!
//! The session holds exactly one table, `dataset`. DDL (`CREATE`, `DROP`, `CREATE EXTERNAL TABLE`), DML
//! (`INSERT`, `COPY … TO`) and statements (`SET`, `BEGIN`) are refused before planning, URL tables
//! (`SELECT * FROM '/etc/passwd'`) are off, and a text holding several statements is refused.

use datafusion::prelude::{SQLOptions, SessionContext};

use crate::EngineConfig;
use crate::error::EngineError;
use crate::output::{self, ChartData, ColumnRole};
use crate::plan::{classify, collect, internal};

/// The name the dataset has in native SQL.
pub const TABLE_NAME: &str = "dataset";

/// Runs `sql` in `context`, which holds the chart's rows as the table `dataset` and nothing else.
pub(crate) async fn run(
    context: &SessionContext,
    sql: &str,
    limits: &EngineConfig,
) -> Result<ChartData, EngineError> {
    let options = SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false);
    let frame = context
        .sql_with_options(sql, options)
        .await
        .map_err(|error| match classify(error, limits) {
            EngineError::Internal(detail) => {
                EngineError::invalid("query.sql", sql_message(&detail))
            }
            other => other,
        })?;
    let frame = frame
        .limit(0, Some(limits.max_result_rows + 1))
        .map_err(internal)?;
    // A failure while running user SQL (a bad cast, a division by zero) is the query's fault.
    let batches = collect(frame, limits).await.map_err(|error| match error {
        EngineError::Internal(detail) => EngineError::invalid("query.sql", sql_message(&detail)),
        other => other,
    })?;
    output::chart_data(&batches, ColumnRole::Value, limits.max_result_rows)
}

/// DataFusion's planning error without its internal prefixes.
fn sql_message(detail: &str) -> String {
    let trimmed = detail
        .trim_start_matches("Error during planning: ")
        .trim_start_matches("SQL error: ")
        .trim();
    let mut message: String = trimmed.chars().take(300).collect();
    if message.len() < trimmed.len() {
        message.push('…');
    }
    message
}
