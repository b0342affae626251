use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::json;
use vizpro_events::Role;
use vizpro_http_edge::tokens::TokenKeys;

use crate::harness::{Options, assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn malformed_bodies_get_a_4xx_problem_that_names_the_problem_and_append_nothing() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let before = app.event_count().await;
    let raw = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/dashboards"))
            .bearer_auth(&editor.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let malformed = assert_problem(
        raw("{\"name\": ", "application/json").await.unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(malformed["type"], "urn:vizpro:problem:malformed-json");
    assert_problem(
        raw("name=x", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;

    let wrong_type = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": 42}),
        )
        .await;
    let wrong_type = assert_problem(wrong_type, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(wrong_type["errors"][0]["field"], "name");

    let unknown = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": "x", "colour": "red"}),
        )
        .await;
    let unknown = assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        unknown["detail"].as_str().unwrap().contains("colour"),
        "{unknown}"
    );

    let empty = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": "   "}),
        )
        .await;
    let empty = assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(empty["errors"][0]["field"], "name");

    let huge_name = "x".repeat(5_000);
    let huge = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": huge_name}),
        )
        .await;
    assert_problem(huge, StatusCode::UNPROCESSABLE_ENTITY).await;

    let oversize = "y".repeat(200_000);
    let oversize = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": oversize}),
        )
        .await;
    assert_problem(oversize, StatusCode::PAYLOAD_TOO_LARGE).await;

    let nul = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": "bad\u{0}name"}),
        )
        .await;
    assert_problem(nul, StatusCode::UNPROCESSABLE_ENTITY).await;

    let invalid_id = app
        .send(
            Method::PATCH,
            "/api/v1/dashboards/not-a-uuid",
            Some(&editor.token),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_problem(invalid_id, StatusCode::BAD_REQUEST).await;

    let overlapping = app
        .post("/api/v1/dashboards/0190a1b2-0000-7000-8000-000000000000/tiles", Some(&editor.token), json!({"chart_id": "0190a1b2-0000-7000-8000-000000000001", "x": -1, "y": 0, "w": 4, "h": 4}))
        .await;
    assert!(overlapping.status().is_client_error());

    let bad_spec = app
        .post("/api/v1/charts", Some(&editor.token), json!({"dataset_id": uuid::Uuid::now_v7(), "name": "c", "chart_type": "pie", "spec": {"query": {"mode": "builder", "dimensions": [], "measures": [{"aggregate": "sum"}], "filters": [], "sort": []}}}))
        .await;
    let bad_spec = assert_problem(bad_spec, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        bad_spec["errors"][0]["field"]
            .as_str()
            .unwrap()
            .starts_with("spec"),
        "{bad_spec}"
    );

    let no_route = app.send(Method::GET, "/api/v1/nowhere", None, None).await;
    assert_problem(no_route, StatusCode::NOT_FOUND).await;
    let wrong_method = app
        .send(
            Method::PUT,
            "/api/v1/dashboards",
            Some(&editor.token),
            Some(json!({})),
        )
        .await;
    assert_problem(wrong_method, StatusCode::METHOD_NOT_ALLOWED).await;
    let bad_if_match = app
        .client
        .patch(app.url("/api/v1/dashboards/0190a1b2-0000-7000-8000-000000000000"))
        .bearer_auth(&editor.token)
        .header("if-match", "yesterday")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(bad_if_match, StatusCode::BAD_REQUEST).await;

    assert_eq!(
        app.event_count().await,
        before,
        "no bad request wrote anything"
    );
}

