//! Read-your-writes with `X-Min-Position`.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use vizpro_events::Role;
use vizpro_read_models::PROJECTIONS;

use crate::harness::{Options, assert_problem, header, spawn_app_with};

#[tokio::test]
async fn x_min_position_answers_at_once_when_applied_waits_and_answers_503_when_not_and_200_once_caught_up()
 {
    let app = spawn_app_with(Options {
        min_position_wait_ms: 1500,
        ..Options::default()
    })
    .await;
    let reader = app.user(Role::Editor).await;
    app.insert_data_source(reader.id, "Warehouse").await;
    let applied = app.insert_event(0).await;
    app.set_all_checkpoints(applied).await;
    let pending = app.insert_event(0).await;
    // Every projection but the last has applied the pending event.
    for spec in &PROJECTIONS[..PROJECTIONS.len() - 1] {
        app.set_checkpoint(spec.name, pending, 2).await;
    }

    let read = |position: i64| {
        let app = &app;
        let token = reader.token.clone();
        async move {
            let position = position.to_string();
            let started = Instant::now();
            let response = app
                .get_with(
                    "/api/v1/data-sources",
                    Some(&token),
                    &[("X-Min-Position", &position)],
                )
                .await;
            (response, started.elapsed())
        }
    };

    let (response, elapsed) = read(applied.position).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        elapsed < Duration::from_millis(1000),
        "an applied position does not wait: {elapsed:?}"
    );

    let (response, elapsed) = read(pending.position).await;
    assert!(
        elapsed >= Duration::from_millis(1450),
        "the read waited: {elapsed:?}"
    );
    assert_eq!(header(&response, "retry-after"), "1");
    let body = assert_problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["type"], "urn:vizpro:problem:projection-behind");
    assert_eq!(body["position"], pending.position);

    let pool = app.pool.clone();
    let last = PROJECTIONS[PROJECTIONS.len() - 1].name;
    let catch_up = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        sqlx::query("update projection_checkpoints set transaction_id = $2, position = $3 where projection = $1")
            .bind(last)
            .bind(pending.transaction_id)
            .bind(pending.position)
            .execute(&pool)
            .await
            .unwrap();
    });
    let (response, elapsed) = read(pending.position).await;
    catch_up.await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        elapsed >= Duration::from_millis(140),
        "the read waited for the projection: {elapsed:?}"
    );
}

#[tokio::test]
async fn a_malformed_or_unknown_x_min_position_is_a_400() {
    let app = spawn_app_with(Options::default()).await;
    let reader = app.user(Role::Editor).await;
    for malformed in ["soon", "-1", "1e3"] {
        let response = app
            .get_with(
                "/api/v1/charts",
                Some(&reader.token),
                &[("X-Min-Position", malformed)],
            )
            .await;
        let body = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["header"], "X-Min-Position", "{body}");
    }
    let response = app
        .get_with(
            "/api/v1/charts",
            Some(&reader.token),
            &[("X-Min-Position", "987654321")],
        )
        .await;
    let body = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["type"], "urn:vizpro:problem:unknown-position");
}
