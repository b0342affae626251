//! The relay's publish throughput: events per second from the events table (already committed) to
//! JetStream's acknowledgement, with deduplication on (`Nats-Msg-Id`) and the commit-order chain
//! (`Nats-Expected-Last-Msg-Id`), beside a plain client publishing messages of the same size with message
//! ids to a stream of the same settings as fast as it can, in the same run on the same NATS server.
//!
//! Target (issue "Delivery guarantees"): at least 0.7× the plain publish rate.

// A benchmark's output is its report.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use async_nats::jetstream;
use chrono::Utc;
use clap::Parser;
use serde_json::json;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;
use vizpro_command_api::relay::{self, RelaySettings, RelayStatus};
use vizpro_event_store::{EventStore, ExpectedVersion, NewEvent};
use vizpro_events::EventMetadata;

/// See the workspace manifest for why every binary allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Benchmark the relay against a plain JetStream publisher.
#[derive(Debug, Parser)]
struct Arguments {
    /// PostgreSQL server (the benchmark creates a database of its own on it).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    server: String,
    /// NATS server with JetStream (the benchmark creates streams of its own and deletes them).
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    nats: String,
    /// Events published by each side, per round.
    #[arg(long, default_value_t = 50_000)]
    events: usize,
    /// Rounds; each side's figure is the median of its rounds, and the sides take turns.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let arguments = Arguments::parse();
    let database = format!("vizpro_bench_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&format!("{}/postgres", arguments.server)).await?;
    sqlx::query(&format!("create database {database}"))
        .execute(&mut admin)
        .await?;
    let pool = PgPool::connect(&format!("{}/{database}", arguments.server)).await?;
    vizpro_migrations::run(&pool).await?;
    let store = EventStore::new(pool.clone());
    let nats = async_nats::connect(&arguments.nats)
        .await
        .context("cannot reach NATS")?;

    // The history the relay publishes: dashboard-sized events, ten to a stream, appended before it starts.
    let mut appended = 0;
    while appended < arguments.events {
        let events: Vec<NewEvent> = (0..10)
            .map(|number| bench_event(&format!("Tile {number} of a busy dashboard")))
            .collect();
        store
            .append(
                "dashboard",
                Uuid::now_v7(),
                ExpectedVersion::NoStream,
                &events,
            )
            .await?;
        appended += events.len();
    }
    let sample = store
        .read_committed(Default::default(), 1)
        .await?
        .pop()
        .context("no event was appended")?;
    let message_size = serde_json::to_vec(&sample.envelope())?.len();
    let last_position: i64 = sqlx::query_scalar("select max(position) from events")
        .fetch_one(&pool)
        .await?;

    println!(
        "relay publish throughput: {} events of {message_size} bytes per round, {} rounds",
        appended, arguments.rounds
    );
    let mut relay_rates = Vec::new();
    let mut plain_rates = Vec::new();
    for _ in 0..arguments.rounds {
        plain_rates.push(plain_publish(&nats, appended, message_size).await?);
        relay_rates
            .push(relay_publish(&pool, &arguments.nats, &nats, last_position, appended).await?);
    }
    let relay = median(relay_rates);
    let plain = median(plain_rates);
    println!("  plain JetStream publish with message ids: {plain:>10.0} messages/s");
    println!("  vizpro relay (commit order, dedup, chain): {relay:>10.0} events/s");
    println!("  ratio: {:.2}× (target ≥ 0.7×)", relay / plain);

    pool.close().await;
    sqlx::query(&format!("drop database {database} with (force)"))
        .execute(&mut admin)
        .await?;
    Ok(())
}

fn bench_event(name: &str) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "tile_added".to_owned(),
        schema_version: 1,
        payload: json!({
            "tile_id": Uuid::now_v7(), "chart_id": Uuid::now_v7(), "title": name,
            "x": 0, "y": 4, "w": 6, "h": 4,
        }),
        metadata: EventMetadata {
            actor_id: Some(Uuid::now_v7()),
            correlation_id: Uuid::now_v7(),
            request_id: Some(Uuid::now_v7().to_string()),
            client_ip: Some("127.0.0.1".to_owned()),
            ..EventMetadata::default()
        },
        recorded_at: Utc::now(),
    }
}

