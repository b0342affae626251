use std::time::Duration;

use rand::Rng;
use reqwest::Method;
use serde_json::json;

use crate::harness::{World, build_dashboard, simulate_restore_into_a_new_cluster};

async fn busy_editor(world: &World, token: &str, rounds: usize) {
    for round in 0..rounds {
        let (dataset_id, chart_id, dashboard_id) =
            build_dashboard(world, token, &format!("Board {round}")).await;
        world
            .send(
                Method::PATCH,
                &format!("/api/v1/charts/{chart_id}"),
                Some(token),
                json!({"name": format!("Chart {round}b")}),
            )
            .await;
        world
            .send(Method::PUT, &format!("/api/v1/dashboards/{dashboard_id}/filters"), Some(token),
                json!({"filters": [{"label": "Region", "column": "region", "op": "eq", "value": "EU"}]}))
            .await;
        // Grants, a second tile moved about and sometimes taken off again: every read model gets rows
        // that later events change or remove.
        world
            .send(
                Method::POST,
                &format!("/api/v1/dashboards/{dashboard_id}/grants"),
                Some(token),
                json!({"grantee": {"kind": "role", "role": "viewer"}, "access": "view"}),
            )
            .await;
        world
            .send(
                Method::POST,
                &format!("/api/v1/charts/{chart_id}/grants"),
                Some(token),
                json!({"grantee": {"kind": "role", "role": "viewer"}, "access": "edit"}),
            )
            .await;
        let second_chart = world
            .post(
                "/api/v1/charts",
                Some(token),
                json!({"dataset_id": dataset_id, "name": format!("Second chart {round}"), "chart_type": "bar",
                       "spec": {"query": {"mode": "builder", "dimensions": [], "measures": [{"aggregate": "count"}]}}}),
            )
            .await;
        let tile = world
            .send(
                Method::POST,
                &format!("/api/v1/dashboards/{dashboard_id}/tiles"),
                Some(token),
                json!({"chart_id": second_chart["id"], "x": 6, "y": 0, "w": 6, "h": 4}),
            )
            .await;
        let tile_id = tile["tile_id"].as_str().unwrap().to_owned();
        // The layout names every tile; the event store knows them while the read models may be behind.
        let tile_ids: Vec<String> = sqlx::query_scalar(
            "select payload->>'tile_id' from events \
              where stream_id = $1 and event_type = 'tile_added' order by version",
        )
        .bind(dashboard_id)
        .fetch_all(&world.pool)
        .await
        .unwrap();
        let placements: Vec<serde_json::Value> = tile_ids
            .iter()
            .map(|id| match *id == tile_id {
                true => json!({"tile_id": id, "x": 6, "y": 4 + round, "w": 6, "h": 4}),
                false => json!({"tile_id": id, "x": 0, "y": 0, "w": 6, "h": 4}),
            })
            .collect();
        world
            .send(
                Method::PUT,
                &format!("/api/v1/dashboards/{dashboard_id}/layout"),
                Some(token),
                json!({ "placements": placements }),
            )
            .await;
        if round % 2 == 0 {
            world
                .send(
                    Method::DELETE,
                    &format!("/api/v1/dashboards/{dashboard_id}/tiles/{tile_id}"),
                    Some(token),
                    json!(null),
                )
                .await;
            world
                .send(
                    Method::DELETE,
                    &format!("/api/v1/dashboards/{dashboard_id}/grants/role:viewer"),
                    Some(token),
                    json!(null),
                )
                .await;
        }
        if round % 3 == 0 {
            world
                .send(
                    Method::DELETE,
                    &format!("/api/v1/charts/{chart_id}"),
                    Some(token),
                    json!(null),
                )
                .await;
        }
    }
}

#[tokio::test]
async fn a_projector_killed_at_random_points_ends_equal_to_a_full_rebuild() {
    let world = World::start().await;
    let (_, token) = world.user("editor@example.com").await;
    let writer = {
        let world_api = world.api.clone();
        let token = token.clone();
        let pool = world.pool.clone();
        let config = world.projector_config.clone();
        tokio::spawn(async move {
            let world = World {
                api: world_api,
                pool,
                projector_config: config,
                client: reqwest::Client::new(),
            };
            busy_editor(&world, &token, 12).await;
        })
    };
    for _ in 0..6 {
        let projector = world.spawn_projector();
        let pause = rand::thread_rng().gen_range(50..400);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        projector.abort();
        let _ = projector.await;
    }
    writer.await.unwrap();
    let projector = world.spawn_projector();
    world.wait_until_projected().await;
    let mismatches = world.projector().await.verify("all").await.unwrap();
    assert!(
        mismatches.is_empty(),
        "tables differ from a rebuild: {mismatches:?}"
    );
    let dead: i64 = sqlx::query_scalar("select count(*) from projection_dead_letters")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    assert_eq!(dead, 0);
    projector.abort();
}

