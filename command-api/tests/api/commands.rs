use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Options, assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_editor_builds_a_dashboard_and_every_change_is_an_event_with_version_and_position() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let chart = app.create_chart(&editor).await;
    let dashboard = app.create_dashboard(&editor, "Sales overview").await;

    let response = app
        .post(
            &format!("/api/v1/dashboards/{dashboard}/tiles"),
            Some(&editor.token),
            json!({"chart_id": chart, "x": 0, "y": 0, "w": 6, "h": 4}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let position: i64 = response.headers()["x-position"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["version"], 2);
    assert_eq!(body["position"], position);
    let tile: Uuid = body["tile_id"].as_str().unwrap().parse().unwrap();

    let again = app
        .post(
            &format!("/api/v1/dashboards/{dashboard}/tiles"),
            Some(&editor.token),
            json!({"chart_id": chart, "x": 6, "y": 0, "w": 6, "h": 4}),
        )
        .await;
    let problem = assert_problem(again, StatusCode::CONFLICT).await;
    assert_eq!(
        problem["type"],
        "urn:vizpro:problem:chart-already-on-dashboard"
    );

    let layout = app
        .send(
            Method::PUT,
            &format!("/api/v1/dashboards/{dashboard}/layout"),
            Some(&editor.token),
            Some(json!({"placements": [{"tile_id": tile, "x": 2, "y": 1, "w": 10, "h": 3}]})),
        )
        .await;
    assert_eq!(layout.status(), StatusCode::OK);

    let types: Vec<String> =
        sqlx::query_scalar("select event_type from events where stream_id = $1 order by version")
            .bind(dashboard)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(types, ["created", "tile_added", "layout_changed"]);
    let verified: Option<i32> = sqlx::query_scalar("select vizpro_verify_stream($1)")
        .bind(dashboard)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(verified, None, "the dashboard's hash chain is intact");
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412_naming_both_versions() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let dashboard = app.create_dashboard(&editor, "Ops").await;
    assert_eq!(
        app.rename_dashboard(&editor, dashboard, "Ops 2", 1)
            .await
            .status(),
        StatusCode::OK
    );
    let stale = assert_problem(
        app.rename_dashboard(&editor, dashboard, "Ops 3", 1).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    assert_eq!(stale["expected_version"], 1);
    assert_eq!(stale["actual_version"], 2);
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_appends_nothing() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let create = |name: &'static str| {
        app.client
            .post(app.url("/api/v1/dashboards"))
            .bearer_auth(&editor.token)
            .header("idempotency-key", "create-board-1")
            .json(&json!({"name": name}))
            .send()
    };
    let first = create("Quarterly").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let events_after_first = app.event_count().await;
    let retry = create("Quarterly").await.unwrap();
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.json::<Value>().await.unwrap(), first);
    assert_eq!(app.event_count().await, events_after_first);

    let misuse = assert_problem(
        create("Something else").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(misuse["type"], "urn:vizpro:problem:idempotency-key-reused");
}

#[tokio::test]
async fn a_viewer_cannot_change_anything_and_strangers_see_404_until_granted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let owner = app.signed_up("owner@example.com").await;
    let stranger = app.signed_up("stranger@example.com").await;
    let viewer = app
        .user_with_role(&admin, "viewer@example.com", "viewer")
        .await;
    let dashboard = app.create_dashboard(&owner, "Private").await;
    let before = app.event_count().await;

    let create = app
        .post(
            "/api/v1/dashboards",
            Some(&viewer.token),
            json!({"name": "Mine"}),
        )
        .await;
    assert_problem(create, StatusCode::FORBIDDEN).await;
    let rename = app
        .send(
            Method::PATCH,
            &format!("/api/v1/dashboards/{dashboard}"),
            Some(&stranger.token),
            Some(json!({"name": "Hijacked"})),
        )
        .await;
    assert_problem(rename, StatusCode::NOT_FOUND).await;
    let delete = app
        .send(
            Method::DELETE,
            &format!("/api/v1/dashboards/{dashboard}"),
            Some(&stranger.token),
            None,
        )
        .await;
    assert_problem(delete, StatusCode::NOT_FOUND).await;
    assert_eq!(
        app.event_count().await,
        before,
        "refused commands append nothing"
    );

    let grant = app
        .post(
            &format!("/api/v1/dashboards/{dashboard}/grants"),
            Some(&owner.token),
            json!({"grantee": {"kind": "user", "user_id": stranger.user_id}, "access": "view"}),
        )
        .await;
    assert_eq!(grant.status(), StatusCode::OK);
    let rename = app
        .send(
            Method::PATCH,
            &format!("/api/v1/dashboards/{dashboard}"),
            Some(&stranger.token),
            Some(json!({"name": "Hijacked"})),
        )
        .await;
    assert_problem(rename, StatusCode::FORBIDDEN).await;

    let grant = app
        .post(
            &format!("/api/v1/dashboards/{dashboard}/grants"),
            Some(&owner.token),
            json!({"grantee": {"kind": "user", "user_id": stranger.user_id}, "access": "edit"}),
        )
        .await;
    assert_eq!(grant.status(), StatusCode::OK);
    let rename = app
        .send(
            Method::PATCH,
            &format!("/api/v1/dashboards/{dashboard}"),
            Some(&stranger.token),
            Some(json!({"name": "Shared"})),
        )
        .await;
    assert_eq!(rename.status(), StatusCode::OK);

    let revoke = app
        .send(
            Method::DELETE,
            &format!(
                "/api/v1/dashboards/{dashboard}/grants/user:{}",
                stranger.user_id
            ),
            Some(&owner.token),
            None,
        )
        .await;
    assert_eq!(revoke.status(), StatusCode::OK);
    let rename = app
        .send(
            Method::PATCH,
            &format!("/api/v1/dashboards/{dashboard}"),
            Some(&stranger.token),
            Some(json!({"name": "Again"})),
        )
        .await;
    assert_problem(rename, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn renaming_a_deleted_chart_is_refused_as_gone() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let chart = app.create_chart(&editor).await;
    let deleted = app
        .send(
            Method::DELETE,
            &format!("/api/v1/charts/{chart}"),
            Some(&editor.token),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let rename = app
        .send(
            Method::PATCH,
            &format!("/api/v1/charts/{chart}"),
            Some(&editor.token),
            Some(json!({"name": "Zombie"})),
        )
        .await;
    assert_problem(rename, StatusCode::GONE).await;
}

#[tokio::test]
async fn dashboard_slugs_are_unique_and_freed_when_a_dashboard_is_deleted() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let first = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": "A", "slug": "team-kpis"}),
        )
        .await;
    let first: Value = first.json().await.unwrap();
    let taken = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": "B", "slug": "team-kpis"}),
        )
        .await;
    let problem = assert_problem(taken, StatusCode::CONFLICT).await;
    assert_eq!(problem["type"], "urn:vizpro:problem:slug-taken");
    let derived_twice = app.create_dashboard(&editor, "Team KPIs").await;
    assert_ne!(
        derived_twice,
        Uuid::nil(),
        "a derived slug that is taken gets a suffix instead of failing"
    );

    let id = first["id"].as_str().unwrap();
    app.send(
        Method::DELETE,
        &format!("/api/v1/dashboards/{id}"),
        Some(&editor.token),
        None,
    )
    .await;
    let reused = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": "B", "slug": "team-kpis"}),
        )
        .await;
    assert_eq!(reused.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn data_source_credentials_are_sealed_in_events_and_never_returned() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let response = app
        .post(
            "/api/v1/data-sources",
            Some(&editor.token),
            json!({"name": "Warehouse", "kind": "postgres",
                   "connection": {"host": "db.internal", "port": 5432, "database": "sales", "username": "reporter", "password": "s3cr3t-Pa55word"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = response.text().await.unwrap();
    assert!(!body.contains("s3cr3t-Pa55word"));
    let payloads: Vec<String> =
        sqlx::query_scalar("select payload::text from events where stream_type = 'data_source'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(payloads.len(), 1);
    assert!(
        !payloads[0].contains("s3cr3t-Pa55word"),
        "the password is sealed"
    );
    assert!(
        payloads[0].contains("reporter@db.internal:5432/sales"),
        "the address without credentials stays readable"
    );
    assert!(!crate::harness::captured_logs().contains("s3cr3t-Pa55word"));
}

#[tokio::test]
async fn the_openapi_document_describes_every_command_endpoint() {
    let app = spawn_app().await;
    let document: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/v1/auth/login",
        "/api/v1/dashboards/{id}/tiles",
        "/api/v1/charts/{id}",
        "/api/v1/data-sources/{id}/grants/{grantee}",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn a_command_builds_on_what_another_instance_appended_since_this_one_last_saw_the_stream() {
    let first = spawn_app().await;
    let database = first
        .config
        .database_url
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let second = spawn_app_with(Options {
        database: Some(database),
        ..Options::default()
    })
    .await;
    let editor = first.signed_up("editor@example.com").await;
    let dashboard = first.create_dashboard(&editor, "Ops").await;
    // The first instance holds the dashboard as it created it; the second one renames it.
    assert_eq!(
        second
            .rename_dashboard(&editor, dashboard, "Ops 2", 1)
            .await
            .status(),
        StatusCode::OK
    );
    // The first instance knows the rename: the version it checks is 2, and renaming to the name the
    // dashboard already has changes nothing.
    let events_before = first.event_count().await;
    let unchanged = first.rename_dashboard(&editor, dashboard, "Ops 2", 2).await;
    assert_eq!(unchanged.status(), StatusCode::OK);
    assert_eq!(first.event_count().await, events_before);
    assert_eq!(
        first
            .rename_dashboard(&editor, dashboard, "Ops 3", 2)
            .await
            .status(),
        StatusCode::OK
    );
    let stale = assert_problem(
        second
            .rename_dashboard(&editor, dashboard, "Ops 4", 2)
            .await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    assert_eq!(stale["actual_version"], 3);
    let names: Vec<Value> = sqlx::query_scalar(
        "select payload -> 'name' from events where stream_id = $1 order by version",
    )
    .bind(dashboard)
    .fetch_all(&first.pool)
    .await
    .unwrap();
    assert_eq!(names, [json!("Ops"), json!("Ops 2"), json!("Ops 3")]);
}
