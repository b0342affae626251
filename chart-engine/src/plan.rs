//! Builder charts: a chart specification as a DataFusion DataFrame plan.

use std::collections::HashSet;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type, TimeUnit};
use datafusion::error::DataFusionError;
use datafusion::functions_aggregate::expr_fn::{
    approx_distinct, avg, count, count_distinct, max, min, sum,
};
use datafusion::functions_aggregate::percentile_cont::percentile_cont;
use datafusion::logical_expr::SortExpr;
use datafusion::prelude::{DataFrame, Expr, JoinType, cast, floor, ident, least, lit, when};
use serde_json::Value;
use vizpro_dataset_storage::ColumnType;
use vizpro_events::chart::{Aggregate, ChartQuery, ChartType, Dimension, Measure, SortDirection};

use crate::error::EngineError;
use crate::filters::{
    DatasetColumns, filter_expression, relative_window, step_back, timestamp_type,
};
use crate::output::{
    self, ChartData, ColumnRole, ColumnStatistics, DatasetStatistics, ResultColumn,
};
use crate::time_buckets;
use crate::{ChartRequest, EngineConfig};

/// The default and largest number of histogram bins.
const DEFAULT_BINS: u64 = 20;
const MAX_BINS: u64 = 200;

pub(crate) fn internal(error: DataFusionError) -> EngineError {
    EngineError::Internal(error.to_string())
}

/// Runs a plan, telling a memory-limit failure apart from other failures.
pub(crate) async fn collect(
    frame: DataFrame,
    limits: &EngineConfig,
) -> Result<Vec<RecordBatch>, EngineError> {
    frame
        .collect()
        .await
        .map_err(|error| classify(error, limits))
}

pub(crate) fn classify(error: DataFusionError, limits: &EngineConfig) -> EngineError {
    match error.find_root() {
        DataFusionError::ResourcesExhausted(_) => EngineError::TooMuchMemory {
            limit_mib: limits.memory_limit_bytes / (1024 * 1024),
        },
        DataFusionError::ObjectStore(object_error) => {
            EngineError::DataUnavailable(object_error.to_string())
        }
        _ => EngineError::Internal(error.to_string()),
    }
}

/// A dimension or measure resolved against the dataset.
struct Output {
    alias: String,
    expression: Expr,
}

/// Computes a builder chart.
pub(crate) async fn run(
    dataset: DataFrame,
    request: &ChartRequest,
    limits: &EngineConfig,
) -> Result<ChartData, EngineError> {
    let ChartQuery::Builder { filters, .. } = &request.query else {
        return Err(EngineError::Internal("not a builder query".into()));
    };
    let mut data = run_once(dataset.clone(), request, limits).await?;
    // A big number over "the last n units" also shows the n units before, for comparison.
    let window = filters
        .iter()
        .find(|filter| filter.op == vizpro_events::chart::FilterOp::Last);
    if request.chart_type == ChartType::BigNumber
        && let Some(window) = window
    {
        let (count, unit) = relative_window(&window.value, "query.filters")?;
        if let Some(previous_now) = step_back(request.now, unit, count) {
            let mut previous = request.clone();
            previous.now = previous_now;
            let before = run_once(dataset, &previous, limits).await?;
            data.comparison = Some(before.columns);
        }
    }
    Ok(data)
}

