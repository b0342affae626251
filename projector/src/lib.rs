//! The projector: keeps vizpro's read models current from the JetStream event stream, and rebuilds them
//! from the event store.
//!
//! **Applying.** Each event is applied to every projection in one PostgreSQL transaction. Each projection
//! has its own checkpoint row, `(transaction_id, position)` in commit order, locked and advanced in that
//! same transaction; an event at or before a projection's checkpoint is skipped, so redelivery and replay
//! change nothing. Each projection runs inside a savepoint: an event it cannot apply is rolled back for that
//! projection alone, recorded in `projection_dead_letters` with the reason, counted in a metric, and the
//! checkpoint moves on, so one bad event never stops the other projections or loops forever.
//!
//! **Order.** The relay publishes in commit order, but a message delivered to a projector that died is
//! redelivered later than the ones after it. Before applying a message the projector therefore reads the
//! event store for anything committed between its checkpoint and that message and applies those first; a
//! late redelivery is then at or before the checkpoint and skipped. JetStream is the transport and the
//! wake-up; the event store is the authority.
//!
//! **Durability.** The applying transactions commit without waiting for the disk (`synchronous_commit =
//! off`): the read models are derived data, their checkpoints are in the same transactions, and every
//! leader starts by applying what the event store holds past them, so a crash costs re-applying a few
//! events, never a lost or doubled one.
//!
//! **Several instances.** Only one projector applies at a time: the leader holds a PostgreSQL advisory lock
//! on a connection of its own; the others wait as standbys. The checkpoint row lock would also keep two
//! appliers from applying one event twice, but leadership keeps them from contending at all.
//!
//! **Redis.** After a commit, the projector increments the generation of every dashboard whose document
//! the event made stale and announces the bump (see `vizpro_read_models::cache`). Increments that fail
//! while Redis is down are kept and retried; documents also expire after an hour.

pub mod changes;
mod config;
pub mod projections;
pub mod rebuild;

use std::time::Duration;

use anyhow::Context;
use async_nats::jetstream::{self, consumer::AckPolicy, consumer::DeliverPolicy, consumer::pull};
use futures::StreamExt;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool};
use vizpro_event_store::{CommitCheckpoint, EventStore, StoredEvent, leadership};
use vizpro_events::{EventEnvelope, EventMetadata, wire};
use vizpro_http_edge::redis_slot::{self, REDIS_COMMAND_TIMEOUT, RedisSlot};
use vizpro_read_models::{PROJECTIONS, cache};

pub use config::{Cli, Command, Config};
pub use rebuild::RebuildReport;

use crate::projections::{Effects, Tables};

/// A connected projector.
#[derive(Debug, Clone)]
pub struct Projector {
    pool: PgPool,
    store: EventStore,
    redis: RedisSlot,
    config: Config,
}

