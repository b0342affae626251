//! The relay: publishes committed events to NATS JetStream in commit order.
//!
//! The events table is the outbox. The relay reads it with [`EventStore::read_committed`] (below the
//! transaction-id horizon, ordered by `(transaction_id, position)`), publishes each event with
//! `Nats-Msg-Id` set to the event id so JetStream drops duplicates, and only after JetStream has
//! acknowledged a whole batch moves its checkpoint. A crash between publish and checkpoint therefore
//! republishes, and JetStream's duplicate window turns that into exactly one stored message.
//!
//! Only one relay publishes at a time: the leader holds a PostgreSQL session advisory lock on a
//! connection of its own. Other instances wait as standbys and take over when that connection ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::{self, message::PublishMessage};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::Mutex;
use vizpro_event_store::{CommitCheckpoint, EventStore, StoredEvent, leadership};

/// How the relay publishes.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// The JetStream stream, e.g. `VIZPRO_EVENTS`; also names the relay's checkpoint.
    pub stream_name: String,
    /// Subjects are `<prefix>.<stream_type>.<event_type>`.
    pub subject_prefix: String,
    /// Events read and published per batch.
    pub batch: i64,
    /// Pause between polls when nothing new was committed.
    pub idle: Duration,
    /// How long JetStream keeps message ids to drop duplicates.
    pub duplicate_window: Duration,
}

/// What the relay reports about itself (for `/readyz` and metrics).
#[derive(Debug, Default)]
pub struct RelayStatus {
    pub leader: AtomicBool,
    pub published_total: AtomicU64,
    pub checkpoint: Mutex<CommitCheckpoint>,
    pub backlog_events: AtomicU64,
    pub last_error: Mutex<Option<String>>,
    /// Signalled after every append in this process, so that the relay publishes without waiting for its
    /// next poll.
    pub wake: tokio::sync::Notify,
}

