use std::collections::HashSet;

use chrono::Utc;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;
use vizpro_event_store::{EventStore, ExpectedVersion, NewEvent, StoreError};
use vizpro_events::EventMetadata;

use crate::harness::create_database;

pub async fn migrated_store() -> EventStore {
    let database = create_database().await;
    let pool = PgPool::connect(&format!("postgres://postgres@127.0.0.1:5432/{database}"))
        .await
        .unwrap();
    vizpro_migrations::run(&pool).await.unwrap();
    EventStore::new(pool)
}

pub fn event(label: &str) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "renamed".to_owned(),
        schema_version: 1,
        payload: json!({ "name": label }),
        metadata: EventMetadata {
            correlation_id: Uuid::now_v7(),
            ..EventMetadata::default()
        },
        recorded_at: Utc::now(),
    }
}

#[tokio::test]
async fn thirty_two_writers_on_one_stream_get_exactly_one_winner_per_version() {
    let store = migrated_store().await;
    let stream_id = Uuid::now_v7();
    store
        .append(
            "chart",
            stream_id,
            ExpectedVersion::NoStream,
            &[event("first")],
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for writer in 0..32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut won = Vec::new();
            let mut conflicts = 0;
            for attempt in 0..10 {
                let (_, version) = store.stream_head(stream_id).await.unwrap().unwrap();
                let new = event(&format!("{writer}-{attempt}"));
                match store
                    .append(
                        "chart",
                        stream_id,
                        ExpectedVersion::Exact(version),
                        std::slice::from_ref(&new),
                    )
                    .await
                {
                    Ok(appended) => {
                        assert_eq!(appended.version, version + 1);
                        won.push((appended.version, new.event_id));
                    }
                    Err(StoreError::Conflict { actual, .. }) => {
                        assert!(
                            actual.unwrap_or(0) > version,
                            "a conflict names a newer actual version"
                        );
                        conflicts += 1;
                    }
                    Err(other) => panic!("unexpected error: {other}"),
                }
            }
            (won, conflicts)
        }));
    }
    let mut winners = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (won, lost) = task.await.unwrap();
        winners.extend(won);
        conflicts += lost;
    }
    assert!(
        conflicts > 0,
        "32 concurrent writers must collide at least once"
    );
    let stored = store.read_stream(stream_id).await.unwrap();
    assert_eq!(
        stored.len(),
        winners.len() + 1,
        "every success is stored and nothing else"
    );
    let versions: Vec<i32> = stored.iter().map(|event| event.version).collect();
    assert_eq!(
        versions,
        (1..=stored.len() as i32).collect::<Vec<_>>(),
        "versions are contiguous"
    );
    let stored_ids: HashSet<Uuid> = stored.iter().map(|event| event.event_id).collect();
    assert!(
        winners.iter().all(|(_, id)| stored_ids.contains(id)),
        "no winning event was lost"
    );
    let won_versions: HashSet<i32> = winners.iter().map(|(version, _)| *version).collect();
    assert_eq!(
        won_versions.len(),
        winners.len(),
        "exactly one winner per version"
    );
}

#[tokio::test]
async fn an_append_expecting_a_version_the_stream_has_not_reached_is_a_conflict_and_leaves_no_gap()
{
    let store = migrated_store().await;
    let stream_id = Uuid::now_v7();
    store
        .append(
            "chart",
            stream_id,
            ExpectedVersion::NoStream,
            &[event("a"), event("b")],
        )
        .await
        .unwrap();
    let error = store
        .append("chart", stream_id, ExpectedVersion::Exact(5), &[event("c")])
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Conflict {
                actual: Some(2),
                ..
            }
        ),
        "{error}"
    );
    let error = store
        .append("chart", stream_id, ExpectedVersion::NoStream, &[event("c")])
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Conflict {
                actual: Some(2),
                ..
            }
        ),
        "{error}"
    );
    let appended = store
        .append("chart", stream_id, ExpectedVersion::Any, &[event("c")])
        .await
        .unwrap();
    assert_eq!(appended.version, 3);
}

