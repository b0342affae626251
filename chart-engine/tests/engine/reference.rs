//! Results equal DuckDB's.

use std::process::Command;

use serde_json::{Value, json};
use vizpro_chart_engine::{ChartData, ChartRequest};
use vizpro_events::chart::{ChartType, Filter, FilterOp};

use crate::{Fixture, fixture, request};

/// DuckDB's answer to `sql` over the fixture's Parquet file, as rows.
fn duckdb(fixture: &Fixture, sql: &str) -> Vec<Vec<Value>> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/engine/duckdb_reference.py"
    );
    let output = Command::new("python3")
        .arg(script)
        .arg(&fixture.parquet_path)
        .arg(sql)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "DuckDB failed on {sql}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    result["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row.as_array().unwrap().clone())
        .collect()
}

/// The engine's columns as rows.
fn rows_of(data: &ChartData) -> Vec<Vec<Value>> {
    (0..data.row_count)
        .map(|row| {
            data.columns
                .iter()
                .map(|column| column.values[row].clone())
                .collect()
        })
        .collect()
}

/// Values that mean the same compare equal: instants whatever their fractional digits, integers
/// whether numbers or strings, floats within a relative tolerance.
fn same(engine: &Value, reference: &Value) -> bool {
    match (engine, reference) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(left), Value::Bool(right)) => left == right,
        (Value::String(left), Value::String(right)) => {
            match (
                chrono::DateTime::parse_from_rfc3339(left),
                chrono::DateTime::parse_from_rfc3339(right),
            ) {
                (Ok(left), Ok(right)) => left == right,
                _ => left == right || integers_equal(engine, reference),
            }
        }
        (Value::Number(left), Value::Number(right)) => {
            if let (Some(left), Some(right)) = (left.as_i64(), right.as_i64()) {
                return left == right;
            }
            let (left, right) = (left.as_f64().unwrap(), right.as_f64().unwrap());
            (left - right).abs() <= 1e-6 * left.abs().max(right.abs()).max(1.0)
        }
        _ => integers_equal(engine, reference),
    }
}

fn integers_equal(left: &Value, right: &Value) -> bool {
    let digits = |value: &Value| match value {
        Value::Number(number) => number
            .as_i64()
            .map(|n| n.to_string())
            .or_else(|| number.as_u64().map(|n| n.to_string())),
        Value::String(text) if text.parse::<i128>().is_ok() => Some(text.clone()),
        _ => None,
    };
    digits(left).is_some() && digits(left) == digits(right)
}

async fn assert_matches_duckdb(fixture: &Fixture, chart: ChartRequest, sql: &str) -> ChartData {
    let data = fixture
        .engine
        .chart_data(chart)
        .await
        .expect("the chart computes");
    let expected = duckdb(fixture, sql);
    let actual = rows_of(&data);
    assert_eq!(
        actual.len(),
        expected.len(),
        "row counts differ for {sql}\nengine: {actual:?}\nduckdb: {expected:?}"
    );
    for (index, (left, right)) in actual.iter().zip(&expected).enumerate() {
        assert_eq!(left.len(), right.len(), "column counts differ for {sql}");
        assert!(
            left.iter()
                .zip(right)
                .all(|(left, right)| same(left, right)),
            "row {index} differs for {sql}\nengine: {left:?}\nduckdb: {right:?}"
        );
    }
    data
}

#[tokio::test]
async fn counts_sums_and_averages_per_category_match_duckdb_including_the_null_group() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder",
            "dimensions": [{"column": "category"}],
            "measures": [{"aggregate": "count"}, {"aggregate": "sum", "column": "quantity"},
                         {"aggregate": "avg", "column": "amount"}, {"aggregate": "count", "column": "amount"}],
        }),
    );
    let data = assert_matches_duckdb(
        &fixture,
        chart,
        "select category, count(*), sum(quantity), avg(amount), count(amount) from dataset \
         group by category order by category asc nulls last",
    )
    .await;
    assert_eq!(data.row_count, 8, "seven categories and the null group");
}