async fn run_once(
    dataset: DataFrame,
    request: &ChartRequest,
    limits: &EngineConfig,
) -> Result<ChartData, EngineError> {
    let ChartQuery::Builder {
        dimensions,
        measures,
        filters,
        sort,
        limit,
        top_n,
    } = &request.query
    else {
        return Err(EngineError::Internal("not a builder query".into()));
    };
    let columns = DatasetColumns::of_schema(dataset.schema());

    // Filters: the chart's own must all fit the dataset; a dashboard filter on a column this
    // dataset lacks simply does not apply to this chart.
    let mut conditions = Vec::new();
    for (index, filter) in filters.iter().enumerate() {
        conditions.push(filter_expression(
            &columns,
            filter,
            &format!("query.filters[{index}]"),
            request.now,
        )?);
    }
    for (index, filter) in request.dashboard_filters.iter().enumerate() {
        if columns.type_of(&filter.column).is_some() {
            conditions.push(filter_expression(
                &columns,
                filter,
                &format!("filters[{index}]"),
                request.now,
            )?);
        }
    }
    let mut frame = dataset;
    if let Some(condition) = conditions.into_iter().reduce(Expr::and) {
        frame = frame.filter(condition).map_err(internal)?;
    }

    if request.chart_type == ChartType::Histogram {
        return histogram(
            frame,
            &columns,
            dimensions,
            measures,
            &request.options,
            limits,
        )
        .await;
    }
    if dimensions.is_empty() && measures.is_empty() {
        return Err(EngineError::invalid(
            "query",
            "name at least one dimension or measure",
        ));
    }

    let mut aliases = HashSet::new();
    let mut dimension_outputs = Vec::new();
    for (index, dimension) in dimensions.iter().enumerate() {
        let output = resolve_dimension(&columns, dimension, index)?;
        if !aliases.insert(output.alias.clone()) {
            return Err(EngineError::invalid(
                format!("query.dimensions[{index}].alias"),
                format!("\"{}\" names two result columns", output.alias),
            ));
        }
        dimension_outputs.push(output);
    }
    let mut measure_outputs = Vec::new();
    for (index, measure) in measures.iter().enumerate() {
        let output = resolve_measure(&columns, measure, index)?;
        if !aliases.insert(output.alias.clone()) {
            return Err(EngineError::invalid(
                format!("query.measures[{index}].alias"),
                format!("\"{}\" names two result columns", output.alias),
            ));
        }
        measure_outputs.push(output);
    }
    let dimension_aliases: HashSet<String> = dimension_outputs
        .iter()
        .map(|output| output.alias.clone())
        .collect();

    // Sorting: by any result column; by default by the dimensions (time runs left to right), or for a
    // top-n chart by its first measure, largest first.
    let mut sort_exprs = Vec::new();
    for (index, key) in sort.iter().enumerate() {
        if !aliases.contains(&key.by) {
            return Err(EngineError::invalid(
                format!("query.sort[{index}].by"),
                format!("\"{}\" is not a dimension or measure of this chart", key.by),
            ));
        }
        sort_exprs.push(sort_expr(&key.by, key.direction));
    }

    let mut frame = if measure_outputs.is_empty() {
        // No measures: plain rows of the named columns, as a table or a scatter plot shows them.
        frame
            .select(
                dimension_outputs
                    .iter()
                    .map(|output| output.expression.clone().alias(&output.alias))
                    .collect::<Vec<_>>(),
            )
            .map_err(internal)?
    } else if let Some(top) = top_n.as_ref().filter(|_| !dimension_outputs.is_empty()) {
        if top.n == 0 {
            return Err(EngineError::invalid("query.top_n.n", "must be at least 1"));
        }
        top_groups(
            frame,
            &dimension_outputs,
            &measure_outputs,
            top.n as usize,
            top.other_label.as_deref(),
        )?
    } else {
        frame
            .aggregate(
                dimension_outputs
                    .iter()
                    .map(|output| output.expression.clone().alias(&output.alias))
                    .collect(),
                measure_outputs
                    .iter()
                    .map(|output| output.expression.clone().alias(&output.alias))
                    .collect(),
            )
            .map_err(internal)?
    };
    if sort_exprs.is_empty() {
        if top_n.is_some() && !measure_outputs.is_empty() {
            sort_exprs.push(sort_expr(&measure_outputs[0].alias, SortDirection::Desc));
        }
        for output in &dimension_outputs {
            sort_exprs.push(sort_expr(&output.alias, SortDirection::Asc));
        }
    }
    if !sort_exprs.is_empty() {
        frame = frame.sort(sort_exprs).map_err(internal)?;
    }
    let row_limit = limit
        .map(|limit| (limit as usize).min(limits.max_result_rows))
        .unwrap_or(limits.max_result_rows);
    frame = frame.limit(0, Some(row_limit + 1)).map_err(internal)?;
    let batches = collect(frame, limits).await?;
    let role_of = |name: &str| {
        if dimension_aliases.contains(name) {
            if measures.is_empty() {
                ColumnRole::Value
            } else {
                ColumnRole::Dimension
            }
        } else {
            ColumnRole::Measure
        }
    };
    let mut data = output::chart_data_with_roles(&batches, &role_of, row_limit)?;
    if data.columns.is_empty() {
        // No batches at all: still name the columns, with no values.
        data.columns = dimension_outputs
            .iter()
            .map(|output| (output, ColumnRole::Dimension))
            .chain(
                measure_outputs
                    .iter()
                    .map(|output| (output, ColumnRole::Measure)),
            )
            .map(|(output, role)| ResultColumn {
                name: output.alias.clone(),
                data_type: "text".into(),
                role,
                values: Vec::new(),
            })
            .collect();
    }
    Ok(data)
}

