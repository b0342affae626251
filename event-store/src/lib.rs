//! The PostgreSQL event store.
//!
//! One append-only table (`events`) is the source of truth. Appending an event is one SQL statement that
//! reads the stream's head, checks the expected version and computes the event's hash chained to its
//! predecessor; the `(stream_id, version)` unique constraint guards the race between two appenders.
//! Readers that must not miss events (the relay, the projector, a rebuild) read in commit order below the
//! transaction-id horizon: see [`EventStore::read_committed`] and [`EventStore::read_history`].

pub mod epochs;
mod error;
mod history;
pub mod leadership;

pub use epochs::Epoch;
pub use error::StoreError;
pub use history::HistoryEvent;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{Connection, PgConnection, PgPool, Row, postgres::PgRow};
use uuid::Uuid;
use vizpro_events::{DomainEvent, EventEnvelope, EventMetadata, codec};

/// What the appender believes about the stream before appending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Append at the end, whatever the stream's version is.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be exactly at this version (0 means it must not exist).
    Exact(i32),
}

impl std::fmt::Display for ExpectedVersion {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectedVersion::Any => formatter.write_str("any"),
            ExpectedVersion::NoStream => formatter.write_str("no stream"),
            ExpectedVersion::Exact(version) => write!(formatter, "{version}"),
        }
    }
}

/// An event about to be appended. Its id and time are decided by the caller so that commands stay pure.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: Value,
    pub metadata: EventMetadata,
    pub recorded_at: DateTime<Utc>,
}

impl NewEvent {
    /// Encodes a domain event with a fresh time-ordered id.
    pub fn encode<E: DomainEvent>(
        event: &E,
        metadata: EventMetadata,
        recorded_at: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let (event_type, schema_version, payload) = codec::encode(event)?;
        check_payload_size(event_type, &payload)?;
        Ok(NewEvent {
            event_id: Uuid::now_v7(),
            event_type: event_type.to_owned(),
            schema_version,
            payload,
            metadata,
            recorded_at,
        })
    }
}

/// Refuses a payload whose JSON encoding exceeds [`vizpro_events::MAX_PAYLOAD_BYTES`], naming its
/// largest top-level field: an event that large could not be published, and would stop nobody but the
/// subscribers who never receive it.
pub fn check_payload_size(event_type: &str, payload: &Value) -> Result<(), StoreError> {
    let size = encoded_len(payload);
    if size <= vizpro_events::MAX_PAYLOAD_BYTES {
        return Ok(());
    }
    let field = payload.as_object().and_then(|fields| {
        fields
            .iter()
            .max_by_key(|(_, value)| encoded_len(value))
            .map(|(name, _)| name.clone())
    });
    Err(StoreError::PayloadTooLarge {
        event_type: event_type.to_owned(),
        field,
        size,
        limit: vizpro_events::MAX_PAYLOAD_BYTES,
    })
}

/// The length of a value's JSON encoding, counted without building it.
fn encoded_len(value: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing a `Value` into a sink that never fails cannot fail.
    drop(serde_json::to_writer(&mut counter, value));
    counter.0
}

/// What an append wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The stream's version after the append.
    pub version: i32,
    /// The global position of the last appended event (what read-your-writes waits for).
    pub position: i64,
}

/// A place in commit order: everything at or before it has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct CommitCheckpoint {
    pub transaction_id: i64,
    pub position: i64,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub position: i64,
    pub transaction_id: i64,
    pub event_id: Uuid,
    pub stream_type: String,
    pub stream_id: Uuid,
    pub version: i32,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: Value,
    pub metadata: EventMetadata,
    pub recorded_at: DateTime<Utc>,
}

impl StoredEvent {
    /// The checkpoint that marks this event as read.
    pub fn checkpoint(&self) -> CommitCheckpoint {
        CommitCheckpoint {
            transaction_id: self.transaction_id,
            position: self.position,
        }
    }

    /// Decodes the payload into its aggregate's event type, upcasting old schema versions.
    pub fn decode<E: DomainEvent>(&self) -> Result<E, StoreError> {
        Ok(self.view().decode()?)
    }

