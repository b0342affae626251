//! Rebuilding read models from the event store into shadow tables, and swapping them in while the live
//! projection keeps serving.
//!
//! A rebuild reads the history of the streams the selected projections follow in commit order, in one
//! binary `COPY` ([`EventStore::read_history`](vizpro_event_store::EventStore::read_history)), and folds
//! every event into the projections' tables held in memory ([`MemoryTables`]): the same
//! [`projections::plan`] the live projector executes, without a round trip per event; reading and folding
//! run side by side. It then creates `<table>_rebuild` copies (same columns and indexes), writes the final
//! rows into them with `COPY`, and builds every index only after the rows are in, two at a time. Last, in
//! one short transaction per projection that holds its checkpoint row (which pauses the live projector for
//! that projection only), it catches the shadow up to the live checkpoint event by event, renames the
//! tables and keeps the checkpoint. Readers wait on the rename for milliseconds at most.

use std::time::Instant;

use anyhow::{Context, bail};
use futures::{StreamExt, TryStreamExt};
use sqlx::{Connection, PgConnection};
use vizpro_event_store::{CommitCheckpoint, HistoryEvent, StoredEvent};
use vizpro_read_models::{PROJECTIONS, ProjectionSpec};

use crate::Projector;
use crate::changes::{self, MemoryTables};
use crate::projections::{self, Effects, Tables};

/// How a rebuild went.
#[derive(Debug, Clone, PartialEq)]
pub struct RebuildReport {
    pub projection: &'static str,
    pub events: u64,
    pub seconds: f64,
}

/// Events read per query while catching a shadow table up.
const BATCH: i64 = 5_000;
/// Events handed from the history reader to the folding at a time.
const HAND_OVER: usize = 1_024;
/// `COPY`s and index builds run at once after the history is folded: one per core of the machine this was
/// tuned on, where the rest of the rebuild is idle by then.
const PARALLEL_WRITES: usize = 2;

fn selected(which: &str) -> anyhow::Result<Vec<&'static ProjectionSpec>> {
    if which == "all" {
        return Ok(PROJECTIONS.iter().collect());
    }
    match vizpro_read_models::projection(which) {
        Some(spec) => Ok(vec![spec]),
        None => {
            let names: Vec<&str> = PROJECTIONS.iter().map(|spec| spec.name).collect();
            bail!(
                "there is no projection called `{which}`; choose one of {} or `all`",
                names.join(", ")
            )
        }
    }
}

impl Projector {
    /// Rebuilds `which` (a projection name or `all`) and swaps the result in. The event store is read
    /// once, whatever the number of projections.
    pub async fn rebuild(&self, which: &str) -> anyhow::Result<Vec<RebuildReport>> {
        let specs = selected(which)?;
        let started = Instant::now();
        let (checkpoint, events) = self.fill_shadows(&specs).await?;
        let mut reports = Vec::new();
        for spec in specs {
            self.swap_in(spec, checkpoint).await?;
            let report = RebuildReport {
                projection: spec.name,
                events,
                seconds: started.elapsed().as_secs_f64(),
            };
            tracing::info!(
                projection = spec.name,
                events,
                seconds = report.seconds,
                "rebuilt and swapped in"
            );
            reports.push(report);
        }
        Ok(reports)
    }

    /// Rebuilds `which` into shadow tables and compares them with the live tables at the same checkpoint.
    /// Returns the tables that differ; the live tables are left as they are.
    pub async fn verify(&self, which: &str) -> anyhow::Result<Vec<String>> {
        let specs = selected(which)?;
        let (checkpoint, _) = self.fill_shadows(&specs).await?;
        let mut mismatches = Vec::new();
        for spec in &specs {
            let mut transaction = self.pool.begin().await?;
            let live = lock_checkpoint(&mut transaction, spec.name).await?;
            self.catch_up(&mut transaction, spec, checkpoint, live)
                .await?;
            for table in spec.tables {
                let shadow = Tables::SHADOW.name(table);
                let live_sum = table_checksum(&mut transaction, table).await?;
                let shadow_sum = table_checksum(&mut transaction, &shadow).await?;
                if live_sum != shadow_sum {
                    mismatches.push((*table).to_owned());
                }
            }
            transaction.rollback().await?;
        }
        for spec in &specs {
            for table in spec.tables {
                sqlx::query(&format!(
                    "drop table if exists {}",
                    Tables::SHADOW.name(table)
                ))
                .execute(&self.pool)
                .await?;
            }
        }
        Ok(mismatches)
    }

