//! Epochs: reading in commit order across the PostgreSQL clusters the history has lived in.
//!
//! Transaction ids order commits only within one cluster; after a dump and restore into a new cluster
//! they start again lower. The events table therefore keeps a list of epochs (`event_store_epochs`, see
//! `migrations/sql/0005_epochs.sql`): epoch `n` holds the positions after its `first_position` and up to
//! the next epoch's. Commit order is epoch by epoch, and `(transaction_id, position)` within one.
//!
//! A checkpoint's `transaction_id` is a *commit key*: `(epoch << 48) + transaction id`. Keys of a later
//! epoch sort after every key of an earlier one, so checkpoints still compare as plain pairs. The 48 bits
//! leave room for 65,536 transaction-id wraparounds of one cluster.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::CommitCheckpoint;

/// How many bits of a commit key hold the transaction id; the epoch is above them.
pub const EPOCH_SHIFT: u32 = 48;

/// One cluster's share of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epoch {
    pub epoch: i32,
    /// Every event of this epoch has a greater position.
    pub first_position: i64,
    /// Whether this is the cluster the database runs in now.
    pub is_current: bool,
}

impl CommitCheckpoint {
    /// A checkpoint from its parts.
    pub fn in_epoch(epoch: i32, transaction_id: i64, position: i64) -> Self {
        CommitCheckpoint {
            transaction_id: (i64::from(epoch) << EPOCH_SHIFT) + transaction_id,
            position,
        }
    }

    /// The epoch this checkpoint is in (0 before any event).
    pub fn epoch(self) -> i32 {
        (self.transaction_id >> EPOCH_SHIFT) as i32
    }

    /// The cluster's own transaction id of the checkpoint's event.
    pub fn cluster_transaction_id(self) -> i64 {
        self.transaction_id & ((1_i64 << EPOCH_SHIFT) - 1)
    }
}

/// How the checkpoint and the limit go into a commit-order statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Values {
    /// As bind parameters: `$1` the checkpoint's transaction id (as text), `$2` its position, `$3` the
    /// limit. The text then changes only with the epochs, so the prepared statement is reused.
    Bound,
    /// Written into the text (`COPY` takes no parameters): the checkpoint is integers only.
    Literal,
}