#[tokio::test]
async fn monthly_buckets_with_median_and_percentiles_match_duckdb() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Line,
        json!({
            "mode": "builder",
            "dimensions": [{"column": "ts", "time_bucket": "month", "alias": "month"}],
            "measures": [{"aggregate": "sum", "column": "amount"}, {"aggregate": "median", "column": "amount"},
                         {"aggregate": "p90", "column": "quantity"}, {"aggregate": "p99", "column": "amount"},
                         {"aggregate": "min", "column": "amount"}, {"aggregate": "max", "column": "day"}],
        }),
    );
    assert_matches_duckdb(&fixture, chart,
        "select date_trunc('month', ts) m, sum(amount), quantile_cont(amount, 0.5), quantile_cont(quantity::double, 0.9), \
         quantile_cont(amount, 0.99), min(amount), max(day) from dataset group by m order by m asc nulls last").await;
}

#[tokio::test]
async fn every_time_bucket_puts_edge_instants_in_the_right_bucket() {
    let fixture = fixture();
    for bucket in ["minute", "hour", "day", "week", "month", "quarter", "year"] {
        let chart = request(
            &fixture,
            ChartType::Bar,
            json!({
                "mode": "builder",
                "dimensions": [{"column": "ts", "time_bucket": bucket}],
                "measures": [{"aggregate": "count"}],
                "filters": [{"column": "ts", "op": "between", "value": ["2025-12-31T00:00:00Z", "2026-03-02T00:00:00Z"]}],
            }),
        );
        assert_matches_duckdb(&fixture, chart, &format!(
            "select date_trunc('{bucket}', ts) b, count(*) from dataset \
             where ts between timestamp '2025-12-31 00:00:00' and timestamp '2026-03-02 00:00:00' group by b order by b")).await;
    }
}

#[tokio::test]
async fn weekly_buckets_of_a_date_column_start_on_monday_as_in_duckdb() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Area,
        json!({
            "mode": "builder",
            "dimensions": [{"column": "day", "time_bucket": "week"}],
            "measures": [{"aggregate": "count_distinct", "column": "category"}],
        }),
    );
    assert_matches_duckdb(&fixture, chart,
        "select cast(date_trunc('week', day) as timestamp) w, count(distinct category) from dataset \
         group by w order by w asc nulls last").await;
}

#[tokio::test]
async fn combined_filters_match_duckdb() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Table,
        json!({
            "mode": "builder",
            "dimensions": [{"column": "region"}, {"column": "flag"}],
            "measures": [{"aggregate": "count"}, {"aggregate": "max", "column": "ts"}],
            "filters": [
                {"column": "region", "op": "in", "value": ["north", "south", "east"]},
                {"column": "amount", "op": "between", "value": [-500, 5000.5]},
                {"column": "category", "op": "contains", "value": "AN"},
                {"column": "quantity", "op": "is_not_null"},
                {"column": "quantity", "op": "ne", "value": 3},
                {"column": "day", "op": "gte", "value": "2025-10-01"},
            ],
            "sort": [{"by": "count", "direction": "desc"}, {"by": "region", "direction": "asc"}, {"by": "flag", "direction": "asc"}],
        }),
    );
    assert_matches_duckdb(&fixture, chart,
        "select region, flag, count(*) c, max(ts) from dataset where region in ('north','south','east') \
         and amount between -500 and 5000.5 and category ilike '%an%' and quantity is not null and quantity <> 3 \
         and day >= date '2025-10-01' group by region, flag order by c desc, region asc, flag asc").await;
}

