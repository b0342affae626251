use std::collections::{HashMap, HashSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use async_nats::jetstream;
use futures::StreamExt;
use rand::Rng;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;
use vizpro_command_api::relay::{self, RelaySettings, RelayStatus};
use vizpro_event_store::{EventStore, ExpectedVersion, NewEvent};

use crate::event_store::{event, migrated_store};
use crate::harness::{Options, TestApp, spawn_app, spawn_app_with};

/// Reads every message of a JetStream stream, in stream order, once it holds at least `expected` (or
/// after thirty seconds).
async fn stored_messages(
    nats_url: &str,
    stream_name: &str,
    expected: usize,
) -> Vec<jetstream::Message> {
    let client = async_nats::connect(nats_url).await.unwrap();
    let jetstream = jetstream::new(client);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut stream) = jetstream.get_stream(stream_name).await {
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
    let stream = jetstream.get_stream(stream_name).await.unwrap();
    let consumer = stream
        .create_consumer(jetstream::consumer::pull::Config {
            deliver_policy: jetstream::consumer::DeliverPolicy::All,
            ack_policy: jetstream::consumer::AckPolicy::None,
            ..Default::default()
        })
        .await
        .unwrap();
    let total = stream.cached_info().state.messages as usize;
    let mut stored = Vec::new();
    let mut messages = consumer
        .fetch()
        .max_messages(total.max(1))
        .expires(Duration::from_secs(5))
        .messages()
        .await
        .unwrap();
    while stored.len() < total {
        let Some(message) = messages.next().await else {
            break;
        };
        stored.push(message.unwrap());
    }
    stored
}

fn header<'a>(message: &'a jetstream::Message, name: &str) -> Option<&'a str> {
    message
        .headers
        .as_ref()
        .and_then(|headers| headers.get(name))
        .map(|value| value.as_str())
}

