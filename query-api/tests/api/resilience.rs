//! Redis is an optimisation: without it every read is answered from PostgreSQL.

use reqwest::StatusCode;
use serde_json::Value;
use vizpro_events::Role;

use crate::harness::{Options, header, spawn_app_with};

#[tokio::test]
async fn with_redis_unreachable_every_endpoint_still_answers_from_postgresql() {
    let app = spawn_app_with(Options {
        redis_url: "redis://127.0.0.1:1".to_owned(),
        ..Options::default()
    })
    .await;
    let admin = app.user(Role::Admin).await;
    let owner = app.user(Role::Editor).await;
    let data_source = app.insert_data_source(owner.id, "Warehouse").await;
    let dataset = app.insert_dataset(owner.id, "Orders").await;
    let chart = app.insert_chart(owner.id, dataset, "Revenue").await;
    let dashboard = app.insert_dashboard(owner.id, "Sales", "sales").await;
    app.insert_tile(dashboard, chart, 0, 0).await;

    let paths = [
        "/api/v1/users/me".to_owned(),
        "/api/v1/users".to_owned(),
        "/api/v1/data-sources".to_owned(),
        format!("/api/v1/data-sources/{data_source}"),
        "/api/v1/datasets".to_owned(),
        format!("/api/v1/datasets/{dataset}"),
        "/api/v1/charts".to_owned(),
        format!("/api/v1/charts/{chart}"),
        "/api/v1/dashboards".to_owned(),
        format!("/api/v1/dashboards/{dashboard}"),
        "/api/v1/dashboards/by-slug/sales".to_owned(),
        "/api/v1/admin/projections".to_owned(),
    ];
    for path in &paths {
        let response = app.get(path, &admin.token).await;
        let status = response.status();
        let cache = header(&response, "x-cache");
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        if path.contains("/dashboards/") {
            assert_eq!(cache, "bypass", "{path}");
            assert_eq!(body["tiles"][0]["chart"]["name"], "Revenue");
        }
    }
    let owner_view = app
        .get(&format!("/api/v1/dashboards/{dashboard}"), &owner.token)
        .await;
    assert_eq!(owner_view.status(), StatusCode::OK);
    assert_eq!(header(&owner_view, "x-cache"), "bypass");

    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(
        (ready["database"].clone(), ready["redis"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
}
