//! Chart aggregation over a generated dataset (10 million rows by default): eight dashboard-style chart
//! queries through the chart engine, beside DuckDB running the equivalent SQL over the same Parquet file
//! (and over the same rows as CSV), in the same run, with the same number of threads.
//!
//! * Parquet: each query's median wall-clock time through `ChartEngine::chart_data`, in this process,
//!   beside DuckDB's median for the same query over the same file, in a Python child process.
//! * CSV: the engine reads Parquet only, so the vizpro figure is what vizpro does with an uploaded CSV:
//!   converting it once to Parquet with `vizpro_dataset_storage`, storing it, and running the queries on
//!   the result; beside DuckDB querying the CSV file directly, parsing it again for every query.
//! * Peak memory: the high-water mark of this process's resident set (`VmHWM`), and DuckDB's child's
//!   `ru_maxrss`. The dataset is generated in a child process, so that generating it does not count.
//!
//! The rows are nearly in time order, as exported event data usually is, so both engines may skip row
//! groups by their statistics when a chart filters on time.
//!
//! Target (DESIGN.md §9): the chart engine takes at most 1.5× DuckDB's time on the same Parquet.

// A benchmark's output is its report.
#![allow(clippy::print_stdout)]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use arrow::array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, StringBuilder,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use clap::Parser;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::{Value, json};
use vizpro_chart_engine::{ChartEngine, ChartRequest, DatasetVersionRef, EngineConfig};
use vizpro_dataset_storage::{CsvOptions, ImportLimits, ObjectStorage, convert_csv_to_parquet};
use vizpro_events::chart::{ChartQuery, ChartType};

/// See the workspace manifest for why every binary allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// DuckDB's side of the benchmark, run by `python3 -c`.
const DUCKDB_SCRIPT: &str = include_str!("duckdb_timings.py");

/// The object key of the generated dataset version, relative to the object store's root.
const PARQUET_KEY: &str = "datasets/bench/1.parquet";
/// The object key under which the CSV, converted by vizpro's importer, is stored.
const IMPORTED_KEY: &str = "datasets/bench/imported-from-csv.parquet";
/// Rows generated and written per record batch; also the Parquet row group size.
const BATCH_ROWS: usize = 1024 * 1024;
/// The target of DESIGN.md §9: engine time over DuckDB's time on Parquet.
const TARGET_RATIO: f64 = 1.5;

/// Benchmark the chart engine against DuckDB.
#[derive(Debug, Parser)]
struct Arguments {
    /// Rows of the generated dataset.
    #[arg(long, default_value_t = 10_000_000)]
    rows: usize,
    /// Threads of the chart engine, and of DuckDB.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Runs of each query; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Where the generated files are kept; files generated earlier with the same row count are reused.
    /// Defaults to `vizpro-bench-chart-engine` in the system's temporary directory.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Whether to also compare on CSV (`--csv false` to skip it).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    csv: bool,
    /// Internal: only generate the files, in a child process of the benchmark.
    #[arg(long, hide = true)]
    generate_only: bool,
}

/// Where the generated files are, under the benchmark's directory.
#[derive(Debug, Clone)]
struct Files {
    directory: PathBuf,
}

impl Files {
    fn parquet(&self) -> PathBuf {
        self.directory.join(PARQUET_KEY)
    }
    fn csv(&self) -> PathBuf {
        self.directory.join("bench.csv")
    }
    /// Written last, holding the row count, so that a generation cut short is never reused.
    fn parquet_marker(&self) -> PathBuf {
        self.directory.join("bench.parquet.rows")
    }
    fn csv_marker(&self) -> PathBuf {
        self.directory.join("bench.csv.rows")
    }
    /// vizpro's importer writes its Parquet file here before it is copied into the object store.
    fn import_scratch(&self) -> PathBuf {
        self.directory.join("import-scratch.parquet")
    }
}

fn main() -> anyhow::Result<()> {
    let arguments = Arguments::parse();
    let files = Files {
        directory: arguments
            .dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("vizpro-bench-chart-engine")),
    };
    if arguments.generate_only {
        return generate(&files, arguments.rows, arguments.csv);
    }
    ensure_generated(&arguments, &files)?;
    // The benchmark's own runtime only waits for the engine, which runs plans on threads of its own;
    // a single thread here keeps the benchmark from competing with the engine for the cores.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(benchmark(&arguments, &files))
}