#[tokio::test]
async fn missing_tampered_expired_unsigned_and_foreign_tokens_get_401_problems() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let create = |token: Option<String>| {
        let mut request = app
            .client
            .post(app.url("/api/v1/dashboards"))
            .json(&json!({"name": "x"}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let missing = assert_problem(create(None).await.unwrap(), StatusCode::UNAUTHORIZED).await;
    assert_eq!(missing["type"], "urn:vizpro:problem:missing-token");

    let mut parts: Vec<String> = editor.token.split('.').map(str::to_owned).collect();
    let claims = format!(
        r#"{{"sub":"{}","role":"admin","iss":"vizpro","aud":"vizpro-api","iat":1,"exp":{},"jti":"{}"}}"#,
        editor.user_id,
        Utc::now().timestamp() + 600,
        uuid::Uuid::now_v7()
    );
    parts[1] = URL_SAFE_NO_PAD.encode(claims.as_bytes());
    assert_problem(
        create(Some(parts.join("."))).await.unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    assert_problem(
        create(Some(unsigned)).await.unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let same_key = TokenKeys::from_secret(
        b"a-test-secret-that-is-long-enough-for-hs256",
        "vizpro",
        std::time::Duration::from_secs(60),
    );
    let expired = same_key
        .issue(
            editor.user_id,
            Role::Admin,
            Utc::now() - chrono::Duration::hours(1),
        )
        .unwrap();
    let expired = assert_problem(
        create(Some(expired)).await.unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(expired["type"], "urn:vizpro:problem:token-expired");

    let foreign = TokenKeys::from_secret(
        b"somebody-elses-secret-that-is-long-enough",
        "vizpro",
        std::time::Duration::from_secs(60),
    );
    let foreign = foreign
        .issue(editor.user_id, Role::Admin, Utc::now())
        .unwrap();
    assert_problem(
        create(Some(foreign)).await.unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;

    assert_problem(
        create(Some("garbage".to_owned())).await.unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn a_change_whose_event_would_exceed_the_payload_maximum_is_refused_with_413_naming_the_field_and_appends_nothing()
 {
    let app = spawn_app_with(Options {
        body_limit_bytes: vizpro_events::MAX_PAYLOAD_BYTES,
        ..Options::default()
    })
    .await;
    let editor = app.signed_up("editor@example.com").await;
    let dashboard = app.create_dashboard(&editor, "Regions").await;
    let before = app.event_count().await;
    // Under the body limit as sent, but every `1e15` is recorded as `1000000000000000.0`: the event
    // would be several times the size of the request.
    let values = vec!["1e15"; 40_000].join(",");
    let body = format!(
        r#"{{"filters":[{{"label":"Region","column":"region","op":"in","value":[{values}]}}]}}"#
    );
    assert!(body.len() < vizpro_events::MAX_PAYLOAD_BYTES);
    let response = app
        .client
        .put(app.url(&format!("/api/v1/dashboards/{dashboard}/filters")))
        .bearer_auth(&editor.token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(problem["type"], "urn:vizpro:problem:event-too-large");
    assert_eq!(problem["errors"][0]["field"], "filters");
    assert_eq!(
        problem["limit_bytes"],
        json!(vizpro_events::MAX_PAYLOAD_BYTES)
    );
    assert_eq!(app.event_count().await, before, "nothing was appended");

    // A body over the limit is refused before it is read whole.
    let oversized = format!(
        r#"{{"filters":[{{"label":"{}","column":"region","op":"eq","value":1}}]}}"#,
        "x".repeat(vizpro_events::MAX_PAYLOAD_BYTES)
    );
    let response = app
        .client
        .put(app.url(&format!("/api/v1/dashboards/{dashboard}/filters")))
        .bearer_auth(&editor.token)
        .header("content-type", "application/json")
        .body(oversized)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(app.event_count().await, before);
}

#[tokio::test]
async fn metrics_answer_only_the_bearer_of_the_operator_token_once_one_is_set() {
    let app = spawn_app_with(Options {
        metrics_token: Some("an-operator-token-for-the-tests".to_owned()),
        ..Options::default()
    })
    .await;
    let metrics = |authorization: Option<&'static str>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        request.send()
    };
    for refused in [
        None,
        Some("Bearer not-the-operator-token"),
        Some("an-operator-token-for-the-tests"),
    ] {
        let response = metrics(refused).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{refused:?}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("vizpro_"), "{body}");
    }
    let response = metrics(Some("Bearer an-operator-token-for-the-tests"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_native_sql_chart_that_would_change_data_or_definitions_is_refused_when_it_is_created() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let response = app
        .post(
            "/api/v1/datasets",
            Some(&editor.token),
            json!({"name": "Orders", "source": {"kind": "upload"}}),
        )
        .await;
    let dataset: serde_json::Value = response.json().await.unwrap();
    let before = app.event_count().await;
    for sql in [
        "create table stolen as select * from dataset",
        "drop table dataset",
        "select 1; drop table dataset",
        "select * into stolen from dataset",
    ] {
        let response = app
            .post(
                "/api/v1/charts",
                Some(&editor.token),
                json!({"dataset_id": dataset["id"], "name": "Sneaky", "chart_type": "table",
                       "spec": {"query": {"mode": "sql", "sql": sql}}}),
            )
            .await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            problem["errors"][0]["field"], "spec.query.sql",
            "{sql}: {problem}"
        );
    }
    assert_eq!(app.event_count().await, before, "no chart was stored");
    let accepted = app
        .post(
            "/api/v1/charts",
            Some(&editor.token),
            json!({"dataset_id": dataset["id"], "name": "Honest", "chart_type": "table",
                   "spec": {"query": {"mode": "sql", "sql": "select * from dataset limit 10"}}}),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
}