/// The statement that reads events after `after` in commit order, epoch by epoch.
///
/// `columns` names the selected columns with `{transaction_id}` where the commit key goes (it is selected
/// under the name `transaction_id`); `filter` is added to every epoch's conditions (empty or ` and …`).
/// Only the last epoch can still have transactions in flight, so only its events are read below the
/// transaction-id horizon. Every epoch's part also checks that the database still runs in the epoch the
/// list names as current: after a restore under a running reader the statement finds nothing until the
/// reader has loaded the new list.
pub(crate) fn commit_order_statement(
    epochs: &[Epoch],
    after: CommitCheckpoint,
    columns: &str,
    filter: &str,
    limit: Option<i64>,
    values: Values,
) -> String {
    let current = epochs
        .iter()
        .find(|epoch| epoch.is_current)
        .map_or(0, |epoch| epoch.epoch);
    // A new reader starts at the beginning of the first epoch. A checkpoint of an epoch this list does not
    // know (newer than the history it reads) cannot be placed: it is read from the start of the last
    // epoch, which may repeat events but loses none.
    let after = if epochs.iter().any(|epoch| epoch.epoch == after.epoch()) {
        after
    } else {
        let (epoch, known) = match after.epoch() {
            0 => (epochs.first(), true),
            _ => (epochs.last(), false),
        };
        if !known {
            tracing::warn!(
                epoch = after.epoch(),
                "a checkpoint names an epoch the event store does not know; reading its last epoch from the start"
            );
        }
        epoch.map_or(after, |epoch| CommitCheckpoint::in_epoch(epoch.epoch, 0, 0))
    };
    let after_epoch = after.epoch();
    let limit_clause = match (limit, values) {
        (None, _) => String::new(),
        (Some(_), Values::Bound) => " limit $3".to_owned(),
        (Some(limit), Values::Literal) => format!(" limit {limit}"),
    };
    let after_pair = match values {
        Values::Bound => "($1::text::xid8, $2)".to_owned(),
        Values::Literal => format!(
            "('{}'::xid8, {})",
            after.cluster_transaction_id(),
            after.position
        ),
    };
    let parts: Vec<String> = epochs
        .iter()
        .enumerate()
        .filter(|(_, epoch)| epoch.epoch >= after_epoch)
        .map(|(index, epoch)| {
            let key = format!(
                "(events.transaction_id::text::bigint + {}) as transaction_id",
                i64::from(epoch.epoch) << EPOCH_SHIFT
            );
            let mut conditions = format!("position > {}", epoch.first_position);
            match epochs.get(index + 1) {
                Some(next) => {
                    conditions.push_str(&format!(" and position <= {}", next.first_position))
                }
                None => conditions
                    .push_str(" and transaction_id < pg_snapshot_xmin(pg_current_snapshot())"),
            }
            if epoch.epoch == after_epoch {
                conditions.push_str(&format!(" and (transaction_id, position) > {after_pair}"));
            }
            conditions.push_str(&format!(
                " and vizpro_event_store_current_epoch() = {current}"
            ));
            format!(
                "(select {} from events where {conditions}{filter} \
                  order by events.transaction_id, events.position{limit_clause})",
                columns.replace("{transaction_id}", &key)
            )
        })
        .collect();
    match parts.len() {
        0 => format!(
            "select {} from events where false",
            columns.replace("{transaction_id}", "0::bigint as transaction_id")
        ),
        1 => parts.into_iter().next().unwrap_or_default(),
        _ => format!("{}{limit_clause}", parts.join(" union all ")),
    }
}

/// The epochs as last loaded, shared by every clone of an event store.
#[derive(Debug, Default)]
pub(crate) struct EpochCache {
    loaded: Mutex<Option<(Arc<Vec<Epoch>>, Instant)>>,
}

/// How long an empty read goes on trusting the epochs it was built from. Until the list is loaded again,
/// a restore under a running reader makes its reads come back empty (they check the current epoch), never
/// wrong.
const RELOAD_AFTER: Duration = Duration::from_secs(1);

impl EpochCache {
    /// The epochs, loaded when none are held yet.
    pub(crate) async fn get(&self, pool: &sqlx::PgPool) -> Result<Arc<Vec<Epoch>>, sqlx::Error> {
        if let Some((epochs, _)) = self.held() {
            return Ok(epochs);
        }
        self.load(pool).await
    }

    /// Loads the epochs again if they were loaded more than a second ago; answers whether they changed.
    pub(crate) async fn refresh_if_stale(&self, pool: &sqlx::PgPool) -> Result<bool, sqlx::Error> {
        let held = self.held();
        match held {
            Some((_, loaded_at)) if loaded_at.elapsed() < RELOAD_AFTER => Ok(false),
            Some((before, _)) => Ok(self.load(pool).await? != before),
            None => {
                self.load(pool).await?;
                Ok(true)
            }
        }
    }

