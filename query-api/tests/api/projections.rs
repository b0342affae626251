//! The projections' progress, for operators.

use reqwest::StatusCode;
use serde_json::Value;
use vizpro_events::Role;
use vizpro_read_models::PROJECTIONS;

use crate::harness::{assert_problem, spawn_app};

#[tokio::test]
async fn admin_projections_reports_lag_for_an_admin_and_is_403_for_an_editor() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let auditor = app.user(Role::Auditor).await;
    let editor = app.user(Role::Editor).await;
    let first = app.insert_event(30).await;
    let _second = app.insert_event(20).await;
    let third = app.insert_event(10).await;
    app.set_checkpoint("users", third, 3).await;
    app.set_checkpoint("charts", first, 1).await;
    sqlx::query(
        "insert into projection_dead_letters (projection, event_id, position, event_type, reason) \
         values ('charts', gen_random_uuid(), $1, 'chart_created', 'test')",
    )
    .bind(first.position)
    .execute(&app.pool)
    .await
    .unwrap();

    let report = app
        .get_json("/api/v1/admin/projections", &admin.token)
        .await;
    let projections = report["projections"].as_array().unwrap();
    let names: Vec<&str> = projections
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = PROJECTIONS.iter().map(|spec| spec.name).collect();
    assert_eq!(names, expected);
    let by_name =
        |name: &str| -> &Value { projections.iter().find(|p| p["name"] == name).unwrap() };

    let users = by_name("users");
    assert_eq!(users["checkpoint_position"], third.position);
    assert_eq!(users["events_applied"], 3);
    assert_eq!(users["lag_events"], 0);
    assert_eq!(users["lag_seconds"], 0.0);
    assert_eq!(users["dead_letters"], 0);

    let charts = by_name("charts");
    assert_eq!(charts["lag_events"], 2);
    let lag_seconds = charts["lag_seconds"].as_f64().unwrap();
    assert!(
        (19.0..60.0).contains(&lag_seconds),
        "the oldest unapplied event is 20 s old: {lag_seconds}"
    );
    assert_eq!(charts["dead_letters"], 1);

    let dashboards = by_name("dashboards");
    assert_eq!(dashboards["checkpoint_position"], 0);
    assert_eq!(dashboards["lag_events"], 3);
    assert!(dashboards["lag_seconds"].as_f64().unwrap() >= 29.0);

    app.get_json("/api/v1/admin/projections", &auditor.token)
        .await;
    let body = assert_problem(
        app.get("/api/v1/admin/projections", &editor.token).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(body["type"], "urn:vizpro:problem:forbidden");

    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("vizpro_projection_lag_events{projection=\"charts\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("vizpro_projection_lag_seconds{projection=\"charts\"}"),
        "{metrics}"
    );
}
