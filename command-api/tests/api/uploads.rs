//! Uploads from the attacker's side: forms built to make the server hold more than it should.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{TestApp, spawn_app};

async fn upload_dataset(app: &TestApp, token: &str) -> String {
    let response = app
        .post(
            "/api/v1/datasets",
            Some(token),
            json!({"name": "Orders", "source": {"kind": "upload"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_options_part_over_its_limit_is_refused_before_the_server_has_read_it_whole() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let dataset = upload_dataset(&app, &editor.token).await;

    let boundary = "vizpro-boundary";
    let options_bytes = 32 * 1024 * 1024;
    let part_head =
        format!("--{boundary}\r\ncontent-disposition: form-data; name=\"options\"\r\n\r\n");
    let form_tail = format!("\r\n--{boundary}--\r\n");
    let content_length = part_head.len() + options_bytes + form_tail.len();
    let address = app.address.trim_start_matches("http://").to_owned();
    let (mut reader, mut writer) = TcpStream::connect(&address).await.unwrap().into_split();
    let request_head = format!(
        "POST /api/v1/datasets/{dataset}/versions HTTP/1.1\r\nhost: {address}\r\n\
         authorization: Bearer {}\r\ncontent-type: multipart/form-data; boundary={boundary}\r\n\
         content-length: {content_length}\r\n\r\n{part_head}",
        editor.token
    );
    writer.write_all(request_head.as_bytes()).await.unwrap();
    let answer = tokio::spawn(async move {
        let mut buffer = vec![0_u8; 8192];
        let read = reader.read(&mut buffer).await.unwrap_or(0);
        String::from_utf8_lossy(&buffer[..read]).into_owned()
    });
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < options_bytes && !answer.is_finished() {
        if writer.write_all(&chunk).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let answer = tokio::time::timeout(Duration::from_secs(30), answer)
        .await
        .expect("the server answers")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");
    assert!(
        sent < options_bytes / 2,
        "the server answered only after {sent} of {options_bytes} bytes of the part had been sent"
    );
}

#[tokio::test]
async fn a_form_with_a_part_twice_is_refused_naming_it() {
    let app = spawn_app().await;
    let editor = app.signed_up("editor@example.com").await;
    let dataset = upload_dataset(&app, &editor.token).await;
    let boundary = "vizpro-boundary";
    let mut body = String::new();
    for _ in 0..2 {
        body.push_str(&format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"options\"\r\n\r\n{{}}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\na,b\n1,2\n\r\n--{boundary}--\r\n"
    ));
    let before = app.event_count().await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/datasets/{dataset}/versions")))
        .bearer_auth(&editor.token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let problem = crate::harness::assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "options", "{problem}");
    assert_eq!(app.event_count().await, before, "nothing was recorded");
}
