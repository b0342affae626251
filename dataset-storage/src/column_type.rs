//! The column types a dataset version can have, and how CSV text parses into them.

use std::fmt;
use std::str::FromStr;

use arrow::datatypes::{DataType, TimeUnit};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// The time zone every stored timestamp is in. Timestamps without an offset are read as UTC.
pub const STORED_TIME_ZONE: &str = "UTC";

/// A column's type, as users see it and as `ColumnSchema::data_type` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// `true` or `false`.
    Boolean,
    /// A 64-bit signed integer.
    Integer,
    /// A 64-bit floating-point number.
    Float,
    /// A calendar date.
    Date,
    /// An instant, stored in UTC with microsecond precision.
    Timestamp,
    /// Any text.
    Text,
}

impl ColumnType {
    /// Every type, in the order inference prefers them.
    pub const ALL: [ColumnType; 6] = [
        ColumnType::Boolean,
        ColumnType::Integer,
        ColumnType::Float,
        ColumnType::Date,
        ColumnType::Timestamp,
        ColumnType::Text,
    ];

    /// The name used in JSON and in `ColumnSchema::data_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Boolean => "boolean",
            ColumnType::Integer => "integer",
            ColumnType::Float => "float",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Text => "text",
        }
    }

    /// The Arrow type the column is stored as.
    pub fn arrow_type(self) -> DataType {
        match self {
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Integer => DataType::Int64,
            ColumnType::Float => DataType::Float64,
            ColumnType::Date => DataType::Date32,
            ColumnType::Timestamp => {
                DataType::Timestamp(TimeUnit::Microsecond, Some(STORED_TIME_ZONE.into()))
            }
            ColumnType::Text => DataType::Utf8,
        }
    }

    /// The type of a stored Arrow column, for files this crate did not write (or an older layout).
    pub fn of_arrow_type(data_type: &DataType) -> ColumnType {
        match data_type {
            DataType::Boolean => ColumnType::Boolean,
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => ColumnType::Integer,
            DataType::Float16
            | DataType::Float32
            | DataType::Float64
            | DataType::Decimal32(..)
            | DataType::Decimal64(..)
            | DataType::Decimal128(..)
            | DataType::Decimal256(..) => ColumnType::Float,
            DataType::Date32 | DataType::Date64 => ColumnType::Date,
            DataType::Timestamp(..) => ColumnType::Timestamp,
            _ => ColumnType::Text,
        }
    }

    /// Whether sums, averages and percentiles make sense for the type.
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Float)
    }

    /// Whether the type is a point or a day in time.
    pub fn is_temporal(self) -> bool {
        matches!(self, ColumnType::Date | ColumnType::Timestamp)
    }

    /// Whether `text` (already trimmed, not empty) is a value of this type.
    pub fn accepts(self, text: &str) -> bool {
        match self {
            ColumnType::Boolean => parse_boolean(text).is_some(),
            ColumnType::Integer => parse_integer(text).is_some(),
            ColumnType::Float => parse_float(text).is_some(),
            ColumnType::Date => parse_date(text).is_some(),
            ColumnType::Timestamp => parse_timestamp_micros(text).is_some(),
            ColumnType::Text => true,
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for ColumnType {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ColumnType::ALL
            .into_iter()
            .find(|column_type| column_type.as_str() == text)
            .ok_or_else(|| {
                format!("unknown column type \"{text}\"; use boolean, integer, float, date, timestamp or text")
            })
    }
}

/// `true`/`false` in any case.
pub fn parse_boolean(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A decimal integer that fits 64 bits, with an optional sign.
pub fn parse_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// A finite decimal number such as `-1.5`, `3` or `2.5e3`. Words such as `inf` or `NaN` are text.
pub fn parse_float(text: &str) -> Option<f64> {
    let looks_numeric = text.bytes().any(|byte| byte.is_ascii_digit())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || matches!(byte, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !looks_numeric {
        return None;
    }
    text.parse::<f64>().ok().filter(|value| value.is_finite())
}

/// `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Days since 1970-01-01, as Arrow's `Date32` stores them.
pub fn date_to_days(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days() as i32
}

/// RFC 3339 with an offset, or `YYYY-MM-DD[ T]HH:MM[:SS[.fff]]` read as UTC, or a bare date (midnight
/// UTC); as microseconds since the Unix epoch.
pub fn parse_timestamp_micros(text: &str) -> Option<i64> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.with_timezone(&Utc).timestamp_micros());
    }
    const NAIVE_FORMATS: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ];
    for format in NAIVE_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(naive.and_utc().timestamp_micros());
        }
    }
    if let Ok(with_offset) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z") {
        return Some(with_offset.with_timezone(&Utc).timestamp_micros());
    }
    parse_date(text).map(|date| {
        date.and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp_micros()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_that_do_not_fit_64_bits_are_not_integers() {
        assert_eq!(parse_integer("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_integer("9223372036854775808"), None);
        assert_eq!(parse_integer("-12"), Some(-12));
        assert_eq!(parse_integer("1.0"), None);
        assert_eq!(parse_integer("-"), None);
    }

    #[test]
    fn words_that_rust_would_parse_as_floats_are_text() {
        assert_eq!(parse_float("inf"), None);
        assert_eq!(parse_float("NaN"), None);
        assert_eq!(parse_float("2.5e3"), Some(2500.0));
        assert_eq!(parse_float("1e999"), None);
    }

    #[test]
    fn timestamps_with_offsets_are_stored_in_utc() {
        let with_offset = parse_timestamp_micros("2026-03-01T01:30:00+02:00").unwrap();
        let in_utc = parse_timestamp_micros("2026-02-28 23:30:00").unwrap();
        assert_eq!(with_offset, in_utc);
        assert_eq!(
            parse_timestamp_micros("2026-02-28"),
            parse_timestamp_micros("2026-02-28T00:00:00Z")
        );
        assert_eq!(parse_timestamp_micros("yesterday"), None);
    }

    #[test]
    fn column_types_parse_from_their_json_names() {
        for column_type in ColumnType::ALL {
            assert_eq!(column_type.as_str().parse::<ColumnType>(), Ok(column_type));
        }
        assert!("varchar".parse::<ColumnType>().is_err());
    }
}