#[tokio::test]
async fn a_relative_window_counts_back_from_now() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder",
            "dimensions": [{"column": "ts", "time_bucket": "day"}],
            "measures": [{"aggregate": "count"}],
            "filters": [{"column": "ts", "op": "last", "value": {"count": 30, "unit": "day"}}],
        }),
    );
    let data = assert_matches_duckdb(
        &fixture,
        chart,
        "select date_trunc('day', ts) d, count(*) from dataset \
         where ts >= timestamp '2026-02-13 12:00:00' and ts <= timestamp '2026-03-15 12:00:00' \
         group by d order by d",
    )
    .await;
    assert!(
        data.row_count >= 28,
        "about thirty days of buckets, got {}",
        data.row_count
    );
}

#[tokio::test]
async fn top_groups_with_the_rest_folded_into_other_match_duckdb() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Pie,
        json!({
            "mode": "builder",
            "dimensions": [{"column": "category"}],
            "measures": [{"aggregate": "sum", "column": "amount", "alias": "total"}, {"aggregate": "avg", "column": "quantity"}],
            "top_n": {"n": 3, "other_label": "Other"},
        }),
    );
    let data = assert_matches_duckdb(&fixture, chart,
        "with top as (select category from dataset group by category order by sum(amount) desc nulls last, category asc nulls last limit 3) \
         select case when t.category is null then 'Other' else d.category end g, sum(amount) total, avg(quantity) \
         from dataset d left join top t on d.category = t.category group by g order by total desc nulls last, g asc").await;
    assert_eq!(data.row_count, 4);
    assert!(data.columns[0].values.contains(&json!("Other")));
}

#[tokio::test]
async fn sums_of_large_integers_keep_every_digit() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder",
            "dimensions": [{"column": "flag"}],
            "measures": [{"aggregate": "sum", "column": "big"}, {"aggregate": "max", "column": "big"}],
        }),
    );
    let data = assert_matches_duckdb(
        &fixture,
        chart,
        "select flag, sum(big), max(big) from dataset group by flag order by flag",
    )
    .await;
    // The sums exceed 64 bits, so they travel as strings of digits.
    assert!(data.columns[1].values.iter().all(Value::is_string));
}

#[tokio::test]
async fn a_filter_matching_nothing_gives_no_groups_and_a_zero_total() {
    let fixture = fixture();
    let nothing = json!([{"column": "region", "op": "eq", "value": "atlantis"}]);
    let grouped = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder", "dimensions": [{"column": "region"}], "measures": [{"aggregate": "count"}], "filters": nothing,
        }),
    );
    assert_matches_duckdb(
        &fixture,
        grouped,
        "select region, count(*) from dataset where region = 'atlantis' group by region",
    )
    .await;
    let total = request(
        &fixture,
        ChartType::BigNumber,
        json!({
            "mode": "builder", "measures": [{"aggregate": "count"}, {"aggregate": "sum", "column": "amount"}], "filters": nothing,
        }),
    );
    assert_matches_duckdb(
        &fixture,
        total,
        "select count(*), sum(amount) from dataset where region = 'atlantis'",
    )
    .await;
}

#[tokio::test]
async fn a_dashboard_filter_applies_on_top_and_one_on_a_missing_column_is_skipped() {
    let fixture = fixture();
    let mut chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder", "dimensions": [{"column": "region"}], "measures": [{"aggregate": "count"}],
        }),
    );
    chart.dashboard_filters = vec![
        Filter {
            column: "flag".into(),
            op: FilterOp::Eq,
            value: json!(true),
        },
        Filter {
            column: "not_in_this_dataset".into(),
            op: FilterOp::Eq,
            value: json!(1),
        },
    ];
    assert_matches_duckdb(
        &fixture,
        chart,
        "select region, count(*) from dataset where flag group by region order by region",
    )
    .await;
}