/// Nulls sort last in both directions, as most people expect from a chart.
fn sort_expr(alias: &str, direction: SortDirection) -> SortExpr {
    ident(alias).sort(direction == SortDirection::Asc, false)
}

fn resolve_dimension(
    columns: &DatasetColumns,
    dimension: &Dimension,
    index: usize,
) -> Result<Output, EngineError> {
    let field = format!("query.dimensions[{index}]");
    let column_type = columns.require(&format!("{field}.column"), &dimension.column)?;
    let column = columns.column(&dimension.column);
    let expression = match dimension.time_bucket {
        None => column,
        Some(bucket) => {
            if !column_type.is_temporal() {
                return Err(EngineError::invalid(
                    format!("{field}.time_bucket"),
                    format!(
                        "\"{}\" is a {column_type} column; time buckets need a date or timestamp",
                        dimension.column
                    ),
                ));
            }
            // Stored timestamps are UTC, where truncating the plain (zone-less) instant gives the same
            // bucket; truncating with a zone converts every value through the zone database. The
            // truncation itself is integer arithmetic (see `time_buckets`).
            let plain = DataType::Timestamp(TimeUnit::Microsecond, None);
            cast(
                time_buckets::truncate(bucket, cast(column, plain)),
                timestamp_type(),
            )
        }
    };
    Ok(Output {
        alias: dimension
            .alias
            .clone()
            .unwrap_or_else(|| dimension.column.clone()),
        expression,
    })
}

fn resolve_measure(
    columns: &DatasetColumns,
    measure: &Measure,
    index: usize,
) -> Result<Output, EngineError> {
    let field = format!("query.measures[{index}]");
    let default_alias = match &measure.column {
        Some(column) => format!("{}_{column}", measure.aggregate.as_str()),
        None => measure.aggregate.as_str().to_owned(),
    };
    let alias = measure.alias.clone().unwrap_or(default_alias);
    let Some(column_name) = &measure.column else {
        return if measure.aggregate == Aggregate::Count {
            Ok(Output {
                alias,
                expression: count(lit(1i64)),
            })
        } else {
            Err(EngineError::invalid(
                format!("{field}.column"),
                format!("{} needs a column", measure.aggregate.as_str()),
            ))
        };
    };
    let column_type = columns.require(&format!("{field}.column"), column_name)?;
    let column = columns.column(column_name);
    let needs_numbers = || {
        if column_type.is_numeric() {
            Ok(())
        } else {
            Err(EngineError::invalid(
                format!("{field}.column"),
                format!(
                    "{} needs a numeric column; \"{column_name}\" is {column_type}",
                    measure.aggregate.as_str()
                ),
            ))
        }
    };
    let as_float = || cast(column.clone(), DataType::Float64);
    let percentile = |fraction: f64| percentile_cont(as_float().sort(true, false), lit(fraction));
    let expression = match measure.aggregate {
        Aggregate::Count => count(column.clone()),
        Aggregate::CountDistinct => count_distinct(column.clone()),
        Aggregate::Min => min(column.clone()),
        Aggregate::Max => max(column.clone()),
        Aggregate::Sum => {
            needs_numbers()?;
            if column_type == ColumnType::Integer {
                // Summed as 38-digit decimals, so that large integers neither overflow nor round.
                sum(cast(column.clone(), DataType::Decimal128(38, 0)))
            } else {
                sum(column.clone())
            }
        }
        Aggregate::Avg => {
            needs_numbers()?;
            avg(as_float())
        }
        Aggregate::Median => {
            needs_numbers()?;
            percentile(0.5)
        }
        Aggregate::P90 => {
            needs_numbers()?;
            percentile(0.9)
        }
        Aggregate::P95 => {
            needs_numbers()?;
            percentile(0.95)
        }
        Aggregate::P99 => {
            needs_numbers()?;
            percentile(0.99)
        }
    };
    Ok(Output { alias, expression })
}

