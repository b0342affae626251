use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{World, build_dashboard};

#[tokio::test]
async fn commands_are_projected_into_every_read_model() {
    let world = World::start().await;
    let projector = world.spawn_projector();
    let (owner_id, token) = world.user("owner@example.com").await;
    let (reader_id, _) = world.user("reader@example.com").await;
    let (dataset_id, chart_id, dashboard_id) = build_dashboard(&world, &token, "Sales").await;
    world
        .send(
            Method::PATCH,
            &format!("/api/v1/charts/{chart_id}"),
            Some(&token),
            json!({"name": "Sales per day"}),
        )
        .await;
    world
        .post(
            &format!("/api/v1/dashboards/{dashboard_id}/grants"),
            Some(&token),
            json!({"grantee": {"kind": "user", "user_id": reader_id}, "access": "view"}),
        )
        .await;
    world
        .post(
            "/api/v1/data-sources",
            Some(&token),
            json!({"name": "Files", "kind": "upload"}),
        )
        .await;
    world.wait_until_projected().await;

    let users: i64 = sqlx::query_scalar("select count(*) from rm_users")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    assert_eq!(users, 2);
    let last_sign_in: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_sign_in from rm_users where user_id = $1")
            .bind(owner_id)
            .fetch_one(&world.pool)
            .await
            .unwrap();
    assert!(last_sign_in.is_some());
    let (chart_name, chart_version): (String, i32) =
        sqlx::query_as("select name, version from rm_charts where id = $1")
            .bind(chart_id)
            .fetch_one(&world.pool)
            .await
            .unwrap();
    assert_eq!((chart_name.as_str(), chart_version), ("Sales per day", 2));
    let dataset_owner: Uuid = sqlx::query_scalar("select owner_id from rm_datasets where id = $1")
        .bind(dataset_id)
        .fetch_one(&world.pool)
        .await
        .unwrap();
    assert_eq!(dataset_owner, owner_id);
    let tiles: Vec<(Uuid, i32, i32)> =
        sqlx::query_as("select chart_id, w, h from rm_dashboard_tiles where dashboard_id = $1")
            .bind(dashboard_id)
            .fetch_all(&world.pool)
            .await
            .unwrap();
    assert_eq!(tiles, vec![(chart_id, 6, 4)]);
    let grant: (String, String) =
        sqlx::query_as("select grantee, access from rm_grants where resource_id = $1")
            .bind(dashboard_id)
            .fetch_one(&world.pool)
            .await
            .unwrap();
    assert_eq!(grant, (reader_id.to_string(), "view".to_owned()));
    let sources: i64 = sqlx::query_scalar("select count(*) from rm_data_sources")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    assert_eq!(sources, 1);

    // The dashboard's cached document is invalidated when a chart it shows changes.
    let redis = redis::Client::open("redis://127.0.0.1:6379").unwrap();
    let mut connection = redis.get_multiplexed_async_connection().await.unwrap();
    let key = vizpro_read_models::cache::dashboard_generation_key(
        &world.projector_config.redis_key_prefix,
        dashboard_id,
    );
    let before: i64 = redis::cmd("GET")
        .arg(&key)
        .query_async::<Option<i64>>(&mut connection)
        .await
        .unwrap()
        .unwrap_or(0);
    world
        .send(
            Method::PATCH,
            &format!("/api/v1/charts/{chart_id}"),
            Some(&token),
            json!({"name": "Renamed again"}),
        )
        .await;
    world.wait_until_projected().await;
    let mut after = before;
    for _ in 0..100 {
        after = redis::cmd("GET")
            .arg(&key)
            .query_async::<Option<i64>>(&mut connection)
            .await
            .unwrap()
            .unwrap_or(0);
        if after > before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        after > before,
        "renaming a chart bumps the generation of the dashboards showing it"
    );

    let projector_handle = world.projector().await;
    assert!(
        projector_handle.verify("all").await.unwrap().is_empty(),
        "the live read models equal a rebuild"
    );
    projector.abort();
}

#[tokio::test]
async fn an_event_a_projection_cannot_apply_is_dead_lettered_and_the_others_go_on() {
    let world = World::start().await;
    let projector = world.spawn_projector();
    let (_, token) = world.user("owner@example.com").await;
    let (_, chart_id, _) = build_dashboard(&world, &token, "Ops").await;
    // A chart event whose payload no longer decodes, as if written by a faulty release.
    sqlx::query(
        "with head as (select max(version) as version from events where stream_id = $1) \
         insert into events (event_id, stream_type, stream_id, version, event_type, schema_version, payload, metadata, recorded_at, prev_hash, hash) \
         select $2, 'chart', $1, head.version + 1, 'renamed', 1, '{\"name\": 42}', '{\"correlation_id\": \"0190a1b2-0000-7000-8000-000000000000\"}', now(), null, '\\x00' from head",
    )
    .bind(chart_id)
    .bind(Uuid::now_v7())
    .execute(&world.pool)
    .await
    .unwrap();
    world
        .post(
            "/api/v1/dashboards",
            Some(&token),
            json!({"name": "After the bad event"}),
        )
        .await;
    world.wait_until_projected().await;

    let dead: Vec<(String, String)> =
        sqlx::query_as("select projection, reason from projection_dead_letters")
            .fetch_all(&world.pool)
            .await
            .unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].0, "charts");
    assert!(
        dead[0].1.contains("decode"),
        "the reason is recorded: {}",
        dead[0].1
    );
    let later: i64 =
        sqlx::query_scalar("select count(*) from rm_dashboards where name = 'After the bad event'")
            .fetch_one(&world.pool)
            .await
            .unwrap();
    assert_eq!(later, 1, "later events are still applied");
    projector.abort();
}