// ---------------------------------------------------------------------------------------------------
// The generated dataset.

/// xorshift64*: fast, deterministic, and good enough to spread benchmark data.
#[derive(Debug)]
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
    /// Uniform in [0, 1).
    fn fraction(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const CATEGORIES: [&str; 20] = [
    "electronics",
    "books",
    "garden",
    "toys",
    "groceries",
    "clothing",
    "shoes",
    "sports",
    "beauty",
    "health",
    "automotive",
    "music",
    "movies",
    "office",
    "pets",
    "baby",
    "tools",
    "jewelry",
    "furniture",
    "software",
];
const REGIONS: [&str; 5] = ["north", "south", "east", "west", "central"];
const NOTE_WORDS: [&str; 6] = [
    "express",
    "standard",
    "gift wrap",
    "priority",
    "returned",
    "bulk order",
];

/// The first instant of the data: two years of it, 2024 and 2025.
fn data_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

const DATA_SPAN_MICROS: i64 = 730 * 86_400 * 1_000_000;

/// The instant "last 30 days" counts back from: within the data, so that the answer is not empty.
fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 15, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// One batch of generated rows, column by column.
#[derive(Debug, Default)]
struct GeneratedRows {
    timestamps: Vec<i64>,
    categories: Vec<&'static str>,
    regions: Vec<&'static str>,
    amounts: Vec<Option<f64>>,
    quantities: Vec<i64>,
    customer_ids: Vec<i64>,
    notes: Vec<String>,
}

impl GeneratedRows {
    fn generate(random: &mut Random, first_row: usize, count: usize, total_rows: usize) -> Self {
        let start = data_start().timestamp_micros();
        let mut rows = GeneratedRows::default();
        for row in first_row..first_row + count {
            // Nearly in time order: evenly spread over the two years, each row up to an hour late.
            let position =
                (row as i128 * DATA_SPAN_MICROS as i128 / total_rows.max(1) as i128) as i64;
            let jitter = random.below(3_600 * 1_000_000) as i64;
            rows.timestamps
                .push(start + (position + jitter).min(DATA_SPAN_MICROS - 1));
            // Skewed: the square of a uniform fraction favours the first categories, so the first is
            // about fifteen times as common as the last.
            let fraction = random.fraction();
            let category = ((fraction * fraction) * CATEGORIES.len() as f64) as usize;
            rows.categories
                .push(CATEGORIES[category.min(CATEGORIES.len() - 1)]);
            rows.regions
                .push(REGIONS[random.below(REGIONS.len() as u64) as usize]);
            // Whole cents, so that the CSV holds exactly the value the Parquet file does; one in twenty
            // amounts is missing.
            let cents = random.below(50_000) as i64 + category as i64 * 500;
            let missing = random.below(20) == 0;
            rows.amounts
                .push((!missing).then_some(cents as f64 / 100.0));
            rows.quantities.push(1 + random.below(20) as i64);
            rows.customer_ids.push(1 + random.below(1_000_000) as i64);
            rows.notes.push(format!(
                "{} #{}",
                NOTE_WORDS[random.below(NOTE_WORDS.len() as u64) as usize],
                random.below(10_000)
            ));
        }
        rows
    }

    fn len(&self) -> usize {
        self.timestamps.len()
    }

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new(
                "ts",
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                false,
            ),
            Field::new("category", DataType::Utf8, false),
            Field::new("region", DataType::Utf8, false),
            Field::new("amount", DataType::Float64, true),
            Field::new("quantity", DataType::Int64, false),
            Field::new("customer_id", DataType::Int64, false),
            Field::new("note", DataType::Utf8, false),
        ]))
    }

    fn record_batch(&self) -> anyhow::Result<RecordBatch> {
        let mut notes = StringBuilder::with_capacity(self.len(), self.len() * 12);
        for note in &self.notes {
            notes.append_value(note);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(TimestampMicrosecondArray::from(self.timestamps.clone()).with_timezone("UTC")),
            Arc::new(StringArray::from(self.categories.clone())),
            Arc::new(StringArray::from(self.regions.clone())),
            Arc::new(Float64Array::from(self.amounts.clone())),
            Arc::new(Int64Array::from(self.quantities.clone())),
            Arc::new(Int64Array::from(self.customer_ids.clone())),
            Arc::new(notes.finish()),
        ];
        Ok(RecordBatch::try_new(Self::schema(), columns)?)
    }

    /// The same rows as CSV lines: RFC 3339 timestamps in UTC, an empty field for a missing amount.
    fn write_csv(&self, output: &mut impl Write) -> anyhow::Result<()> {
        for row in 0..self.len() {
            let instant = DateTime::from_timestamp_micros(self.timestamps[row])
                .context("a generated timestamp is out of range")?
                .to_rfc3339_opts(SecondsFormat::Micros, true);
            let amount = self.amounts[row]
                .map(|amount| amount.to_string())
                .unwrap_or_default();
            writeln!(
                output,
                "{instant},{},{},{amount},{},{},{}",
                self.categories[row],
                self.regions[row],
                self.quantities[row],
                self.customer_ids[row],
                self.notes[row]
            )?;
        }
        Ok(())
    }
}

