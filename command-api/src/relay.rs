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
use vizpro_events::wire;

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
    /// The largest message the stream stores (`max_msg_size`); a larger event goes out without its
    /// payload. Normally [`vizpro_events::MAX_MESSAGE_BYTES`].
    pub max_message_bytes: usize,
    /// How long the stream keeps events; zero keeps them forever.
    pub max_age: Duration,
    /// How many bytes the stream keeps before it drops its oldest events; zero keeps everything.
    pub max_bytes: u64,
}

impl RelaySettings {
    /// The stream as the relay needs it. Everything here is checked against an existing stream.
    fn stream_config(&self) -> jetstream::stream::Config {
        jetstream::stream::Config {
            name: self.stream_name.clone(),
            subjects: vec![format!("{}.>", self.subject_prefix)],
            duplicate_window: self.duplicate_window,
            storage: jetstream::stream::StorageType::File,
            max_message_size: i32::try_from(self.max_message_bytes).unwrap_or(i32::MAX),
            max_age: self.max_age,
            max_bytes: if self.max_bytes == 0 {
                -1
            } else {
                i64::try_from(self.max_bytes).unwrap_or(i64::MAX)
            },
            ..Default::default()
        }
    }
}

/// What the relay reports about itself (for `/readyz` and metrics).
#[derive(Debug, Default)]
pub struct RelayStatus {
    pub leader: AtomicBool,
    pub published_total: AtomicU64,
    pub checkpoint: Mutex<CommitCheckpoint>,
    pub backlog_events: AtomicU64,
    pub last_error: Mutex<Option<String>>,
    /// Events published without their payload because they were larger than the largest message.
    pub payloads_omitted: AtomicU64,
    /// The last of those, for an operator to look at.
    pub last_omitted_event: Mutex<Option<uuid::Uuid>>,
    /// Why the relay refuses the existing stream's settings, while it does.
    pub stream_refused: Mutex<Option<String>>,
    /// Seconds the oldest writing transaction in the cluster has been running: it holds every
    /// commit-order reader back.
    pub horizon_age_seconds: Mutex<f64>,
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
    ensure_stream(&jetstream, settings, leadership, status).await?;
    let mut checkpoint = load_checkpoint(pool, &settings.stream_name).await?;
    // The event the next message must follow in the stream (JetStream refuses it otherwise), so that a
    // message the NATS client still held from before a failure can never land out of commit order.
    let mut last_published = event_id_at(pool, checkpoint).await?;
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
            report_lag(&store, checkpoint, status).await;
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
        match publish_batch(&jetstream, nats, settings, &events, last_published, status).await {
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
                last_published = Some(last.event_id);
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
            Err(failure) => {
                metrics::counter!("vizpro_relay_publish_failures_total").increment(1);
                tracing::warn!(error = %failure.reason, retry_in_ms = backoff.as_millis() as u64, "publishing to JetStream failed");
                *status.last_error.lock().await = Some(failure.reason);
                if failure.out_of_sequence {
                    // The stream does not end where the relay thought: it ends with whatever it stored last
                    // (more, if a previous leader published past its saved checkpoint). Carry on from there.
                    if let Some((stored_checkpoint, stored_event)) =
                        stream_end(&jetstream, settings, pool).await?
                    {
                        tracing::info!(position = stored_checkpoint.position, event_id = %stored_event, "the relay continues after the last event the stream holds");
                        checkpoint = stored_checkpoint;
                        last_published = Some(stored_event);
                        *status.checkpoint.lock().await = checkpoint;
                        continue;
                    }
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// The id of the event a checkpoint ends with; none for the start of the history.
async fn event_id_at(
    pool: &PgPool,
    checkpoint: CommitCheckpoint,
) -> Result<Option<uuid::Uuid>, sqlx::Error> {
    if checkpoint == CommitCheckpoint::default() {
        return Ok(None);
    }
    sqlx::query_scalar("select event_id from events where position = $1")
        .bind(checkpoint.position)
        .fetch_optional(pool)
        .await
}

/// The last event the stream holds, with its checkpoint; none when the stream is empty or its last
/// message is not one of this event store's events.
async fn stream_end(
    jetstream: &jetstream::Context,
    settings: &RelaySettings,
    pool: &PgPool,
) -> Result<Option<(CommitCheckpoint, uuid::Uuid)>, RelayError> {
    let Ok(mut stream) = jetstream.get_stream(&settings.stream_name).await else {
        return Ok(None);
    };
    let Ok(info) = stream.info().await else {
        return Ok(None);
    };
    let last_sequence = info.state.last_sequence;
    if last_sequence == 0 {
        return Ok(None);
    }
    let Ok(message) = stream.get_raw_message(last_sequence).await else {
        return Ok(None);
    };
    let Some(event_id) = message
        .headers
        .get(wire::MESSAGE_ID)
        .and_then(|value| value.as_str().parse::<uuid::Uuid>().ok())
    else {
        return Ok(None);
    };
    let row: Option<(i64, i64)> = sqlx::query_as(
        "select vizpro_commit_key(position, transaction_id), position from events where event_id = $1",
    )
    .bind(event_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(transaction_id, position)| {
        (
            CommitCheckpoint {
                transaction_id,
                position,
            },
            event_id,
        )
    }))
}

/// Why a batch was not published.
struct PublishFailure {
    reason: String,
    /// JetStream refused a message because the stream does not end with the event it follows.
    out_of_sequence: bool,
}

/// How long JetStream remembers message ids to drop republished events: far longer than a relay takes to
/// restart and republish what it published after its last saved checkpoint.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(600);

/// The longest a busy relay goes without saving its checkpoint; far shorter than JetStream's duplicate
/// window, so that whatever a restarted relay publishes again is recognised as a duplicate.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(100);

async fn ensure_stream(
    jetstream: &jetstream::Context,
    settings: &RelaySettings,
    leadership: &mut PgConnection,
    status: &RelayStatus,
) -> Result<(), RelayError> {
    let mut backoff = Duration::from_millis(100);
    loop {
        match check_stream(jetstream, settings).await {
            Ok(()) => {
                *status.stream_refused.lock().await = None;
                return Ok(());
            }
            Err(StreamSetup::Refused(reason)) => {
                // Publishing into a stream that does not drop duplicates, or keeps them in memory, would
                // quietly break the delivery contract: the relay stays idle and says so until it is fixed.
                tracing::error!(stream = %settings.stream_name, reason = %reason, "the event stream's settings are refused; nothing is published until they are fixed");
                metrics::counter!("vizpro_relay_stream_refused_total").increment(1);
                *status.stream_refused.lock().await = Some(reason.clone());
                *status.last_error.lock().await = Some(reason);
                backoff = Duration::from_secs(5);
            }
            Err(StreamSetup::Unreachable(error)) => {
                tracing::warn!(error = %error, "cannot reach JetStream to set up the event stream; retrying");
            }
        }
        sqlx::query("select 1")
            .execute(&mut *leadership)
            .await
            .map_err(|_| RelayError::LeadershipLost)?;
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Why the event stream could not be set up.
enum StreamSetup {
    /// JetStream did not answer; worth retrying.
    Unreachable(String),
    /// The stream exists with settings the relay cannot publish into and cannot change.
    Refused(String),
}

/// Creates the event stream, or checks an existing one and updates what differs from the settings. A
/// stream whose storage differs (which JetStream cannot change) or whose settings do not take is refused.
async fn check_stream(
    jetstream: &jetstream::Context,
    settings: &RelaySettings,
) -> Result<(), StreamSetup> {
    let wanted = settings.stream_config();
    let existing = match jetstream.get_stream(&settings.stream_name).await {
        Ok(stream) => Some(stream.cached_info().config.clone()),
        Err(error)
            if matches!(error.kind(), jetstream::context::GetStreamErrorKind::JetStream(cause)
                if cause.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND) =>
        {
            None
        }
        Err(error) => return Err(StreamSetup::Unreachable(error.to_string())),
    };
    let Some(existing) = existing else {
        let created = jetstream
            .create_stream(wanted.clone())
            .await
            .map_err(|error| StreamSetup::Unreachable(error.to_string()))?;
        tracing::info!(stream = %settings.stream_name, "created the event stream");
        let differences = stream_differences(&created.cached_info().config, &wanted);
        return match differences.is_empty() {
            true => Ok(()),
            false => Err(StreamSetup::Refused(format!(
                "the stream was created with other settings than asked: {}",
                differences.join(", ")
            ))),
        };
    };
    if existing.storage != wanted.storage {
        return Err(StreamSetup::Refused(format!(
            "stream {} keeps its messages in {:?} storage, not {:?}, and JetStream cannot change that: \
             delete it or name another stream (VIZPRO_NATS_STREAM)",
            settings.stream_name, existing.storage, wanted.storage
        )));
    }
    let differences = stream_differences(&existing, &wanted);
    if differences.is_empty() {
        return Ok(());
    }
    tracing::warn!(stream = %settings.stream_name, differences = %differences.join(", "), "the event stream's settings differ from the relay's; updating them");
    let mut update = existing.clone();
    update.subjects = wanted.subjects.clone();
    update.duplicate_window = wanted.duplicate_window;
    update.max_message_size = wanted.max_message_size;
    update.max_age = wanted.max_age;
    update.max_bytes = wanted.max_bytes;
    let updated = jetstream.update_stream(&update).await.map_err(|error| {
        StreamSetup::Refused(format!(
            "stream {} has other settings ({}) and refused the update: {error}",
            settings.stream_name,
            differences.join(", ")
        ))
    })?;
    let remaining = stream_differences(&updated.config, &wanted);
    if remaining.is_empty() {
        Ok(())
    } else {
        Err(StreamSetup::Refused(format!(
            "stream {} kept other settings after the update: {}",
            settings.stream_name,
            remaining.join(", ")
        )))
    }
}

/// The settings the relay relies on that differ between a stream and what it wants, for messages.
fn stream_differences(
    actual: &jetstream::stream::Config,
    wanted: &jetstream::stream::Config,
) -> Vec<String> {
    let compared = [
        (
            "subjects",
            format!("{:?}", actual.subjects),
            format!("{:?}", wanted.subjects),
        ),
        (
            "duplicate window",
            format!("{:?}", actual.duplicate_window),
            format!("{:?}", wanted.duplicate_window),
        ),
        (
            "max_msg_size",
            actual.max_message_size.to_string(),
            wanted.max_message_size.to_string(),
        ),
        (
            "max_age",
            format!("{:?}", actual.max_age),
            format!("{:?}", wanted.max_age),
        ),
        (
            "max_bytes",
            actual.max_bytes.to_string(),
            wanted.max_bytes.to_string(),
        ),
        (
            "storage",
            format!("{:?}", actual.storage),
            format!("{:?}", wanted.storage),
        ),
    ];
    compared
        .into_iter()
        .filter(|(_, actual, wanted)| actual != wanted)
        .map(|(setting, actual, wanted)| format!("{setting} {actual} instead of {wanted}"))
        .collect()
}

/// Publishes every event, then waits for every acknowledgement. Returns how many JetStream reported as
/// duplicates. Messages go out in order on one connection, so JetStream stores them in commit order.
async fn publish_batch(
    jetstream: &jetstream::Context,
    nats: &async_nats::Client,
    settings: &RelaySettings,
    events: &[StoredEvent],
    mut previous: Option<uuid::Uuid>,
    status: &RelayStatus,
) -> Result<usize, PublishFailure> {
    let failure = |reason: String| PublishFailure {
        reason,
        out_of_sequence: false,
    };
    // Both the server and the stream limit a message; the smaller limit decides.
    let largest_message = nats.max_payload().min(settings.max_message_bytes);
    let mut acknowledgements = Vec::with_capacity(events.len());
    for event in events {
        let subject = format!(
            "{}.{}.{}",
            settings.subject_prefix, event.stream_type, event.event_type
        );
        let (body, mut headers) = message(event, largest_message);
        if let Some(previous) = previous {
            headers.insert(
                async_nats::header::NATS_EXPECTED_LAST_MESSAGE_ID,
                previous.to_string().as_str(),
            );
        }
        previous = Some(event.event_id);
        if headers.get(wire::PAYLOAD_OMITTED).is_some() {
            status.payloads_omitted.fetch_add(1, Ordering::Relaxed);
            *status.last_omitted_event.lock().await = Some(event.event_id);
            metrics::counter!("vizpro_relay_payloads_omitted_total").increment(1);
            tracing::error!(
                event_id = %event.event_id, position = event.position, event_type = %event.event_type,
                largest_message,
                "an event is larger than the largest message; it is published without its payload, which subscribers fetch from the API"
            );
        }
        let publish = PublishMessage::build()
            .payload(body.into())
            .headers(headers);
        let acknowledgement = jetstream
            .send_publish(subject, publish)
            .await
            .map_err(|error| failure(format!("publish: {error}")))?;
        acknowledgements.push(acknowledgement);
    }
    let mut duplicates = 0;
    for acknowledgement in acknowledgements {
        let ack = acknowledgement.await.map_err(|error| PublishFailure {
            out_of_sequence: error.kind()
                == jetstream::context::PublishErrorKind::WrongLastMessageId,
            reason: format!("acknowledgement: {error}"),
        })?;
        if ack.duplicate {
            duplicates += 1;
        }
    }
    Ok(duplicates)
}

/// An event as a message: the envelope as the body, and the headers. An event whose message would be
/// larger than `largest_message` goes without its payload, with headers that say so and where the whole
/// event is, so that one event can never stop the relay.
fn message(event: &StoredEvent, largest_message: usize) -> (Vec<u8>, HeaderMap) {
    let mut headers = headers(event);
    let mut envelope = event.envelope_ref();
    let body = serde_json::to_vec(&envelope).expect("an envelope always encodes");
    if header_wire_len(&headers) + body.len() <= largest_message {
        return (body, headers);
    }
    let size = body.len();
    envelope.payload = &serde_json::Value::Null;
    headers.insert(wire::PAYLOAD_OMITTED, wire::PAYLOAD_OMITTED_TOO_LARGE);
    headers.insert(wire::PAYLOAD_SIZE, size.to_string().as_str());
    headers.insert(
        wire::PAYLOAD_LOCATION,
        wire::event_location(event.event_id).as_str(),
    );
    let body = serde_json::to_vec(&envelope).expect("an envelope always encodes");
    (body, headers)
}

/// The size the headers take on the wire (`NATS/1.0`, one `name: value` line each, a blank line), which
/// counts against the server's `max_payload` with the body.
fn header_wire_len(headers: &HeaderMap) -> usize {
    let lines: usize = headers
        .iter()
        .map(|(name, values)| {
            values
                .iter()
                .map(|value| name.to_string().len() + 2 + value.as_str().len() + 2)
                .sum::<usize>()
        })
        .sum();
    "NATS/1.0\r\n".len() + lines + 2
}

fn headers(event: &StoredEvent) -> HeaderMap {
    let mut headers = HeaderMap::new();
    // The event id as JetStream's message id, so that a republished event is dropped as a duplicate.
    // (Set in the map itself: the publish builder's `headers` replaces an id set by `message_id`.)
    headers.insert(wire::MESSAGE_ID, event.event_id.to_string().as_str());
    headers.insert(wire::POSITION, event.position.to_string().as_str());
    // With the position, the commit-order place of the event: consumers that keep a commit-order
    // checkpoint (the projector) compare against it.
    let place = event.checkpoint();
    headers.insert(
        wire::TRANSACTION_ID,
        place.cluster_transaction_id().to_string().as_str(),
    );
    headers.insert(wire::EPOCH, place.epoch().to_string().as_str());
    headers.insert(wire::STREAM_TYPE, event.stream_type.as_str());
    headers.insert(wire::STREAM_ID, event.stream_id.to_string().as_str());
    headers.insert(wire::VERSION, event.version.to_string().as_str());
    headers.insert(wire::EVENT_TYPE, event.event_type.as_str());
    headers.insert(
        wire::SCHEMA_VERSION,
        event.schema_version.to_string().as_str(),
    );
    headers.insert(
        wire::CORRELATION_ID,
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
async fn report_lag(store: &EventStore, checkpoint: CommitCheckpoint, status: &RelayStatus) {
    // Within the last epoch, what follows the checkpoint in commit order; a checkpoint of an earlier epoch
    // (after a restore) has everything after its position still to publish.
    let Ok(epochs) = store.epochs().await else {
        return;
    };
    let last = epochs.last().copied();
    let (transaction_id, position, floor) = match last {
        Some(last) if last.epoch == checkpoint.epoch() => (
            checkpoint.cluster_transaction_id(),
            checkpoint.position,
            last.first_position,
        ),
        _ => (0, 0, checkpoint.position),
    };
    let backlog: Result<(i64, Option<f64>, Option<f64>), _> = sqlx::query_as(
        "select \
           (select count(*) from (select 1 from events \
              where (transaction_id, position) > ($1::text::xid8, $2) and position > $3 \
              limit 1000000) pending), \
           (select extract(epoch from now() - recorded_at)::float8 from events \
              where (transaction_id, position) > ($1::text::xid8, $2) and position > $3 \
              order by transaction_id, position limit 1), \
           (select extract(epoch from now() - min(xact_start))::float8 from pg_stat_activity \
              where backend_xid is not null)",
    )
    .bind(transaction_id.to_string())
    .bind(position)
    .bind(floor)
    .fetch_one(store.pool())
    .await;
    if let Ok((pending, oldest_pending_seconds, horizon_age_seconds)) = backlog {
        status
            .backlog_events
            .store(pending.max(0) as u64, Ordering::Relaxed);
        metrics::gauge!("vizpro_relay_backlog_events").set(pending as f64);
        metrics::gauge!("vizpro_relay_lag_seconds").set(oldest_pending_seconds.unwrap_or(0.0));
        metrics::gauge!("vizpro_event_store_horizon_age_seconds")
            .set(horizon_age_seconds.unwrap_or(0.0));
        *status.horizon_age_seconds.lock().await = horizon_age_seconds.unwrap_or(0.0);
    }
}
