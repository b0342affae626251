use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{
    Options, PASSWORD, assert_problem, captured_logs, refresh_cookie, spawn_app, spawn_app_with,
};

async fn refresh(app: &crate::harness::TestApp, cookie: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_user_registers_signs_in_refreshes_and_signs_out() {
    let app = spawn_app().await;
    let session = app.signed_up("ada@example.com").await;
    let me = app
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{}", session.user_id),
            Some(&session.token),
            Some(json!({"display_name": "Ada"})),
        )
        .await;
    assert_eq!(me.status(), StatusCode::OK);

    let refreshed = refresh(&app, &session.refresh_cookie).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let rotated = refresh_cookie(&refreshed).expect("a new refresh cookie");
    assert_ne!(
        rotated, session.refresh_cookie,
        "the refresh token rotates on every use"
    );
    let body: Value = refreshed.json().await.unwrap();
    assert!(body["access_token"].as_str().is_some());

    let logout = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &rotated)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_problem(refresh(&app, &rotated).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn reusing_a_refresh_token_revokes_its_whole_family_and_is_recorded() {
    let app = spawn_app().await;
    let session = app.signed_up("eve@example.com").await;
    let first = refresh(&app, &session.refresh_cookie).await;
    let current = refresh_cookie(&first).unwrap();

    let reuse = assert_problem(
        refresh(&app, &session.refresh_cookie).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(reuse["type"], "urn:vizpro:problem:refresh-token-reused");
    // The legitimate holder's newer token is revoked too: the thief and the user must both sign in again.
    assert_problem(refresh(&app, &current).await, StatusCode::UNAUTHORIZED).await;
    let recorded: i64 = sqlx::query_scalar(
        "select count(*) from events where event_type = 'refresh_token_reuse_detected'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(recorded, 1);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_recorded_without_revealing_which_part_was_wrong() {
    let app = spawn_app().await;
    app.register("bob@example.com").await;
    let wrong = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "bob@example.com", "password": "wrong password!!"}),
        )
        .await;
    let body = assert_problem(wrong, StatusCode::UNAUTHORIZED).await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "nobody@example.com", "password": "wrong password!!"}),
        )
        .await;
    let unknown_body = assert_problem(unknown, StatusCode::UNAUTHORIZED).await;
    assert_eq!(body["detail"], unknown_body["detail"]);
    let failures: i64 =
        sqlx::query_scalar("select count(*) from events where event_type = 'sign_in_failed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(failures, 1);
}

#[tokio::test]
async fn two_concurrent_registrations_of_one_email_cannot_both_succeed() {
    let app = spawn_app().await;
    let attempts = (0..8).map(|_| {
        app.post(
            "/api/v1/auth/register",
            None,
            json!({"email": "Twin@Example.com", "password": PASSWORD, "display_name": "Twin"}),
        )
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|response| response.status())
        .collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|status| *status == StatusCode::CREATED || *status == StatusCode::CONFLICT)
    );
    let registered: i64 =
        sqlx::query_scalar("select count(*) from events where event_type = 'registered'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(registered, 1, "the losers appended nothing");
}

#[tokio::test]
async fn passwords_and_refresh_tokens_never_appear_in_logs_events_or_response_bodies() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "secret@example.com", "password": PASSWORD, "display_name": "S"}),
        )
        .await;
    let register_body = response.text().await.unwrap();
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "secret@example.com", "password": PASSWORD}),
        )
        .await;
    let cookie = refresh_cookie(&login).unwrap();
    let token = cookie.trim_start_matches("vizpro_refresh=").to_owned();
    let login_body = login.text().await.unwrap();
    let refreshed = refresh(&app, &cookie).await;
    let new_token = refresh_cookie(&refreshed)
        .unwrap()
        .trim_start_matches("vizpro_refresh=")
        .to_owned();
    let refreshed_body = refreshed.text().await.unwrap();

    let events: Vec<String> =
        sqlx::query_scalar("select payload::text || metadata::text from events")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let logs = captured_logs();
    for secret in [PASSWORD, token.as_str(), new_token.as_str()] {
        for body in [&register_body, &login_body, &refreshed_body] {
            assert!(!body.contains(secret), "a response body carries a secret");
        }
        assert!(
            events.iter().all(|event| !event.contains(secret)),
            "an event carries a secret"
        );
        assert!(!logs.contains(secret), "the logs carry a secret");
    }
    assert!(
        logs.contains("secret@example.com") || logs.contains("/api/v1/auth/login"),
        "logging was captured"
    );
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_across_instances_sharing_redis() {
    let prefix = format!("vizpro-test:{}:", uuid::Uuid::new_v4().simple());
    let database = crate::harness::create_database().await;
    let first = spawn_app_with(Options {
        auth_rate_per_minute: 4,
        redis_key_prefix: Some(prefix.clone()),
        database: Some(database.clone()),
        ..Options::default()
    })
    .await;
    let second = spawn_app_with(Options {
        auth_rate_per_minute: 4,
        redis_key_prefix: Some(prefix),
        database: Some(database),
        ..Options::default()
    })
    .await;
    let credentials = json!({"email": "nobody@example.com", "password": "not the password"});
    for app in [&first, &second, &first, &second] {
        let response = app
            .post("/api/v1/auth/login", None, credentials.clone())
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = second.post("/api/v1/auth/login", None, credentials).await;
    let retry_after = limited
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = assert_problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["type"], "urn:vizpro:problem:rate-limited");
    assert!(
        retry_after
            .and_then(|value| value.parse::<u64>().ok())
            .is_some_and(|seconds| seconds >= 1)
    );
}

#[tokio::test]
async fn common_passwords_and_the_accounts_own_email_are_refused_as_passwords() {
    let app = spawn_app().await;
    for (email, password) in [
        ("ada@example.com", "qwerty123456"),
        ("grace.hopper@example.com", "grace.hopper@example.com"),
    ] {
        let response = app
            .post(
                "/api/v1/auth/register",
                None,
                json!({"email": email, "password": password, "display_name": "Someone"}),
            )
            .await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            problem["errors"][0]["field"], "password",
            "{password}: {problem}"
        );
    }
    let user = app.signed_up("linus@example.com").await;
    let response = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/users/{}/password", user.user_id),
            Some(&user.token),
            Some(json!({"current_password": crate::harness::PASSWORD, "new_password": "1q2w3e4r5t6y"})),
        )
        .await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "password", "{problem}");
}
