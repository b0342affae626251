//! From a CSV upload to a chart's data, through every part of the platform: the upload is converted and
//! recorded by the command API, projected, and computed by the chart engine in the query API.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Platform, column, start};

const ORDERS: &str = "ordered_at,category,amount,zip\n\
2026-01-05T10:00:00Z,books,12.5,01234\n\
2026-01-20T11:30:00Z,games,40,02345\n\
2026-02-02T09:15:00Z,books,7.5,03456\n\
2026-02-14T18:00:00Z,music,,04567\n\
2026-03-01T00:00:00Z,games,60,05678\n";

/// A dataset with the orders uploaded as its first version; returns its id and the upload's position.
async fn orders_dataset(platform: &Platform, token: &str) -> (String, i64) {
    let dataset = platform
        .write(
            Method::POST,
            "/api/v1/datasets",
            token,
            json!({"name": "Orders", "source": {"kind": "upload"}}),
        )
        .await;
    let id = dataset["id"].as_str().unwrap().to_owned();
    let uploaded = platform
        .upload(
            &id,
            token,
            ORDERS.as_bytes(),
            Some(json!({"column_types": {"zip": "text"}})),
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    (id, uploaded.body["position"].as_i64().unwrap())
}

async fn revenue_chart(platform: &Platform, token: &str, dataset_id: &str) -> (String, i64) {
    platform
        .create_chart(
            token,
            &json!(dataset_id),
            "Revenue by category",
            "bar",
            json!({"mode": "builder",
                "dimensions": [{"column": "category"}],
                "measures": [{"aggregate": "sum", "column": "amount", "alias": "revenue"},
                             {"aggregate": "count", "alias": "orders"}],
                "sort": [{"by": "category", "direction": "asc"}]}),
        )
        .await
}

#[tokio::test]
async fn an_uploaded_csv_shows_its_columns_preview_and_statistics() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let (dataset, position) = orders_dataset(&platform, &token).await;

    let detail = platform
        .get(
            &format!("/api/v1/datasets/{dataset}"),
            &token,
            Some(position),
        )
        .await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    assert_eq!(detail.body["latest_version"], 1, "{}", detail.body);

    let preview = platform
        .get(
            &format!("/api/v1/datasets/{dataset}/preview?limit=2"),
            &token,
            None,
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.body["dataset_version"], 1);
    assert_eq!(
        column(&preview.body, "category"),
        vec![json!("books"), json!("games")]
    );
    // The override kept the leading zero that inference as a number would have lost.
    assert_eq!(
        column(&preview.body, "zip"),
        vec![json!("01234"), json!("02345")]
    );

    let statistics = platform
        .get(
            &format!("/api/v1/datasets/{dataset}/statistics"),
            &token,
            None,
        )
        .await;
    assert_eq!(statistics.status, StatusCode::OK, "{}", statistics.body);
    assert_eq!(statistics.body["row_count"], 5);
    let amount = statistics.body["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|column| column["name"] == "amount")
        .unwrap()
        .clone();
    assert_eq!(amount["nulls"], 1, "{amount}");
    assert_eq!(amount["min"], 7.5, "{amount}");
    assert_eq!(amount["max"], 60.0, "{amount}");
}

#[tokio::test]
async fn a_charts_data_is_aggregated_cached_and_never_stale_after_a_new_upload() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let (dataset, _) = orders_dataset(&platform, &token).await;
    let (chart, position) = revenue_chart(&platform, &token, &dataset).await;
    let path = format!("/api/v1/charts/{chart}/data");

    let first = platform.get(&path, &token, Some(position)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.headers["x-cache"], "miss");
    assert_eq!(first.body["dataset_version"], 1);
    assert_eq!(
        column(&first.body, "category"),
        vec![json!("books"), json!("games"), json!("music")]
    );
    assert_eq!(
        column(&first.body, "revenue"),
        vec![json!(20.0), json!(100.0), Value::Null]
    );
    assert_eq!(
        column(&first.body, "orders"),
        vec![json!(2), json!(2), json!(1)]
    );

    let second = platform.get(&path, &token, None).await;
    assert_eq!(second.headers["x-cache"], "hit");
    assert_eq!(second.body, first.body);

    // A second upload is a new version: the chart follows it at once, from a new cache key.
    let uploaded = platform
        .upload(
            &dataset,
            &token,
            b"ordered_at,category,amount,zip\n2026-04-01T00:00:00Z,books,1000,09999\n",
            None,
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let after_upload = platform
        .get(&path, &token, uploaded.body["position"].as_i64())
        .await;
    assert_eq!(after_upload.status, StatusCode::OK, "{}", after_upload.body);
    assert_eq!(after_upload.body["dataset_version"], 2);
    assert_eq!(column(&after_upload.body, "revenue"), vec![json!(1000)]);

    // Pinning version 1 brings the old rows back.
    let pinned = platform
        .write(
            Method::PUT,
            &format!("/api/v1/charts/{chart}/dataset-version"),
            &token,
            json!({"version": 1}),
        )
        .await;
    let after_pin = platform
        .get(&path, &token, pinned["position"].as_i64())
        .await;
    assert_eq!(after_pin.body["dataset_version"], 1, "{}", after_pin.body);
    assert_eq!(
        column(&after_pin.body, "orders"),
        vec![json!(2), json!(2), json!(1)]
    );

    // Filters given with the request apply on top of the chart's own.
    let filters =
        serde_json::to_string(&json!([{"column": "amount", "op": "gt", "value": 10}])).unwrap();
    let filtered = platform
        .client
        .get(format!("{}{path}", platform.base))
        .query(&[("filters", filters)])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(filtered.status(), StatusCode::OK);
    let filtered: Value = filtered.json().await.unwrap();
    assert_eq!(
        column(&filtered, "category"),
        vec![json!("books"), json!("games")]
    );
    assert_eq!(
        column(&filtered, "revenue"),
        vec![json!(12.5), json!(100.0)]
    );
}

#[tokio::test]
async fn a_bad_csv_is_refused_naming_the_line_and_leaves_no_version_or_object_behind() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let dataset = platform
        .write(
            Method::POST,
            "/api/v1/datasets",
            &token,
            json!({"name": "Ragged", "source": {"kind": "upload"}}),
        )
        .await;
    let id = dataset["id"].as_str().unwrap();
    let refused = platform
        .upload(id, &token, b"a,b\n1,2\n3,4,5\n", None)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.headers["content-type"], "application/problem+json");
    assert_eq!(refused.body["line"], 3, "{}", refused.body);

    // A quote that never closes would swallow the rest of the file into one field of one row.
    let unclosed = platform
        .upload(
            id,
            &token,
            b"name,comment\nAda,fine\nGrace,\"never closed\nLinus,ok\n",
            None,
        )
        .await;
    assert_eq!(unclosed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unclosed.body["line"], 3, "{}", unclosed.body);
    assert!(
        unclosed.body["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("never closed")),
        "{}",
        unclosed.body
    );

    let empty = platform.upload(id, &token, b"", None).await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );

    let unknown_override = platform
        .upload(
            id,
            &token,
            b"a,b\n1,2\n",
            Some(json!({"column_types": {"c": "text"}})),
        )
        .await;
    assert_eq!(unknown_override.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown_override.body["field"], "options.column_types.c");

    assert!(
        platform.stored_objects().is_empty(),
        "refused uploads left objects: {:?}",
        platform.stored_objects()
    );
    let detail = platform
        .get(
            &format!("/api/v1/datasets/{id}"),
            &token,
            dataset["position"].as_i64(),
        )
        .await;
    assert_eq!(detail.body["latest_version"], 0, "{}", detail.body);
    let preview = platform
        .get(&format!("/api/v1/datasets/{id}/preview"), &token, None)
        .await;
    assert_eq!(preview.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_spec_that_does_not_fit_the_data_names_the_field() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let (dataset, _) = orders_dataset(&platform, &token).await;
    let chart = platform
        .write(
            Method::POST,
            "/api/v1/charts",
            &token,
            json!({
                "dataset_id": dataset, "name": "Summing text", "chart_type": "bar",
                "spec": {"query": {"mode": "builder",
                    "dimensions": [{"column": "category"}],
                    "measures": [{"aggregate": "sum", "column": "zip"}]}}
            }),
        )
        .await;
    let answer = platform
        .get(
            &format!("/api/v1/charts/{}/data", chart["id"].as_str().unwrap()),
            &token,
            chart["position"].as_i64(),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert_eq!(answer.body["field"], "query.measures[0].column");

    let malformed = platform
        .get(
            &format!(
                "/api/v1/charts/{}/data?filters=not-json",
                chart["id"].as_str().unwrap()
            ),
            &token,
            None,
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.body["field"], "filters");
}

#[tokio::test]
async fn native_sql_reads_only_its_own_dataset() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let (dataset, _) = orders_dataset(&platform, &token).await;
    let chart = platform
        .write(
            Method::POST,
            "/api/v1/charts",
            &token,
            json!({
                "dataset_id": dataset, "name": "By hand", "chart_type": "table",
                "spec": {"query": {"mode": "sql",
                    "sql": "select category, count(*) as n from dataset group by category order by n desc, category"}}
            }),
        )
        .await;
    let answer = platform
        .get(
            &format!("/api/v1/charts/{}/data", chart["id"].as_str().unwrap()),
            &token,
            chart["position"].as_i64(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        column(&answer.body, "category"),
        vec![json!("books"), json!("games"), json!("music")]
    );

    let escape = platform
        .write(
            Method::PATCH,
            &format!("/api/v1/charts/{}", chart["id"].as_str().unwrap()),
            &token,
            json!({"chart_type": "table", "spec": {"query": {"mode": "sql",
                "sql": "select * from rm_users"}}}),
        )
        .await;
    let refused = platform
        .get(
            &format!("/api/v1/charts/{}/data", chart["id"].as_str().unwrap()),
            &token,
            escape["position"].as_i64(),
        )
        .await;
    assert!(
        refused.status.is_client_error(),
        "{} {}",
        refused.status,
        refused.body
    );
    assert!(!refused.body.to_string().contains("password"));
}

#[tokio::test]
async fn nobody_reads_data_of_a_chart_or_dataset_they_may_not_see() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, alice) = platform.user("alice@example.com").await;
    let (bob_id, bob) = platform.user("bob@example.com").await;
    let (dataset, _) = orders_dataset(&platform, &alice).await;
    let (chart, position) = revenue_chart(&platform, &alice, &dataset).await;

    for path in [
        format!("/api/v1/charts/{chart}/data"),
        format!("/api/v1/datasets/{dataset}/preview"),
        format!("/api/v1/datasets/{dataset}/statistics"),
    ] {
        let answer = platform.get(&path, &bob, Some(position)).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            answer.body
        );
    }

    // Shared the chart but not its dataset: Bob sees the chart, not the data behind it.
    let shared = platform
        .write(
            Method::POST,
            &format!("/api/v1/charts/{chart}/grants"),
            &alice,
            json!({"grantee": {"kind": "user", "user_id": bob_id}, "access": "view"}),
        )
        .await;
    let answer = platform
        .get(
            &format!("/api/v1/charts/{chart}/data"),
            &bob,
            shared["position"].as_i64(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert!(answer.body.get("columns").is_none());
}

#[tokio::test]
async fn a_dashboards_data_applies_its_saved_filters_to_every_tile() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let (dataset, _) = orders_dataset(&platform, &token).await;
    let (chart, _) = revenue_chart(&platform, &token, &dataset).await;
    let board = platform
        .write(
            Method::POST,
            "/api/v1/dashboards",
            &token,
            json!({"name": "Sales"}),
        )
        .await;
    let board_id = board["id"].as_str().unwrap();
    platform
        .write(
            Method::POST,
            &format!("/api/v1/dashboards/{board_id}/tiles"),
            &token,
            json!({"chart_id": chart, "x": 0, "y": 0, "w": 6, "h": 4}),
        )
        .await;
    let filtered = platform
        .write(
            Method::PUT,
            &format!("/api/v1/dashboards/{board_id}/filters"),
            &token,
            json!({"filters": [{"filter_id": uuid::Uuid::now_v7(), "label": "Category",
                                "column": "category", "op": "in", "value": ["games"]}]}),
        )
        .await;
    let answer = platform
        .get(
            &format!("/api/v1/dashboards/{board_id}/data"),
            &token,
            filtered["position"].as_i64(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let tiles = answer.body["tiles"].as_array().unwrap();
    assert_eq!(tiles.len(), 1, "{}", answer.body);
    assert_eq!(column(&tiles[0]["data"], "category"), vec![json!("games")]);
    assert_eq!(column(&tiles[0]["data"], "revenue"), vec![json!(100.0)]);
}

#[tokio::test]
async fn a_wrongly_inferred_column_type_is_fixed_without_uploading_again() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let dataset = platform
        .write(
            Method::POST,
            "/api/v1/datasets",
            &token,
            json!({"name": "Customers", "source": {"kind": "upload"}}),
        )
        .await;
    let id = dataset["id"].as_str().unwrap();
    let uploaded = platform
        .upload(id, &token, b"name,zip\nada,01234\nbob,00999\n", None)
        .await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let inferred = platform
        .get(
            &format!("/api/v1/datasets/{id}/preview"),
            &token,
            uploaded.body["position"].as_i64(),
        )
        .await;
    // Inference sees numbers and loses the leading zeros.
    assert_eq!(column(&inferred.body, "zip"), vec![json!(1234), json!(999)]);

    let retyped = platform
        .write(
            Method::POST,
            &format!("/api/v1/datasets/{id}/column-types"),
            &token,
            json!({"column_types": {"zip": "text"}}),
        )
        .await;
    let fixed = platform
        .get(
            &format!("/api/v1/datasets/{id}/preview"),
            &token,
            retyped["position"].as_i64(),
        )
        .await;
    assert_eq!(fixed.body["dataset_version"], 2, "{}", fixed.body);
    assert_eq!(
        column(&fixed.body, "zip"),
        vec![json!("01234"), json!("00999")]
    );

    // A type the values do not fit is refused with the line, and no version is recorded.
    let refused = platform
        .call(
            Method::POST,
            &format!("/api/v1/datasets/{id}/column-types"),
            Some(&token),
            Some(json!({"column_types": {"name": "integer"}})),
            None,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(refused.body["line"], 2, "{}", refused.body);
    let detail = platform
        .get(&format!("/api/v1/datasets/{id}"), &token, None)
        .await;
    assert_eq!(detail.body["latest_version"], 2);
}

#[tokio::test]
async fn a_revoked_share_stops_a_charts_data_even_for_reads_without_a_position() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, alice) = platform.user("alice@example.com").await;
    let (bob_id, bob) = platform.user("bob@example.com").await;
    let (dataset, _) = orders_dataset(&platform, &alice).await;
    let (chart, _) = revenue_chart(&platform, &alice, &dataset).await;
    let mut position = None;
    for resource in [format!("charts/{chart}"), format!("datasets/{dataset}")] {
        let shared = platform
            .write(
                Method::POST,
                &format!("/api/v1/{resource}/grants"),
                &alice,
                json!({"grantee": {"kind": "user", "user_id": bob_id}, "access": "view"}),
            )
            .await;
        position = shared["position"].as_i64();
    }
    let path = format!("/api/v1/charts/{chart}/data");
    let first = platform.get(&path, &bob, position).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    // Served again without a position: from what this query API instance holds.
    let again = platform.get(&path, &bob, None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.headers["x-cache"], "hit");

    let revoked = platform
        .call(
            Method::DELETE,
            &format!("/api/v1/charts/{chart}/grants/user:{bob_id}"),
            Some(&alice),
            None,
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let with_position = platform
        .get(&path, &bob, revoked.body["position"].as_i64())
        .await;
    assert_eq!(
        with_position.status,
        StatusCode::NOT_FOUND,
        "a read after the revoke never shows the chart: {}",
        with_position.body
    );
    // A read that names no position may lag by the announcement's flight time, and no more.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    loop {
        let answer = platform.get(&path, &bob, None).await;
        if answer.status == StatusCode::NOT_FOUND {
            break;
        }
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(
            tokio::time::Instant::now() < deadline,
            "the revoked chart was still served 3 s later"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