#[tokio::test]
async fn two_projector_instances_at_once_apply_each_event_once() {
    let world = World::start().await;
    let first = world.spawn_projector();
    let second = world.spawn_projector();
    let (_, token) = world.user("editor@example.com").await;
    busy_editor(&world, &token, 4).await;
    world.wait_until_projected().await;
    let events: i64 = sqlx::query_scalar("select count(*) from events")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    let applied: Vec<i64> = sqlx::query_scalar("select events_applied from projection_checkpoints")
        .fetch_all(&world.pool)
        .await
        .unwrap();
    assert_eq!(applied.len(), 6);
    assert!(
        applied.iter().all(|count| *count == events),
        "each projection applied each event once: {applied:?} of {events}"
    );
    assert!(
        world
            .projector()
            .await
            .verify("all")
            .await
            .unwrap()
            .is_empty()
    );
    first.abort();
    second.abort();
}

#[tokio::test]
async fn a_rebuild_swaps_in_while_commands_keep_flowing_and_equals_the_live_model() {
    let world = World::start().await;
    let projector = world.spawn_projector();
    let (_, token) = world.user("editor@example.com").await;
    busy_editor(&world, &token, 3).await;
    world.wait_until_projected().await;
    let writer = {
        let world = World {
            api: world.api.clone(),
            pool: world.pool.clone(),
            projector_config: world.projector_config.clone(),
            client: reqwest::Client::new(),
        };
        let token = token.clone();
        tokio::spawn(async move { busy_editor(&world, &token, 3).await })
    };
    let reports = world.projector().await.rebuild("all").await.unwrap();
    assert_eq!(reports.len(), 6);
    writer.await.unwrap();
    world.wait_until_projected().await;
    assert!(
        world
            .projector()
            .await
            .verify("all")
            .await
            .unwrap()
            .is_empty()
    );
    let dashboards: i64 = sqlx::query_scalar("select count(*) from rm_dashboards")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    assert_eq!(dashboards, 6);
    projector.abort();
}

#[tokio::test]
async fn after_a_restore_into_a_cluster_with_lower_transaction_ids_the_projections_carry_on_without_applying_history_again()
 {
    let world = World::start().await;
    let projector = world.spawn_projector();
    let (_, token) = world.user("editor@example.com").await;
    let (_, _, dashboard_id) = build_dashboard(&world, &token, "Before the restore").await;
    world.wait_until_projected().await;
    projector.abort();
    drop(projector.await);
    let applied_before: Vec<(String, i64)> = sqlx::query_as(
        "select projection, events_applied from projection_checkpoints order by projection",
    )
    .fetch_all(&world.pool)
    .await
    .unwrap();

    simulate_restore_into_a_new_cluster(&world.pool).await;
    let epochs: i64 = sqlx::query_scalar("select count(*) from event_store_epochs")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    assert_eq!(epochs, 2, "the restored database runs in a new epoch");

    let events_before: i64 = sqlx::query_scalar("select count(*) from events")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    world
        .send(
            Method::PATCH,
            &format!("/api/v1/dashboards/{dashboard_id}"),
            Some(&token),
            json!({"name": "After the restore"}),
        )
        .await;
    let new_events: i64 = sqlx::query_scalar("select count(*) from events")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    let new_events = new_events - events_before;
    assert!(new_events > 0);

    let projector = world.spawn_projector();
    world.wait_until_projected().await;
    projector.abort();
    let name: String = sqlx::query_scalar("select name from rm_dashboards where id = $1")
        .bind(dashboard_id)
        .fetch_one(&world.pool)
        .await
        .unwrap();
    assert_eq!(name, "After the restore", "the new event was projected");
    let applied_after: Vec<(String, i64)> = sqlx::query_as(
        "select projection, events_applied from projection_checkpoints order by projection",
    )
    .fetch_all(&world.pool)
    .await
    .unwrap();
    for ((projection, before), (_, after)) in applied_before.iter().zip(&applied_after) {
        assert_eq!(
            after - before,
            new_events,
            "{projection} took exactly the new events, none of the history again"
        );
    }
    // A rebuild reads the history across both epochs and builds what the live projections hold.
    let mismatches = world.projector().await.verify("all").await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");
}
