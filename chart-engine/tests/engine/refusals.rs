//! Specifications that do not fit the data, and SQL that reaches for more than its dataset.

use std::time::Duration;

use serde_json::json;
use vizpro_chart_engine::{EngineConfig, EngineError};
use vizpro_events::chart::ChartType;

use crate::{fixture, fixture_with, request};

fn field_of(error: EngineError) -> String {
    match error {
        EngineError::InvalidSpec { field, .. } => field,
        other => panic!("expected an invalid specification, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_column_is_refused_naming_the_field() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder", "dimensions": [{"column": "region"}],
            "measures": [{"aggregate": "sum", "column": "revenue"}],
        }),
    );
    let error = fixture.engine.chart_data(chart).await.unwrap_err();
    assert!(error.to_string().contains("revenue"));
    assert_eq!(field_of(error), "query.measures[0].column");
}

#[tokio::test]
async fn summing_text_is_refused() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder", "measures": [{"aggregate": "avg", "column": "region"}],
        }),
    );
    let error = fixture.engine.chart_data(chart).await.unwrap_err();
    assert_eq!(field_of(error), "query.measures[0].column");
}

#[tokio::test]
async fn filtering_a_number_with_a_string_is_refused() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder", "measures": [{"aggregate": "count"}],
            "filters": [{"column": "quantity", "op": "gt", "value": "ten"}],
        }),
    );
    let error = fixture.engine.chart_data(chart).await.unwrap_err();
    assert_eq!(field_of(error), "query.filters[0].value");
}

#[tokio::test]
async fn a_time_bucket_on_a_number_is_refused() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Line,
        json!({
            "mode": "builder", "dimensions": [{"column": "amount", "time_bucket": "day"}],
            "measures": [{"aggregate": "count"}],
        }),
    );
    let error = fixture.engine.chart_data(chart).await.unwrap_err();
    assert_eq!(field_of(error), "query.dimensions[0].time_bucket");
}

#[tokio::test]
async fn sorting_by_something_the_chart_does_not_show_is_refused() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder", "dimensions": [{"column": "region"}], "measures": [{"aggregate": "count"}],
            "sort": [{"by": "amount", "direction": "asc"}],
        }),
    );
    let error = fixture.engine.chart_data(chart).await.unwrap_err();
    assert_eq!(field_of(error), "query.sort[0].by");
}

#[tokio::test]
async fn column_names_that_look_like_sql_are_only_ever_column_names() {
    let fixture = fixture();
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder", "dimensions": [{"column": "region\" from dataset; drop table x; --"}],
            "measures": [{"aggregate": "count"}],
        }),
    );
    let error = fixture.engine.chart_data(chart).await.unwrap_err();
    assert_eq!(field_of(error), "query.dimensions[0].column");
    let chart = request(
        &fixture,
        ChartType::Bar,
        json!({
            "mode": "builder", "dimensions": [{"column": "region"}], "measures": [{"aggregate": "count"}],
            "filters": [{"column": "region", "op": "eq", "value": "north' or '1'='1"}],
        }),
    );
    let data = fixture.engine.chart_data(chart).await.unwrap();
    assert_eq!(
        data.row_count, 0,
        "the value is compared as text, not spliced into SQL"
    );
}

#[tokio::test]
async fn native_sql_cannot_write_define_set_or_reach_other_tables_or_files() {
    let fixture = fixture();
    let escapes = [
        "drop table dataset",
        "create table stolen as select * from dataset",
        "insert into dataset select * from dataset",
        "copy (select * from dataset) to '/tmp/vizpro-escape.csv'",
        "create external table secrets stored as csv location '/etc/passwd'",
        "select * from '/etc/passwd'",
        "select * from other_dataset",
        "set datafusion.execution.batch_size = 1",
        "select 1; select 2",
        "select * from information_schema.tables",
    ];
    for sql in escapes {
        let chart = request(
            &fixture,
            ChartType::Table,
            json!({"mode": "sql", "sql": sql}),
        );
        let error = fixture.engine.chart_data(chart).await.unwrap_err();
        assert_eq!(field_of(error), "query.sql", "{sql} must be refused");
    }
    assert!(!std::path::Path::new("/tmp/vizpro-escape.csv").exists());
    let listing: Vec<_> = std::fs::read_dir(fixture.objects.join("datasets/generated"))
        .unwrap()
        .collect();
    assert_eq!(listing.len(), 1, "nothing was written beside the dataset");
}

#[tokio::test]
async fn a_query_running_past_its_time_limit_is_stopped() {
    let fixture = fixture_with(EngineConfig {
        timeout: Duration::from_millis(300),
        ..EngineConfig::default()
    });
    let chart = request(
        &fixture,
        ChartType::Table,
        json!({"mode": "sql",
        "sql": "select count(*) from dataset a, dataset b, dataset c where a.amount + b.amount > c.amount"}),
    );
    let error = fixture.engine.chart_data(chart).await.unwrap_err();
    assert!(matches!(error, EngineError::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn a_query_needing_more_memory_than_allowed_is_stopped() {
    let fixture = fixture_with(EngineConfig {
        memory_limit_bytes: 64 * 1024,
        ..EngineConfig::default()
    });
    let chart = request(
        &fixture,
        ChartType::Table,
        json!({"mode": "builder",
        "dimensions": [{"column": "ts"}, {"column": "amount"}], "measures": [{"aggregate": "count_distinct", "column": "big"}]}),
    );
    let error = fixture.engine.chart_data(chart).await.unwrap_err();
    assert!(
        matches!(error, EngineError::TooMuchMemory { .. }),
        "{error:?}"
    );
}
