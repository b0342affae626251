//! The read path, each figure beside a baseline measured in the same run:
//!
//! * lag: a command until the query API shows it (a GET carrying the command's position), at a steady
//!   command rate — target p50 ≤ 10 ms, p99 ≤ 50 ms at 500 commands/s;
//! * rebuild: events per second rebuilding every projection from the event store, beside a raw scan of the
//!   events table in commit order — target ≥ 0.5× the scan rate;
//! * cached dashboard GET and cached chart-data GET: requests per second, each beside an axum hello-world
//!   that does one Redis GET of a value of the same size per request, all driven by the same client —
//!   target ≥ 0.6×.

// A benchmark's output is its report.
#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::routing::get;
use base64::Engine;
use clap::Parser;
use futures::StreamExt;
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;
use vizpro_events::Role;

/// See the workspace manifest for why every binary allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Read-path benchmarks.
#[derive(Debug, Parser)]
struct Arguments {
    /// PostgreSQL server (the benchmark creates databases of its own on it).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    server: String,
    /// Commands per second for the lag measurement.
    #[arg(long, default_value_t = 500)]
    rate: u32,
    /// Seconds of the lag and GET measurements.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Events in the event store for the rebuild measurement.
    #[arg(long, default_value_t = 1_000_000)]
    events: i64,
    /// Concurrent clients for the GET measurement.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Measurements to run, comma-separated: `lag`, `cached-get`, `rebuild`; all by default.
    #[arg(long, value_delimiter = ',', default_value = "lag,cached-get,rebuild")]
    only: Vec<String>,
    /// Print the platform's logs (JSON lines on standard output), such as the rebuild's progress.
    #[arg(long)]
    log: bool,
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).saturating_sub(1);
    sorted[index.min(sorted.len() - 1)]
}

async fn fresh_database(server: &str) -> anyhow::Result<String> {
    let name = format!("vizpro_bench_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&format!("{server}/postgres")).await?;
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await?;
    Ok(format!("{server}/{name}"))
}

fn settings(database_url: &str) -> vizpro::Settings {
    let suffix = Uuid::new_v4().simple().to_string();
    let prefix = format!("vizpro-bench:{suffix}:");
    let secret = "a-benchmark-secret-that-is-long-enough-for-hs256";
    // The command API writes uploaded datasets where the query API reads them.
    let object_store_url = format!(
        "file://{}/vizpro-objects-{}-{suffix}",
        std::env::temp_dir().display(),
        std::process::id(),
    );
    let key = base64::engine::general_purpose::STANDARD.encode([5_u8; 32]);
    vizpro::Settings {
        command: vizpro_command_api::Config {
            listen: "127.0.0.1:0".parse().expect("an address"),
            database_url: database_url.to_owned(),
            migration_database_url: None,
            database_max_connections: 16,
            nats_url: "nats://127.0.0.1:4222".to_owned(),
            nats_stream: format!("VIZPRO_BENCH_{suffix}"),
            nats_subject_prefix: format!("vizpro_bench_{suffix}.events"),
            redis_url: "redis://127.0.0.1:6379".to_owned(),
            redis_key_prefix: prefix.clone(),
            jwt_secret: SecretString::from(secret.to_owned()),
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
            auth_rate_per_minute: 10_000,
            user_rate_per_minute: 100_000_000,
            anonymous_rate_per_minute: 100_000_000,
            trust_forwarded_for: false,
            metrics_token: None,
            secure_cookies: false,
            relay: true,
            relay_batch: 500,
            relay_idle_ms: 5,
            nats_stream_max_age_seconds: 0,
            nats_stream_max_bytes: 0,
            object_store_url: object_store_url.clone(),
            upload_temp_dir: String::new(),
            max_upload_bytes: 64 * 1024 * 1024,
            max_csv_field_bytes: 1024 * 1024,
            upload_timeout_seconds: 120,
            log_json: true,
        },
        query: vizpro_query_api::Config {
            listen: "127.0.0.1:0".parse().expect("an address"),
            database_url: database_url.to_owned(),
            database_max_connections: 16,
            redis_url: "redis://127.0.0.1:6379".to_owned(),
            redis_key_prefix: prefix.clone(),
            jwt_secret: SecretString::from(secret.to_owned()),
            jwt_issuer: "vizpro".to_owned(),
            access_token_seconds: 3600,
            cors_origins: vec![],
            request_timeout_seconds: 30,
            user_rate_per_minute: 100_000_000,
            anonymous_rate_per_minute: 100_000_000,
            trust_forwarded_for: false,
            metrics_token: None,
            min_position_wait_ms: 5_000,
            object_store_url: object_store_url.clone(),
            query_threads: 2,
            query_memory_mib: 256,
            query_timeout_seconds: 20,
            query_max_rows: 10_000,
            chart_cache_seconds: 600,
            connection_keys: SecretString::from(format!("bench:{key}")),
            connection_key_id: "bench".to_owned(),
            external_connect_timeout_seconds: 3,
            external_cache_seconds: 60,
            // The sources these runs read listen on loopback.
            external_hosts_allowed: vec!["127.0.0.0/8".parse().unwrap()],
            external_hosts_denied: vizpro_chart_engine::DEFAULT_DENIED_NETWORKS
                .split(',')
                .map(|network| vizpro_chart_engine::parse_network(network).unwrap())
                .collect(),
            log_json: true,
        },
        projector: vizpro_projector::Config {
            database_url: database_url.to_owned(),
            migration_database_url: None,
            database_max_connections: 4,
            nats_url: "nats://127.0.0.1:4222".to_owned(),
            nats_stream: format!("VIZPRO_BENCH_{suffix}"),
            consumer: "projector".to_owned(),
            redis_url: "redis://127.0.0.1:6379".to_owned(),
            redis_key_prefix: prefix,
            batch: 200,
            log_json: true,
        },
        spa_dir: std::env::temp_dir().join("no-spa"),
    }
}

async fn serve(router: axum::Router) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        drop(
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await,
        );
    });
    Ok(base)
}

