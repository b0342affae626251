//! Filters of a chart or a dashboard as DataFusion expressions, with every operand typed by the
//! column it is compared with.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Months, Utc};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::expr::Like;
use datafusion::prelude::{Expr, cast, ident, in_list, lit};
use serde_json::Value;
use vizpro_dataset_storage::ColumnType;
use vizpro_dataset_storage::column_type::{
    STORED_TIME_ZONE, date_to_days, parse_date, parse_timestamp_micros,
};
use vizpro_events::chart::{Filter, FilterOp, TimeBucket};

use crate::error::EngineError;

/// The columns of a dataset version, by name.
#[derive(Debug, Clone, Default)]
pub struct DatasetColumns {
    columns: HashMap<String, (ColumnType, DataType)>,
    order: Vec<String>,
}

impl DatasetColumns {
    pub fn of_schema(schema: &datafusion::common::DFSchema) -> Self {
        let mut columns = DatasetColumns::default();
        for field in schema.fields() {
            columns.order.push(field.name().clone());
            columns.columns.insert(
                field.name().clone(),
                (
                    ColumnType::of_arrow_type(field.data_type()),
                    field.data_type().clone(),
                ),
            );
        }
        columns
    }

    pub fn names(&self) -> &[String] {
        &self.order
    }

    pub fn type_of(&self, name: &str) -> Option<ColumnType> {
        self.columns.get(name).map(|(column_type, _)| *column_type)
    }

    /// The type of a column the specification names, or the error naming `field`.
    pub fn require(&self, field: &str, name: &str) -> Result<ColumnType, EngineError> {
        self.type_of(name).ok_or_else(|| {
            EngineError::invalid(field, format!("the dataset has no column named \"{name}\""))
        })
    }

    /// The column as an expression; dates are widened to UTC timestamps when `as_timestamp` is set, so
    /// that time buckets and relative filters treat both alike.
    pub fn column(&self, name: &str) -> Expr {
        ident(name)
    }
}

/// The stored timestamp type.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(STORED_TIME_ZONE.into()))
}

/// One filter as an expression. `field` is the JSON path of the filter, for errors.
pub fn filter_expression(
    columns: &DatasetColumns,
    filter: &Filter,
    field: &str,
    now: DateTime<Utc>,
) -> Result<Expr, EngineError> {
    let column_type = columns.require(&format!("{field}.column"), &filter.column)?;
    let column = columns.column(&filter.column);
    let value_field = format!("{field}.value");
    let operand = |value: &Value| typed_literal(column_type, &filter.column, value, &value_field);
    let expression = match filter.op {
        FilterOp::Eq => column.eq(operand(&filter.value)?),
        FilterOp::Ne => column.not_eq(operand(&filter.value)?),
        FilterOp::Lt => column.lt(operand(&filter.value)?),
        FilterOp::Lte => column.lt_eq(operand(&filter.value)?),
        FilterOp::Gt => column.gt(operand(&filter.value)?),
        FilterOp::Gte => column.gt_eq(operand(&filter.value)?),
        FilterOp::Between => {
            let bounds = filter
                .value
                .as_array()
                .filter(|bounds| bounds.len() == 2)
                .ok_or_else(|| EngineError::invalid(&value_field, "between takes [low, high]"))?;
            column
                .clone()
                .gt_eq(operand(&bounds[0])?)
                .and(column.lt_eq(operand(&bounds[1])?))
        }
        FilterOp::In | FilterOp::NotIn => {
            let items = filter
                .value
                .as_array()
                .filter(|items| !items.is_empty())
                .ok_or_else(|| EngineError::invalid(&value_field, "takes a non-empty array"))?;
            let list = items.iter().map(operand).collect::<Result<Vec<_>, _>>()?;
            in_list(column, list, filter.op == FilterOp::NotIn)
        }
        FilterOp::Contains => {
            if column_type != ColumnType::Text {
                return Err(EngineError::invalid(
                    &value_field,
                    format!(
                        "contains needs a text column; \"{}\" is {column_type}",
                        filter.column
                    ),
                ));
            }
            let needle = filter
                .value
                .as_str()
                .ok_or_else(|| EngineError::invalid(&value_field, "contains takes a string"))?;
            Expr::Like(Like::new(
                false,
                Box::new(column),
                Box::new(lit(format!("%{}%", escape_like(needle)))),
                Some('\\'),
                true,
            ))
        }
        FilterOp::IsNull => column.is_null(),
        FilterOp::IsNotNull => column.is_not_null(),
        FilterOp::Last => {
            if !column_type.is_temporal() {
                return Err(EngineError::invalid(
                    &value_field,
                    format!(
                        "last needs a date or timestamp column; \"{}\" is {column_type}",
                        filter.column
                    ),
                ));
            }
            let (count, unit) = relative_window(&filter.value, &value_field)?;
            let start = step_back(now, unit, count).ok_or_else(|| {
                EngineError::invalid(&value_field, "the window reaches too far back")
            })?;
            let (low, high) = if column_type == ColumnType::Date {
                (
                    date_literal(start.date_naive()),
                    date_literal(now.date_naive()),
                )
            } else {
                (
                    timestamp_literal(start.timestamp_micros()),
                    timestamp_literal(now.timestamp_micros()),
                )
            };
            column.clone().gt_eq(low).and(column.lt_eq(high))
        }
    };
    Ok(expression)
}

