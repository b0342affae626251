use std::collections::{HashMap, HashSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use async_nats::jetstream;
use futures::StreamExt;
use rand::Rng;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;
use vizpro_event_store::{EventStore, ExpectedVersion};

use crate::event_store::event;
use crate::harness::{Options, TestApp, spawn_app, spawn_app_with};

/// Reads every message of the app's JetStream stream, in stream order, as event ids.
async fn published_event_ids(nats_url: &str, app: &TestApp, expected: usize) -> Vec<Uuid> {
    let client = async_nats::connect(nats_url).await.unwrap();
    let jetstream = jetstream::new(client);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut stream) = jetstream.get_stream(&app.config.nats_stream).await {
            let stored = stream.info().await.unwrap().state.messages as usize;
            if stored >= expected || Instant::now() > deadline {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "JetStream did not receive the events in time"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stream = jetstream.get_stream(&app.config.nats_stream).await.unwrap();
    let consumer = stream
        .create_consumer(jetstream::consumer::pull::Config {
            deliver_policy: jetstream::consumer::DeliverPolicy::All,
            ack_policy: jetstream::consumer::AckPolicy::None,
            ..Default::default()
        })
        .await
        .unwrap();
    let total = stream.cached_info().state.messages as usize;
    let mut ids = Vec::new();
    let mut messages = consumer
        .fetch()
        .max_messages(total.max(1))
        .expires(Duration::from_secs(5))
        .messages()
        .await
        .unwrap();
    while ids.len() < total {
        let Some(message) = messages.next().await else {
            break;
        };
        let message = message.unwrap();
        let envelope: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
        let subject = format!(
            "{}.{}.{}",
            app.config.nats_subject_prefix,
            envelope["stream_type"].as_str().unwrap(),
            envelope["event_type"].as_str().unwrap()
        );
        assert_eq!(message.subject.as_str(), subject);
        let position = message
            .headers
            .as_ref()
            .and_then(|headers| headers.get("Vizpro-Position"))
            .map(|value| value.to_string());
        assert_eq!(
            position,
            Some(envelope["position"].to_string()),
            "headers carry the position"
        );
        ids.push(envelope["event_id"].as_str().unwrap().parse().unwrap());
    }
    ids
}

#[tokio::test]
async fn the_relay_publishes_every_committed_event_once_in_commit_order_despite_rollbacks_and_a_slow_transaction()
 {
    let app = spawn_app().await;
    let store = EventStore::new(app.pool.clone());

    // A transaction that takes a low position, then stays open while everything else commits.
    let slow_store = store.clone();
    let slow = tokio::spawn(async move {
        let mut transaction = slow_store.pool().begin().await.unwrap();
        let slow_event = event("slow");
        let begun = Instant::now();
        EventStore::append_in(
            &mut transaction,
            "chart",
            Uuid::now_v7(),
            ExpectedVersion::NoStream,
            std::slice::from_ref(&slow_event),
        )
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        transaction.commit().await.unwrap();
        vec![(slow_event.event_id, begun, Instant::now())]
    });
    tokio::time::sleep(Duration::from_millis(50)).await;

    let mut writers = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            let mut committed = Vec::new();
            for _ in 0..25 {
                let (pause, roll_back) = {
                    let mut random = rand::thread_rng();
                    (random.gen_range(0..20), random.gen_bool(0.3))
                };
                let mut transaction = store.pool().begin().await.unwrap();
                let begun = Instant::now();
                let events = [event("a"), event("b")];
                EventStore::append_in(
                    &mut transaction,
                    "chart",
                    Uuid::now_v7(),
                    ExpectedVersion::NoStream,
                    &events,
                )
                .await
                .unwrap();
                tokio::time::sleep(Duration::from_millis(pause)).await;
                if roll_back {
                    transaction.rollback().await.unwrap();
                } else {
                    transaction.commit().await.unwrap();
                    let done = Instant::now();
                    committed.extend(events.iter().map(|event| (event.event_id, begun, done)));
                }
            }
            committed
        }));
    }
    let mut committed = slow.await.unwrap();
    for writer in writers {
        committed.extend(writer.await.unwrap());
    }

    let published = published_event_ids(&app.config.nats_url, &app, committed.len()).await;
    let unique: HashSet<Uuid> = published.iter().copied().collect();
    assert_eq!(unique.len(), published.len(), "no event is published twice");
    let expected: HashSet<Uuid> = committed.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(
        unique, expected,
        "exactly the committed events are published, none skipped"
    );

    // Commit order: an event whose transaction finished committing before another's began comes first.
    let index: HashMap<Uuid, usize> = published
        .iter()
        .enumerate()
        .map(|(index, id)| (*id, index))
        .collect();
    for (first, _, first_committed) in &committed {
        for (second, second_begun, _) in &committed {
            if first_committed < second_begun {
                assert!(
                    index[first] < index[second],
                    "an event committed earlier was published later"
                );
            }
        }
    }
}

/// A NATS server of the test's own, so that stopping it disturbs no other test.
struct OwnNats {
    child: std::process::Child,
    port: u16,
    store_dir: std::path::PathBuf,
}

impl OwnNats {
    fn start(port: u16, store_dir: &std::path::Path) -> Self {
        let child = std::process::Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
            .arg(store_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server is installed");
        OwnNats {
            child,
            port,
            store_dir: store_dir.to_path_buf(),
        }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        drop(self.child.kill());
        drop(self.child.wait());
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.stop();
        drop(std::fs::remove_dir_all(&self.store_dir));
    }
}

async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nats-server did not start on port {port}");
}

#[tokio::test]
async fn commands_succeed_while_nats_is_down_and_the_backlog_is_published_exactly_once_when_it_returns()
 {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store_dir = std::env::temp_dir().join(format!("vizpro-nats-{}", Uuid::new_v4()));
    let mut nats = OwnNats::start(port, &store_dir);
    wait_for_port(port).await;
    let app = spawn_app_with(Options {
        nats_url: nats.url(),
        ..Options::default()
    })
    .await;
    let admin = app.admin().await;
    app.create_dashboard(&admin, "Before the outage").await;
    let before = app.event_count().await as usize;
    published_event_ids(&nats.url(), &app, before).await;

    nats.stop();
    for number in 0..5 {
        let response = app
            .post(
                "/api/v1/dashboards",
                Some(&admin.token),
                json!({"name": format!("During the outage {number}")}),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "commands do not need NATS"
        );
    }
    let total = app.event_count().await as usize;
    assert!(total > before);

    let _restarted = OwnNats::start(port, &store_dir);
    wait_for_port(port).await;
    let published = published_event_ids(&format!("nats://127.0.0.1:{port}"), &app, total).await;
    let unique: HashSet<Uuid> = published.iter().copied().collect();
    assert_eq!(
        published.len(),
        total,
        "JetStream holds every event exactly once"
    );
    assert_eq!(unique.len(), total);
}