async fn sign_in(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let credentials = json!({"email": "bench@example.com", "password": "benchmark password 123", "display_name": "Bench"});
    client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&credentials)
        .send()
        .await?
        .error_for_status()?;
    let session: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "bench@example.com", "password": "benchmark password 123"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    session["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access token")
}

async fn post(
    client: &reqwest::Client,
    url: String,
    token: &str,
    body: Value,
) -> anyhow::Result<Value> {
    Ok(client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let arguments = Arguments::parse();
    if arguments.log {
        vizpro_http_edge::telemetry::init_tracing("info,sqlx=warn,async_nats=warn", true);
    }
    let chosen = |name: &str| arguments.only.iter().any(|only| only == name);
    // Each measurement starts from a quiet database server: a database left behind would still be
    // vacuumed while the next run measures. The rebuild goes first, before any platform runs: the
    // platform's relay and projector cannot be stopped, and would go on asking for their dropped
    // database beside the rebuild and its baseline.
    if chosen("rebuild") {
        rebuild(&arguments).await?;
    }
    if !chosen("lag") && !chosen("cached-get") {
        return Ok(());
    }
    let database_url = fresh_database(&arguments.server).await?;
    let base = serve(vizpro::build_with(settings(&database_url)).await?).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let token = sign_in(&client, &base).await?;
    if chosen("lag") {
        lag(&arguments, &client, &base, &token).await?;
    }
    if chosen("cached-get") {
        cached_get(&arguments, &client, &base, &token).await?;
    }
    drop_database(&arguments.server, &database_url).await
}

/// Drops a database `fresh_database` made, cutting off the connections still open to it.
async fn drop_database(server: &str, database_url: &str) -> anyhow::Result<()> {
    let name = database_url
        .rsplit('/')
        .next()
        .context("a database URL ends with its name")?;
    let mut admin = PgConnection::connect(&format!("{server}/postgres")).await?;
    sqlx::query(&format!("drop database if exists {name} with (force)"))
        .execute(&mut admin)
        .await?;
    Ok(())
}

/// Commands at a steady rate; each is followed by a GET that carries its position, and the lag is the
/// time from the command's answer to that GET's answer.
async fn lag(
    arguments: &Arguments,
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> anyhow::Result<()> {
    let writers = 20_u32;
    let mut dashboards = Vec::new();
    for number in 0..writers {
        let created = post(
            client,
            format!("{base}/api/v1/dashboards"),
            token,
            json!({"name": format!("Lag {number}")}),
        )
        .await?;
        dashboards.push(created["id"].as_str().unwrap_or_default().to_owned());
    }
    let interval = Duration::from_secs_f64(f64::from(writers) / f64::from(arguments.rate.max(1)));
    let until = Instant::now() + Duration::from_secs(arguments.seconds);
    // The writers take turns, one every `interval / writers`, so that commands arrive at the steady rate
    // the target names; started together they would send their commands in bursts of `writers` at once,
    // and the figure would measure how long the last of each burst queues behind the others.
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::new();
    for (turn, dashboard) in (0_u32..).zip(dashboards) {
        let client = client.clone();
        let base = base.to_owned();
        let token = token.to_owned();
        let first_tick = start + interval * turn / writers;
        tasks.push(tokio::spawn(async move {
            let mut ticker = tokio::time::interval_at(first_tick, interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut lags = Vec::new();
            let mut round = 0_u64;
            while Instant::now() < until {
                ticker.tick().await;
                round += 1;
                let written: Value = client
                    .patch(format!("{base}/api/v1/dashboards/{dashboard}"))
                    .bearer_auth(&token)
                    .json(&json!({"name": format!("Lag round {round}")}))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let answered = Instant::now();
                let position = written["position"].as_i64().unwrap_or_default();
                let read = client
                    .get(format!("{base}/api/v1/dashboards/{dashboard}"))
                    .bearer_auth(&token)
                    .header("x-min-position", position)
                    .send()
                    .await?;
                let status = read.status();
                if !status.is_success() {
                    let problem = read.text().await.unwrap_or_default();
                    anyhow::bail!("the read answered {status}: {problem}");
                }
                lags.push(answered.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok(lags)
        }));
    }
    let mut lags = Vec::new();
    for task in tasks {
        lags.extend(task.await??);
    }
    lags.sort_by(f64::total_cmp);
    let achieved = lags.len() as f64 / arguments.seconds as f64;
    println!(
        "\nlag: command answered → visible in the query API, {achieved:.0} commands/s for {} s",
        arguments.seconds
    );
    println!(
        "  p50 {:.1} ms   p99 {:.1} ms   (target p50 ≤ 10 ms, p99 ≤ 50 ms at 500 commands/s)",
        percentile(&lags, 0.50),
        percentile(&lags, 0.99)
    );
    Ok(())
}

/// A warm 8-tile dashboard served from Redis, beside axum doing one Redis GET per request.
async fn cached_get(
    arguments: &Arguments,
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> anyhow::Result<()> {
    let dataset = post(
        client,
        format!("{base}/api/v1/datasets"),
        token,
        json!({"name": "Orders", "source": {"kind": "upload"}}),
    )
    .await?;
    upload_orders(
        client,
        base,
        token,
        dataset["id"].as_str().unwrap_or_default(),
    )
    .await?;
    let dashboard = post(
        client,
        format!("{base}/api/v1/dashboards"),
        token,
        json!({"name": "Cached"}),
    )
    .await?;
    let mut first_chart = String::new();
    let dashboard_id = dashboard["id"].as_str().unwrap_or_default().to_owned();
    let mut position = 0;
    for tile in 0..8 {
        let chart = post(
            client,
            format!("{base}/api/v1/charts"),
            token,
            json!({"dataset_id": dataset["id"], "name": format!("Chart {tile}"), "chart_type": "bar",
                   "spec": {"query": {"mode": "builder", "dimensions": [{"column": "region"}],
                            "measures": [{"aggregate": "sum", "column": "amount"}], "filters": [], "sort": []}}}),
        )
        .await?;
        if first_chart.is_empty() {
            first_chart = chart["id"].as_str().unwrap_or_default().to_owned();
        }
        let added = post(
            client,
            format!("{base}/api/v1/dashboards/{dashboard_id}/tiles"),
            token,
            json!({"chart_id": chart["id"], "x": (tile % 2) * 6, "y": (tile / 2) * 4, "w": 6, "h": 4}),
        )
        .await?;
        position = added["position"].as_i64().unwrap_or_default();
    }
    let url = format!("{base}/api/v1/dashboards/{dashboard_id}");
    let warm = client
        .get(&url)
        .bearer_auth(token)
        .header("x-min-position", position)
        .send()
        .await?;
    anyhow::ensure!(
        warm.status().is_success(),
        "warming answered {}",
        warm.status()
    );
    // The projector bumps the document's generation just after the commit that the warming read waited
    // for, so the document that read stored may be replaced once more; the figure is of the steady state.
    let mut cache = String::new();
    for _ in 0..50 {
        let check = client.get(&url).bearer_auth(token).send().await?;
        cache = check
            .headers()
            .get("x-cache")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("?")
            .to_owned();
        if cache == "hit" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let redis = redis::Client::open("redis://127.0.0.1:6379")?;
    let connection = redis::aio::ConnectionManager::new(redis).await?;
    let mut setup = connection.clone();
    let document: String = client
        .get(&url)
        .bearer_auth(token)
        .send()
        .await?
        .text()
        .await?;
    let chart_url = format!("{base}/api/v1/charts/{first_chart}/data");
    let chart_body: String = client
        .get(&chart_url)
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let chart_check = client.get(&chart_url).bearer_auth(token).send().await?;
    let chart_cache = chart_check
        .headers()
        .get("x-cache")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("?")
        .to_owned();
    redis::cmd("SET")
        .arg("vizpro-bench:hello")
        .arg(&document)
        .query_async::<()>(&mut setup)
        .await?;
    redis::cmd("SET")
        .arg("vizpro-bench:hello-chart")
        .arg(&chart_body)
        .query_async::<()>(&mut setup)
        .await?;
    // The baselines return values of the same sizes as the two answers measured against them.
    let hello_route = |key: &'static str| {
        let connection = connection.clone();
        get(move || {
            let mut connection = connection.clone();
            async move {
                let value: Option<String> = redis::cmd("GET")
                    .arg(key)
                    .query_async(&mut connection)
                    .await
                    .unwrap_or(None);
                value.unwrap_or_default()
            }
        })
    };
    let hello = axum::Router::new()
        .route("/hello", hello_route("vizpro-bench:hello"))
        .route("/hello-chart", hello_route("vizpro-bench:hello-chart"));
    let hello_base = serve(hello).await?;

    let duration = Duration::from_secs(arguments.seconds.min(5));
    let baseline = hammer(
        client,
        format!("{hello_base}/hello"),
        None,
        arguments.clients,
        duration,
    )
    .await?;
    let ours = hammer(
        client,
        url,
        Some(token.to_owned()),
        arguments.clients,
        duration,
    )
    .await?;
    println!(
        "\ncached dashboard GET (8 tiles, X-Cache: {cache}), {} clients for {} s",
        arguments.clients,
        duration.as_secs()
    );
    println!("  baseline: axum hello-world + one Redis GET   {baseline:>8.0} requests/s");
    println!(
        "  vizpro GET /api/v1/dashboards/{{id}}           {ours:>8.0} requests/s   {:.2}× (target ≥ 0.6×)",
        ours / baseline
    );

    let chart_baseline = hammer(
        client,
        format!("{hello_base}/hello-chart"),
        None,
        arguments.clients,
        duration,
    )
    .await?;
    let chart_ours = hammer(
        client,
        chart_url,
        Some(token.to_owned()),
        arguments.clients,
        duration,
    )
    .await?;
    println!(
        "\ncached chart-data GET ({} bytes, X-Cache: {chart_cache}), {} clients for {} s",
        chart_body.len(),
        arguments.clients,
        duration.as_secs()
    );
    println!("  baseline: axum hello-world + one Redis GET   {chart_baseline:>8.0} requests/s");
    println!(
        "  vizpro GET /api/v1/charts/{{id}}/data          {chart_ours:>8.0} requests/s   {:.2}× (target ≥ 0.6×)",
        chart_ours / chart_baseline
    );
    Ok(())
}

/// Uploads a few thousand orders as the dataset's first version, so that its charts have data.
async fn upload_orders(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    dataset_id: &str,
) -> anyhow::Result<()> {
    let mut csv = String::from("region,amount\n");
    for row in 0..5_000 {
        let region = ["north", "south", "east", "west"][row % 4];
        csv.push_str(&format!("{region},{}\n", (row * 37) % 1_000));
    }
    let boundary = "vizpro-bench-boundary";
    let body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"orders.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    client
        .post(format!("{base}/api/v1/datasets/{dataset_id}/versions"))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

async fn hammer(
    client: &reqwest::Client,
    url: String,
    token: Option<String>,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = client.clone();
        let url = url.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut count = 0_u64;
            while started.elapsed() < duration {
                let mut request = client.get(&url);
                if let Some(token) = &token {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await?;
                anyhow::ensure!(
                    response.status().is_success(),
                    "GET answered {}",
                    response.status()
                );
                let _ = response.bytes().await?;
                count += 1;
            }
            anyhow::Ok(count)
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Rounds of the rebuild measurement, each a scan and a rebuild.
const ROUNDS: usize = 3;

/// Fills an event store with dashboards (created, renamed, re-described, filtered), then rebuilds every
/// projection and, in the same run, scans the events table in commit order.
async fn rebuild(arguments: &Arguments) -> anyhow::Result<()> {
    let database_url = fresh_database(&arguments.server).await?;
    let pool = PgPool::connect(&database_url).await?;
    vizpro_migrations::run(&pool).await?;
    let streams = (arguments.events / 4).max(1);
    let generating = Instant::now();
    // Generated in bulk: the hash chain is not what this measures, so every hash is a placeholder.
    sqlx::query(
        "insert into events (event_id, stream_type, stream_id, version, event_type, schema_version, payload, metadata, recorded_at, hash) \
         select gen_random_uuid(), 'dashboard', s.id, v.version, v.event_type, 1, \
                case v.version \
                  when 1 then jsonb_build_object('dashboard_id', s.id, 'owner_id', s.owner, 'name', 'Dashboard ' || s.n, \
                                                 'description', '', 'slug', 'dashboard-' || s.n) \
                  when 2 then jsonb_build_object('name', 'Renamed ' || s.n) \
                  when 3 then jsonb_build_object('description', 'About dashboard ' || s.n) \
                  else jsonb_build_object('filters', '[]'::jsonb) end, \
                jsonb_build_object('correlation_id', gen_random_uuid()), now(), '\\x00' \
           from (select n, gen_random_uuid() as id, gen_random_uuid() as owner from generate_series(1, $1) n) s \
          cross join (values (1, 'created'), (2, 'renamed'), (3, 'description_changed'), (4, 'filters_changed')) v(version, event_type) \
          order by s.n, v.version",
    )
    .bind(streams)
    .execute(&pool)
    .await?;
    // Settled as a store is after its first autovacuum, so that neither side of the measurement pays for
    // setting hint bits or meets the autovacuum daemon halfway.
    sqlx::query("vacuum (analyze, freeze) events")
        .execute(&pool)
        .await?;
    let total: i64 = sqlx::query_scalar("select count(*) from events")
        .fetch_one(&pool)
        .await?;
    println!(
        "\nrebuild: {total} events generated in {:.1} s",
        generating.elapsed().as_secs_f64()
    );

    let mut projector_settings = settings(&database_url).projector;
    projector_settings.database_max_connections = 4;
    let projector = vizpro_projector::Projector::build(projector_settings).await?;
    // Scans and rebuilds take turns, and each figure is the median of its rounds, so that a passing
    // disturbance on the machine weighs on both sides alike rather than on one run of one of them.
    let mut scan_seconds = Vec::new();
    let mut rebuild_seconds = Vec::new();
    let mut projections = 0;
    for _ in 0..ROUNDS {
        let scanning = Instant::now();
        let mut rows = sqlx::query(
            "select position, transaction_id::text::bigint, event_id, stream_type, stream_id, version, event_type, \
                    schema_version, payload, metadata, recorded_at from events \
             order by events.transaction_id, events.position",
        )
        .fetch(&pool);
        let mut scanned = 0_i64;
        while let Some(row) = rows.next().await {
            row?;
            scanned += 1;
        }
        drop(rows);
        anyhow::ensure!(
            scanned == total,
            "the scan read {scanned} of {total} events"
        );
        scan_seconds.push(scanning.elapsed().as_secs_f64());

        let rebuilding = Instant::now();
        let reports = projector.rebuild("all").await?;
        rebuild_seconds.push(rebuilding.elapsed().as_secs_f64());
        projections = reports.len();
    }
    let median = |seconds: &mut Vec<f64>| {
        seconds.sort_by(f64::total_cmp);
        seconds[seconds.len() / 2]
    };
    let scan_rate = total as f64 / median(&mut scan_seconds);
    let rebuild_rate = total as f64 / median(&mut rebuild_seconds);
    println!(
        "  baseline: raw scan of the events table in commit order   {scan_rate:>10.0} events/s (median of {ROUNDS})"
    );
    println!(
        "  rebuild of all {projections} projections into shadow tables + swap    {rebuild_rate:>10.0} events/s   {:.2}× (target ≥ 0.5×)",
        rebuild_rate / scan_rate
    );
    drop(projector);
    pool.close().await;
    drop_database(&arguments.server, &database_url).await
}