    fn held(&self) -> Option<(Arc<Vec<Epoch>>, Instant)> {
        self.loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    async fn load(&self, pool: &sqlx::PgPool) -> Result<Arc<Vec<Epoch>>, sqlx::Error> {
        let epochs = Arc::new(load_epochs(pool).await?);
        *self
            .loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((epochs.clone(), Instant::now()));
        Ok(epochs)
    }
}

/// Registers the cluster a new connection reached as an epoch, if it is new. Writers call this on every
/// connection they open, so that after a restore into a new cluster the epoch exists before their first
/// append there (its first position must be below every event of the new cluster). A database not yet
/// migrated has nothing to register in.
pub async fn register_epoch(connection: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    let outcome = sqlx::query("select count(*) from vizpro_event_store_epochs()")
        .execute(connection)
        .await;
    match outcome {
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42883") => Ok(()),
        other => other.map(drop),
    }
}

/// Every epoch in order, registering the cluster the database runs in when it is new.
pub async fn load_epochs(pool: &sqlx::PgPool) -> Result<Vec<Epoch>, sqlx::Error> {
    let rows: Vec<(i32, i64, bool)> =
        sqlx::query_as("select epoch, first_position, is_current from vizpro_event_store_epochs()")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(epoch, first_position, is_current)| Epoch {
            epoch,
            first_position,
            is_current,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epochs() -> Vec<Epoch> {
        vec![
            Epoch {
                epoch: 1,
                first_position: 0,
                is_current: false,
            },
            Epoch {
                epoch: 2,
                first_position: 900,
                is_current: true,
            },
        ]
    }

    #[test]
    fn a_checkpoint_keeps_its_epoch_its_transaction_id_and_its_order() {
        let old = CommitCheckpoint::in_epoch(1, 5_000_000, 899);
        let new = CommitCheckpoint::in_epoch(2, 731, 901);
        assert_eq!(old.epoch(), 1);
        assert_eq!(old.cluster_transaction_id(), 5_000_000);
        assert_eq!(new.epoch(), 2);
        assert_eq!(new.cluster_transaction_id(), 731);
        assert!(
            old < new,
            "an event of a later epoch comes later whatever its transaction id"
        );
        assert!(CommitCheckpoint::default() < old);
    }

    #[test]
    fn a_reader_behind_a_restore_finishes_its_epoch_by_transaction_id_then_reads_the_next_below_the_horizon()
     {
        let statement = commit_order_statement(
            &epochs(),
            CommitCheckpoint::in_epoch(1, 5_000_000, 850),
            "{transaction_id}, position",
            "",
            Some(10),
            Values::Literal,
        );
        let (old, new) = statement.split_once(" union all ").expect("two epochs");
        assert!(old.contains("position > 0 and position <= 900"));
        assert!(old.contains("(transaction_id, position) > ('5000000'::xid8, 850)"));
        assert!(
            !old.contains("pg_snapshot_xmin"),
            "the old epoch has nothing in flight"
        );
        assert!(old.contains(&format!("+ {}) as transaction_id", 1_i64 << 48)));
        assert!(new.contains("position > 900"));
        assert!(new.contains("pg_snapshot_xmin"));
        assert!(
            !new.contains("'5000000'::xid8"),
            "the new epoch is read whole, not by the old cluster's transaction ids"
        );
        assert!(new.contains(&format!("+ {}) as transaction_id", 2_i64 << 48)));
        assert!(statement.ends_with(" limit 10"));
        assert!(statement.contains("vizpro_event_store_current_epoch() = 2"));
    }

    #[test]
    fn a_reader_in_the_current_epoch_reads_only_that_epoch() {
        let statement = commit_order_statement(
            &epochs(),
            CommitCheckpoint::in_epoch(2, 731, 950),
            "{transaction_id}, position",
            " and stream_type in ('chart')",
            None,
            Values::Bound,
        );
        assert!(!statement.contains(" union all "));
        assert!(statement.contains("position > 900"));
        assert!(statement.contains("(transaction_id, position) > ($1::text::xid8, $2)"));
        assert!(statement.contains(" and stream_type in ('chart')"));
    }

    #[test]
    fn a_new_reader_reads_every_epoch_from_the_start() {
        let statement = commit_order_statement(
            &epochs(),
            CommitCheckpoint::default(),
            "{transaction_id}, position",
            "",
            None,
            Values::Literal,
        );
        assert_eq!(statement.matches("(select ").count(), 2);
        let (first, second) = statement.split_once(" union all ").expect("two epochs");
        assert!(first.contains("(transaction_id, position) > ('0'::xid8, 0)"));
        assert!(!second.contains("::xid8, "));
    }
}