fn marker_holds(marker: &Path, rows: usize) -> bool {
    std::fs::read_to_string(marker).is_ok_and(|text| text.trim() == rows.to_string())
}

/// Generates the files in a child process unless files of the same row count are already there.
fn ensure_generated(arguments: &Arguments, files: &Files) -> anyhow::Result<()> {
    let parquet_ready = marker_holds(&files.parquet_marker(), arguments.rows);
    let csv_ready = !arguments.csv || marker_holds(&files.csv_marker(), arguments.rows);
    if parquet_ready && csv_ready {
        println!(
            "reusing the {} rows generated earlier in {}",
            arguments.rows,
            files.directory.display()
        );
        return Ok(());
    }
    println!(
        "generating {} rows in {} ...",
        arguments.rows,
        files.directory.display()
    );
    let started = Instant::now();
    let status = Command::new(std::env::current_exe()?)
        .arg("--generate-only")
        .args(["--rows", &arguments.rows.to_string()])
        .arg("--dir")
        .arg(&files.directory)
        .args(["--csv", &arguments.csv.to_string()])
        .status()?;
    if !status.success() {
        bail!("generating the dataset failed");
    }
    println!("generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Writes the Parquet file (and the CSV file) batch by batch, then the markers.
fn generate(files: &Files, total_rows: usize, with_csv: bool) -> anyhow::Result<()> {
    let parquet_path = files.parquet();
    if let Some(parent) = parquet_path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // The old markers are removed first, so that a generation cut short leaves no marker behind.
    for marker in [files.parquet_marker(), files.csv_marker()] {
        if marker.exists() {
            std::fs::remove_file(marker)?;
        }
    }
    // As vizpro's importer writes its files: Snappy, row groups of about a million rows.
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(BATCH_ROWS))
        .build();
    let mut parquet = ArrowWriter::try_new(
        File::create(&parquet_path)?,
        GeneratedRows::schema(),
        Some(properties),
    )?;
    let mut csv = if with_csv {
        let mut output = BufWriter::with_capacity(8 << 20, File::create(files.csv())?);
        writeln!(
            output,
            "ts,category,region,amount,quantity,customer_id,note"
        )?;
        Some(output)
    } else {
        None
    };
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut first_row = 0;
    while first_row < total_rows {
        let count = BATCH_ROWS.min(total_rows - first_row);
        let rows = GeneratedRows::generate(&mut random, first_row, count, total_rows);
        parquet.write(&rows.record_batch()?)?;
        if let Some(output) = csv.as_mut() {
            rows.write_csv(output)?;
        }
        first_row += count;
    }
    parquet.close()?;
    std::fs::write(files.parquet_marker(), total_rows.to_string())?;
    if let Some(mut output) = csv {
        output.flush()?;
        std::fs::write(files.csv_marker(), total_rows.to_string())?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// The chart queries.

/// One dashboard chart: the specification the engine gets, and the SQL DuckDB gets for the same result.
#[derive(Debug)]
struct BenchmarkQuery {
    name: &'static str,
    chart_type: ChartType,
    /// The chart's query as the API takes it.
    query: Value,
    /// The same chart in DuckDB's SQL, over the view `dataset`, where `ts` is a timestamp with time zone.
    /// DuckDB compares such timestamps natively, and pushes the comparison into the Parquet scan, but
    /// truncates them through its ICU extension, several times slower than plain timestamps; so the SQL
    /// filters on `ts` itself and truncates `make_timestamp(epoch_us(ts))`, the same UTC instant as a
    /// plain timestamp. That is the fastest way we found to write these charts for DuckDB, so that the
    /// baseline is not a weak one.
    sql: &'static str,
}

fn benchmark_queries() -> Vec<BenchmarkQuery> {
    vec![
        BenchmarkQuery {
            name: "count by category",
            chart_type: ChartType::Bar,
            query: json!({
                "mode": "builder",
                "dimensions": [{"column": "category"}],
                "measures": [{"aggregate": "count"}],
            }),
            sql: "select category, count(*) from dataset group by category order by category",
        },
        BenchmarkQuery {
            name: "sum(amount) by month",
            chart_type: ChartType::Line,
            query: json!({
                "mode": "builder",
                "dimensions": [{"column": "ts", "time_bucket": "month", "alias": "month"}],
                "measures": [{"aggregate": "sum", "column": "amount"}],
            }),
            sql: "select date_trunc('month', make_timestamp(epoch_us(ts))) as month, sum(amount) from dataset \
                  group by month order by month",
        },
        BenchmarkQuery {
            name: "avg(amount) by region, category",
            chart_type: ChartType::Heatmap,
            query: json!({
                "mode": "builder",
                "dimensions": [{"column": "region"}, {"column": "category"}],
                "measures": [{"aggregate": "avg", "column": "amount"}],
            }),
            sql: "select region, category, avg(amount) from dataset \
                  group by region, category order by region, category",
        },
        BenchmarkQuery {
            name: "distinct customers by day, H2 2024",
            chart_type: ChartType::Line,
            query: json!({
                "mode": "builder",
                "dimensions": [{"column": "ts", "time_bucket": "day", "alias": "day"}],
                "measures": [{"aggregate": "count_distinct", "column": "customer_id"}],
                "filters": [{"column": "ts", "op": "between",
                             "value": ["2024-07-01T00:00:00Z", "2024-12-31T23:59:59Z"]}],
            }),
            sql: "select date_trunc('day', make_timestamp(epoch_us(ts))) as day, count(distinct customer_id) from dataset \
                  where ts between timestamptz '2024-07-01 00:00:00+00' and timestamptz '2024-12-31 23:59:59+00' \
                  group by day order by day",
        },
        BenchmarkQuery {
            name: "top 10 categories by sum + other",
            chart_type: ChartType::Pie,
            query: json!({
                "mode": "builder",
                "dimensions": [{"column": "category"}],
                "measures": [{"aggregate": "sum", "column": "amount", "alias": "total"}],
                "top_n": {"n": 10, "other_label": "Other"},
            }),
            sql: "with top as (select category from dataset group by category \
                    order by sum(amount) desc nulls last, category asc nulls last limit 10) \
                  select case when top.category is null then 'Other' else dataset.category end as grouped, \
                    sum(amount) as total \
                  from dataset left join top on dataset.category = top.category \
                  group by grouped order by total desc nulls last, grouped asc",
        },
        BenchmarkQuery {
            name: "median, p95 amount by region",
            chart_type: ChartType::Bar,
            query: json!({
                "mode": "builder",
                "dimensions": [{"column": "region"}],
                "measures": [{"aggregate": "median", "column": "amount"},
                             {"aggregate": "p95", "column": "amount"}],
            }),
            sql: "select region, quantile_cont(amount, 0.5), quantile_cont(amount, 0.95) from dataset \
                  group by region order by region",
        },
        BenchmarkQuery {
            name: "filtered sum(amount) by week",
            chart_type: ChartType::Line,
            query: json!({
                "mode": "builder",
                "dimensions": [{"column": "ts", "time_bucket": "week", "alias": "week"}],
                "measures": [{"aggregate": "sum", "column": "amount"}],
                "filters": [
                    {"column": "category", "op": "in", "value": ["electronics", "books", "garden"]},
                    {"column": "amount", "op": "gt", "value": 100},
                ],
            }),
            sql: "select date_trunc('week', make_timestamp(epoch_us(ts))) as week, sum(amount) from dataset \
                  where category in ('electronics', 'books', 'garden') and amount > 100 \
                  group by week order by week",
        },
        BenchmarkQuery {
            // A big number over "the last 30 days" also shows the 30 days before; the engine computes
            // both, so DuckDB's query computes both too.
            name: "big number, last 30 days + previous",
            chart_type: ChartType::BigNumber,
            query: json!({
                "mode": "builder",
                "measures": [{"aggregate": "sum", "column": "amount"}, {"aggregate": "count"}],
                "filters": [{"column": "ts", "op": "last", "value": {"count": 30, "unit": "day"}}],
            }),
            sql: "select \
                    sum(amount) filter (where ts >= timestamptz '2025-05-16 00:00:00+00' and ts <= timestamptz '2025-06-15 00:00:00+00'), \
                    count(*) filter (where ts >= timestamptz '2025-05-16 00:00:00+00' and ts <= timestamptz '2025-06-15 00:00:00+00'), \
                    sum(amount) filter (where ts >= timestamptz '2025-04-16 00:00:00+00' and ts <= timestamptz '2025-05-16 00:00:00+00'), \
                    count(*) filter (where ts >= timestamptz '2025-04-16 00:00:00+00' and ts <= timestamptz '2025-05-16 00:00:00+00') \
                  from dataset \
                  where ts >= timestamptz '2025-04-16 00:00:00+00' and ts <= timestamptz '2025-06-15 00:00:00+00'",
        },
    ]
}

fn chart_request(query: &BenchmarkQuery, location: &str) -> anyhow::Result<ChartRequest> {
    let chart_query: ChartQuery = serde_json::from_value(query.query.clone())
        .with_context(|| format!("the specification of \"{}\"", query.name))?;
    Ok(ChartRequest {
        dataset: DatasetVersionRef {
            location: location.to_owned(),
            version: 1,
        }
        .into(),
        chart_type: query.chart_type,
        query: chart_query,
        options: json!({}),
        dashboard_filters: Vec::new(),
        now: fixed_now(),
    })
}

// ---------------------------------------------------------------------------------------------------
// Measuring.

/// One query's measurement on one side.
#[derive(Debug, Clone)]
struct Measured {
    median_ms: f64,
    rows: usize,
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        length if length % 2 == 1 => sorted[length / 2],
        length => (sorted[length / 2 - 1] + sorted[length / 2]) / 2.0,
    }
}

/// Runs every query `runs` times through the engine, timing each `chart_data` call end to end.
async fn engine_timings(
    engine: &ChartEngine,
    queries: &[BenchmarkQuery],
    location: &str,
    runs: usize,
) -> anyhow::Result<Vec<Measured>> {
    let mut measured = Vec::new();
    for query in queries {
        let mut timings_ms = Vec::new();
        let mut rows = 0;
        for _ in 0..runs.max(1) {
            let request = chart_request(query, location)?;
            let started = Instant::now();
            let data = engine
                .chart_data(request)
                .await
                .with_context(|| format!("the chart engine failed on \"{}\"", query.name))?;
            timings_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            rows = data.row_count;
        }
        measured.push(Measured {
            median_ms: median(&timings_ms),
            rows,
        });
    }
    Ok(measured)
}

/// DuckDB's side for one file format: every query, in one Python child process.
#[derive(Debug)]
struct DuckdbFigures {
    queries: Vec<Measured>,
    max_rss_bytes: u64,
    max_rss_before_bytes: u64,
}

fn duckdb_timings(
    format: &str,
    path: &Path,
    queries: &[BenchmarkQuery],
    arguments: &Arguments,
) -> anyhow::Result<DuckdbFigures> {
    let request = json!({
        "format": format,
        "path": path.to_string_lossy(),
        "threads": arguments.threads,
        "runs": arguments.runs.max(1),
        "queries": queries.iter().map(|query| json!({"name": query.name, "sql": query.sql})).collect::<Vec<_>>(),
    });
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(DUCKDB_SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("python3 with the duckdb module must be installed")?;
    child
        .stdin
        .take()
        .context("the child's standard input")?
        .write_all(request.to_string().as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "DuckDB on {format} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The answer is the last line; DuckDB may have printed something before it.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last_line = stdout
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    let answer: Value = serde_json::from_str(last_line)
        .with_context(|| format!("DuckDB's timings are not JSON: {stdout}"))?;
    let mut measured = Vec::new();
    for query in answer["queries"].as_array().context("no timings")? {
        let timings_ms: Vec<f64> = query["timings_ms"]
            .as_array()
            .context("no timings")?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        measured.push(Measured {
            median_ms: median(&timings_ms),
            rows: query["rows"].as_u64().unwrap_or_default() as usize,
        });
    }
    let kibibytes = |field: &str| answer[field].as_u64().unwrap_or_default() * 1024;
    Ok(DuckdbFigures {
        queries: measured,
        max_rss_bytes: kibibytes("max_rss_kib"),
        max_rss_before_bytes: kibibytes("max_rss_before_kib"),
    })
}

/// This process's peak resident set so far (`VmHWM`), in bytes; it cannot be reset, so it covers
/// everything the process did up to now.
fn peak_resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kibibytes| kibibytes.parse::<u64>().ok())
        })
        .map(|kibibytes| kibibytes * 1024)
        .unwrap_or_default()
}

