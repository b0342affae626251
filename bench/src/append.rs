//! Appending one event: throughput and latency through the event store and through the command API,
//! at 1, 8 and 32 concurrent clients, beside pgbench running a single-row INSERT into a table of the same
//! shape and indexes (without the version check and hash chain), in the same run on the same PostgreSQL.
//!
//! Target (DESIGN.md §9): at least 0.7× pgbench's throughput, p99 at most 2× pgbench's.

// A benchmark's output is its report.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine;
use chrono::Utc;
use clap::Parser;
use secrecy::SecretString;
use serde_json::json;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;
use vizpro_command_api::{Application, Config};
use vizpro_event_store::{EventStore, ExpectedVersion, NewEvent};
use vizpro_events::{EventMetadata, Role};

/// See the workspace manifest for why every binary allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Benchmark appends against pgbench.
#[derive(Debug, Parser)]
struct Arguments {
    /// PostgreSQL server (the benchmark creates a database of its own on it).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    server: String,
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Concurrent clients to measure at.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    clients: Vec<usize>,
}

/// One measurement.
#[derive(Debug, Clone, Copy)]
struct Figures {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn figures(mut latencies_us: Vec<f64>, elapsed: Duration) -> Figures {
    latencies_us.sort_by(f64::total_cmp);
    let percentile = |fraction: f64| {
        if latencies_us.is_empty() {
            return f64::NAN;
        }
        let index = ((latencies_us.len() as f64 * fraction).ceil() as usize).saturating_sub(1);
        latencies_us[index.min(latencies_us.len() - 1)] / 1000.0
    };
    Figures {
        per_second: latencies_us.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let arguments = Arguments::parse();
    let database = format!("vizpro_bench_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&format!("{}/postgres", arguments.server)).await?;
    sqlx::query(&format!("create database {database}"))
        .execute(&mut admin)
        .await?;
    let database_url = format!("{}/{database}", arguments.server);
    let pool = PgPool::connect(&database_url).await?;
    vizpro_migrations::run(&pool).await?;
    sqlx::query(
        "create table raw_events (position bigint generated always as identity, \
           transaction_id xid8 not null default pg_current_xact_id(), event_id uuid primary key, \
           stream_type text not null, stream_id uuid not null, version integer not null, event_type text not null, \
           schema_version integer not null, payload jsonb not null, metadata jsonb not null, \
           recorded_at timestamptz not null, prev_hash bytea, hash bytea not null, unique (stream_id, version))",
    )
    .execute(&pool)
    .await?;
    // The same indexes as the events table, so the baseline pays for the same index maintenance.
    sqlx::query("create unique index raw_events_position_idx on raw_events (position)")
        .execute(&pool)
        .await?;
    sqlx::query(
        "create index raw_events_commit_order_idx on raw_events (transaction_id, position)",
    )
    .execute(&pool)
    .await?;

    let application = start_command_api(&database_url).await?;
    let api = format!("http://127.0.0.1:{}", application.port());
    let token = tokio::spawn(application.run_until_stopped());
    let access_token = sign_in(&api).await?;

    println!(
        "append 1 event — {} s per measurement, one PostgreSQL, latencies in ms",
        arguments.seconds
    );
    println!(
        "target: event store ≥ 0.7× the baseline's throughput and p99 ≤ 2× the baseline's p99"
    );
    let duration = Duration::from_secs(arguments.seconds);
    for &clients in &arguments.clients {
        let baseline = pgbench(&database, clients, arguments.seconds, RAW_INSERT)?;
        let statement = pgbench(&database, clients, arguments.seconds, STORE_STATEMENT)?;
        let store = store_appends(&database_url, clients, duration).await?;
        let through_api = api_appends(&api, &access_token, clients, duration).await?;
        println!("\n{clients} concurrent clients");
        println!(
            "  {:<44} {:>9} {:>7} {:>7} {:>8} {:>8}",
            "", "per s", "p50", "p99", "× tput", "× p99"
        );
        for (label, figures) in [
            ("baseline: pgbench, raw single-row INSERT", baseline),
            ("event store statement, driven by pgbench", statement),
            ("event store append (Rust, sqlx)", store),
            ("command API POST (HTTP, auth, decide, append)", through_api),
        ] {
            println!(
                "  {:<44} {:>9.0} {:>7.2} {:>7.2} {:>8.2} {:>8.2}",
                label,
                figures.per_second,
                figures.p50_ms,
                figures.p99_ms,
                figures.per_second / baseline.per_second,
                figures.p99_ms / baseline.p99_ms
            );
        }
    }
    token.abort();
    pool.close().await;
    sqlx::query(&format!("drop database {database} with (force)"))
        .execute(&mut admin)
        .await?;
    Ok(())
}

/// pgbench with the same single-row INSERT, per-transaction latencies from its log.
/// The baseline: a single-row INSERT with no version check and no hash chain.
const RAW_INSERT: &str = "insert into raw_events (event_id, stream_type, stream_id, version, event_type, schema_version, \
     payload, metadata, recorded_at, hash) values (gen_random_uuid(), 'chart', gen_random_uuid(), 1, 'renamed', 1, \
     '{\"name\": \"bench\"}', '{\"correlation_id\": \"0190a1b2-0000-7000-8000-000000000000\"}', now(), '\\x00');\n";

/// The event store's own append statement (a new stream, as the benchmark's appends are), driven by pgbench:
/// it shows what the statement costs in PostgreSQL apart from the Rust client.
const STORE_STATEMENT: &str = "with head as (select version, hash, stream_type from events where stream_id = '00000000-0000-0000-0000-000000000000' \
     order by version desc limit 1) \
     insert into events (event_id, stream_type, stream_id, version, event_type, schema_version, payload, metadata, \
     recorded_at, prev_hash, hash) select e.id, 'chart', e.stream, coalesce(head.version, 0) + 1, 'renamed', 1, \
     '{\"name\": \"bench\"}', '{\"correlation_id\": \"0190a1b2-0000-7000-8000-000000000000\"}', now(), head.hash, \
     vizpro_event_digest(head.hash, e.id, 'chart', e.stream, coalesce(head.version, 0) + 1, 'renamed', 1, \
     '{\"name\": \"bench\"}', '{\"correlation_id\": \"0190a1b2-0000-7000-8000-000000000000\"}', now()) \
     from (select gen_random_uuid() as id, gen_random_uuid() as stream) e left join head on true \
     where coalesce(head.version, 0) = 0 returning position, version;\n";

fn pgbench(
    database: &str,
    clients: usize,
    seconds: u64,
    statement: &str,
) -> anyhow::Result<Figures> {
    let directory =
        std::env::temp_dir().join(format!("vizpro-pgbench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&directory)?;
    let script = directory.join("insert.sql");
    std::fs::write(&script, statement)?;
    let started = Instant::now();
    let status = Command::new("pgbench")
        .current_dir(&directory)
        .args([
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-n",
            "-M",
            "prepared",
            "-l",
            "--log-prefix=tx",
        ])
        .args([
            "-c",
            &clients.to_string(),
            "-j",
            &clients.min(2).to_string(),
            "-T",
            &seconds.to_string(),
        ])
        .arg("-f")
        .arg(&script)
        .arg(database)
        .output()
        .context("pgbench must be installed (Debian package postgresql-client)")?;
    let elapsed = started.elapsed().min(Duration::from_secs(seconds));
    if !status.status.success() {
        bail!(
            "pgbench failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    }
    let mut latencies = Vec::new();
    for entry in std::fs::read_dir(&directory)? {
        let path: PathBuf = entry?.path();
        if path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with("tx"))
        {
            for line in std::fs::read_to_string(&path)?.lines() {
                // client_id transaction_no time(µs) script_no time_epoch time_us
                if let Some(latency) = line
                    .split_whitespace()
                    .nth(2)
                    .and_then(|field| field.parse::<f64>().ok())
                {
                    latencies.push(latency);
                }
            }
        }
    }
    drop(std::fs::remove_dir_all(&directory));
    Ok(figures(latencies, elapsed))
}

async fn store_appends(
    database_url: &str,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Figures> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(clients as u32)
        // As in the services: testing each connection on checkout would add a round trip per append.
        .test_before_acquire(false)
        .connect(database_url)
        .await?;
    let store = EventStore::new(pool.clone());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while started.elapsed() < duration {
                let event = NewEvent {
                    event_id: Uuid::now_v7(),
                    event_type: "renamed".to_owned(),
                    schema_version: 1,
                    payload: json!({ "name": "bench" }),
                    metadata: EventMetadata {
                        correlation_id: Uuid::now_v7(),
                        ..EventMetadata::default()
                    },
                    recorded_at: Utc::now(),
                };
                let begun = Instant::now();
                store
                    .append("chart", Uuid::now_v7(), ExpectedVersion::NoStream, &[event])
                    .await?;
                latencies.push(begun.elapsed().as_secs_f64() * 1e6);
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed();
    pool.close().await;
    Ok(figures(latencies, elapsed))
}

async fn api_appends(
    api: &str,
    token: &str,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Figures> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = client.clone();
        let url = format!("{api}/api/v1/data-sources");
        let token = token.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while started.elapsed() < duration {
                let begun = Instant::now();
                let response = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"name": "bench", "kind": "upload"}))
                    .send()
                    .await?;
                if response.status() != reqwest::StatusCode::CREATED {
                    bail!("the command API answered {}", response.status());
                }
                latencies.push(begun.elapsed().as_secs_f64() * 1e6);
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    Ok(figures(latencies, started.elapsed()))
}

async fn start_command_api(database_url: &str) -> anyhow::Result<Application> {
    let suffix = Uuid::new_v4().simple().to_string();
    let key = base64::engine::general_purpose::STANDARD.encode([7_u8; 32]);
    let config = Config {
        listen: "127.0.0.1:0".parse()?,
        database_url: database_url.to_owned(),
        migration_database_url: None,
        database_max_connections: 40,
        nats_url: "nats://127.0.0.1:4222".to_owned(),
        nats_stream: format!("VIZPRO_BENCH_{suffix}"),
        nats_subject_prefix: format!("vizpro_bench_{suffix}.events"),
        redis_url: "redis://127.0.0.1:6379".to_owned(),
        redis_key_prefix: format!("vizpro-bench:{suffix}:"),
        jwt_secret: SecretString::from(
            "a-benchmark-secret-that-is-long-enough-for-hs256".to_owned(),
        ),
        jwt_issuer: "vizpro".to_owned(),
        access_token_seconds: 3600,
        refresh_token_days: 1,
        admin_emails: vec![],
        default_role: Role::Editor,
        connection_keys: SecretString::from(format!("bench:{key}")),
        connection_key_id: "bench".to_owned(),
        cors_origins: vec![],
        body_limit_bytes: vizpro_events::MAX_PAYLOAD_BYTES,
        request_timeout_seconds: 30,
        auth_rate_per_minute: 1000,
        user_rate_per_minute: 100_000_000,
        anonymous_rate_per_minute: 100_000_000,
        trust_forwarded_for: false,
        metrics_token: None,
        secure_cookies: false,
        // The relay would publish every appended event to NATS on the same two cores while the appends
        // are measured, and not while the baseline is; appending is what this benchmark measures.
        relay: false,
        relay_batch: 500,
        relay_idle_ms: 5,
        nats_stream_max_age_seconds: 0,
        nats_stream_max_bytes: 0,
        object_store_url: format!(
            "file://{}/vizpro-objects-{}-{}",
            std::env::temp_dir().display(),
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ),
        upload_temp_dir: String::new(),
        max_upload_bytes: 64 * 1024 * 1024,
        max_csv_field_bytes: 1024 * 1024,
        upload_timeout_seconds: 120,
        log_json: true,
    };
    vizpro_command_api::build(config).await
}

async fn sign_in(api: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::new();
    let credentials = json!({"email": "bench@example.com", "password": "benchmark password 123", "display_name": "Bench"});
    let registered = client
        .post(format!("{api}/api/v1/auth/register"))
        .json(&credentials)
        .send()
        .await?;
    if !registered.status().is_success() {
        bail!("registration failed: {}", registered.status());
    }
    let login = client
        .post(format!("{api}/api/v1/auth/login"))
        .json(&json!({"email": "bench@example.com", "password": "benchmark password 123"}))
        .send()
        .await?;
    let body: serde_json::Value = login.json().await?;
    body["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access token")
}
