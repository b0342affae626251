//! Rebuilding read models from the event store into shadow tables, and swapping them in while the live
//! projection keeps serving.
//!
//! A rebuild creates `<table>_rebuild` copies (same columns and indexes), replays the whole event store into
//! them in commit order, then, in one short transaction that holds the projection's checkpoint row (which
//! pauses the live projector for that projection only), catches the shadow up to the live checkpoint,
//! renames the tables and keeps the checkpoint. Readers wait on the rename for milliseconds at most.

use std::time::Instant;

use anyhow::bail;
use sqlx::{Connection, PgConnection};
use vizpro_event_store::{CommitCheckpoint, StoredEvent};
use vizpro_read_models::{PROJECTIONS, ProjectionSpec};

use crate::Projector;
use crate::projections::{self, Effects, Tables};

/// How a rebuild went.
#[derive(Debug, Clone, PartialEq)]
pub struct RebuildReport {
    pub projection: &'static str,
    pub events: u64,
    pub seconds: f64,
}

const BATCH: i64 = 5_000;

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
    /// Rebuilds `which` (a projection name or `all`) and swaps the result in.
    pub async fn rebuild(&self, which: &str) -> anyhow::Result<Vec<RebuildReport>> {
        let mut reports = Vec::new();
        for spec in selected(which)? {
            let started = Instant::now();
            let (checkpoint, events) = self.fill_shadow(spec).await?;
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
        let mut mismatches = Vec::new();
        for spec in selected(which)? {
            let (checkpoint, _) = self.fill_shadow(spec).await?;
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

    /// Replays the event store into fresh shadow tables. Returns where it stopped and how many events it read.
    async fn fill_shadow(&self, spec: &ProjectionSpec) -> anyhow::Result<(CommitCheckpoint, u64)> {
        for table in spec.tables {
            let shadow = Tables::SHADOW.name(table);
            sqlx::query(&format!("drop table if exists {shadow}"))
                .execute(&self.pool)
                .await?;
            sqlx::query(&format!(
                "create table {shadow} (like {table} including all)"
            ))
            .execute(&self.pool)
            .await?;
        }
        let total: i64 = sqlx::query_scalar("select count(*) from events")
            .fetch_one(&self.pool)
            .await?;
        let started = Instant::now();
        let mut last_report = Instant::now();
        let mut cursor = CommitCheckpoint::default();
        let mut read = 0_u64;
        loop {
            let batch = self.store.read_committed(cursor, BATCH).await?;
            let Some(last) = batch.last() else { break };
            cursor = last.checkpoint();
            read += batch.len() as u64;
            let mut connection = self.pool.acquire().await?;
            apply_batch(&mut connection, spec, &batch).await?;
            if last_report.elapsed().as_secs_f64() >= 2.0 {
                let rate = read as f64 / started.elapsed().as_secs_f64().max(0.001);
                let remaining = (total as f64 - read as f64).max(0.0);
                tracing::info!(
                    projection = spec.name,
                    events = read,
                    total,
                    events_per_second = rate.round(),
                    eta_seconds = (remaining / rate.max(1.0)).round(),
                    "rebuilding"
                );
                metrics::gauge!("vizpro_rebuild_events_read", "projection" => spec.name)
                    .set(read as f64);
                last_report = Instant::now();
            }
        }
        Ok((cursor, read))
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
            event,
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
            event,
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