/// Keeps the `n` groups of the first dimension with the largest first measure; the rest are dropped, or
/// folded into one group labelled `other_label`, with every measure computed over their rows.
fn top_groups(
    frame: DataFrame,
    dimensions: &[Output],
    measures: &[Output],
    n: usize,
    other_label: Option<&str>,
) -> Result<DataFrame, EngineError> {
    const DIMENSION: &str = "__vizpro_dimension";
    const TOP: &str = "__vizpro_top";
    const RANK: &str = "__vizpro_rank";
    let first = &dimensions[0];
    let ranking = frame
        .clone()
        .aggregate(
            vec![first.expression.clone().alias(TOP)],
            vec![measures[0].expression.clone().alias(RANK)],
        )
        .map_err(internal)?
        .sort(vec![
            ident(RANK).sort(false, false),
            ident(TOP).sort(true, false),
        ])
        .map_err(internal)?
        .limit(0, Some(n))
        .map_err(internal)?
        .select(vec![ident(TOP)])
        .map_err(internal)?;
    let with_dimension = frame
        .with_column(DIMENSION, first.expression.clone())
        .map_err(internal)?;
    let join_type = if other_label.is_some() {
        JoinType::Left
    } else {
        JoinType::Inner
    };
    let joined = with_dimension
        .join(ranking, join_type, &[DIMENSION], &[TOP], None)
        .map_err(internal)?;
    let label = match other_label {
        Some(other) => when(ident(TOP).is_null(), lit(other.to_owned()))
            .otherwise(cast(ident(DIMENSION), DataType::Utf8))
            .map_err(internal)?,
        None => ident(DIMENSION),
    };
    let mut groups = vec![label.alias(&first.alias)];
    groups.extend(
        dimensions[1..]
            .iter()
            .map(|output| output.expression.clone().alias(&output.alias)),
    );
    joined
        .aggregate(
            groups,
            measures
                .iter()
                .map(|output| output.expression.clone().alias(&output.alias))
                .collect(),
        )
        .map_err(internal)
}

/// Equal-width bins over one numeric column, counting the rows in each; empty bins count zero.
async fn histogram(
    frame: DataFrame,
    columns: &DatasetColumns,
    dimensions: &[Dimension],
    measures: &[Measure],
    options: &Value,
    limits: &EngineConfig,
) -> Result<ChartData, EngineError> {
    let column_name = dimensions
        .first()
        .map(|dimension| dimension.column.clone())
        .or_else(|| measures.first().and_then(|measure| measure.column.clone()))
        .ok_or_else(|| {
            EngineError::invalid(
                "query.dimensions",
                "a histogram needs the numeric column to bin",
            )
        })?;
    let field = "query.dimensions[0].column";
    let column_type = columns.require(field, &column_name)?;
    if !column_type.is_numeric() {
        return Err(EngineError::invalid(
            field,
            format!("a histogram needs a numeric column; \"{column_name}\" is {column_type}"),
        ));
    }
    let bins = match options.get("bins") {
        None | Some(Value::Null) => DEFAULT_BINS,
        Some(value) => value
            .as_u64()
            .filter(|bins| (1..=MAX_BINS).contains(bins))
            .ok_or_else(|| {
                EngineError::invalid(
                    "options.bins",
                    format!("must be an integer from 1 to {MAX_BINS}"),
                )
            })?,
    };
    let value = cast(columns.column(&column_name), DataType::Float64);
    let frame = frame
        .filter(value.clone().is_not_null())
        .map_err(internal)?;
    let range = collect(
        frame
            .clone()
            .aggregate(
                vec![],
                vec![
                    min(value.clone()).alias("low"),
                    max(value.clone()).alias("high"),
                ],
            )
            .map_err(internal)?,
        limits,
    )
    .await?;
    let bounds = range
        .first()
        .filter(|batch| batch.num_rows() == 1)
        .and_then(|batch| {
            let low = batch.column(0).as_primitive::<Float64Type>();
            let high = batch.column(1).as_primitive::<Float64Type>();
            (!low.is_null(0)).then(|| (low.value(0), high.value(0)))
        });
    let mut counts = vec![0i64; bins as usize];
    let (low, width) = match bounds {
        Some((low, high)) => {
            let width = if high > low {
                (high - low) / bins as f64
            } else {
                1.0
            };
            let bucket = cast(
                least(vec![
                    floor((value - lit(low)) / lit(width)),
                    lit((bins - 1) as f64),
                ]),
                DataType::Int64,
            );
            let grouped = collect(
                frame
                    .aggregate(
                        vec![bucket.alias("bin")],
                        vec![count(lit(1i64)).alias("rows")],
                    )
                    .map_err(internal)?,
                limits,
            )
            .await?;
            for batch in &grouped {
                let bin = batch.column(0).as_primitive::<Int64Type>();
                let rows = batch.column(1).as_primitive::<Int64Type>();
                for row in 0..batch.num_rows() {
                    let index = bin.value(row).clamp(0, bins as i64 - 1) as usize;
                    counts[index] += rows.value(row);
                }
            }
            (low, width)
        }
        None => (0.0, 0.0),
    };
    let shown = if bounds.is_some() { bins as usize } else { 0 };
    let number = |value: f64| {
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    };
    let columns = vec![
        ResultColumn {
            name: "bin_start".into(),
            data_type: "float".into(),
            role: ColumnRole::Dimension,
            values: (0..shown)
                .map(|index| number(low + index as f64 * width))
                .collect(),
        },
        ResultColumn {
            name: "bin_end".into(),
            data_type: "float".into(),
            role: ColumnRole::Dimension,
            values: (0..shown)
                .map(|index| number(low + (index + 1) as f64 * width))
                .collect(),
        },
        ResultColumn {
            name: "count".into(),
            data_type: "integer".into(),
            role: ColumnRole::Measure,
            values: counts
                .iter()
                .take(shown)
                .map(|count| Value::from(*count))
                .collect(),
        },
    ];
    Ok(ChartData {
        columns,
        row_count: shown,
        truncated: false,
        comparison: None,
        computation_ms: 0.0,
    })
}

