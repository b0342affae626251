//! What the projector (which writes read models) and the query API (which reads them) must agree on.
//!
//! * [`PROJECTIONS`]: the projections and the tables each one owns.
//! * [`Checkpoint`]: how far a projection has applied the event stream, in commit order.
//! * [`read_your_writes`]: whether the event at a position has been applied everywhere.
//! * [`cache`]: Redis key names and the dashboard document served from Redis.
//! * [`PROJECTIONS_CHANNEL`], [`listen_for_progress`]: a wake-up whenever the projector commits, naming
//!   how far every projection has got, so that a read waiting for its own write answers as soon as the
//!   write is applied, without polling and most often without a query.

pub mod cache;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// A projection and the read-model tables it alone writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectionSpec {
    pub name: &'static str,
    pub tables: &'static [&'static str],
    /// The stream types whose events change these tables; others only advance the checkpoint.
    pub follows: &'static [&'static str],
}

/// Every projection, in the order the projector applies an event to them.
pub const PROJECTIONS: &[ProjectionSpec] = &[
    ProjectionSpec {
        name: "users",
        tables: &["rm_users"],
        follows: &["user"],
    },
    ProjectionSpec {
        name: "data_sources",
        tables: &["rm_data_sources"],
        follows: &["data_source"],
    },
    ProjectionSpec {
        name: "datasets",
        tables: &["rm_datasets", "rm_dataset_versions"],
        follows: &["dataset"],
    },
    ProjectionSpec {
        name: "charts",
        tables: &["rm_charts"],
        follows: &["chart"],
    },
    ProjectionSpec {
        name: "dashboards",
        tables: &["rm_dashboards", "rm_dashboard_tiles"],
        follows: &["dashboard"],
    },
    ProjectionSpec {
        name: "grants",
        tables: &["rm_grants"],
        follows: &["data_source", "dataset", "chart", "dashboard"],
    },
];

/// The projection called `name`.
pub fn projection(name: &str) -> Option<&'static ProjectionSpec> {
    PROJECTIONS.iter().find(|spec| spec.name == name)
}

/// A place in commit order, `(transaction_id, position)`, where `transaction_id` is the commit key (the
/// epoch and the cluster's transaction id, see `vizpro_event_store::epochs`); everything at or before it
/// has been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Checkpoint {
    pub transaction_id: i64,
    pub position: i64,
}

/// The PostgreSQL notification channel the projector notifies in every transaction that advances
/// checkpoints; notifications are delivered at commit. The payload is the lowest checkpoint of all
/// projections after that commit ([`Checkpoint::to_payload`]), or empty.
pub const PROJECTIONS_CHANNEL: &str = "vizpro_projections";

impl Checkpoint {
    /// The checkpoint as a notification payload: `<transaction_id>:<position>`.
    pub fn to_payload(self) -> String {
        format!("{}:{}", self.transaction_id, self.position)
    }

    /// The checkpoint a notification payload names, if it names one.
    pub fn from_payload(payload: &str) -> Option<Checkpoint> {
        let (transaction_id, position) = payload.split_once(':')?;
        Some(Checkpoint {
            transaction_id: transaction_id.parse().ok()?,
            position: position.parse().ok()?,
        })
    }
}

/// What the query API has heard of the projector's commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// How many commits (and listener reconnections) were heard; changes on every one of them.
    pub heard: u64,
    /// The highest of the lowest checkpoints the notifications named. Checkpoints never move back, so
    /// every projection has applied everything at or before it.
    pub applied_everywhere: Checkpoint,
}

/// Listens on [`PROJECTIONS_CHANNEL`] in the background. The receiver changes whenever the projector
/// commits (and after the listener reconnects, when a commit may have been missed), so waiters re-check
/// their condition then, most often against the checkpoint the notification carried, without a query.
/// Waiters should still re-check the database now and then, in case the listener is down.
pub fn listen_for_progress(pool: PgPool) -> tokio::sync::watch::Receiver<Progress> {
    let (sender, receiver) = tokio::sync::watch::channel(Progress::default());
    tokio::spawn(async move {
        loop {
            let listener = async {
                let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
                listener.listen(PROJECTIONS_CHANNEL).await?;
                sender.send_modify(|progress| progress.heard += 1);
                loop {
                    let notification = listener.recv().await?;
                    let named = Checkpoint::from_payload(notification.payload());
                    sender.send_modify(|progress| {
                        progress.heard += 1;
                        if let Some(named) = named {
                            progress.applied_everywhere = progress.applied_everywhere.max(named);
                        }
                    });
                }
            };
            let outcome: Result<(), sqlx::Error> = listener.await;
            if sender.is_closed() {
                return;
            }
            if let Err(error) = outcome {
                tracing::warn!(error = %error, "listening for projection progress failed; retrying");
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    });
    receiver
}

/// Why a read-side query failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadModelError {
    #[error("read-model query failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// The checkpoint of every projection.
pub async fn checkpoints(pool: &PgPool) -> Result<Vec<(String, Checkpoint)>, ReadModelError> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("select projection, transaction_id, position from projection_checkpoints order by projection")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(name, transaction_id, position)| {
            (
                name,
                Checkpoint {
                    transaction_id,
                    position,
                },
            )
        })
        .collect())
}

/// The commit-order place of the event at `position` and whether every projection has applied it, in one
/// round trip; `None` when no event has that position.
pub async fn checkpoint_of_position_and_whether_applied(
    pool: &PgPool,
    position: i64,
) -> Result<Option<(Checkpoint, bool)>, ReadModelError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "select k.commit_key, \
                (select count(*) from unnest($2::text[]) as p(name) \
                   left join projection_checkpoints c on c.projection = p.name \
                  where c.projection is null \
                     or (c.transaction_id, c.position) < (k.commit_key, e.position)) \
           from events e, lateral (select vizpro_commit_key(e.position, e.transaction_id) as commit_key) k \
          where e.position = $1",
    )
    .bind(position)
    .bind(PROJECTIONS.iter().map(|spec| spec.name).collect::<Vec<_>>())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(transaction_id, behind)| {
        (
            Checkpoint {
                transaction_id,
                position,
            },
            behind == 0,
        )
    }))
}

/// Whether every projection has applied the event at `target`.
pub async fn read_your_writes(pool: &PgPool, target: Checkpoint) -> Result<bool, ReadModelError> {
    let behind: i64 = sqlx::query_scalar(
        "select count(*) from unnest($1::text[]) as p(name) \
           left join projection_checkpoints c on c.projection = p.name \
          where c.projection is null or (c.transaction_id, c.position) < ($2, $3)",
    )
    .bind(PROJECTIONS.iter().map(|spec| spec.name).collect::<Vec<_>>())
    .bind(target.transaction_id)
    .bind(target.position)
    .fetch_one(pool)
    .await?;
    Ok(behind == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_survives_its_notification_payload_and_nothing_else_passes_for_one() {
        let checkpoint = Checkpoint {
            transaction_id: 9_007_199_254_740_993,
            position: 42,
        };
        assert_eq!(
            Checkpoint::from_payload(&checkpoint.to_payload()),
            Some(checkpoint)
        );
        for payload in ["", "12", "12:", ":4", "a:b", "1:2:3"] {
            assert_eq!(Checkpoint::from_payload(payload), None, "{payload:?}");
        }
    }
}