/// `{"count": n, "unit": "day"}` with n > 0.
pub fn relative_window(value: &Value, field: &str) -> Result<(u32, TimeBucket), EngineError> {
    let count = value
        .get("count")
        .and_then(Value::as_u64)
        .filter(|count| (1..=100_000).contains(count))
        .ok_or_else(|| {
            EngineError::invalid(
                field,
                "last takes {\"count\": n, \"unit\": …} with n from 1 to 100000",
            )
        })?;
    let unit: TimeBucket = value
        .get("unit")
        .cloned()
        .and_then(|unit| serde_json::from_value(unit).ok())
        .ok_or_else(|| {
            EngineError::invalid(
                field,
                "unit must be minute, hour, day, week, month, quarter or year",
            )
        })?;
    Ok((count as u32, unit))
}

/// `instant` moved back by `count` units; months, quarters and years by the calendar.
pub fn step_back(instant: DateTime<Utc>, unit: TimeBucket, count: u32) -> Option<DateTime<Utc>> {
    let count = count as i64;
    match unit {
        TimeBucket::Minute => instant.checked_sub_signed(Duration::minutes(count)),
        TimeBucket::Hour => instant.checked_sub_signed(Duration::hours(count)),
        TimeBucket::Day => instant.checked_sub_signed(Duration::days(count)),
        TimeBucket::Week => instant.checked_sub_signed(Duration::weeks(count)),
        TimeBucket::Month => instant.checked_sub_months(Months::new(count as u32)),
        TimeBucket::Quarter => instant.checked_sub_months(Months::new(count as u32 * 3)),
        TimeBucket::Year => instant.checked_sub_months(Months::new(count as u32 * 12)),
    }
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

fn date_literal(date: chrono::NaiveDate) -> Expr {
    lit(ScalarValue::Date32(Some(date_to_days(date))))
}

fn timestamp_literal(micros: i64) -> Expr {
    lit(ScalarValue::TimestampMicrosecond(
        Some(micros),
        Some(STORED_TIME_ZONE.into()),
    ))
}

/// A JSON operand as a literal of the column's type, or an error naming `field`.
pub fn typed_literal(
    column_type: ColumnType,
    column: &str,
    value: &Value,
    field: &str,
) -> Result<Expr, EngineError> {
    let mismatch = |wanted: &str| {
        EngineError::invalid(
            field,
            format!(
                "\"{column}\" is a {column_type} column; compare it with {wanted}, not {value}"
            ),
        )
    };
    match column_type {
        ColumnType::Integer | ColumnType::Float => match value {
            Value::Number(number) => {
                if let Some(integer) = number.as_i64() {
                    Ok(if column_type == ColumnType::Integer {
                        lit(integer)
                    } else {
                        lit(integer as f64)
                    })
                } else if let Some(float) = number.as_f64() {
                    Ok(if column_type == ColumnType::Integer {
                        cast(lit(float), DataType::Float64)
                    } else {
                        lit(float)
                    })
                } else {
                    Err(mismatch("a number"))
                }
            }
            _ => Err(mismatch("a number")),
        },
        ColumnType::Boolean => value
            .as_bool()
            .map(lit)
            .ok_or_else(|| mismatch("true or false")),
        ColumnType::Text => match value {
            Value::String(text) => Ok(lit(text.clone())),
            Value::Number(number) => Ok(lit(number.to_string())),
            _ => Err(mismatch("a string")),
        },
        ColumnType::Date => value
            .as_str()
            .and_then(|text| parse_date(text.trim()))
            .map(date_literal)
            .ok_or_else(|| mismatch("a date such as \"2026-01-31\"")),
        ColumnType::Timestamp => value
            .as_str()
            .and_then(|text| parse_timestamp_micros(text.trim()))
            .map(timestamp_literal)
            .ok_or_else(|| mismatch("a timestamp such as \"2026-01-31T12:00:00Z\"")),
    }
}