    /// What projections read of this event.
    pub fn view(&self) -> EventView<'_> {
        EventView {
            event_id: self.event_id,
            stream_type: &self.stream_type,
            stream_id: self.stream_id,
            version: self.version,
            event_type: &self.event_type,
            schema_version: self.schema_version,
            recorded_at: self.recorded_at,
            payload: Payload::Parsed(&self.payload),
        }
    }

    /// The envelope that downstream systems and auditors see.
    /// The envelope over this event's own fields, for encoding without copying them.
    pub fn envelope_ref(&self) -> vizpro_events::envelope::EnvelopeRef<'_> {
        vizpro_events::envelope::EnvelopeRef {
            event_id: self.event_id,
            position: self.position,
            stream_type: &self.stream_type,
            stream_id: self.stream_id,
            version: self.version,
            event_type: &self.event_type,
            schema_version: self.schema_version,
            recorded_at: self.recorded_at,
            metadata: &self.metadata,
            payload: &self.payload,
        }
    }

    pub fn envelope(&self) -> EventEnvelope {
        EventEnvelope {
            event_id: self.event_id,
            position: self.position,
            stream_type: self.stream_type.clone(),
            stream_id: self.stream_id,
            version: self.version,
            event_type: self.event_type.clone(),
            schema_version: self.schema_version,
            recorded_at: self.recorded_at,
            metadata: self.metadata.clone(),
            payload: self.payload.clone(),
        }
    }
}

/// What projections read of a stored event, however it was read: a [`StoredEvent`] of the live path with
/// its payload parsed, or a [`HistoryEvent`] of a rebuild with its payload still JSON text.
#[derive(Debug, Clone, Copy)]
pub struct EventView<'a> {
    pub event_id: Uuid,
    pub stream_type: &'a str,
    pub stream_id: Uuid,
    pub version: i32,
    pub event_type: &'a str,
    pub schema_version: i32,
    pub recorded_at: DateTime<Utc>,
    pub payload: Payload<'a>,
}

/// An event's payload, parsed or as text.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    Parsed(&'a Value),
    Text(&'a str),
}

impl EventView<'_> {
    /// Decodes the payload into its aggregate's event type, upcasting old schema versions.
    pub fn decode<E: DomainEvent>(&self) -> Result<E, vizpro_events::CodecError> {
        match self.payload {
            Payload::Parsed(payload) => {
                codec::decode_borrowed(self.event_type, self.schema_version, payload)
            }
            Payload::Text(payload) => {
                codec::decode_text(self.event_type, self.schema_version, payload)
            }
        }
    }

    /// Reads the payload as `T`, for the parts of a payload that several event types share.
    pub fn payload_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match self.payload {
            Payload::Parsed(payload) => T::deserialize(payload),
            Payload::Text(payload) => serde_json::from_str(payload),
        }
    }
}

/// A stream read back in full.
#[derive(Debug, Clone)]
pub struct LoadedStream<E> {
    pub stream_type: String,
    pub version: i32,
    pub events: Vec<E>,
}

/// The columns of a stored event. The commit-order transaction id is read as a `bigint` under its own
/// name, so an `order by` must name the table's column (`events.transaction_id`): the bare name would sort
/// by the converted output column, which no index serves, and every read would sort the whole backlog.
const EVENT_COLUMNS: &str = "position, transaction_id::text::bigint as transaction_id, event_id, stream_type, \
     stream_id, version, event_type, schema_version, payload, metadata, recorded_at";

/// The columns of an event read in commit order: as [`EVENT_COLUMNS`], with the commit key (epoch and
/// transaction id, see [`epochs`]) as `transaction_id`.
const COMMIT_ORDER_COLUMNS: &str = "position, {transaction_id}, event_id, stream_type, \
     stream_id, version, event_type, schema_version, payload, metadata, recorded_at";

/// The event store over a PostgreSQL pool.
#[derive(Debug, Clone)]
pub struct EventStore {
    pool: PgPool,
    epochs: std::sync::Arc<epochs::EpochCache>,
}

