//! Refused requests answer problem+json naming what is wrong.

use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use uuid::Uuid;
use vizpro_events::Role;
use vizpro_http_edge::tokens::TokenKeys;

use crate::harness::{JWT_ISSUER, assert_problem, spawn_app};

#[tokio::test]
async fn malformed_expired_and_missing_tokens_are_401_problems() {
    let app = spawn_app().await;
    let user = app.user(Role::Editor).await;
    let expired = app
        .keys
        .issue(
            user.id,
            Role::Editor,
            Utc::now() - chrono::Duration::hours(2),
        )
        .unwrap();
    let forged = TokenKeys::from_secret(
        b"another-secret-that-is-long-enough-for-hs256",
        JWT_ISSUER,
        Duration::from_secs(900),
    )
    .issue(user.id, Role::Admin, Utc::now())
    .unwrap();
    let cases: [(Option<&str>, &str); 4] = [
        (None, "urn:vizpro:problem:missing-token"),
        (Some("not-a-token"), "urn:vizpro:problem:invalid-token"),
        (Some(&expired), "urn:vizpro:problem:token-expired"),
        (Some(&forged), "urn:vizpro:problem:invalid-token"),
    ];
    for path in [
        "/api/v1/users/me",
        "/api/v1/dashboards",
        &format!("/api/v1/charts/{}", Uuid::now_v7()),
    ] {
        for (token, problem_type) in cases {
            let response = app.get_with(path, token, &[]).await;
            assert_eq!(
                response
                    .headers()
                    .get("www-authenticate")
                    .map(|value| value.to_str().unwrap()),
                Some("Bearer")
            );
            let body = assert_problem(response, StatusCode::UNAUTHORIZED).await;
            assert_eq!(body["type"], problem_type, "{path}");
        }
    }
    let response = app
        .get_with(
            "/api/v1/users/me",
            None,
            &[("Authorization", "Basic dXNlcjpwYXNz")],
        )
        .await;
    assert_problem(response, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn an_invalid_id_an_unknown_or_invalid_query_parameter_is_a_400_problem() {
    let app = spawn_app().await;
    let user = app.user(Role::Editor).await;
    for path in [
        "/api/v1/data-sources/not-a-uuid",
        "/api/v1/datasets/123",
        "/api/v1/charts/zzz",
        "/api/v1/dashboards/not-a-uuid",
    ] {
        let body = assert_problem(app.get(path, &user.token).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(
            body["type"], "urn:vizpro:problem:invalid-path-parameter",
            "{path}"
        );
    }
    for (path, parameter) in [
        ("/api/v1/charts?colour=red", "colour"),
        (
            "/api/v1/data-sources?dataset_id=00000000-0000-0000-0000-000000000000",
            "dataset_id",
        ),
        ("/api/v1/users?owner=me", "owner"),
        ("/api/v1/datasets?limit=abc", "limit"),
        ("/api/v1/datasets?limit=0", "limit"),
        ("/api/v1/datasets?limit=201", "limit"),
        ("/api/v1/dashboards?sort=colour", "sort"),
        ("/api/v1/dashboards?owner=everyone", "owner"),
        ("/api/v1/charts?dataset_id=nope", "dataset_id"),
    ] {
        let body = assert_problem(app.get(path, &user.token).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(
            body["type"], "urn:vizpro:problem:invalid-query-parameter",
            "{path}"
        );
        assert_eq!(body["parameter"], parameter, "{path}: {body}");
    }
}

#[tokio::test]
async fn unknown_paths_are_404_problems_and_the_openapi_document_is_public() {
    let app = spawn_app().await;
    let user = app.user(Role::Editor).await;
    assert_problem(
        app.get("/api/v1/nothing-here", &user.token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let document: serde_json::Value = app
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
        "/api/v1/users/me",
        "/api/v1/users",
        "/api/v1/data-sources",
        "/api/v1/data-sources/{id}",
        "/api/v1/datasets",
        "/api/v1/datasets/{id}",
        "/api/v1/charts",
        "/api/v1/charts/{id}",
        "/api/v1/dashboards",
        "/api/v1/dashboards/{id}",
        "/api/v1/dashboards/by-slug/{slug}",
        "/api/v1/admin/projections",
    ] {
        let operation = &paths[path]["get"];
        assert!(operation["responses"]["401"].is_object(), "{path}");
        assert_eq!(
            operation["security"][0]["bearer"],
            serde_json::json!([]),
            "{path}"
        );
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    let list_parameters: Vec<&str> = paths["/api/v1/charts"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| parameter["name"].as_str().unwrap())
        .collect();
    for name in [
        "limit",
        "cursor",
        "sort",
        "q",
        "owner",
        "dataset_id",
        "X-Min-Position",
        "If-None-Match",
    ] {
        assert!(
            list_parameters.contains(&name),
            "{name} in {list_parameters:?}"
        );
    }
}
