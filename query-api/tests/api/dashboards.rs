//! Dashboards with their tiles and charts, and the Redis cache in front of them.

use reqwest::StatusCode;
use serde_json::Value;
use vizpro_events::Role;

use crate::harness::{assert_problem, header, spawn_app};

#[tokio::test]
async fn the_dashboard_endpoint_returns_tiles_with_their_charts_and_a_chart_the_caller_may_not_see_is_null()
 {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let viewer = app.user(Role::Viewer).await;
    let stranger = app.user(Role::Viewer).await;
    let dataset = app.insert_dataset(owner.id, "Orders").await;
    let shared_chart = app.insert_chart(owner.id, dataset, "Shared chart").await;
    let private_chart = app.insert_chart(owner.id, dataset, "Private chart").await;
    let deleted_chart = app.insert_chart(owner.id, dataset, "Deleted chart").await;
    app.delete("rm_charts", deleted_chart).await;
    let dashboard = app.insert_dashboard(owner.id, "Sales", "sales").await;
    let bottom = app.insert_tile(dashboard, deleted_chart, 0, 6).await;
    let top_right = app.insert_tile(dashboard, private_chart, 6, 0).await;
    let top_left = app.insert_tile(dashboard, shared_chart, 0, 0).await;
    app.grant(dashboard, "user", &viewer.id.to_string(), "view")
        .await;
    app.grant(shared_chart, "role", "viewer", "view").await;

    let path = format!("/api/v1/dashboards/{dashboard}");
    let seen = app.get_json(&path, &viewer.token).await;
    assert_eq!(seen["name"], "Sales");
    assert_eq!(seen["slug"], "sales");
    assert_eq!(seen["access"], "view");
    assert_eq!(seen["filters"], serde_json::json!([]));
    let tiles = seen["tiles"].as_array().unwrap();
    let tile_ids: Vec<String> = tiles
        .iter()
        .map(|tile| tile["tile_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        tile_ids,
        [
            top_left.to_string(),
            top_right.to_string(),
            bottom.to_string()
        ],
        "tiles are in reading order"
    );
    assert_eq!(tiles[0]["chart"]["name"], "Shared chart");
    assert_eq!(tiles[0]["chart"]["chart_type"], "bar");
    assert_eq!(tiles[0]["chart"]["dataset_id"], dataset.to_string());
    assert!(
        tiles[0]["chart"].get("acl").is_none(),
        "access lists are stripped"
    );
    assert_eq!(
        tiles[1]["chart"],
        Value::Null,
        "a chart the viewer may not see is null"
    );
    assert_eq!(tiles[1]["chart_id"], private_chart.to_string());
    assert_eq!(tiles[2]["chart"], Value::Null, "a deleted chart is null");
    assert_eq!(
        (tiles[0]["w"].as_i64(), tiles[0]["h"].as_i64()),
        (Some(4), Some(3))
    );

    let owned = app.get_json(&path, &owner.token).await;
    assert_eq!(owned["access"], "edit");
    assert_eq!(owned["tiles"][1]["chart"]["name"], "Private chart");
    assert_eq!(owned["tiles"][2]["chart"], Value::Null);
    assert_eq!(owned["grants"].as_array().unwrap().len(), 1);

    let by_slug = app
        .get_json("/api/v1/dashboards/by-slug/sales", &viewer.token)
        .await;
    assert_eq!(by_slug["id"], dashboard.to_string());
    assert_eq!(by_slug["tiles"], seen["tiles"]);

    assert_problem(app.get(&path, &stranger.token).await, StatusCode::NOT_FOUND).await;
    assert_problem(
        app.get("/api/v1/dashboards/by-slug/sales", &stranger.token)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_cached_dashboard_is_served_from_redis_and_a_generation_bump_makes_the_next_read_rebuild_with_the_new_content()
 {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let stranger = app.user(Role::Editor).await;
    let dataset = app.insert_dataset(owner.id, "Orders").await;
    let chart = app.insert_chart(owner.id, dataset, "Revenue").await;
    let dashboard = app.insert_dashboard(owner.id, "Before", "cached").await;
    app.insert_tile(dashboard, chart, 0, 0).await;
    let path = format!("/api/v1/dashboards/{dashboard}");

    let first = app.get(&path, &owner.token).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(header(&first, "x-cache"), "miss");
    let second = app.get(&path, &owner.token).await;
    assert_eq!(header(&second, "x-cache"), "hit");
    assert_eq!(second.json::<Value>().await.unwrap()["name"], "Before");

    // The read models change without a generation bump: the cache still answers, which shows that it is
    // the cache answering. The cached document still refuses a caller who may not see the dashboard.
    sqlx::query("update rm_dashboards set name = 'After', version = version + 1 where id = $1")
        .bind(dashboard)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update rm_charts set name = 'Revenue by month' where id = $1")
        .bind(chart)
        .execute(&app.pool)
        .await
        .unwrap();
    let still_cached = app.get(&path, &owner.token).await;
    assert_eq!(header(&still_cached, "x-cache"), "hit");
    assert_eq!(
        still_cached.json::<Value>().await.unwrap()["name"],
        "Before"
    );
    let refused = app.get(&path, &stranger.token).await;
    assert_eq!(header(&refused, "x-cache"), "");
    assert_problem(refused, StatusCode::NOT_FOUND).await;

    app.bump_generation(dashboard).await;
    let rebuilt = app.first_read_after_the_bump(&path, &owner.token).await;
    assert_eq!(header(&rebuilt, "x-cache"), "miss");
    let body: Value = rebuilt.json().await.unwrap();
    assert_eq!(body["name"], "After");
    assert_eq!(body["tiles"][0]["chart"]["name"], "Revenue by month");
    let again = app.get(&path, &owner.token).await;
    assert_eq!(header(&again, "x-cache"), "hit");
    assert_eq!(again.json::<Value>().await.unwrap()["name"], "After");
}

#[tokio::test]
async fn a_cached_document_older_than_x_min_position_is_rebuilt() {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let dashboard = app.insert_dashboard(owner.id, "Before", "recent").await;
    let first = app.insert_event(0).await;
    app.set_all_checkpoints(first).await;
    let path = format!("/api/v1/dashboards/{dashboard}");
    assert_eq!(
        header(&app.get(&path, &owner.token).await, "x-cache"),
        "miss"
    );
    assert_eq!(
        header(&app.get(&path, &owner.token).await, "x-cache"),
        "hit"
    );

    // A later write the projector has applied, although it has not bumped the generation yet.
    let later = app.insert_event(0).await;
    sqlx::query("update rm_dashboards set name = 'After' where id = $1")
        .bind(dashboard)
        .execute(&app.pool)
        .await
        .unwrap();
    app.set_all_checkpoints(later).await;
    let position = later.position.to_string();
    let response = app
        .get_with(&path, Some(&owner.token), &[("X-Min-Position", &position)])
        .await;
    assert_eq!(header(&response, "x-cache"), "miss");
    assert_eq!(response.json::<Value>().await.unwrap()["name"], "After");
}