    /// Folds the event store into memory for `specs` and writes the result into fresh shadow tables.
    /// Returns where it stopped and how many events it read.
    async fn fill_shadows(
        &self,
        specs: &[&'static ProjectionSpec],
    ) -> anyhow::Result<(CommitCheckpoint, u64)> {
        // An estimate is enough for the ETA, and counting a large table would cost a scan of its own.
        // Positions come from a sequence, so the highest one is the number of events give or take the
        // few a rolled-back append used up; the index answers it at once. (The planner's row estimate is
        // unknown until the table was first analysed.)
        let estimated_total: f64 =
            sqlx::query_scalar("select coalesce(max(position), 0)::float8 from events")
                .fetch_one(&self.pool)
                .await?;
        let started = Instant::now();
        let mut last_report = Instant::now();
        let mut memory = MemoryTables::default();
        let mut cursor = CommitCheckpoint::default();
        let mut read = 0_u64;
        // Reading the history runs beside the folding, on its own task, so that the two share the cores
        // instead of taking turns; batches keep the hand-over cheap, and go back to the reader once folded
        // to be filled again, so that reading allocates nothing per event. Only the streams the selected
        // projections follow are read.
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<HistoryEvent>>(8);
        let (recycler, mut recycled) = tokio::sync::mpsc::unbounded_channel::<Vec<HistoryEvent>>();
        let store = self.store.clone();
        let mut stream_types: Vec<&'static str> = specs
            .iter()
            .flat_map(|spec| spec.follows.iter().copied())
            .collect();
        stream_types.sort_unstable();
        stream_types.dedup();
        let reader = tokio::spawn(async move {
            store
                .read_history(
                    CommitCheckpoint::default(),
                    &stream_types,
                    HAND_OVER,
                    |batch| {
                        let spare = recycled.try_recv().unwrap_or_default();
                        let sender = sender.clone();
                        async move { sender.send(batch).await.ok().map(|()| spare) }
                    },
                )
                .await
        });
        // How long the folding waited for the reader: where a rebuild's time goes, for the log.
        let mut waited = std::time::Duration::ZERO;
        loop {
            let waiting = Instant::now();
            let Some(batch) = receiver.recv().await else {
                break;
            };
            waited += waiting.elapsed();
            for event in &batch {
                cursor = event.checkpoint();
                read += 1;
                let view = event.view();
                for spec in specs {
                    if !spec.follows.contains(&view.stream_type) {
                        continue;
                    }
                    match projections::plan(spec.name, &view) {
                        Ok(planned) => {
                            for change in planned.changes {
                                memory.apply(change);
                            }
                        }
                        // The live projection dead-letters such an event and moves on; so does the rebuild.
                        Err(error) => {
                            tracing::warn!(projection = spec.name, event_id = %event.event_id, error = %error, "skipped while rebuilding");
                        }
                    }
                }
                if read.is_multiple_of(4096) && last_report.elapsed().as_secs_f64() >= 2.0 {
                    let rate = read as f64 / started.elapsed().as_secs_f64().max(0.001);
                    let remaining = (estimated_total - read as f64).max(0.0);
                    let names: Vec<&str> = specs.iter().map(|spec| spec.name).collect();
                    tracing::info!(
                        projections = names.join(","),
                        events = read,
                        estimated_total = estimated_total.round(),
                        events_per_second = rate.round(),
                        eta_seconds = (remaining / rate.max(1.0)).round(),
                        "rebuilding"
                    );
                    for spec in specs {
                        metrics::gauge!("vizpro_rebuild_events_read", "projection" => spec.name)
                            .set(read as f64);
                    }
                    last_report = Instant::now();
                }
            }
            // The reader may have finished already; then the batch is simply dropped.
            drop(recycler.send(batch));
        }
        reader.await.context("the history reader stopped")??;
        tracing::info!(
            events = read,
            seconds = started.elapsed().as_secs_f64(),
            folding_waited_seconds = waited.as_secs_f64(),
            "history read and folded"
        );
        self.write_shadows(specs, memory, started).await?;
        for spec in specs {
            metrics::gauge!("vizpro_rebuild_events_read", "projection" => spec.name)
                .set(read as f64);
        }
        tracing::info!(
            events = read,
            seconds = started.elapsed().as_secs_f64(),
            "history folded and written into shadow tables"
        );
        Ok((cursor, read))
    }

    /// Creates the shadow tables of `specs` and fills them from `memory`.
    ///
    /// The shadows are created without indexes, and every index, those behind the primary keys included,
    /// is built once the rows are in: a sort of the finished table is several times cheaper than keeping a
    /// B-tree (or a trigram GIN) up to date row by row. The rows need no check while they are copied, being
    /// unique by key in memory already; the primary keys are put back on their indexes afterwards. Index
    /// builds take only a share lock, so two run at once on two connections (one per core), while
    /// attaching a key, which locks the table, waits until its table's indexes are built.
    async fn write_shadows(
        &self,
        specs: &[&'static ProjectionSpec],
        memory: MemoryTables,
        started: Instant,
    ) -> anyhow::Result<()> {
        let pool = &self.pool;
        let mut index_builds = Vec::new();
        let mut key_attachments = Vec::new();
        for spec in specs {
            for table_name in spec.tables {
                let table = changes::table(table_name)
                    .with_context(|| format!("no projection writes the table {table_name}"))?;
                let shadow = Tables::SHADOW.name(table_name);
                sqlx::query(&format!("drop table if exists {shadow}"))
                    .execute(pool)
                    .await?;
                sqlx::query(&format!(
                    "create table {shadow} (like {table_name} including all)"
                ))
                .execute(pool)
                .await?;
                // The index names are the shadow's own, made up by `like`, so that they cannot clash
                // with the live table's while both exist.
                let indexes: Vec<ShadowIndex> = sqlx::query_as(
                    "select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition, \
                            c.conname::text as constraint_name, \
                            case c.contype when 'p' then 'primary key' when 'u' then 'unique' end as constraint_kind \
                       from pg_index i left join pg_constraint c on c.conindid = i.indexrelid \
                      where i.indrelid = $1::regclass",
                )
                .bind(&shadow)
                .fetch_all(pool)
                .await?;
                for index in &indexes {
                    let drop = match (&index.constraint_name, &index.constraint_kind) {
                        (Some(constraint), Some(_)) => {
                            format!("alter table {shadow} drop constraint {constraint}")
                        }
                        (Some(constraint), None) => bail!(
                            "{table_name} has the constraint {constraint}, which a rebuild cannot defer"
                        ),
                        _ => format!("drop index {}", index.name),
                    };
                    sqlx::query(&drop).execute(pool).await?;
                }
                let rows = memory.write(table, &shadow, pool, PARALLEL_WRITES).await?;
                tracing::info!(
                    table = table_name,
                    rows,
                    seconds = started.elapsed().as_secs_f64(),
                    "shadow table written"
                );
                for index in indexes {
                    index_builds.push((rows, index.definition.clone()));
                    if let (Some(constraint), Some(kind)) =
                        (index.constraint_name, index.constraint_kind)
                    {
                        key_attachments.push(format!(
                            "alter table {shadow} add constraint {constraint} {kind} using index {}",
                            index.name
                        ));
                    }
                }
            }
        }
        // The rows are in; freeing the memory that held them runs beside the index builds.
        let freeing = tokio::task::spawn_blocking(move || drop(memory));
        // The longest builds start first, so that the short ones fill the other connection meanwhile
        // instead of leaving one build to run alone at the end: inverted indexes (trigram search) take
        // several times longer than B-trees over as many rows.
        index_builds.sort_by_key(|(rows, definition)| {
            let inverted =
                definition.contains(" USING gin ") || definition.contains(" USING gist ");
            (!inverted, std::cmp::Reverse(*rows))
        });
        futures::stream::iter(index_builds)
            .map(|(_, definition)| async move {
                let mut transaction = pool.begin().await?;
                // Index builds sort in memory rather than on disk with room for a large table.
                sqlx::query("set local maintenance_work_mem = '256MB'")
                    .execute(&mut *transaction)
                    .await?;
                let building = Instant::now();
                sqlx::query(&definition).execute(&mut *transaction).await?;
                transaction.commit().await?;
                tracing::debug!(
                    index = definition,
                    seconds = building.elapsed().as_secs_f64(),
                    "shadow index built"
                );
                Ok::<_, sqlx::Error>(())
            })
            .buffer_unordered(PARALLEL_WRITES)
            .try_collect::<()>()
            .await?;
        for attachment in key_attachments {
            sqlx::query(&attachment).execute(pool).await?;
        }
        freeing.await?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "shadow indexes built"
        );
        Ok(())
    }

    /// Applies events after `from` up to and including `to` to the shadow tables.
    async fn catch_up(
        &self,
        connection: &mut PgConnection,
        spec: &ProjectionSpec,
        from: CommitCheckpoint,
        to: CommitCheckpoint,
    ) -> anyhow::Result<()> {
        let mut cursor = from;
        while cursor < to {
            let batch: Vec<StoredEvent> = self
                .store
                .read_committed(cursor, BATCH)
                .await?
                .into_iter()
                .filter(|event| event.checkpoint() <= to)
                .collect();
            let Some(last) = batch.last() else { break };
            cursor = last.checkpoint();
            apply_batch(connection, spec, &batch).await?;
        }
        Ok(())
    }

    async fn swap_in(
        &self,
        spec: &ProjectionSpec,
        shadow_checkpoint: CommitCheckpoint,
    ) -> anyhow::Result<()> {
        let mut transaction = self.pool.begin().await?;
        let live = lock_checkpoint(&mut transaction, spec.name).await?;
        self.catch_up(&mut transaction, spec, shadow_checkpoint, live)
            .await?;
        for table in spec.tables {
            let shadow = Tables::SHADOW.name(table);
            sqlx::query(&format!("lock table {table} in access exclusive mode"))
                .execute(&mut *transaction)
                .await?;
            sqlx::query(&format!("alter table {table} rename to {table}_replaced"))
                .execute(&mut *transaction)
                .await?;
            sqlx::query(&format!("alter table {shadow} rename to {table}"))
                .execute(&mut *transaction)
                .await?;
            sqlx::query(&format!("drop table {table}_replaced"))
                .execute(&mut *transaction)
                .await?;
        }
        let checkpoint = live.max(shadow_checkpoint);
        sqlx::query("update projection_checkpoints set transaction_id = $2, position = $3, updated_at = now() where projection = $1")
            .bind(spec.name)
            .bind(checkpoint.transaction_id)
            .bind(checkpoint.position)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }
}

/// An index of a shadow table, and the constraint it backs if any.
#[derive(Debug, sqlx::FromRow)]
struct ShadowIndex {
    name: String,
    definition: String,
    constraint_name: Option<String>,
    /// `primary key` or `unique`; `None` for a plain index, or for a constraint of another kind.
    constraint_kind: Option<String>,
}

/// Locks a projection's checkpoint row, creating it when missing, and returns the checkpoint.
async fn lock_checkpoint(
    connection: &mut PgConnection,
    projection: &str,
) -> anyhow::Result<CommitCheckpoint> {
    sqlx::query(
        "insert into projection_checkpoints (projection) values ($1) on conflict do nothing",
    )
    .bind(projection)
    .execute(&mut *connection)
    .await?;
    let (transaction_id, position): (i64, i64) =
        sqlx::query_as("select transaction_id, position from projection_checkpoints where projection = $1 for update")
            .bind(projection)
            .fetch_one(&mut *connection)
            .await?;
    Ok(CommitCheckpoint {
        transaction_id,
        position,
    })
}

/// Applies a batch to the shadow tables in one transaction. An event the projection cannot apply is skipped,
/// as the live projection dead-letters it; only then is the batch redone event by event in savepoints.
async fn apply_batch(
    connection: &mut PgConnection,
    spec: &ProjectionSpec,
    batch: &[StoredEvent],
) -> anyhow::Result<()> {
    let followed: Vec<&StoredEvent> = batch
        .iter()
        .filter(|event| spec.follows.contains(&event.stream_type.as_str()))
        .collect();
    if followed.is_empty() {
        return Ok(());
    }
    let mut effects = Effects::default();
    let mut transaction = connection.begin().await?;
    let mut failed = false;
    for event in &followed {
        if projections::apply(
            spec.name,
            &mut transaction,
            &event.view(),
            Tables::SHADOW,
            &mut effects,
        )
        .await
        .is_err()
        {
            failed = true;
            break;
        }
    }
    if !failed {
        transaction.commit().await?;
        return Ok(());
    }
    transaction.rollback().await?;
    let mut transaction = connection.begin().await?;
    for event in &followed {
        let mut savepoint = transaction.begin().await?;
        match projections::apply(
            spec.name,
            &mut savepoint,
            &event.view(),
            Tables::SHADOW,
            &mut effects,
        )
        .await
        {
            Ok(()) => savepoint.commit().await?,
            Err(error) => {
                savepoint.rollback().await?;
                tracing::warn!(projection = spec.name, event_id = %event.event_id, error = %error, "skipped while rebuilding");
            }
        }
    }
    transaction.commit().await?;
    Ok(())
}

/// An order-independent fingerprint of a table's rows.
async fn table_checksum(connection: &mut PgConnection, table: &str) -> anyhow::Result<String> {
    let sum: Option<String> = sqlx::query_scalar(&format!(
        "select md5(coalesce(string_agg(row_text, E'\\n' order by row_text), '')) \
           from (select t::text as row_text from {table} t) rows"
    ))
    .fetch_one(&mut *connection)
    .await?;
    Ok(sum.unwrap_or_default())
}