/// Reads every message of the app's JetStream stream, in stream order, as event ids.
async fn published_event_ids(nats_url: &str, app: &TestApp, expected: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for message in stored_messages(nats_url, &app.config.nats_stream, expected).await {
        let envelope: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
        let subject = format!(
            "{}.{}.{}",
            app.config.nats_subject_prefix,
            envelope["stream_type"].as_str().unwrap(),
            envelope["event_type"].as_str().unwrap()
        );
        assert_eq!(message.subject.as_str(), subject);
        assert_eq!(
            header(&message, "Vizpro-Position"),
            Some(envelope["position"].to_string().as_str()),
            "headers carry the position"
        );
        let event_id = envelope["event_id"].as_str().unwrap();
        assert_eq!(
            header(&message, "Nats-Msg-Id"),
            Some(event_id),
            "the message id is the event id, so JetStream drops republished events"
        );
        ids.push(event_id.parse().unwrap());
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
        OwnNats {
            child: Self::spawn(port, store_dir),
            port,
            store_dir: store_dir.to_path_buf(),
        }
    }

    fn spawn(port: u16, store_dir: &std::path::Path) -> std::process::Child {
        std::process::Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
            .arg(store_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server is installed")
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        drop(self.child.kill());
        drop(self.child.wait());
    }

    /// Kills the server (as a crash would) and starts it again on the same port and store.
    async fn restart(&mut self) {
        self.stop();
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.child = Self::spawn(self.port, &self.store_dir);
        wait_for_port(self.port).await;
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

    nats.restart().await;
    let published = published_event_ids(&format!("nats://127.0.0.1:{port}"), &app, total).await;
    let unique: HashSet<Uuid> = published.iter().copied().collect();
    assert_eq!(
        published.len(),
        total,
        "JetStream holds every event exactly once"
    );
    assert_eq!(unique.len(), total);
}

/// An operator's page (`/readyz`, `/metrics`) as text.
async fn operator_page(app: &TestApp, path: &str) -> String {
    app.client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn relay_settings() -> RelaySettings {
    let suffix = Uuid::new_v4().simple().to_string();
    RelaySettings {
        stream_name: format!("VIZPRO_TEST_{suffix}"),
        subject_prefix: format!("vizpro_test_{suffix}.events"),
        batch: 500,
        idle: Duration::from_millis(5),
        duplicate_window: relay::DUPLICATE_WINDOW,
        max_message_bytes: vizpro_events::MAX_MESSAGE_BYTES,
        max_age: Duration::ZERO,
        max_bytes: 0,
    }
}

/// Runs a relay of the test's own over `store`, publishing to `nats_url`.
async fn start_relay(
    store: &EventStore,
    nats_url: &str,
    settings: &RelaySettings,
) -> (tokio::task::JoinHandle<()>, Arc<RelayStatus>) {
    let nats = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(nats_url)
        .await
        .unwrap();
    let status = Arc::new(RelayStatus::default());
    let task = tokio::spawn(relay::run(
        store.pool().clone(),
        nats,
        settings.clone(),
        status.clone(),
    ));
    (task, status)
}

/// How many messages a stream holds now (zero while the server cannot be reached).
async fn stored_count(nats_url: &str, stream_name: &str) -> usize {
    let Ok(client) = async_nats::connect(nats_url).await else {
        return 0;
    };
    let Ok(mut stream) = jetstream::new(client).get_stream(stream_name).await else {
        return 0;
    };
    stream
        .info()
        .await
        .map(|info| info.state.messages as usize)
        .unwrap_or(0)
}

async fn wait_until_relay_reaches(status: &RelayStatus, position: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while status.checkpoint.lock().await.position < position {
        assert!(
            Instant::now() < deadline,
            "the relay did not reach position {position}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The event ids in the order the relay must publish them: commit order.
async fn event_ids_in_commit_order(store: &EventStore) -> Vec<Uuid> {
    sqlx::query_scalar("select event_id from events order by transaction_id, position")
        .fetch_all(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn nats_killed_in_the_middle_of_relay_batches_and_a_relay_restarted_behind_its_last_publish_leave_every_event_once_in_commit_order()
 {
    let store = migrated_store().await;
    // Enough events that publishing them takes many batches, so that the kills land inside batches.
    for _ in 0..1_000 {
        let events: Vec<NewEvent> = (0..10).map(|number| event(&format!("e{number}"))).collect();
        store
            .append("chart", Uuid::now_v7(), ExpectedVersion::NoStream, &events)
            .await
            .unwrap();
    }
    let in_commit_order = event_ids_in_commit_order(&store).await;
    let total = in_commit_order.len();
    let last_position: i64 = sqlx::query_scalar("select max(position) from events")
        .fetch_one(store.pool())
        .await
        .unwrap();

    let port = free_port();
    let store_dir = std::env::temp_dir().join(format!("vizpro-nats-{}", Uuid::new_v4()));
    let mut nats = OwnNats::start(port, &store_dir);
    wait_for_port(port).await;
    let settings = relay_settings();
    let (relay_task, status) = start_relay(&store, &nats.url(), &settings).await;

    // Kill NATS twice while the relay is publishing: whatever it had sent of the batch in flight is
    // stored, and the relay sends that whole batch again once NATS is back.
    for share in [3, 6] {
        let deadline = Instant::now() + Duration::from_secs(60);
        while stored_count(&nats.url(), &settings.stream_name).await < total * share / 10 {
            assert!(Instant::now() < deadline, "the relay did not publish");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        nats.restart().await;
    }
    wait_until_relay_reaches(&status, last_position).await;

    // The relay dies after publishing but before saving its checkpoint: the next one starts from an
    // older checkpoint (here: none) and publishes everything again.
    relay_task.abort();
    drop(relay_task.await);
    sqlx::query("delete from relay_checkpoints")
        .execute(store.pool())
        .await
        .unwrap();
    let (second_relay, second_status) = start_relay(&store, &nats.url(), &settings).await;
    wait_until_relay_reaches(&second_status, last_position).await;
    second_relay.abort();

    let messages = stored_messages(&nats.url(), &settings.stream_name, total).await;
    let published: Vec<Uuid> = messages
        .iter()
        .map(|message| {
            let envelope: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
            let event_id = envelope["event_id"].as_str().unwrap();
            assert_eq!(header(message, "Nats-Msg-Id"), Some(event_id));
            event_id.parse().unwrap()
        })
        .collect();
    assert_eq!(
        published.len(),
        total,
        "the stream holds as many messages as there are events"
    );
    assert_eq!(
        published, in_commit_order,
        "every event exactly once, in commit order"
    );
}

#[tokio::test]
async fn an_event_too_large_for_a_message_is_published_without_its_payload_and_every_later_event_still_flows()
 {
    let app = spawn_app().await;
    let store = EventStore::new(app.pool.clone());
    let mut huge = event("huge");
    huge.payload = json!({ "name": "x".repeat(vizpro_events::MAX_MESSAGE_BYTES + 1) });
    let after = event("after");
    for new_event in [&huge, &after] {
        store
            .append(
                "chart",
                Uuid::now_v7(),
                ExpectedVersion::NoStream,
                std::slice::from_ref(new_event),
            )
            .await
            .unwrap();
    }

    let messages = stored_messages(&app.config.nats_url, &app.config.nats_stream, 2).await;
    let message_of = |event_id: Uuid| {
        messages
            .iter()
            .find(|message| header(message, "Nats-Msg-Id") == Some(event_id.to_string().as_str()))
            .unwrap_or_else(|| panic!("event {event_id} was published"))
    };
    let stub = message_of(huge.event_id);
    assert_eq!(header(stub, "Vizpro-Payload-Omitted"), Some("too-large"));
    assert_eq!(
        header(stub, "Vizpro-Payload-Location"),
        Some(format!("/api/v1/audit/events/{}", huge.event_id).as_str()),
        "the message says where the whole event is"
    );
    let envelope: serde_json::Value = serde_json::from_slice(&stub.payload).unwrap();
    assert_eq!(envelope["event_id"], json!(huge.event_id));
    assert!(envelope["payload"].is_null());
    assert!(stub.payload.len() < 64 * 1024);

    let whole = message_of(after.event_id);
    assert_eq!(header(whole, "Vizpro-Payload-Omitted"), None);
    let envelope: serde_json::Value = serde_json::from_slice(&whole.payload).unwrap();
    assert_eq!(envelope["payload"], json!({"name": "after"}));

    // An operator sees it: readiness detail, a metric and a log line with the event id.
    let ready: serde_json::Value =
        serde_json::from_str(&operator_page(&app, "/readyz").await).unwrap();
    assert_eq!(ready["relay"]["payloads_omitted"], json!(1));
    assert_eq!(
        ready["relay"]["last_omitted_event_id"],
        json!(huge.event_id)
    );
    let metrics = operator_page(&app, "/metrics").await;
    assert!(metrics.contains("vizpro_relay_payloads_omitted_total"));
    assert!(
        crate::harness::captured_logs()
            .lines()
            .any(|line| line.contains(&huge.event_id.to_string())
                && line.contains("without its payload")),
        "a log line names the event"
    );
}

/// An event store holding one event, the relay's settings, and a JetStream context in which the test makes
/// the stream itself, as an operator or an older version would have.
async fn one_event_and_a_stream_made_by_someone_else()
-> (EventStore, RelaySettings, jetstream::Context) {
    let store = migrated_store().await;
    store
        .append(
            "chart",
            Uuid::now_v7(),
            ExpectedVersion::NoStream,
            &[event("one")],
        )
        .await
        .unwrap();
    let client = async_nats::connect("nats://127.0.0.1:4222").await.unwrap();
    (store, relay_settings(), jetstream::new(client))
}

#[tokio::test]
async fn an_existing_stream_that_would_not_drop_duplicates_is_updated_before_anything_is_published()
{
    let (store, settings, jetstream) = one_event_and_a_stream_made_by_someone_else().await;
    jetstream
        .create_stream(jetstream::stream::Config {
            name: settings.stream_name.clone(),
            subjects: vec![format!("{}.>", settings.subject_prefix)],
            duplicate_window: Duration::from_secs(1),
            max_message_size: 1024,
            ..Default::default()
        })
        .await
        .unwrap();
    // An operator bounds the stream to a week and a gigabyte.
    let settings = RelaySettings {
        max_age: Duration::from_secs(7 * 24 * 3600),
        max_bytes: 1 << 30,
        ..settings
    };
    let (relay_task, status) = start_relay(&store, "nats://127.0.0.1:4222", &settings).await;
    let last_position: i64 = sqlx::query_scalar("select max(position) from events")
        .fetch_one(store.pool())
        .await
        .unwrap();
    wait_until_relay_reaches(&status, last_position).await;
    relay_task.abort();
    let config = jetstream
        .get_stream(&settings.stream_name)
        .await
        .unwrap()
        .cached_info()
        .config
        .clone();
    assert_eq!(config.duplicate_window, relay::DUPLICATE_WINDOW);
    assert_eq!(
        config.max_message_size as usize,
        vizpro_events::MAX_MESSAGE_BYTES
    );
    assert_eq!(config.max_age, Duration::from_secs(7 * 24 * 3600));
    assert_eq!(config.max_bytes, 1 << 30);
    drop(jetstream.delete_stream(&settings.stream_name).await);
}

#[tokio::test]
async fn an_existing_stream_kept_in_memory_is_refused_loudly_and_nothing_is_published_into_it() {
    let (store, settings, jetstream) = one_event_and_a_stream_made_by_someone_else().await;
    jetstream
        .create_stream(jetstream::stream::Config {
            name: settings.stream_name.clone(),
            subjects: vec![format!("{}.>", settings.subject_prefix)],
            storage: jetstream::stream::StorageType::Memory,
            ..Default::default()
        })
        .await
        .unwrap();
    let (relay_task, status) = start_relay(&store, "nats://127.0.0.1:4222", &settings).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let reason = loop {
        if let Some(reason) = status.stream_refused.lock().await.clone() {
            break reason;
        }
        assert!(Instant::now() < deadline, "the stream was not refused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        reason.contains("Memory"),
        "the reason names the storage: {reason}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    relay_task.abort();
    assert_eq!(
        stored_count("nats://127.0.0.1:4222", &settings.stream_name).await,
        0
    );
    drop(jetstream.delete_stream(&settings.stream_name).await);
}

#[tokio::test]
async fn after_a_restore_into_a_cluster_with_lower_transaction_ids_the_relay_publishes_the_new_events_and_nothing_again()
 {
    let store = migrated_store().await;
    for _ in 0..4 {
        let events: Vec<NewEvent> = (0..5)
            .map(|number| event(&format!("old {number}")))
            .collect();
        store
            .append("chart", Uuid::now_v7(), ExpectedVersion::NoStream, &events)
            .await
            .unwrap();
    }
    let old_events = event_ids_in_commit_order(&store).await;
    let last_old_position: i64 = sqlx::query_scalar("select max(position) from events")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let settings = relay_settings();
    let nats_url = "nats://127.0.0.1:4222";
    let (relay_task, status) = start_relay(&store, nats_url, &settings).await;
    wait_until_relay_reaches(&status, last_old_position).await;
    relay_task.abort();
    drop(relay_task.await);

    // The restore: the history keeps its transaction ids, which are far above the new cluster's, and the
    // cluster is another one. (Rows a restore writes; nobody updates them otherwise.)
    let mut transaction = store.pool().begin().await.unwrap();
    for statement in [
        "set local session_replication_role = replica",
        "update events set transaction_id = (transaction_id::text::bigint + 100000000)::text::xid8",
        "update relay_checkpoints set transaction_id = (transaction_id::text::bigint + 100000000)::text::xid8",
        "update event_store_epochs set system_identifier = system_identifier + 1",
    ] {
        sqlx::query(statement)
            .execute(&mut *transaction)
            .await
            .unwrap();
    }
    transaction.commit().await.unwrap();

    // A relay starts on the restored database and new events are appended there.
    let restored = EventStore::new(store.pool().clone());
    let (relay_task, status) = start_relay(&restored, nats_url, &settings).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while sqlx::query_scalar::<_, i64>("select count(*) from event_store_epochs")
        .fetch_one(store.pool())
        .await
        .unwrap()
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "the new cluster was not registered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut new_events = Vec::new();
    for _ in 0..3 {
        let events: Vec<NewEvent> = (0..2)
            .map(|number| event(&format!("new {number}")))
            .collect();
        new_events.extend(events.iter().map(|event| event.event_id));
        restored
            .append("chart", Uuid::now_v7(), ExpectedVersion::NoStream, &events)
            .await
            .unwrap();
    }
    let last_position: i64 = sqlx::query_scalar("select max(position) from events")
        .fetch_one(store.pool())
        .await
        .unwrap();
    wait_until_relay_reaches(&status, last_position).await;
    relay_task.abort();
    assert_eq!(
        status
            .published_total
            .load(std::sync::atomic::Ordering::Relaxed),
        new_events.len() as u64,
        "the restarted relay published the new events and none of the history again"
    );

    let messages = stored_messages(
        nats_url,
        &settings.stream_name,
        old_events.len() + new_events.len(),
    )
    .await;
    let published: Vec<Uuid> = messages
        .iter()
        .map(|message| header(message, "Nats-Msg-Id").unwrap().parse().unwrap())
        .collect();
    let expected: Vec<Uuid> = old_events.iter().chain(&new_events).copied().collect();
    assert_eq!(published, expected, "the history once, then the new events");
    let epochs: Vec<String> = messages
        .iter()
        .map(|message| header(message, "Vizpro-Epoch").unwrap().to_owned())
        .collect();
    assert!(epochs[..old_events.len()].iter().all(|epoch| epoch == "1"));
    assert!(epochs[old_events.len()..].iter().all(|epoch| epoch == "2"));
    let client = async_nats::connect(nats_url).await.unwrap();
    drop(
        jetstream::new(client)
            .delete_stream(&settings.stream_name)
            .await,
    );
}

#[tokio::test]
async fn readiness_shows_how_long_an_open_transaction_has_held_the_commit_order_horizon() {
    let app = spawn_app().await;
    // A transaction that has written (so it holds an xid) and is left open, as a stuck client would.
    let mut stuck = app.pool.begin().await.unwrap();
    sqlx::query("select pg_current_xact_id()")
        .execute(&mut *stuck)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready: serde_json::Value =
            serde_json::from_str(&operator_page(&app, "/readyz").await).unwrap();
        let age = ready["relay"]["horizon_age_seconds"]
            .as_f64()
            .unwrap_or(0.0);
        if age >= 2.0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the horizon's age never showed: {ready}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let metrics = operator_page(&app, "/metrics").await;
    assert!(metrics.contains("vizpro_event_store_horizon_age_seconds"));
    stuck.rollback().await.unwrap();
}