impl EventStore {
    pub fn new(pool: PgPool) -> Self {
        EventStore {
            pool,
            epochs: Default::default(),
        }
    }

    /// The epochs of the history (the clusters it has lived in), registering the current cluster when it
    /// is new; as last loaded by this store's readers.
    pub async fn epochs(&self) -> Result<std::sync::Arc<Vec<epochs::Epoch>>, StoreError> {
        self.epochs
            .get(&self.pool)
            .await
            .map_err(StoreError::from_sqlx)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Appends events to one stream atomically, in one statement and its own transaction.
    pub async fn append(
        &self,
        stream_type: &str,
        stream_id: Uuid,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended, StoreError> {
        let mut connection = self.pool.acquire().await.map_err(StoreError::from_sqlx)?;
        let mut attempts = 0;
        loop {
            match append_on(&mut connection, stream_type, stream_id, expected, events).await {
                // With `Any` a lost race is not a conflict for the caller: try again at the new end.
                Err(StoreError::Conflict { .. })
                    if expected == ExpectedVersion::Any && attempts < 16 =>
                {
                    attempts += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// Appends inside the caller's transaction, so that set-based reservations or idempotency records commit
    /// or roll back together with the events. The append should be the transaction's first write.
    pub async fn append_in(
        connection: &mut PgConnection,
        stream_type: &str,
        stream_id: Uuid,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended, StoreError> {
        append_on(connection, stream_type, stream_id, expected, events).await
    }

    /// The stream's type and version, or `None` when it does not exist.
    pub async fn stream_head(&self, stream_id: Uuid) -> Result<Option<(String, i32)>, StoreError> {
        let row = sqlx::query(
            "select stream_type, version from events where stream_id = $1 order by version desc limit 1",
        )
        .bind(stream_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::from_sqlx)?;
        Ok(row.map(|row| (row.get("stream_type"), row.get("version"))))
    }

    /// Reads a whole stream and decodes it as `E`. A stream of another type answers `None`, so that an id of
    /// one kind of resource can never be used as another.
    pub async fn load<E: DomainEvent>(
        &self,
        stream_id: Uuid,
    ) -> Result<Option<LoadedStream<E>>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {EVENT_COLUMNS} from events where stream_id = $1 order by version"
        ))
        .bind(stream_id)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::from_sqlx)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let stream_type: String = first.get("stream_type");
        if stream_type != E::STREAM_TYPE {
            return Ok(None);
        }
        let mut events = Vec::with_capacity(rows.len());
        let mut version = 0;
        for row in &rows {
            let stored = stored_event(row)?;
            version = stored.version;
            events.push(stored.decode::<E>()?);
        }
        Ok(Some(LoadedStream {
            stream_type,
            version,
            events,
        }))
    }

    /// The events of a stream after `after_version`, decoded as `E`, with the stream's version after them
    /// (`after_version` when there are none). For a caller that already holds the state the stream had at
    /// `after_version`: events are never changed once stored, so that state and these events are the
    /// stream's whole story. A stream of another type answers `None`.
    pub async fn load_after<E: DomainEvent>(
        &self,
        stream_id: Uuid,
        after_version: i32,
    ) -> Result<Option<LoadedStream<E>>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {EVENT_COLUMNS} from events where stream_id = $1 and version > $2 order by version"
        ))
        .bind(stream_id)
        .bind(after_version)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::from_sqlx)?;
        let mut events = Vec::with_capacity(rows.len());
        let mut version = after_version;
        for row in &rows {
            let stream_type: String = row.get("stream_type");
            if stream_type != E::STREAM_TYPE {
                return Ok(None);
            }
            let stored = stored_event(row)?;
            version = stored.version;
            events.push(stored.decode::<E>()?);
        }
        Ok(Some(LoadedStream {
            stream_type: E::STREAM_TYPE.to_owned(),
            version,
            events,
        }))
    }

    /// Reads every stored event of one stream, undecoded (for audit and verification).
    pub async fn read_stream(&self, stream_id: Uuid) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {EVENT_COLUMNS} from events where stream_id = $1 order by version"
        ))
        .bind(stream_id)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::from_sqlx)?;
        rows.iter().map(stored_event).collect()
    }

    /// Reads up to `limit` events after `after`, in commit order, and only from transactions that can no
    /// longer change what this read returns.
    ///
    /// A position is handed out at insert but becomes visible at commit, so transactions become visible out
    /// of position order. Ordering by `(transaction_id, position)` and stopping below the oldest transaction
    /// still running (`pg_snapshot_xmin`) means every row this returns is final and nothing can later appear
    /// before it. A long-running writing transaction anywhere in the cluster holds readers back; that is
    /// exposed as a metric rather than papered over with a timeout that would lose events.
    pub async fn read_committed(
        &self,
        after: CommitCheckpoint,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        loop {
            let epochs = self.epochs().await?;
            let statement = epochs::commit_order_statement(
                &epochs,
                after,
                COMMIT_ORDER_COLUMNS,
                "",
                Some(limit),
                epochs::Values::Bound,
            );
            let rows = sqlx::query(&statement)
                .bind(after.cluster_transaction_id().to_string())
                .bind(after.position)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
            // Nothing new, or the database now runs in an epoch the held list does not know (the
            // statement checks): in the second case the list is loaded again and the read repeated.
            if !rows.is_empty()
                || !self
                    .epochs
                    .refresh_if_stale(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?
            {
                return rows.iter().map(stored_event).collect();
            }
        }
    }

    /// Checks a stream's hash chain. Returns the first version whose hash does not match, if any.
    pub async fn verify_stream(&self, stream_id: Uuid) -> Result<Option<i32>, StoreError> {
        sqlx::query_scalar("select vizpro_verify_stream($1)")
            .bind(stream_id)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::from_sqlx)
    }
}

