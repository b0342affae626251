//! PostgreSQL going away under a running command API, through a proxy the test can cut.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::harness::{Options, assert_problem, spawn_app_with};

/// Forwards connections to the real PostgreSQL while open; when cut, drops every connection it carries
/// and refuses new ones, as a database that went down would.
struct PostgresProxy {
    port: u16,
    open: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl PostgresProxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new(AtomicBool::new(true));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::new(Mutex::new(Vec::new()));
        let (accepting_open, accepting_connections) = (open.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                if !accepting_open.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let forwarding = tokio::spawn(async move {
                    if let Ok(mut upstream) = TcpStream::connect("127.0.0.1:5432").await {
                        drop(tokio::io::copy_bidirectional(&mut client, &mut upstream).await);
                    }
                });
                accepting_connections.lock().await.push(forwarding);
            }
        });
        PostgresProxy {
            port,
            open,
            connections,
        }
    }

    async fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        for connection in self.connections.lock().await.drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn while_postgres_is_down_writes_answer_503_and_they_recover_by_themselves() {
    let proxy = PostgresProxy::start().await;
    let app = spawn_app_with(Options {
        postgres_port: proxy.port,
        ..Options::default()
    })
    .await;
    let editor = app.signed_up("editor@example.com").await;
    let before = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": "Before"}),
        )
        .await;
    assert_eq!(before.status(), StatusCode::CREATED);

    proxy.cut().await;
    let during = app
        .post(
            "/api/v1/dashboards",
            Some(&editor.token),
            json!({"name": "During"}),
        )
        .await;
    let retry_after = during.headers().get("retry-after").cloned();
    let problem = assert_problem(during, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(problem["type"], "urn:vizpro:problem:service-unavailable");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was changed"),
        "{problem}"
    );
    assert!(retry_after.is_some(), "a 503 says when to retry");

    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let after = app
            .post(
                "/api/v1/dashboards",
                Some(&editor.token),
                json!({"name": "After"}),
            )
            .await;
        if after.status() == StatusCode::CREATED {
            break;
        }
        assert_eq!(
            after.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "only 503 while recovering"
        );
        assert!(
            Instant::now() < deadline,
            "writes did not recover after PostgreSQL returned"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let names: Vec<String> = sqlx::query_scalar(
        "select payload->>'name' from events where stream_type = 'dashboard' and event_type = 'created' order by position",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        names,
        ["Before", "After"],
        "the refused write left nothing behind"
    );
}