#[tokio::test]
async fn a_big_number_over_the_last_month_compares_with_the_month_before() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::BigNumber,
        json!({
            "mode": "builder",
            "measures": [{"aggregate": "sum", "column": "amount"}],
            "filters": [{"column": "ts", "op": "last", "value": {"count": 1, "unit": "month"}}],
        }),
    );
    let data = assert_matches_duckdb(&fixture, chart,
        "select sum(amount) from dataset where ts >= timestamp '2026-02-15 12:00:00' and ts <= timestamp '2026-03-15 12:00:00'").await;
    let before = duckdb(
        &fixture,
        "select sum(amount) from dataset where ts >= timestamp '2026-01-15 12:00:00' and ts <= timestamp '2026-02-15 12:00:00'",
    );
    let comparison = data.comparison.expect("a comparison");
    assert!(same(&comparison[0].values[0], &before[0][0]));
}

#[tokio::test]
async fn a_histogram_counts_rows_per_equal_width_bin_including_empty_ones() {
    let fixture = fixture();
    let mut chart = request(
        &fixture,
        ChartType::Histogram,
        json!({
            "mode": "builder", "dimensions": [{"column": "quantity"}],
        }),
    );
    chart.options = json!({"bins": 12});
    assert_matches_duckdb(
        &fixture,
        chart,
        "with s as (select min(quantity)::double lo, max(quantity)::double hi from dataset), \
         b as (select range bin from range(12)) \
         select s.lo + b.bin * ((s.hi - s.lo) / 12), s.lo + (b.bin + 1) * ((s.hi - s.lo) / 12), \
         (select count(*) from dataset where quantity is not null and \
            least(floor((quantity - s.lo) / ((s.hi - s.lo) / 12)), 11) = b.bin) \
         from s, b order by b.bin",
    )
    .await;
}

#[tokio::test]
async fn native_sql_over_the_dataset_matches_duckdb() {
    let fixture = fixture();
    let sql = "select region, count(*) as n, avg(amount) as mean from dataset where quantity > 10 group by region order by region";
    let chart = request(
        &fixture,
        ChartType::Table,
        json!({"mode": "sql", "sql": sql}),
    );
    assert_matches_duckdb(&fixture, chart, sql).await;
}

#[tokio::test]
async fn plain_rows_are_cut_at_the_limit_and_say_so() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Scatter,
        json!({
            "mode": "builder",
            "dimensions": [{"column": "amount"}, {"column": "quantity"}],
            "filters": [{"column": "amount", "op": "is_not_null"}, {"column": "quantity", "op": "is_not_null"}],
            "sort": [{"by": "amount", "direction": "asc"}, {"by": "quantity", "direction": "asc"}],
            "limit": 25,
        }),
    );
    let data = assert_matches_duckdb(
        &fixture,
        chart,
        "select amount, quantity from dataset where amount is not null and quantity is not null \
         order by amount, quantity limit 25",
    )
    .await;
    assert!(data.truncated);
}

#[tokio::test]
async fn preview_and_statistics_describe_the_dataset() {
    let fixture = fixture();
    let preview = fixture
        .engine
        .preview(fixture.dataset.clone(), 10)
        .await
        .unwrap();
    assert_eq!(preview.row_count, 10);
    assert_eq!(preview.columns.len(), 8);
    assert_eq!(preview.columns[0].data_type, "timestamp");
    let statistics = fixture
        .engine
        .statistics(fixture.dataset.clone())
        .await
        .unwrap();
    assert_eq!(statistics.row_count as usize, crate::ROWS);
    let expected = duckdb(
        &fixture,
        "select count(*) - count(amount), min(amount), max(amount), count(*) - count(category) from dataset",
    );
    let amount = statistics
        .columns
        .iter()
        .find(|column| column.name == "amount")
        .unwrap();
    assert!(same(&json!(amount.nulls), &expected[0][0]));
    assert!(same(&amount.min, &expected[0][1]));
    assert!(same(&amount.max, &expected[0][2]));
    let category = statistics
        .columns
        .iter()
        .find(|column| column.name == "category")
        .unwrap();
    assert!(same(&json!(category.nulls), &expected[0][3]));
    assert_eq!(category.distinct_estimate, 7);
}
