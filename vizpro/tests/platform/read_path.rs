use std::process::Stdio;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::start;

#[tokio::test]
async fn a_read_carrying_the_position_of_a_write_never_shows_the_old_state() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let created = platform
        .write(
            Method::POST,
            "/api/v1/dashboards",
            &token,
            json!({"name": "Board 0"}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    for round in 1..=15 {
        let name = format!("Board {round}");
        let written = platform
            .write(
                Method::PATCH,
                &format!("/api/v1/dashboards/{id}"),
                &token,
                json!({"name": name}),
            )
            .await;
        let position = written["position"].as_i64().unwrap();
        let read = platform
            .call(
                Method::GET,
                &format!("/api/v1/dashboards/{id}"),
                Some(&token),
                None,
                Some(position),
            )
            .await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.body);
        assert_eq!(read.body["name"], name, "round {round} read its own write");
        let listed = platform
            .call(
                Method::GET,
                "/api/v1/dashboards?q=Board",
                Some(&token),
                None,
                Some(position),
            )
            .await;
        assert_eq!(listed.body["items"][0]["name"], name);
    }
}

#[tokio::test]
async fn one_user_never_sees_anothers_private_resources_until_shared() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, alice) = platform.user("alice@example.com").await;
    let (bob_id, bob) = platform.user("bob@example.com").await;
    let board = platform
        .write(
            Method::POST,
            "/api/v1/dashboards",
            &alice,
            json!({"name": "Alice private plans"}),
        )
        .await;
    let dataset = platform
        .write(
            Method::POST,
            "/api/v1/datasets",
            &alice,
            json!({"name": "Alice data", "source": {"kind": "upload"}}),
        )
        .await;
    let id = board["id"].as_str().unwrap();
    let position = dataset["position"]
        .as_i64()
        .unwrap()
        .max(board["position"].as_i64().unwrap());

    for path in [
        "/api/v1/dashboards",
        "/api/v1/dashboards?q=private",
        "/api/v1/datasets",
        "/api/v1/datasets?q=Alice",
    ] {
        let listed = platform
            .call(Method::GET, path, Some(&bob), None, Some(position))
            .await;
        assert_eq!(listed.status, StatusCode::OK);
        assert_eq!(
            listed.body["items"].as_array().unwrap().len(),
            0,
            "{path} leaks: {}",
            listed.body
        );
    }
    let detail = platform
        .call(
            Method::GET,
            &format!("/api/v1/dashboards/{id}"),
            Some(&bob),
            None,
            Some(position),
        )
        .await;
    assert_eq!(detail.status, StatusCode::NOT_FOUND);
    assert!(!detail.body.to_string().contains("Alice private plans"));

    let shared = platform
        .write(
            Method::POST,
            &format!("/api/v1/dashboards/{id}/grants"),
            &alice,
            json!({"grantee": {"kind": "user", "user_id": bob_id}, "access": "view"}),
        )
        .await;
    let position = shared["position"].as_i64().unwrap();
    let detail = platform
        .call(
            Method::GET,
            &format!("/api/v1/dashboards/{id}"),
            Some(&bob),
            None,
            Some(position),
        )
        .await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.body["access"], "view");
    let listed = platform
        .call(Method::GET, "/api/v1/dashboards", Some(&bob), None, None)
        .await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn reads_answer_from_postgres_while_redis_is_down_and_caching_resumes_when_it_returns() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let start_redis = || {
        std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed")
    };
    let mut redis = start_redis();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let platform = start(&format!("redis://127.0.0.1:{port}")).await;
    let (_, token) = platform.user("editor@example.com").await;
    let board = platform
        .write(
            Method::POST,
            "/api/v1/dashboards",
            &token,
            json!({"name": "Cached"}),
        )
        .await;
    let id = board["id"].as_str().unwrap();
    let position = board["position"].as_i64().unwrap();
    let path = format!("/api/v1/dashboards/{id}");
    let first = platform
        .call(Method::GET, &path, Some(&token), None, Some(position))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let second = platform
        .call(Method::GET, &path, Some(&token), None, None)
        .await;
    assert_eq!(second.headers["x-cache"], "hit");

    drop(redis.kill());
    drop(redis.wait());
    for _ in 0..3 {
        let answer = platform
            .call(Method::GET, &path, Some(&token), None, None)
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "no 500 while Redis is down: {}",
            answer.body
        );
        assert_eq!(answer.body["name"], "Cached");
    }
    let listed = platform
        .call(Method::GET, "/api/v1/dashboards", Some(&token), None, None)
        .await;
    assert_eq!(listed.status, StatusCode::OK);

    redis = start_redis();
    let mut resumed = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let answer = platform
            .call(Method::GET, &path, Some(&token), None, None)
            .await;
        if answer
            .headers
            .get("x-cache")
            .is_some_and(|value| value == "hit")
        {
            resumed = true;
            break;
        }
    }
    drop(redis.kill());
    drop(redis.wait());
    assert!(resumed, "caching resumes when Redis returns");
}

#[tokio::test]
async fn one_address_serves_reads_writes_and_a_single_openapi_document() {
    let platform = start("redis://127.0.0.1:6379").await;
    let document = platform
        .call(Method::GET, "/api/v1/openapi.json", None, None, None)
        .await;
    let paths = document.body["paths"].as_object().unwrap();
    assert!(
        paths["/api/v1/dashboards/{id}"].get("get").is_some(),
        "reads are documented"
    );
    assert!(
        paths["/api/v1/dashboards/{id}"].get("patch").is_some(),
        "writes are documented"
    );
    let health = platform
        .call(Method::GET, "/healthz", None, None, None)
        .await;
    assert_eq!(health.status, StatusCode::OK);
}
