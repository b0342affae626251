//! Query results as column-oriented JSON that a chart library can take as it is.

use chrono::{DateTime, NaiveDate};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Date64Type, Decimal128Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use serde::Serialize;
use serde_json::Value;
use vizpro_dataset_storage::ColumnType;

use crate::error::EngineError;

/// What a result column is in the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// A group: an axis category, a series, a time bucket.
    Dimension,
    /// An aggregate per group.
    Measure,
    /// A plain value: a table cell, a preview column, a native-SQL result.
    Value,
}

/// One column of a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultColumn {
    pub name: String,
    /// `boolean`, `integer`, `float`, `date`, `timestamp` or `text`.
    pub data_type: String,
    pub role: ColumnRole,
    /// One value per row. Timestamps are RFC 3339 in UTC, dates `YYYY-MM-DD`; integers beyond 64 bits
    /// are strings so that no digit is lost.
    pub values: Vec<Value>,
}

/// A chart's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartData {
    pub columns: Vec<ResultColumn>,
    pub row_count: usize,
    /// Whether rows were cut off at the row limit.
    pub truncated: bool,
    /// For a big number over a "last n units" filter: the same measures over the n units before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Vec<ResultColumn>>,
    /// How long the engine took, in milliseconds.
    pub computation_ms: f64,
}

/// Statistics of one column of a dataset version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnStatistics {
    pub name: String,
    pub data_type: String,
    pub nulls: i64,
    /// An estimate (HyperLogLog) of the number of distinct non-null values.
    pub distinct_estimate: i64,
    pub min: Value,
    pub max: Value,
}

/// Statistics of every column of a dataset version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetStatistics {
    pub row_count: i64,
    pub columns: Vec<ColumnStatistics>,
}

/// Turns record batches into columns, keeping at most `max_rows` rows.
pub fn chart_data(
    batches: &[RecordBatch],
    role: ColumnRole,
    max_rows: usize,
) -> Result<ChartData, EngineError> {
    chart_data_with_roles(batches, &|_| role, max_rows)
}

/// Like [`chart_data`], with a role per column name.
pub fn chart_data_with_roles(
    batches: &[RecordBatch],
    role_of: &dyn Fn(&str) -> ColumnRole,
    max_rows: usize,
) -> Result<ChartData, EngineError> {
    let Some(first) = batches.first() else {
        return Ok(ChartData {
            columns: Vec::new(),
            row_count: 0,
            truncated: false,
            comparison: None,
            computation_ms: 0.0,
        });
    };
    let schema = first.schema();
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let kept = total.min(max_rows);
    let mut columns: Vec<ResultColumn> = schema
        .fields()
        .iter()
        .map(|field| ResultColumn {
            name: field.name().clone(),
            data_type: type_name(field.data_type()).to_owned(),
            role: role_of(field.name()),
            values: Vec::with_capacity(kept),
        })
        .collect();
    let mut remaining = kept;
    for batch in batches {
        if remaining == 0 {
            break;
        }
        let rows = batch.num_rows().min(remaining);
        for (index, column) in columns.iter_mut().enumerate() {
            append_values(batch.column(index), rows, &mut column.values)?;
        }
        remaining -= rows;
    }
    Ok(ChartData {
        columns,
        row_count: kept,
        truncated: total > max_rows,
        comparison: None,
        computation_ms: 0.0,
    })
}

/// The vizpro type name of an Arrow type. Sums of integers are decimals with scale 0 and stay integers.
pub fn type_name(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Decimal128(_, 0) | DataType::Decimal256(_, 0) => "integer",
        DataType::Utf8View | DataType::LargeUtf8 | DataType::Null => "text",
        other => ColumnType::of_arrow_type(other).as_str(),
    }
}