/// Nulls, distinct estimate, minimum and maximum of every column, in one scan.
pub(crate) async fn statistics(
    frame: DataFrame,
    limits: &EngineConfig,
) -> Result<DatasetStatistics, EngineError> {
    let columns = DatasetColumns::of_schema(frame.schema());
    let mut aggregates = vec![count(lit(1i64)).alias("__rows")];
    for (index, name) in columns.names().iter().enumerate() {
        let column = columns.column(name);
        aggregates.push(count(column.clone()).alias(format!("__present_{index}")));
        // The distinct estimate hashes integers, text and times natively; other types by their text.
        let distinct_input = match columns.type_of(name) {
            Some(ColumnType::Float | ColumnType::Boolean) => cast(column.clone(), DataType::Utf8),
            _ => column.clone(),
        };
        aggregates.push(approx_distinct(distinct_input).alias(format!("__distinct_{index}")));
        aggregates.push(min(column.clone()).alias(format!("__min_{index}")));
        aggregates.push(max(column).alias(format!("__max_{index}")));
    }
    let batches = collect(
        frame.aggregate(vec![], aggregates).map_err(internal)?,
        limits,
    )
    .await?;
    let data = output::chart_data(&batches, ColumnRole::Value, 1)?;
    let value_of = |name: &str| {
        data.columns
            .iter()
            .find(|column| column.name == name)
            .and_then(|column| column.values.first().cloned())
            .unwrap_or(Value::Null)
    };
    let row_count = value_of("__rows").as_i64().unwrap_or(0);
    let statistics = columns
        .names()
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let present = value_of(&format!("__present_{index}"))
                .as_i64()
                .unwrap_or(0);
            ColumnStatistics {
                name: name.clone(),
                data_type: columns
                    .type_of(name)
                    .map(|column_type| column_type.as_str().to_owned())
                    .unwrap_or_default(),
                nulls: row_count - present,
                distinct_estimate: value_of(&format!("__distinct_{index}"))
                    .as_i64()
                    .unwrap_or(0),
                min: value_of(&format!("__min_{index}")),
                max: value_of(&format!("__max_{index}")),
            }
        })
        .collect();
    Ok(DatasetStatistics {
        row_count,
        columns: statistics,
    })
}