#[tokio::test]
async fn a_stream_of_one_type_cannot_be_continued_as_another() {
    let store = migrated_store().await;
    let stream_id = Uuid::now_v7();
    store
        .append("chart", stream_id, ExpectedVersion::NoStream, &[event("a")])
        .await
        .unwrap();
    let error = store
        .append(
            "dashboard",
            stream_id,
            ExpectedVersion::Exact(1),
            &[event("b")],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::WrongStreamType { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn the_hash_chain_verifies_and_detects_a_tampered_payload() {
    let store = migrated_store().await;
    let stream_id = Uuid::now_v7();
    store
        .append(
            "chart",
            stream_id,
            ExpectedVersion::NoStream,
            &[event("a"), event("b"), event("c")],
        )
        .await
        .unwrap();
    assert_eq!(store.verify_stream(stream_id).await.unwrap(), None);

    let mut connection = store.pool().acquire().await.unwrap();
    let refused = sqlx::query(
        "update events set payload = '{\"name\":\"forged\"}' where stream_id = $1 and version = 2",
    )
    .bind(stream_id)
    .execute(&mut *connection)
    .await;
    assert!(refused.is_err(), "the event store refuses updates");

    // Someone with superuser rights bypasses the triggers: the chain still gives them away.
    sqlx::query("set session_replication_role = replica")
        .execute(&mut *connection)
        .await
        .unwrap();
    sqlx::query(
        "update events set payload = '{\"name\":\"forged\"}' where stream_id = $1 and version = 2",
    )
    .bind(stream_id)
    .execute(&mut *connection)
    .await
    .unwrap();
    sqlx::query("set session_replication_role = origin")
        .execute(&mut *connection)
        .await
        .unwrap();
    assert_eq!(store.verify_stream(stream_id).await.unwrap(), Some(2));
}

#[tokio::test]
async fn commit_order_reading_skips_nothing_that_commits_late() {
    let store = migrated_store().await;
    // A transaction that appends first but commits last.
    let mut slow = store.pool().begin().await.unwrap();
    let slow_stream = Uuid::now_v7();
    EventStore::append_in(
        &mut slow,
        "chart",
        slow_stream,
        ExpectedVersion::NoStream,
        &[event("slow")],
    )
    .await
    .unwrap();
    let fast_stream = Uuid::now_v7();
    store
        .append(
            "chart",
            fast_stream,
            ExpectedVersion::NoStream,
            &[event("fast")],
        )
        .await
        .unwrap();

    let before_commit = store.read_committed(Default::default(), 100).await.unwrap();
    assert!(
        before_commit.is_empty(),
        "nothing is read while an older transaction is still open"
    );
    slow.commit().await.unwrap();
    // The horizon is cluster-wide: other tests' open transactions may hold it back for a moment.
    let mut after_commit = Vec::new();
    for _ in 0..200 {
        after_commit = store.read_committed(Default::default(), 100).await.unwrap();
        if after_commit.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let streams: Vec<Uuid> = after_commit.iter().map(|event| event.stream_id).collect();
    assert_eq!(streams, vec![slow_stream, fast_stream]);
}

#[tokio::test]
async fn the_service_role_appends_and_reads_events_but_can_neither_rewrite_them_nor_switch_off_their_guards()
 {
    let app = crate::harness::spawn_app_with(crate::harness::Options {
        least_privilege: true,
        ..crate::harness::Options::default()
    })
    .await;
    // The platform works as the service role: commands append, and the history reads back.
    let editor = app.signed_up("editor@example.com").await;
    let dashboard = app.create_dashboard(&editor, "Operations").await;
    let role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        role.starts_with("vizpro_test_service_"),
        "the service connects as its own role, not {role}"
    );
    // A transaction the service leaves open, or a statement that runs away, cannot hold the
    // commit-order horizon for long.
    let idle: String = sqlx::query_scalar("show idle_in_transaction_session_timeout")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(idle, "10s");
    let statement: String = sqlx::query_scalar("show statement_timeout")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(statement, "5min");
    let before: Vec<(Uuid, serde_json::Value)> =
        sqlx::query_as("select event_id, payload from events order by position")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(!before.is_empty());

    let attempts = [
        "update events set payload = '{}'::jsonb",
        "delete from events",
        "truncate events",
        "set session_replication_role = replica",
        "alter table events disable trigger all",
        "drop trigger if exists events_append_only on events",
        "alter table events owner to current_user",
    ];
    for attempt in attempts {
        let error = sqlx::query(attempt)
            .execute(&app.pool)
            .await
            .expect_err(attempt);
        let code = error
            .as_database_error()
            .and_then(|database_error| database_error.code())
            .map(|code| code.into_owned());
        assert_eq!(
            code.as_deref(),
            Some("42501"),
            "`{attempt}` is refused for want of privilege: {error}"
        );
    }
    let after: Vec<(Uuid, serde_json::Value)> =
        sqlx::query_as("select event_id, payload from events order by position")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(before, after, "the history is unchanged");
    let rename = app
        .rename_dashboard(&editor, dashboard, "Operations, renamed", 1)
        .await;
    assert!(rename.status().is_success());
}