/// Appends one event per statement. The statement reads the stream's head, checks the expectation and the
/// stream type, and computes the chained hash, all in one round trip; it inserts nothing when the head is
/// not what was expected. Several events go in one transaction, each expecting its predecessor.
const APPEND_ONE: &str = "\
    with head as ( \
        select version, hash, stream_type from events \
         where stream_id = $3 order by version desc limit 1) \
    insert into events (event_id, stream_type, stream_id, version, event_type, schema_version, \
                        payload, metadata, recorded_at, prev_hash, hash) \
    select $1, $2, $3, coalesce(head.version, 0) + 1, $5, $6, $7, $8, $9, head.hash, \
           vizpro_event_digest(head.hash, $1, $2, $3, coalesce(head.version, 0) + 1, $5, $6, $7, $8, $9) \
      from (select 1) as one left join head on true \
     where ($4::integer is null or coalesce(head.version, 0) = $4) \
       and (head.stream_type is null or head.stream_type = $2) \
    returning position, version";

async fn append_on(
    connection: &mut PgConnection,
    stream_type: &str,
    stream_id: Uuid,
    expected: ExpectedVersion,
    events: &[NewEvent],
) -> Result<Appended, StoreError> {
    match events {
        [] => Err(StoreError::NothingToAppend),
        [single] => append_one(connection, stream_type, stream_id, expected, single).await,
        several => {
            let mut transaction = connection.begin().await.map_err(StoreError::from_sqlx)?;
            let mut appended = append_one(
                &mut transaction,
                stream_type,
                stream_id,
                expected,
                &several[0],
            )
            .await?;
            for event in &several[1..] {
                let next = ExpectedVersion::Exact(appended.version);
                appended =
                    append_one(&mut transaction, stream_type, stream_id, next, event).await?;
            }
            transaction.commit().await.map_err(StoreError::from_sqlx)?;
            Ok(appended)
        }
    }
}

