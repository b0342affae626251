//! The chart engine against a reference: for generated data and a set of chart specifications, the
//! engine's results equal what DuckDB computes with the equivalent SQL over the same Parquet file.
//! Also: specifications that do not fit the data are refused naming the field, and native SQL cannot
//! reach anything but its dataset.

mod reference;
mod refusals;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use chrono::{DateTime, TimeZone, Utc};
use parquet::arrow::ArrowWriter;
use vizpro_chart_engine::{ChartEngine, ChartRequest, DatasetVersionRef, EngineConfig};
use vizpro_dataset_storage::ObjectStorage;
use vizpro_events::chart::{ChartQuery, ChartType};

/// A dataset written to a local object store, and an engine reading it.
#[allow(missing_debug_implementations)]
pub struct Fixture {
    pub _directory: tempfile::TempDir,
    pub parquet_path: PathBuf,
    pub dataset: DatasetVersionRef,
    pub engine: ChartEngine,
    pub objects: PathBuf,
}

pub const ROWS: usize = 5_000;

/// The instant relative filters count back from in these tests.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 15, 12, 0, 0).unwrap()
}

/// A small deterministic generator, so that every run sees the same data.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

fn generated_batch() -> RecordBatch {
    let mut sequence = Sequence(42);
    let categories = [
        "apples",
        "Bananas",
        "cherries",
        "dates",
        "elderberries",
        "figs",
        "grapes",
    ];
    let regions = ["north", "south", "east", "west", "central"];
    let start = Utc
        .with_ymd_and_hms(2025, 9, 1, 0, 0, 0)
        .unwrap()
        .timestamp_micros();
    let mut timestamps = Vec::new();
    let mut days = Vec::new();
    let mut category = Vec::new();
    let mut region = Vec::new();
    let mut amount = Vec::new();
    let mut quantity = Vec::new();
    let mut big = Vec::new();
    let mut flag = Vec::new();
    // Instants on the edges of buckets: the last microsecond of a year and the first of the next.
    let edges = [
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .unwrap()
            .timestamp_micros(),
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .unwrap()
            .timestamp_micros()
            - 1,
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
            .unwrap()
            .timestamp_micros(),
        Utc.with_ymd_and_hms(2026, 2, 28, 23, 59, 59)
            .unwrap()
            .timestamp_micros(),
    ];
    for row in 0..ROWS {
        let instant = if row < edges.len() {
            edges[row]
        } else {
            // About 200 days of spread, with microseconds.
            start
                + (sequence.below(200 * 24 * 3600) as i64) * 1_000_000
                + sequence.below(1_000_000) as i64
        };
        timestamps.push(Some(instant));
        days.push((row % 13 != 0).then_some((instant / 86_400_000_000) as i32));
        category.push((row % 17 != 0).then(|| categories[sequence.below(7) as usize]));
        region.push(Some(regions[sequence.below(5) as usize]));
        amount.push((row % 11 != 0).then(|| (sequence.below(1_000_000) as f64) / 100.0 - 2000.0));
        quantity.push((row % 7 != 0).then(|| sequence.below(50) as i64));
        big.push(Some(i64::MAX / 4 - sequence.below(1000) as i64));
        flag.push(Some(sequence.below(2) == 0));
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            true,
        ),
        Field::new("day", DataType::Date32, true),
        Field::new("category", DataType::Utf8, true),
        Field::new("region", DataType::Utf8, true),
        Field::new("amount", DataType::Float64, true),
        Field::new("quantity", DataType::Int64, true),
        Field::new("big", DataType::Int64, true),
        Field::new("flag", DataType::Boolean, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(TimestampMicrosecondArray::from(timestamps).with_timezone("UTC")),
        Arc::new(Date32Array::from(days)),
        Arc::new(StringArray::from(category)),
        Arc::new(StringArray::from(region)),
        Arc::new(Float64Array::from(amount)),
        Arc::new(Int64Array::from(quantity)),
        Arc::new(Int64Array::from(big)),
        Arc::new(BooleanArray::from(flag)),
    ];
    RecordBatch::try_new(schema, columns).unwrap()
}

pub fn fixture_with(config: EngineConfig) -> Fixture {
    let directory = tempfile::tempdir().unwrap();
    let objects = directory.path().join("objects");
    let storage = ObjectStorage::from_url(&format!("file://{}", objects.display())).unwrap();
    let location = "datasets/generated/v1.parquet".to_owned();
    let parquet_path = objects.join(&location);
    std::fs::create_dir_all(parquet_path.parent().unwrap()).unwrap();
    let batch = generated_batch();
    let mut writer = ArrowWriter::try_new(
        std::fs::File::create(&parquet_path).unwrap(),
        batch.schema(),
        None,
    )
    .unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    Fixture {
        _directory: directory,
        parquet_path,
        dataset: DatasetVersionRef {
            location,
            version: 1,
        },
        engine: ChartEngine::new(config, &storage).unwrap(),
        objects,
    }
}

pub fn fixture() -> Fixture {
    fixture_with(EngineConfig {
        timeout: Duration::from_secs(60),
        ..EngineConfig::default()
    })
}

/// A chart request over the fixture from a JSON query and a chart type.
pub fn request(fixture: &Fixture, chart_type: ChartType, query: serde_json::Value) -> ChartRequest {
    let query: ChartQuery = serde_json::from_value(query).unwrap();
    ChartRequest {
        dataset: fixture.dataset.clone().into(),
        chart_type,
        query,
        options: serde_json::json!({}),
        dashboard_filters: Vec::new(),
        now: fixed_now(),
    }
}