fn stream_config(name: &str, prefix: &str) -> jetstream::stream::Config {
    jetstream::stream::Config {
        name: name.to_owned(),
        subjects: vec![format!("{prefix}.>")],
        duplicate_window: relay::DUPLICATE_WINDOW,
        storage: jetstream::stream::StorageType::File,
        max_message_size: i32::try_from(vizpro_events::MAX_MESSAGE_BYTES).unwrap_or(i32::MAX),
        ..Default::default()
    }
}

/// The baseline: `count` messages of `size` bytes, each with its own message id, published in batches
/// of 500 (all sent, then all acknowledgements awaited, as the relay does) to a fresh stream.
async fn plain_publish(
    nats: &async_nats::Client,
    count: usize,
    size: usize,
) -> anyhow::Result<f64> {
    let suffix = Uuid::new_v4().simple().to_string();
    let name = format!("VIZPRO_BENCH_PLAIN_{suffix}");
    let prefix = format!("vizpro_bench_plain_{suffix}");
    let context = jetstream::new(nats.clone());
    context.create_stream(stream_config(&name, &prefix)).await?;
    let body = bytes_of(size);
    let started = Instant::now();
    let mut sent = 0;
    while sent < count {
        let mut acknowledgements = Vec::with_capacity(500);
        for _ in 0..500.min(count - sent) {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(
                async_nats::header::NATS_MESSAGE_ID,
                Uuid::now_v7().to_string().as_str(),
            );
            let publish = jetstream::message::PublishMessage::build()
                .payload(body.clone())
                .headers(headers);
            acknowledgements.push(
                context
                    .send_publish(format!("{prefix}.dashboard.tile_added"), publish)
                    .await?,
            );
            sent += 1;
        }
        for acknowledgement in acknowledgements {
            acknowledgement.await?;
        }
    }
    let rate = count as f64 / started.elapsed().as_secs_f64();
    context.delete_stream(&name).await?;
    Ok(rate)
}

fn bytes_of(size: usize) -> bytes::Bytes {
    bytes::Bytes::from(vec![b'x'; size])
}

/// vizpro's figure: a relay started over the appended history, timed until its checkpoint has reached
/// the last event, every batch acknowledged by JetStream.
async fn relay_publish(
    pool: &PgPool,
    nats_url: &str,
    nats: &async_nats::Client,
    last_position: i64,
    count: usize,
) -> anyhow::Result<f64> {
    sqlx::query("delete from relay_checkpoints")
        .execute(pool)
        .await?;
    let suffix = Uuid::new_v4().simple().to_string();
    let settings = RelaySettings {
        stream_name: format!("VIZPRO_BENCH_RELAY_{suffix}"),
        subject_prefix: format!("vizpro_bench_relay_{suffix}"),
        batch: 500,
        idle: Duration::from_millis(5),
        duplicate_window: relay::DUPLICATE_WINDOW,
        max_message_bytes: vizpro_events::MAX_MESSAGE_BYTES,
        max_age: Duration::ZERO,
        max_bytes: 0,
    };
    // The stream exists before the clock starts, as it does for a running relay.
    let context = jetstream::new(nats.clone());
    context
        .create_stream(stream_config(
            &settings.stream_name,
            &settings.subject_prefix,
        ))
        .await?;
    let client = async_nats::connect(nats_url).await?;
    let status = Arc::new(RelayStatus::default());
    let started = Instant::now();
    let task = tokio::spawn(relay::run(
        pool.clone(),
        client,
        settings.clone(),
        status.clone(),
    ));
    let deadline = started + Duration::from_secs(600);
    while status.checkpoint.lock().await.position < last_position {
        anyhow::ensure!(Instant::now() < deadline, "the relay did not finish");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let rate = count as f64 / started.elapsed().as_secs_f64();
    task.abort();
    let stored = context
        .get_stream(&settings.stream_name)
        .await?
        .cached_info()
        .state
        .messages as usize;
    anyhow::ensure!(
        stored == count,
        "the stream holds {stored} messages for {count} events"
    );
    anyhow::ensure!(
        status.published_total.load(Ordering::Relaxed) as usize == count,
        "the relay published another number of events than there are"
    );
    context.delete_stream(&settings.stream_name).await?;
    Ok(rate)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