fn mebibytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn file_mebibytes(path: &Path) -> f64 {
    std::fs::metadata(path)
        .map(|metadata| mebibytes(metadata.len()))
        .unwrap_or(f64::NAN)
}

/// Warns, without stopping, where the engine and DuckDB disagree on a query's number of rows.
fn check_row_counts(
    label: &str,
    queries: &[BenchmarkQuery],
    ours: &[Measured],
    theirs: &[Measured],
) {
    for ((query, ours), theirs) in queries.iter().zip(ours).zip(theirs) {
        if ours.rows != theirs.rows {
            println!(
                "warning: \"{}\" ({label}): the engine returned {} rows, DuckDB {}",
                query.name, ours.rows, theirs.rows
            );
        }
    }
}

fn total(measured: &[Measured]) -> f64 {
    measured.iter().map(|measured| measured.median_ms).sum()
}

async fn benchmark(arguments: &Arguments, files: &Files) -> anyhow::Result<()> {
    let queries = benchmark_queries();
    let storage = ObjectStorage::from_url(&format!("file://{}", files.directory.display()))?;
    let engine = ChartEngine::new(
        EngineConfig {
            threads: arguments.threads,
            memory_limit_bytes: 2 * 1024 * 1024 * 1024,
            max_result_rows: 100_000,
            timeout: Duration::from_secs(600),
        },
        &storage,
    )?;

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "chart aggregation — {} rows, {} threads each, median of {} runs, times in ms (wall clock)",
        arguments.rows, arguments.threads, arguments.runs
    );
    println!(
        "Parquet {:.0} MiB{}; load average before the run: {}",
        file_mebibytes(&files.parquet()),
        if arguments.csv {
            format!(", CSV {:.0} MiB", file_mebibytes(&files.csv()))
        } else {
            String::new()
        },
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("target: chart engine ≤ {TARGET_RATIO}× DuckDB's time on the same Parquet\n");

    let engine_parquet = engine_timings(&engine, &queries, PARQUET_KEY, arguments.runs).await?;
    let engine_peak_after_parquet = peak_resident_bytes();
    let duckdb_parquet = duckdb_timings("parquet", &files.parquet(), &queries, arguments)?;
    check_row_counts(
        "Parquet",
        &queries,
        &engine_parquet,
        &duckdb_parquet.queries,
    );

    // CSV: vizpro converts the upload once, stores the result, and charts read that; DuckDB reads the
    // CSV itself for every query.
    let mut csv_figures = None;
    if arguments.csv {
        let import_started = Instant::now();
        let scratch = files.import_scratch();
        let converted = convert_csv_to_parquet(
            &files.csv(),
            &scratch,
            &CsvOptions::default(),
            &ImportLimits::default(),
        )
        .context("vizpro's CSV import failed")?;
        storage.put_file(IMPORTED_KEY, &scratch).await?;
        let import_ms = import_started.elapsed().as_secs_f64() * 1000.0;
        std::fs::remove_file(&scratch)?;
        if converted.row_count as usize != arguments.rows {
            println!(
                "warning: the CSV import read {} rows, not {}",
                converted.row_count, arguments.rows
            );
        }
        let engine_imported =
            engine_timings(&engine, &queries, IMPORTED_KEY, arguments.runs).await?;
        let duckdb_csv = duckdb_timings("csv", &files.csv(), &queries, arguments)?;
        check_row_counts("CSV", &queries, &engine_imported, &duckdb_csv.queries);
        csv_figures = Some((import_ms, engine_imported, duckdb_csv));
    }
    let engine_peak_after_csv = peak_resident_bytes();

    println!(
        "{:<38} {:>10} {:>12} {:>7} {:>10}",
        "query", "engine", "DuckDB pq", "ratio", "DuckDB csv"
    );
    for (index, query) in queries.iter().enumerate() {
        let ours = engine_parquet[index].median_ms;
        let theirs = duckdb_parquet.queries[index].median_ms;
        let csv = csv_figures
            .as_ref()
            .map(|(_, _, duckdb_csv)| format!("{:.1}", duckdb_csv.queries[index].median_ms))
            .unwrap_or_else(|| "—".to_owned());
        println!(
            "{:<38} {:>10.1} {:>12.1} {:>6.2}× {:>10}",
            query.name,
            ours,
            theirs,
            ours / theirs,
            csv
        );
    }
    let engine_total = total(&engine_parquet);
    let duckdb_total = total(&duckdb_parquet.queries);
    let overall = engine_total / duckdb_total;
    println!(
        "{:<38} {:>10.1} {:>12.1} {:>6.2}× {:>10}",
        "total (sum of medians)",
        engine_total,
        duckdb_total,
        overall,
        csv_figures
            .as_ref()
            .map(|(_, _, duckdb_csv)| format!("{:.1}", total(&duckdb_csv.queries)))
            .unwrap_or_else(|| "—".to_owned())
    );
    println!(
        "\nParquet: the chart engine takes {overall:.2}× DuckDB's time — target ≤ {TARGET_RATIO}×: {}",
        if overall <= TARGET_RATIO {
            "met"
        } else {
            "missed"
        }
    );

    if let Some((import_ms, engine_imported, duckdb_csv)) = &csv_figures {
        let queries_ms = total(engine_imported);
        let vizpro_ms = import_ms + queries_ms;
        let duckdb_ms = total(&duckdb_csv.queries);
        println!(
            "CSV: vizpro imports it once ({import_ms:.0} ms: convert to Parquet and store) and runs the \
             queries on the result ({queries_ms:.0} ms) = {vizpro_ms:.0} ms; DuckDB on the CSV itself \
             {duckdb_ms:.0} ms — {:.2}×",
            vizpro_ms / duckdb_ms
        );
    } else {
        println!("CSV: not compared (--csv false)");
    }

    println!("\npeak memory (resident set)");
    println!(
        "  chart engine process (VmHWM) after the Parquet queries   {:>8.0} MiB",
        mebibytes(engine_peak_after_parquet)
    );
    if csv_figures.is_some() {
        println!(
            "  chart engine process (VmHWM) after CSV import + queries  {:>8.0} MiB",
            mebibytes(engine_peak_after_csv)
        );
    }
    println!(
        "  DuckDB child on Parquet (ru_maxrss)                      {:>8.0} MiB   (Python with duckdb loaded: {:.0} MiB)",
        mebibytes(duckdb_parquet.max_rss_bytes),
        mebibytes(duckdb_parquet.max_rss_before_bytes)
    );
    if let Some((_, _, duckdb_csv)) = &csv_figures {
        println!(
            "  DuckDB child on CSV (ru_maxrss)                          {:>8.0} MiB",
            mebibytes(duckdb_csv.max_rss_bytes)
        );
    }
    Ok(())
}
