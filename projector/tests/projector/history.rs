//! Reading the whole history through a binary copy, as a rebuild does.

use sqlx::postgres::PgPoolOptions;
use vizpro_event_store::{CommitCheckpoint, EventStore, HistoryEvent, StoredEvent};

use crate::harness::{World, build_dashboard};

/// Reads the history with `read_history`, in batches of `batch_size`, handing every batch back to be
/// filled again; stops after `stop_after` batches when given.
async fn read_all(
    store: &EventStore,
    stream_types: &[&str],
    batch_size: usize,
    stop_after: Option<usize>,
) -> Vec<HistoryEvent> {
    let mut events = Vec::new();
    let mut batches = 0;
    store
        .read_history(
            CommitCheckpoint::default(),
            stream_types,
            batch_size,
            |batch| {
                batches += 1;
                events.extend(batch.iter().cloned());
                let go_on = stop_after.is_none_or(|limit| batches < limit);
                async move { go_on.then_some(batch) }
            },
        )
        .await
        .unwrap();
    events
}

#[tokio::test]
async fn the_history_copy_reads_what_commit_order_reading_reads() {
    let world = World::start().await;
    let (_, token) = world.user("historian@example.com").await;
    for round in 0..3 {
        build_dashboard(&world, &token, &format!("Ledger \"{round}\" \\ été")).await;
    }
    let store = EventStore::new(world.pool.clone());
    // The horizon is the whole cluster's: a transaction of a test running beside this one can hold the
    // last events back for a moment. Every read below must see them all.
    let total: i64 = sqlx::query_scalar("select count(*) from events")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    let committed: Vec<StoredEvent> = loop {
        let committed = store
            .read_committed(CommitCheckpoint::default(), 10_000)
            .await
            .unwrap();
        if committed.len() as i64 == total {
            break committed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(committed.len() > 10, "the commands wrote their events");

    // Batches of 4 are handed back and refilled, so buffers of longer events hold shorter ones later.
    let history = read_all(&store, &[], 4, None).await;
    assert_eq!(history.len(), committed.len());
    for (read, stored) in history.iter().zip(&committed) {
        assert_eq!(read.checkpoint(), stored.checkpoint());
        assert_eq!(read.event_id, stored.event_id);
        assert_eq!(read.stream_type, stored.stream_type);
        assert_eq!(read.stream_id, stored.stream_id);
        assert_eq!(read.version, stored.version);
        assert_eq!(read.event_type, stored.event_type);
        assert_eq!(read.schema_version, stored.schema_version);
        assert_eq!(read.recorded_at, stored.recorded_at);
        let payload: serde_json::Value = serde_json::from_str(&read.payload).unwrap();
        assert_eq!(payload, stored.payload, "payload of {}", stored.event_type);
    }

    // Only the streams asked for, still in commit order.
    let dashboards = read_all(&store, &["dashboard"], 1_000, None).await;
    let expected: Vec<_> = committed
        .iter()
        .filter(|event| event.stream_type == "dashboard")
        .map(StoredEvent::checkpoint)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(
        dashboards
            .iter()
            .map(HistoryEvent::checkpoint)
            .collect::<Vec<_>>(),
        expected
    );

    // A reader that stops early gets what it took, and leaves no connection in the middle of a copy in
    // its pool: with one connection at most, the next read would otherwise be handed that one.
    let single = EventStore::new(
        PgPoolOptions::new()
            .max_connections(1)
            .connect(&world.projector_config.database_url)
            .await
            .unwrap(),
    );
    let first_two_batches = read_all(&single, &[], 3, Some(2)).await;
    assert_eq!(first_two_batches.len(), 6);
    assert_eq!(
        read_all(&single, &[], 1_000, None).await.len(),
        committed.len()
    );
    assert_eq!(
        read_all(&single, &[], 1_000, None).await.len(),
        committed.len()
    );
}