fn float_value(value: f64) -> Value {
    serde_json::Number::from_f64(value)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn integer_value(value: i128) -> Value {
    if let Ok(small) = i64::try_from(value) {
        Value::from(small)
    } else if let Ok(unsigned) = u64::try_from(value) {
        Value::from(unsigned)
    } else {
        Value::String(value.to_string())
    }
}

fn timestamp_value(micros: i64) -> Value {
    match DateTime::from_timestamp_micros(micros) {
        Some(instant) => Value::String(instant.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string()),
        None => Value::Null,
    }
}

fn date_value(days: i32) -> Value {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    match epoch.checked_add_signed(chrono::Duration::days(days as i64)) {
        Some(date) => Value::String(date.format("%Y-%m-%d").to_string()),
        None => Value::Null,
    }
}

macro_rules! push_primitive {
    ($array:expr, $rows:expr, $out:expr, $type:ty, $convert:expr) => {{
        let typed = $array.as_primitive::<$type>();
        for row in 0..$rows {
            $out.push(if typed.is_null(row) {
                Value::Null
            } else {
                $convert(typed.value(row))
            });
        }
    }};
}

fn append_values(array: &ArrayRef, rows: usize, out: &mut Vec<Value>) -> Result<(), EngineError> {
    match array.data_type() {
        DataType::Null => out.extend(std::iter::repeat_n(Value::Null, rows)),
        DataType::Boolean => {
            let typed = array.as_boolean();
            for row in 0..rows {
                out.push(if typed.is_null(row) {
                    Value::Null
                } else {
                    Value::Bool(typed.value(row))
                });
            }
        }
        DataType::Int8 => push_primitive!(array, rows, out, Int8Type, Value::from),
        DataType::Int16 => push_primitive!(array, rows, out, Int16Type, Value::from),
        DataType::Int32 => push_primitive!(array, rows, out, Int32Type, Value::from),
        DataType::Int64 => push_primitive!(array, rows, out, Int64Type, Value::from),
        DataType::UInt8 => push_primitive!(array, rows, out, UInt8Type, Value::from),
        DataType::UInt16 => push_primitive!(array, rows, out, UInt16Type, Value::from),
        DataType::UInt32 => push_primitive!(array, rows, out, UInt32Type, Value::from),
        DataType::UInt64 => push_primitive!(array, rows, out, UInt64Type, Value::from),
        DataType::Float32 => {
            push_primitive!(array, rows, out, Float32Type, |v: f32| float_value(
                v as f64
            ))
        }
        DataType::Float64 => push_primitive!(array, rows, out, Float64Type, float_value),
        DataType::Decimal128(_, scale) => {
            let scale = *scale;
            push_primitive!(array, rows, out, Decimal128Type, |v: i128| {
                if scale == 0 {
                    integer_value(v)
                } else {
                    float_value(v as f64 / 10f64.powi(scale as i32))
                }
            })
        }
        DataType::Date32 => push_primitive!(array, rows, out, Date32Type, date_value),
        DataType::Date64 => push_primitive!(array, rows, out, Date64Type, |v: i64| {
            timestamp_value(v * 1000)
        }),
        DataType::Timestamp(unit, _) => match unit {
            TimeUnit::Second => push_primitive!(array, rows, out, TimestampSecondType, |v: i64| {
                timestamp_value(v.saturating_mul(1_000_000))
            }),
            TimeUnit::Millisecond => {
                push_primitive!(array, rows, out, TimestampMillisecondType, |v: i64| {
                    timestamp_value(v.saturating_mul(1000))
                })
            }
            TimeUnit::Microsecond => {
                push_primitive!(array, rows, out, TimestampMicrosecondType, timestamp_value)
            }
            TimeUnit::Nanosecond => {
                push_primitive!(array, rows, out, TimestampNanosecondType, |v: i64| {
                    timestamp_value(v.div_euclid(1000))
                })
            }
        },
        _ => {
            // Everything else (text of every layout, and rarer types) is shown as its text form.
            let text = datafusion::arrow::compute::cast(array, &DataType::Utf8)
                .map_err(|error| EngineError::Internal(error.to_string()))?;
            let typed = text.as_string::<i32>();
            for row in 0..rows {
                out.push(if typed.is_null(row) {
                    Value::Null
                } else {
                    Value::String(typed.value(row).to_owned())
                });
            }
        }
    }
    Ok(())
}
