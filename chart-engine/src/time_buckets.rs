//! Time buckets computed with integer arithmetic.
//!
//! Stored times are UTC instants, so a bucket is a plain calendar computation on microseconds since the
//! epoch: no time zone is involved. DataFusion's `date_trunc` takes that fast path only down to the day;
//! for weeks, months, quarters and years it converts every value to a calendar date through `chrono`,
//! which made monthly charts over millions of rows several times slower than daily ones. The functions
//! here truncate every bucket the same way, with the days-to-civil-date conversion done in integers
//! (Howard Hinnant's algorithms), and give exactly `date_trunc`'s results.

use std::sync::Arc;

use datafusion::arrow::array::{AsArray, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::{DataType, TimeUnit, TimestampMicrosecondType};
use datafusion::common::{ScalarValue, exec_err};
use datafusion::error::Result;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::Expr;
use vizpro_events::chart::TimeBucket;

const MICROS_PER_MINUTE: i64 = 60_000_000;
const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;

/// The start of the bucket holding `micros` (microseconds since 1970-01-01T00:00:00 UTC).
pub fn truncate_micros(bucket: TimeBucket, micros: i64) -> i64 {
    let floor = |unit: i64| micros - micros.rem_euclid(unit);
    match bucket {
        TimeBucket::Minute => floor(MICROS_PER_MINUTE),
        TimeBucket::Hour => floor(MICROS_PER_HOUR),
        TimeBucket::Day => floor(MICROS_PER_DAY),
        TimeBucket::Week => {
            // 1970-01-01 was a Thursday; weeks start on Monday, as in `date_trunc`.
            let days = micros.div_euclid(MICROS_PER_DAY);
            (days - (days + 3).rem_euclid(7)) * MICROS_PER_DAY
        }
        TimeBucket::Month | TimeBucket::Quarter | TimeBucket::Year => {
            let (year, month, _) = civil_from_days(micros.div_euclid(MICROS_PER_DAY));
            let first_month = match bucket {
                TimeBucket::Month => month,
                TimeBucket::Quarter => (month - 1) / 3 * 3 + 1,
                _ => 1,
            };
            days_from_civil(year, first_month, 1) * MICROS_PER_DAY
        }
    }
}

/// The proleptic Gregorian `(year, month, day)` of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The count of days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `vizpro_bucket_<bucket>(timestamp)`: a zone-less microsecond timestamp truncated to its bucket.
#[derive(Debug, PartialEq, Eq, Hash)]
struct TruncateToBucket {
    bucket: TimeBucket,
    name: String,
    signature: Signature,
}

impl ScalarUDFImpl for TruncateToBucket {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(plain_timestamp())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let bucket = self.bucket;
        match args.args.as_slice() {
            [ColumnarValue::Array(array)] => {
                let Some(times) = array.as_primitive_opt::<TimestampMicrosecondType>() else {
                    return exec_err!("{} takes a microsecond timestamp", self.name);
                };
                let truncated: TimestampMicrosecondArray =
                    times.unary(|micros| truncate_micros(bucket, micros));
                Ok(ColumnarValue::Array(Arc::new(truncated)))
            }
            [ColumnarValue::Scalar(ScalarValue::TimestampMicrosecond(micros, None))] => {
                Ok(ColumnarValue::Scalar(ScalarValue::TimestampMicrosecond(
                    micros.map(|micros| truncate_micros(bucket, micros)),
                    None,
                )))
            }
            _ => exec_err!("{} takes one zone-less microsecond timestamp", self.name),
        }
    }
}

fn plain_timestamp() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, None)
}

/// The expression truncating `plain` (a zone-less microsecond timestamp) to `bucket`.
pub fn truncate(bucket: TimeBucket, plain: Expr) -> Expr {
    let function = ScalarUDF::new_from_impl(TruncateToBucket {
        bucket,
        name: format!("vizpro_bucket_{}", bucket.as_str()),
        signature: Signature::exact(vec![plain_timestamp()], Volatility::Immutable),
    });
    function.call(vec![plain])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};

    /// The bucket start as `date_trunc` defines it, computed through chrono's calendar.
    fn expected(bucket: TimeBucket, time: DateTime<Utc>) -> DateTime<Utc> {
        let day = time.date_naive();
        let start_day = match bucket {
            TimeBucket::Minute | TimeBucket::Hour | TimeBucket::Day => day,
            TimeBucket::Week => {
                day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
            TimeBucket::Month => NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap(),
            TimeBucket::Quarter => {
                NaiveDate::from_ymd_opt(day.year(), (day.month() - 1) / 3 * 3 + 1, 1).unwrap()
            }
            TimeBucket::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap(),
        };
        let (hour, minute) = match bucket {
            TimeBucket::Minute => (time.hour(), time.minute()),
            TimeBucket::Hour => (time.hour(), 0),
            _ => (0, 0),
        };
        start_day.and_hms_opt(hour, minute, 0).unwrap().and_utc()
    }

    #[test]
    fn every_bucket_matches_the_calendar_across_four_centuries_and_before_the_epoch() {
        // A deterministic walk with a step that is not a divisor of any calendar unit.
        let start = NaiveDate::from_ymd_opt(1799, 12, 25)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let mut time = start.and_utc();
        let step =
            Duration::seconds(3 * 86_400 + 7 * 3_600 + 13 * 60 + 17) + Duration::microseconds(1);
        while time.year() < 2201 {
            let micros = time.timestamp_micros();
            for bucket in TimeBucket::ALL {
                assert_eq!(
                    truncate_micros(bucket, micros),
                    expected(bucket, time).timestamp_micros(),
                    "{} of {time}",
                    bucket.as_str()
                );
            }
            time += step;
        }
    }

    #[test]
    fn leap_days_and_year_ends_fall_in_the_right_buckets() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap().timestamp_micros();
        assert_eq!(
            truncate_micros(TimeBucket::Month, at("2024-02-29T23:59:59.999999Z")),
            at("2024-02-01T00:00:00Z")
        );
        assert_eq!(
            truncate_micros(TimeBucket::Quarter, at("2024-12-31T12:00:00Z")),
            at("2024-10-01T00:00:00Z")
        );
        assert_eq!(
            truncate_micros(TimeBucket::Week, at("2025-01-01T08:00:00Z")),
            at("2024-12-30T00:00:00Z"),
            "the week of New Year's Day 2025 began on Monday the 30th"
        );
        assert_eq!(
            truncate_micros(TimeBucket::Year, at("1969-12-31T23:59:59Z")),
            at("1969-01-01T00:00:00Z")
        );
    }
}