async fn append_one(
    connection: &mut PgConnection,
    stream_type: &str,
    stream_id: Uuid,
    expected: ExpectedVersion,
    event: &NewEvent,
) -> Result<Appended, StoreError> {
    let expected_head = match expected {
        ExpectedVersion::Any => None,
        ExpectedVersion::NoStream => Some(0),
        ExpectedVersion::Exact(version) => Some(version),
    };
    let metadata = serde_json::to_value(&event.metadata).map_err(StoreError::Metadata)?;
    let row = sqlx::query(APPEND_ONE)
        .bind(event.event_id)
        .bind(stream_type)
        .bind(stream_id)
        .bind(expected_head)
        .bind(&event.event_type)
        .bind(event.schema_version)
        .bind(&event.payload)
        .bind(&metadata)
        .bind(event.recorded_at)
        .fetch_optional(&mut *connection)
        .await;
    match row {
        Ok(Some(row)) => Ok(Appended {
            version: row.get("version"),
            position: row.get("position"),
        }),
        Ok(None) => Err(explain_refusal(connection, stream_type, stream_id, expected).await),
        Err(error) => Err(classify_append_error(connection, stream_id, expected, error).await),
    }
}

/// The append inserted nothing: the head was not what the caller expected, or the stream is of another type.
async fn explain_refusal(
    connection: &mut PgConnection,
    stream_type: &str,
    stream_id: Uuid,
    expected: ExpectedVersion,
) -> StoreError {
    let head: Result<Option<(String, i32)>, _> = sqlx::query_as(
        "select stream_type, version from events where stream_id = $1 order by version desc limit 1",
    )
    .bind(stream_id)
    .fetch_optional(&mut *connection)
    .await;
    match head {
        Ok(Some((actual_type, _))) if actual_type != stream_type => {
            StoreError::WrongStreamType { stream_id }
        }
        Ok(head) => StoreError::Conflict {
            stream_id,
            expected,
            actual: head.map(|(_, version)| version),
        },
        Err(error) => StoreError::from_sqlx(error),
    }
}

/// Turns a failed append into a conflict that names the actual version when that is what happened.
async fn classify_append_error(
    connection: &mut PgConnection,
    stream_id: Uuid,
    expected: ExpectedVersion,
    error: sqlx::Error,
) -> StoreError {
    let is_version_conflict = error.as_database_error().is_some_and(|database_error| {
        database_error.code().as_deref() == Some("23505")
            && database_error.constraint() == Some("events_stream_version_unique")
    });
    if !is_version_conflict {
        return StoreError::from_sqlx(error);
    }
    // Inside a failed transaction nothing more can be read; the caller learns the actual version on retry.
    let actual = sqlx::query_scalar::<_, Option<i32>>(
        "select max(version) from events where stream_id = $1",
    )
    .bind(stream_id)
    .fetch_one(&mut *connection)
    .await
    .ok()
    .flatten();
    StoreError::Conflict {
        stream_id,
        expected,
        actual,
    }
}

fn stored_event(row: &PgRow) -> Result<StoredEvent, StoreError> {
    // Columns are read by their place in `EVENT_COLUMNS` rather than by name: the relay and the projector
    // decode every row they read, and a lookup by name costs a hash of the name per column per row.
    // Metadata is decoded straight into its type, without building a JSON tree first.
    let metadata: sqlx::types::Json<EventMetadata> =
        row.try_get(9).map_err(StoreError::from_sqlx)?;
    Ok(StoredEvent {
        position: row.try_get(0).map_err(StoreError::from_sqlx)?,
        transaction_id: row.try_get(1).map_err(StoreError::from_sqlx)?,
        event_id: row.try_get(2).map_err(StoreError::from_sqlx)?,
        stream_type: row.try_get(3).map_err(StoreError::from_sqlx)?,
        stream_id: row.try_get(4).map_err(StoreError::from_sqlx)?,
        version: row.try_get(5).map_err(StoreError::from_sqlx)?,
        event_type: row.try_get(6).map_err(StoreError::from_sqlx)?,
        schema_version: row.try_get(7).map_err(StoreError::from_sqlx)?,
        payload: row.try_get(8).map_err(StoreError::from_sqlx)?,
        metadata: metadata.0,
        recorded_at: row.try_get(10).map_err(StoreError::from_sqlx)?,
    })
}