impl Projector {
    /// Connects to PostgreSQL (running migrations) and starts connecting to Redis.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(config.database_max_connections.max(2))
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(5))
            .connect(&config.database_url)
            .await
            .context("cannot connect to PostgreSQL")?;
        vizpro_migrations::migrate(&pool, config.migration_database_url.as_deref()).await?;
        let redis = redis_slot::connect_in_background(&config.redis_url);
        Ok(Projector {
            store: EventStore::new(pool.clone()),
            pool,
            redis,
            config,
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Consumes the event stream until the process stops: waits for leadership, then applies.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let nats = async_nats::ConnectOptions::new()
            .name("vizpro-projector")
            .retry_on_initial_connect()
            .connect(self.config.nats_url.as_str())
            .await
            .context("invalid NATS address")?;
        let role = format!("projector:{}", self.config.consumer);
        let mut pending_invalidations = Effects::default();
        loop {
            let mut leadership = match leadership::try_acquire(&self.pool, &role).await {
                Ok(Some(connection)) => connection,
                Ok(None) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                Err(error) => {
                    tracing::warn!(error = %error, "projector cannot reach the database; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            tracing::info!(consumer = %self.config.consumer, "projector is the leader and starts applying");
            if let Err(error) = self
                .lead(&nats, &mut leadership, &mut pending_invalidations)
                .await
            {
                tracing::warn!(
                    error = format!("{error:#}"),
                    "projector stopped leading; it will try again"
                );
            }
            drop(leadership.close().await);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn lead(
        &self,
        nats: &async_nats::Client,
        leadership: &mut PgConnection,
        pending_invalidations: &mut Effects,
    ) -> anyhow::Result<()> {
        let jetstream = jetstream::new(nats.clone());
        let consumer = loop {
            match self.consumer(&jetstream).await {
                Ok(consumer) => break consumer,
                Err(error) => {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "cannot reach the JetStream stream yet; retrying"
                    );
                    sqlx::query("select 1")
                        .execute(&mut *leadership)
                        .await
                        .context("leadership connection lost")?;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        };
        // Messages a dead leader took but never acknowledged come back only after the ack wait; what was
        // committed meanwhile is applied from the event store at once.
        let effects = self.catch_up_from_store().await?;
        pending_invalidations.absorb(effects);
        self.invalidate(pending_invalidations).await;
        loop {
            sqlx::query("select 1")
                .execute(&mut *leadership)
                .await
                .context("leadership connection lost")?;
            let mut received = 0_usize;
            let mut messages = consumer
                // A waiting pull: messages are handed over as they arrive and the request ends after half a
                // second. (`fetch` would answer at once when nothing is there, and the loop would spin.)
                .batch()
                .max_messages(self.config.batch.max(1))
                .expires(Duration::from_millis(500))
                .messages()
                .await
                .context("fetching from JetStream")?;
            loop {
                let first = match tokio::time::timeout(STORE_FALLBACK, messages.next()).await {
                    Ok(Some(first)) => first,
                    Ok(None) => break,
                    Err(_late) => {
                        // No message for a while: the relay or JetStream may be slow, so what is already
                        // committed is applied from the event store rather than left waiting behind them.
                        let effects = self.catch_up_from_store().await?;
                        pending_invalidations.absorb(effects);
                        self.invalidate(pending_invalidations).await;
                        continue;
                    }
                };
                // Take every message that has already arrived, so that a burst is applied in one
                // transaction (one commit) instead of one per event.
                let mut batch = vec![
                    first.map_err(|error| anyhow::anyhow!("receiving from JetStream: {error}"))?,
                ];
                while batch.len() < self.config.batch.max(1) {
                    match futures::FutureExt::now_or_never(messages.next()) {
                        Some(Some(next)) => batch.push(next.map_err(|error| {
                            anyhow::anyhow!("receiving from JetStream: {error}")
                        })?),
                        _ => break,
                    }
                }
                received += batch.len();
                let mut newest = None;
                for message in &batch {
                    match decode_message(message) {
                        Ok(event) => newest = newest.max(Some(event.checkpoint())),
                        Err(reason) => {
                            // Not an event this projector understands: nothing in the event store to reconcile.
                            tracing::error!(subject = %message.subject, reason = %reason, "skipping an undecodable message");
                            metrics::counter!("vizpro_projector_undecodable_messages_total")
                                .increment(1);
                        }
                    }
                }
                if let Some(newest) = newest {
                    let effects = self.apply_up_to(newest).await?;
                    pending_invalidations.absorb(effects);
                }
                self.invalidate(pending_invalidations).await;
                for message in batch {
                    message
                        .ack()
                        .await
                        .map_err(|error| anyhow::anyhow!("acknowledging: {error}"))?;
                }
            }
            if received == 0 {
                // A quiet stream: make sure nothing committed is waiting behind an unacknowledged message.
                let effects = self.catch_up_from_store().await?;
                pending_invalidations.absorb(effects);
                self.invalidate(pending_invalidations).await;
            }
        }
    }

    /// Applies everything committed after the lowest projection checkpoint, straight from the event store.
    pub async fn catch_up_from_store(&self) -> anyhow::Result<Effects> {
        self.apply_up_to(CommitCheckpoint {
            transaction_id: i64::MAX,
            position: i64::MAX,
        })
        .await
    }

    /// Applies everything committed after the lowest projection checkpoint up to and including `newest`.
    /// The messages say how far to go; the event store says what is there, so an event whose message is
    /// late (held by a leader that died) is applied in its place, and its late message is then skipped.
    pub async fn apply_up_to(&self, newest: CommitCheckpoint) -> anyhow::Result<Effects> {
        let mut effects = Effects::default();
        let mut cursor = self.lowest_checkpoint().await?;
        while cursor < newest {
            let events: Vec<StoredEvent> = self
                .store
                .read_committed(cursor, 500)
                .await?
                .into_iter()
                .filter(|event| event.checkpoint() <= newest)
                .collect();
            let Some(last) = events.last() else { break };
            cursor = last.checkpoint();
            self.apply_events(&events, &mut effects).await?;
        }
        Ok(effects)
    }
    async fn consumer(
        &self,
        jetstream: &jetstream::Context,
    ) -> anyhow::Result<jetstream::consumer::PullConsumer> {
        let stream = jetstream.get_stream(&self.config.nats_stream).await?;
        let consumer = stream
            .get_or_create_consumer(
                &self.config.consumer,
                pull::Config {
                    durable_name: Some(self.config.consumer.clone()),
                    deliver_policy: DeliverPolicy::All,
                    ack_policy: AckPolicy::Explicit,
                    ack_wait: Duration::from_secs(30),
                    max_ack_pending: 10_000,
                    ..Default::default()
                },
            )
            .await?;
        Ok(consumer)
    }

    async fn lowest_checkpoint(&self) -> anyhow::Result<CommitCheckpoint> {
        let rows = vizpro_read_models::checkpoints(&self.pool).await?;
        if rows.len() < PROJECTIONS.len() {
            return Ok(CommitCheckpoint::default());
        }
        Ok(rows
            .iter()
            .map(|(_, checkpoint)| CommitCheckpoint {
                transaction_id: checkpoint.transaction_id,
                position: checkpoint.position,
            })
            .min()
            .unwrap_or_default())
    }

    /// Applies events, in commit order, to every projection that has not applied them yet, in one
    /// transaction. Savepoints cost two round trips per event, so the batch first runs without them; only
    /// if some event fails is it run again with a savepoint around each projection's work, so that the
    /// failing event is dead-lettered for that projection alone.
    pub async fn apply_events(
        &self,
        events: &[StoredEvent],
        effects: &mut Effects,
    ) -> anyhow::Result<()> {
        let batch_effects = match self.apply_events_once(events, false).await? {
            Ok(batch_effects) => batch_effects,
            Err(_) => self
                .apply_events_once(events, true)
                .await?
                .map_err(|error| {
                    anyhow::anyhow!("an event failed even inside its savepoint: {error}")
                })?,
        };
        effects.absorb(batch_effects);
        metrics::counter!("vizpro_projector_events_applied_total").increment(events.len() as u64);
        if let Some(last) = events.last() {
            metrics::gauge!("vizpro_projector_checkpoint_position").set(last.position as f64);
        }
        Ok(())
    }

    /// One attempt at [`apply_events`](Self::apply_events). The outer error is a technical failure; the
    /// inner one is an event a projection could not apply without savepoints (the attempt was rolled back).
    async fn apply_events_once(
        &self,
        events: &[StoredEvent],
        with_savepoints: bool,
    ) -> anyhow::Result<Result<Effects, projections::ProjectionError>> {
        let mut effects = Effects::default();
        // Read models and their checkpoints commit together, so a database crash can lose only a tail of
        // both, which the next leader re-applies from the event store. Waiting for the disk would put a
        // flush into every event's way to the reader. (One round trip begins and sets it.)
        let mut transaction = self
            .pool
            .begin_with("begin; set local synchronous_commit = off")
            .await?;
        let names: Vec<&str> = PROJECTIONS.iter().map(|spec| spec.name).collect();
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "select projection, transaction_id, position from projection_checkpoints \
              where projection = any($1) order by projection for update",
        )
        .bind(&names)
        .fetch_all(&mut *transaction)
        .await?;
        // Per projection: its checkpoint as this batch advances it, and how many events it took.
        let mut progress: Vec<(CommitCheckpoint, i64)> = PROJECTIONS
            .iter()
            .map(|spec| {
                let checkpoint = rows
                    .iter()
                    .find(|(name, _, _)| name == spec.name)
                    .map(|(_, transaction_id, position)| CommitCheckpoint {
                        transaction_id: *transaction_id,
                        position: *position,
                    })
                    .unwrap_or_default();
                (checkpoint, 0)
            })
            .collect();
        for event in events {
            for (spec, (checkpoint, applied)) in PROJECTIONS.iter().zip(progress.iter_mut()) {
                if event.checkpoint() <= *checkpoint {
                    continue;
                }
                *checkpoint = event.checkpoint();
                *applied += 1;
                if !spec.follows.contains(&event.stream_type.as_str()) {
                    continue;
                }
                if !with_savepoints {
                    let outcome = projections::apply(
                        spec.name,
                        &mut transaction,
                        &event.view(),
                        Tables::LIVE,
                        &mut effects,
                    )
                    .await;
                    if let Err(error) = outcome {
                        transaction.rollback().await?;
                        return Ok(Err(error));
                    }
                    continue;
                }
                let mut savepoint = transaction.begin().await?;
                let mut projection_effects = Effects::default();
                let outcome = projections::apply(
                    spec.name,
                    &mut savepoint,
                    &event.view(),
                    Tables::LIVE,
                    &mut projection_effects,
                )
                .await;
                match outcome {
                    Ok(()) => {
                        savepoint.commit().await?;
                        effects.absorb(projection_effects);
                    }
                    Err(error) => {
                        savepoint.rollback().await?;
                        tracing::error!(
                            projection = spec.name, event_id = %event.event_id, position = event.position,
                            event_type = %event.event_type, error = %error,
                            "an event could not be applied; it is dead-lettered and the projection moves on"
                        );
                        metrics::counter!("vizpro_projection_dead_letters_total", "projection" => spec.name)
                            .increment(1);
                        sqlx::query(
                            "insert into projection_dead_letters (projection, event_id, position, event_type, reason) \
                             values ($1, $2, $3, $4, $5) on conflict do nothing",
                        )
                        .bind(spec.name)
                        .bind(event.event_id)
                        .bind(event.position)
                        .bind(&event.event_type)
                        .bind(error.to_string())
                        .execute(&mut *transaction)
                        .await?;
                    }
                }
            }
        }
        let mut advanced_names = Vec::new();
        let mut advanced_transactions = Vec::new();
        let mut advanced_positions = Vec::new();
        let mut advanced_counts = Vec::new();
        for (spec, (checkpoint, applied)) in PROJECTIONS.iter().zip(&progress) {
            if *applied > 0 {
                advanced_names.push(spec.name);
                advanced_transactions.push(checkpoint.transaction_id);
                advanced_positions.push(checkpoint.position);
                advanced_counts.push(*applied);
            }
        }
        if !advanced_names.is_empty() {
            sqlx::query(
                "insert into projection_checkpoints (projection, transaction_id, position, events_applied, last_event_at) \
                 select name, transaction_id, position, applied, $5 \
                   from unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) \
                        as advanced(name, transaction_id, position, applied) \
                 on conflict (projection) do update set transaction_id = excluded.transaction_id, \
                    position = excluded.position, \
                    events_applied = projection_checkpoints.events_applied + excluded.events_applied, \
                    last_event_at = excluded.last_event_at, updated_at = now()",
            )
            .bind(&advanced_names)
            .bind(&advanced_transactions)
            .bind(&advanced_positions)
            .bind(&advanced_counts)
            .bind(events.last().map(|event| event.recorded_at))
            .execute(&mut *transaction)
            .await?;
        }
        // Delivered at commit: wakes the reads that wait for their own writes (X-Min-Position), and tells
        // them how far every projection has got, which the checkpoint rows locked above make exact.
        let applied_everywhere = progress
            .iter()
            .map(|(checkpoint, _)| vizpro_read_models::Checkpoint {
                transaction_id: checkpoint.transaction_id,
                position: checkpoint.position,
            })
            .min()
            .unwrap_or_default();
        sqlx::query("select pg_notify($1, $2)")
            .bind(vizpro_read_models::PROJECTIONS_CHANNEL)
            .bind(applied_everywhere.to_payload())
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(Ok(effects))
    }

    /// Bumps and announces the generation of every stale dashboard document, and announces changed chart
    /// sources; keeps what Redis did not take.
    async fn invalidate(&self, pending: &mut Effects) {
        if pending.is_empty() {
            return;
        }
        let Some(mut connection) = redis_slot::connection(&self.redis).await else {
            return;
        };
        let mut pipeline = redis::pipe();
        for dashboard_id in &pending.stale_dashboards {
            cache::mark_stale(&mut pipeline, &self.config.redis_key_prefix, *dashboard_id);
        }
        if pending.chart_sources_changed {
            pipeline
                .publish(
                    cache::chart_sources_channel(&self.config.redis_key_prefix),
                    "",
                )
                .ignore();
        }
        match tokio::time::timeout(
            REDIS_COMMAND_TIMEOUT,
            pipeline.query_async::<()>(&mut connection),
        )
        .await
        {
            Ok(Ok(())) => *pending = Effects::default(),
            Ok(Err(error)) => {
                tracing::warn!(error = %error, stale = pending.stale_dashboards.len(), "Redis refused invalidations; retrying later")
            }
            Err(_) => tracing::warn!(
                stale = pending.stale_dashboards.len(),
                "Redis timed out on invalidations; retrying later"
            ),
        }
    }
}

/// How long the projector waits for the next message before it applies what is committed straight from
/// the event store (cheap when nothing is: one read of the checkpoints and one of the store).
const STORE_FALLBACK: Duration = Duration::from_millis(200);

/// Reads an event back from a relay message: the envelope is the body, the commit-order transaction id a
/// header.
pub fn decode_message(message: &async_nats::jetstream::Message) -> Result<StoredEvent, String> {
    let envelope: EventEnvelope = serde_json::from_slice(&message.payload)
        .map_err(|error| format!("the body is not an event envelope: {error}"))?;
    let header = |name: &str| {
        message
            .headers
            .as_ref()
            .and_then(|headers| headers.get(name))
            .map(|value| value.as_str().to_owned())
    };
    let transaction_id = header(wire::TRANSACTION_ID)
        .and_then(|value| value.parse::<i64>().ok())
        .ok_or_else(|| format!("the {} header is missing", wire::TRANSACTION_ID))?;
    // Messages published before epochs existed carry none: they belong to the first.
    let epoch = match header(wire::EPOCH) {
        None => 1,
        Some(value) => value
            .parse::<i32>()
            .map_err(|_| format!("the {} header is not a number", wire::EPOCH))?,
    };
    let commit_key = CommitCheckpoint::in_epoch(epoch, transaction_id, envelope.position);
    Ok(stored_from_envelope(envelope, commit_key.transaction_id))
}

fn stored_from_envelope(envelope: EventEnvelope, transaction_id: i64) -> StoredEvent {
    let metadata: EventMetadata = envelope.metadata;
    StoredEvent {
        position: envelope.position,
        transaction_id,
        event_id: envelope.event_id,
        stream_type: envelope.stream_type,
        stream_id: envelope.stream_id,
        version: envelope.version,
        event_type: envelope.event_type,
        schema_version: envelope.schema_version,
        payload: envelope.payload,
        metadata,
        recorded_at: envelope.recorded_at,
    }
}