/// Why leading stopped.
#[derive(Debug, thiserror::Error)]
enum RelayError {
    #[error("event store: {0}")]
    Store(#[from] vizpro_event_store::StoreError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the leadership connection was lost")]
    LeadershipLost,
}

/// Runs forever: waits for leadership, then publishes.
pub async fn run(
    pool: PgPool,
    nats: async_nats::Client,
    settings: RelaySettings,
    status: Arc<RelayStatus>,
) {
    let role = format!("relay:{}", settings.stream_name);
    loop {
        let mut leadership = match leadership::try_acquire(&pool, &role).await {
            Ok(Some(connection)) => connection,
            Ok(None) => {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            Err(error) => {
                tracing::warn!(error = %error, "relay cannot reach the database; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        status.leader.store(true, Ordering::Relaxed);
        tracing::info!(stream = %settings.stream_name, "relay is the leader and starts publishing");
        let outcome = lead(&pool, &mut leadership, &nats, &settings, &status).await;
        status.leader.store(false, Ordering::Relaxed);
        if let Err(error) = outcome {
            tracing::warn!(error = %error, "relay stopped leading; it will try to lead again");
            *status.last_error.lock().await = Some(error.to_string());
        }
        drop(leadership.close().await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn lead(
    pool: &PgPool,
    leadership: &mut PgConnection,
    nats: &async_nats::Client,
    settings: &RelaySettings,
    status: &RelayStatus,
) -> Result<(), RelayError> {
    let store = EventStore::new(pool.clone());
    let jetstream = jetstream::new(nats.clone());
    ensure_stream(&jetstream, settings, leadership).await?;
    let mut checkpoint = load_checkpoint(pool, &settings.stream_name).await?;
    let mut saved_checkpoint = checkpoint;
    let mut last_save = tokio::time::Instant::now();
    *status.checkpoint.lock().await = checkpoint;
    let mut backoff = Duration::from_millis(50);
    let mut last_liveness_check = tokio::time::Instant::now();
    let mut last_lag_report = tokio::time::Instant::now() - Duration::from_secs(10);
    loop {
        if last_liveness_check.elapsed() > Duration::from_secs(1) {
            sqlx::query("select 1")
                .execute(&mut *leadership)
                .await
                .map_err(|_| RelayError::LeadershipLost)?;
            last_liveness_check = tokio::time::Instant::now();
        }
        if last_lag_report.elapsed() > Duration::from_secs(1) {
            report_lag(pool, checkpoint, status).await;
            last_lag_report = tokio::time::Instant::now();
        }
        let events = store.read_committed(checkpoint, settings.batch).await?;
        if events.is_empty() && saved_checkpoint != checkpoint {
            save_checkpoint(pool, &settings.stream_name, checkpoint).await?;
            saved_checkpoint = checkpoint;
            last_save = tokio::time::Instant::now();
        }
        let Some(last) = events.last() else {
            // Appends in this process wake the relay at once; appends by other instances are found by
            // polling again after the idle pause.
            tokio::select! {
                () = tokio::time::sleep(settings.idle) => {}
                () = status.wake.notified() => {}
            }
            continue;
        };
        let next_checkpoint = last.checkpoint();
        match publish_batch(&jetstream, settings, &events).await {
            Ok(duplicates) => {
                // The checkpoint is saved when the relay runs out of events and at least every
                // CHECKPOINT_INTERVAL while it is busy, not after every batch: three round trips less in
                // every event's way. A relay that dies republishes what it published since, which
                // JetStream drops as duplicates by their message ids.
                if last_save.elapsed() >= CHECKPOINT_INTERVAL {
                    save_checkpoint(pool, &settings.stream_name, next_checkpoint).await?;
                    saved_checkpoint = next_checkpoint;
                    last_save = tokio::time::Instant::now();
                }
                checkpoint = next_checkpoint;
                *status.checkpoint.lock().await = checkpoint;
                status
                    .published_total
                    .fetch_add(events.len() as u64, Ordering::Relaxed);
                metrics::counter!("vizpro_relay_published_total").increment(events.len() as u64);
                metrics::gauge!("vizpro_relay_checkpoint_position").set(checkpoint.position as f64);
                if duplicates > 0 {
                    tracing::info!(
                        duplicates,
                        "JetStream dropped republished events as duplicates"
                    );
                }
                backoff = Duration::from_millis(50);
            }
            Err(error) => {
                metrics::counter!("vizpro_relay_publish_failures_total").increment(1);
                tracing::warn!(error = %error, retry_in_ms = backoff.as_millis() as u64, "publishing to JetStream failed");
                *status.last_error.lock().await = Some(error.to_string());
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// The longest a busy relay goes without saving its checkpoint; far shorter than JetStream's duplicate
/// window, so that whatever a restarted relay publishes again is recognised as a duplicate.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(100);

async fn ensure_stream(
    jetstream: &jetstream::Context,
    settings: &RelaySettings,
    leadership: &mut PgConnection,
) -> Result<(), RelayError> {
    let mut backoff = Duration::from_millis(100);
    loop {
        let config = jetstream::stream::Config {
            name: settings.stream_name.clone(),
            subjects: vec![format!("{}.>", settings.subject_prefix)],
            duplicate_window: settings.duplicate_window,
            storage: jetstream::stream::StorageType::File,
            ..Default::default()
        };
        match jetstream.get_or_create_stream(config).await {
            Ok(_) => return Ok(()),
            Err(error) => {
                tracing::warn!(error = %error, "cannot reach JetStream to set up the event stream; retrying");
                sqlx::query("select 1")
                    .execute(&mut *leadership)
                    .await
                    .map_err(|_| RelayError::LeadershipLost)?;
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// Publishes every event, then waits for every acknowledgement. Returns how many JetStream reported as
/// duplicates. Messages go out in order on one connection, so JetStream stores them in commit order.
async fn publish_batch(
    jetstream: &jetstream::Context,
    settings: &RelaySettings,
    events: &[StoredEvent],
) -> Result<usize, String> {
    let mut acknowledgements = Vec::with_capacity(events.len());
    for event in events {
        let subject = format!(
            "{}.{}.{}",
            settings.subject_prefix, event.stream_type, event.event_type
        );
        let body = serde_json::to_vec(&event.envelope()).map_err(|error| error.to_string())?;
        let publish = PublishMessage::build()
            .payload(body.into())
            .message_id(event.event_id.to_string())
            .headers(headers(event));
        let acknowledgement = jetstream
            .send_publish(subject, publish)
            .await
            .map_err(|error| format!("publish: {error}"))?;
        acknowledgements.push(acknowledgement);
    }
    let mut duplicates = 0;
    for acknowledgement in acknowledgements {
        let ack = acknowledgement
            .await
            .map_err(|error| format!("acknowledgement: {error}"))?;
        if ack.duplicate {
            duplicates += 1;
        }
    }
    Ok(duplicates)
}

fn headers(event: &StoredEvent) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("Vizpro-Position", event.position.to_string().as_str());
    // With the position, the commit-order place of the event: consumers that keep a commit-order
    // checkpoint (the projector) compare against it.
    headers.insert(
        "Vizpro-Transaction-Id",
        event.transaction_id.to_string().as_str(),
    );
    headers.insert("Vizpro-Stream-Type", event.stream_type.as_str());
    headers.insert("Vizpro-Stream-Id", event.stream_id.to_string().as_str());
    headers.insert("Vizpro-Version", event.version.to_string().as_str());
    headers.insert("Vizpro-Event-Type", event.event_type.as_str());
    headers.insert(
        "Vizpro-Schema-Version",
        event.schema_version.to_string().as_str(),
    );
    headers.insert(
        "Vizpro-Correlation-Id",
        event.metadata.correlation_id.to_string().as_str(),
    );
    headers
}

async fn load_checkpoint(pool: &PgPool, name: &str) -> Result<CommitCheckpoint, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "select transaction_id::text::bigint, position from relay_checkpoints where name = $1",
    )
    .bind(name)
    .fetch_optional(pool)
    .await?;
    Ok(row
        .map(|(transaction_id, position)| CommitCheckpoint {
            transaction_id,
            position,
        })
        .unwrap_or_default())
}

async fn save_checkpoint(
    pool: &PgPool,
    name: &str,
    checkpoint: CommitCheckpoint,
) -> Result<(), sqlx::Error> {
    // A checkpoint lost in a database crash only means republishing a few events, which JetStream drops
    // as duplicates by their message ids; so the commit does not wait for the disk, which would put a
    // flush into every event's way to the read models.
    let mut transaction = pool
        .begin_with("begin; set local synchronous_commit = off")
        .await?;
    sqlx::query(
        "insert into relay_checkpoints (name, transaction_id, position, updated_at) \
         values ($1, $2::text::xid8, $3, now()) \
         on conflict (name) do update set transaction_id = excluded.transaction_id, \
                                          position = excluded.position, updated_at = now()",
    )
    .bind(name)
    .bind(checkpoint.transaction_id.to_string())
    .bind(checkpoint.position)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(())
}

/// Publishes how far behind the relay is, and how long the oldest writing transaction in the cluster has
/// been holding every commit-order reader back.
async fn report_lag(pool: &PgPool, checkpoint: CommitCheckpoint, status: &RelayStatus) {
    let backlog: Result<(i64, Option<f64>, Option<f64>), _> = sqlx::query_as(
        "select \
           (select count(*) from (select 1 from events \
              where (transaction_id, position) > ($1::text::xid8, $2) limit 1000000) pending), \
           (select extract(epoch from now() - recorded_at)::float8 from events \
              where (transaction_id, position) > ($1::text::xid8, $2) \
              order by transaction_id, position limit 1), \
           (select extract(epoch from now() - min(xact_start))::float8 from pg_stat_activity \
              where backend_xid is not null)",
    )
    .bind(checkpoint.transaction_id.to_string())
    .bind(checkpoint.position)
    .fetch_one(pool)
    .await;
    if let Ok((pending, oldest_pending_seconds, horizon_age_seconds)) = backlog {
        status
            .backlog_events
            .store(pending.max(0) as u64, Ordering::Relaxed);
        metrics::gauge!("vizpro_relay_backlog_events").set(pending as f64);
        metrics::gauge!("vizpro_relay_lag_seconds").set(oldest_pending_seconds.unwrap_or(0.0));
        metrics::gauge!("vizpro_event_store_horizon_age_seconds")
            .set(horizon_age_seconds.unwrap_or(0.0));
    }
}
