//! Reading the whole history as fast as PostgreSQL can send it, for rebuilds.
//!
//! A rebuild reads every event once, in commit order. Through the extended query protocol each row is
//! decoded column by column into a [`StoredEvent`](crate::StoredEvent) whose payload is parsed into a JSON
//! tree, which costs the client several times what sending the row costs the server. Here the same rows
//! come through `COPY (select …) TO STDOUT (FORMAT binary)`: a flat run of length-prefixed fields, cut into
//! [`HistoryEvent`]s that keep the payload as JSON text for the projections to decode straight into their
//! event types. Metadata and hashes are not read: no projection uses them.

use chrono::{DateTime, Utc};
use futures::StreamExt;
use uuid::Uuid;

use crate::epochs::{Epoch, Values, commit_order_statement, load_epochs};
use crate::{CommitCheckpoint, EventStore, EventView, Payload, StoreError};

/// An event of the history as a rebuild reads it: everything a projection needs, the payload still as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryEvent {
    pub position: i64,
    pub transaction_id: i64,
    pub event_id: Uuid,
    pub stream_type: String,
    pub stream_id: Uuid,
    pub version: i32,
    pub event_type: String,
    pub schema_version: i32,
    /// The payload's JSON text, as PostgreSQL prints the `jsonb`.
    pub payload: String,
    pub recorded_at: DateTime<Utc>,
}

impl HistoryEvent {
    /// The checkpoint that marks this event as read.
    pub fn checkpoint(&self) -> CommitCheckpoint {
        CommitCheckpoint {
            transaction_id: self.transaction_id,
            position: self.position,
        }
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
            payload: Payload::Text(&self.payload),
        }
    }
}

/// The columns the history copy selects, in the order [`HistoryParser`] reads them; the commit key (see
/// [`crate::epochs`]) is selected as `transaction_id`.
const HISTORY_COLUMNS: &str = "position, {transaction_id}, event_id, stream_type, stream_id, version, \
     event_type, schema_version, payload, recorded_at";
const HISTORY_COLUMN_COUNT: i16 = 10;

/// The `COPY` statement for the events after `after` in commit order, below the horizon that
/// [`EventStore::read_committed`] respects, of the given stream types only (all when empty). `COPY` takes no
/// bind parameters, so the values are written into the statement: the checkpoint is two integers and the
/// stream types are quoted as literals.
fn history_copy(epochs: &[Epoch], after: CommitCheckpoint, stream_types: &[&str]) -> String {
    let filter = if stream_types.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = stream_types
            .iter()
            .map(|stream_type| format!("'{}'", stream_type.replace('\'', "''")))
            .collect();
        format!(" and stream_type in ({})", quoted.join(", "))
    };
    let query = commit_order_statement(
        epochs,
        after,
        HISTORY_COLUMNS,
        &filter,
        None,
        Values::Literal,
    );
    format!("copy ({query}) to stdout (format binary)")
}

impl EventStore {
    /// Reads every event after `after` in commit order (of `stream_types` only, or all when it is empty) in
    /// one `COPY`, handing them to `deliver` in batches of up to `batch_size`. Returns how many events were
    /// read.
    ///
    /// `deliver` answers with the batch to fill next, or `None` to stop reading. The events of a batch
    /// handed back are overwritten in place, so a caller that returns the batches it is done with reads
    /// the whole history without allocating per event; an empty `Vec` is fine too. When reading stops
    /// early, its connection is closed rather than returned to the pool in the middle of a copy.
    pub async fn read_history<Deliver, Delivered>(
        &self,
        after: CommitCheckpoint,
        stream_types: &[&str],
        batch_size: usize,
        mut deliver: Deliver,
    ) -> Result<u64, StoreError>
    where
        Deliver: FnMut(Vec<HistoryEvent>) -> Delivered,
        Delivered: Future<Output = Option<Vec<HistoryEvent>>>,
    {
        let batch_size = batch_size.max(1);
        let epochs = load_epochs(&self.pool)
            .await
            .map_err(StoreError::from_sqlx)?;
        let mut connection = self.pool.acquire().await.map_err(StoreError::from_sqlx)?;
        // Until the copy has been read to its end the connection is unusable for anything else; it is
        // closed instead of pooled unless that end is reached.
        connection.close_on_drop();
        let mut read = 0_u64;
        {
            let mut chunks = connection
                .copy_out_raw(&history_copy(&epochs, after, stream_types))
                .await
                .map_err(StoreError::from_sqlx)?;
            let mut parser = HistoryParser::default();
            let mut batch = Batch::new(Vec::with_capacity(batch_size));
            while let Some(chunk) = chunks.next().await {
                parser.push(&chunk.map_err(StoreError::from_sqlx)?);
                while parser.next_event(batch.slot())? {
                    batch.filled += 1;
                    read += 1;
                    if batch.filled == batch_size {
                        match deliver(batch.into_events()).await {
                            Some(spare) => batch = Batch::new(spare),
                            None => return Ok(read),
                        }
                    }
                }
            }
            if !parser.finished() {
                return Err(StoreError::MalformedHistory(
                    "the copy of the history ended before its trailer".to_owned(),
                ));
            }
            if batch.filled > 0 {
                deliver(batch.into_events()).await;
            }
        }
        // The copy was read to its end, so the connection is clean and goes back to the pool.
        drop(connection.detach());
        Ok(read)
    }
}

/// A batch being filled, over the events of an earlier batch whose buffers it reuses.
struct Batch {
    events: Vec<HistoryEvent>,
    filled: usize,
}

impl Batch {
    fn new(events: Vec<HistoryEvent>) -> Self {
        Batch { events, filled: 0 }
    }

    /// The event to parse into next.
    fn slot(&mut self) -> &mut HistoryEvent {
        if self.filled == self.events.len() {
            self.events.push(HistoryEvent::default());
        }
        &mut self.events[self.filled]
    }

    fn into_events(mut self) -> Vec<HistoryEvent> {
        self.events.truncate(self.filled);
        self.events
    }
}

/// The signature that opens PostgreSQL's binary copy format.
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC).
const POSTGRES_EPOCH_MICROSECONDS: i64 = 946_684_800_000_000;

/// Cuts a binary copy of [`HISTORY_COLUMNS`] into events, whatever the sizes of the chunks it arrives in.
#[derive(Debug, Default)]
struct HistoryParser {
    buffer: Vec<u8>,
    /// How much of `buffer` has been parsed.
    consumed: usize,
    header_read: bool,
    trailer_read: bool,
}

impl HistoryParser {
    fn push(&mut self, chunk: &[u8]) {
        if self.consumed == self.buffer.len() {
            self.buffer.clear();
            self.consumed = 0;
        } else if self.consumed >= 1 << 16 {
            self.buffer.drain(..self.consumed);
            self.consumed = 0;
        }
        self.buffer.extend_from_slice(chunk);
    }

    fn finished(&self) -> bool {
        self.trailer_read && self.consumed == self.buffer.len()
    }

    /// Parses the next whole event of what was pushed into `event`; `false` when more bytes are needed or
    /// the copy has ended (`event` may then hold a part of the next one).
    fn next_event(&mut self, event: &mut HistoryEvent) -> Result<bool, StoreError> {
        if self.trailer_read {
            return match self.buffer.len() - self.consumed {
                0 => Ok(false),
                _ => Err(malformed("bytes follow the copy's trailer")),
            };
        }
        let mut fields = Fields {
            bytes: &self.buffer[self.consumed..],
            at: 0,
        };
        let mut header_length = 0;
        if !self.header_read {
            let Some(signature) = fields.take(SIGNATURE.len()) else {
                return Ok(false);
            };
            if signature != SIGNATURE {
                return Err(malformed(
                    "the copy does not start with the binary signature",
                ));
            }
            let Some(_flags) = fields.take(4) else {
                return Ok(false);
            };
            let Some(extension) = fields.take(4) else {
                return Ok(false);
            };
            let extension = u32::from_be_bytes(extension.try_into().expect("four bytes")) as usize;
            if fields.take(extension).is_none() {
                return Ok(false);
            }
            header_length = fields.at;
        }
        let Some(count) = fields.take(2) else {
            self.skip_header(header_length);
            return Ok(false);
        };
        let count = i16::from_be_bytes(count.try_into().expect("two bytes"));
        if count == -1 {
            self.trailer_read = true;
            self.header_read = true;
            self.consumed += fields.at;
            return Ok(false);
        }
        if count != HISTORY_COLUMN_COUNT {
            return Err(malformed(format!(
                "a row has {count} columns instead of {HISTORY_COLUMN_COUNT}"
            )));
        }
        if !Self::event(&mut fields, event)? {
            self.skip_header(header_length);
            return Ok(false);
        }
        self.header_read = true;
        self.consumed += fields.at;
        Ok(true)
    }

    /// Marks a header that was read whole as consumed, so that it is not read again with the next chunk.
    fn skip_header(&mut self, header_length: usize) {
        if header_length > 0 {
            self.header_read = true;
            self.consumed += header_length;
        }
    }

    /// Reads one row's fields into `event`; `false` when the row is not all there yet.
    fn event(fields: &mut Fields<'_>, event: &mut HistoryEvent) -> Result<bool, StoreError> {
        macro_rules! field {
            ($column:literal) => {
                match fields.field($column)? {
                    Some(bytes) => bytes,
                    None => return Ok(false),
                }
            };
        }
        event.position = big_integer(field!("position"), "position")?;
        event.transaction_id = big_integer(field!("transaction_id"), "transaction_id")?;
        event.event_id = uuid(field!("event_id"), "event_id")?;
        text_into(&mut event.stream_type, field!("stream_type"), "stream_type")?;
        event.stream_id = uuid(field!("stream_id"), "stream_id")?;
        event.version = integer(field!("version"), "version")?;
        text_into(&mut event.event_type, field!("event_type"), "event_type")?;
        event.schema_version = integer(field!("schema_version"), "schema_version")?;
        jsonb_into(&mut event.payload, field!("payload"), "payload")?;
        event.recorded_at = timestamp(field!("recorded_at"), "recorded_at")?;
        Ok(true)
    }
}

/// A reading position in the unparsed bytes.
struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Fields<'a> {
    fn take(&mut self, length: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(length)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    /// The next field's bytes; `None` when they have not all arrived. Every history column is `not null`.
    fn field(&mut self, column: &str) -> Result<Option<&'a [u8]>, StoreError> {
        let Some(length) = self.take(4) else {
            return Ok(None);
        };
        let length = i32::from_be_bytes(length.try_into().expect("four bytes"));
        let Ok(length) = usize::try_from(length) else {
            return Err(malformed(format!("{column} is null")));
        };
        Ok(self.take(length))
    }
}

fn malformed(reason: impl Into<String>) -> StoreError {
    StoreError::MalformedHistory(reason.into())
}

fn sized<const N: usize>(bytes: &[u8], column: &str) -> Result<[u8; N], StoreError> {
    bytes
        .try_into()
        .map_err(|_| malformed(format!("{column} has {} bytes instead of {N}", bytes.len())))
}

fn big_integer(bytes: &[u8], column: &str) -> Result<i64, StoreError> {
    Ok(i64::from_be_bytes(sized(bytes, column)?))
}

fn integer(bytes: &[u8], column: &str) -> Result<i32, StoreError> {
    Ok(i32::from_be_bytes(sized(bytes, column)?))
}

fn uuid(bytes: &[u8], column: &str) -> Result<Uuid, StoreError> {
    Ok(Uuid::from_bytes(sized(bytes, column)?))
}

/// Replaces `out` with the text, keeping its buffer.
fn text_into(out: &mut String, bytes: &[u8], column: &str) -> Result<(), StoreError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| malformed(format!("{column} is not UTF-8")))?;
    out.clear();
    out.push_str(text);
    Ok(())
}

/// A `jsonb` is sent as a format version (1) and the JSON text.
fn jsonb_into(out: &mut String, bytes: &[u8], column: &str) -> Result<(), StoreError> {
    match bytes.split_first() {
        Some((1, json)) => text_into(out, json, column),
        _ => Err(malformed(format!("{column} is not jsonb of format 1"))),
    }
}

/// A `timestamptz` is sent as microseconds since 2000-01-01 UTC.
fn timestamp(bytes: &[u8], column: &str) -> Result<DateTime<Utc>, StoreError> {
    let microseconds = big_integer(bytes, column)?;
    microseconds
        .checked_add(POSTGRES_EPOCH_MICROSECONDS)
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| malformed(format!("{column} is not a representable time")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(out: &mut Vec<u8>, bytes: &[u8]) {
        out.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
        out.extend_from_slice(bytes);
    }

    fn row(out: &mut Vec<u8>, event: &HistoryEvent) {
        out.extend_from_slice(&HISTORY_COLUMN_COUNT.to_be_bytes());
        field(out, &event.position.to_be_bytes());
        field(out, &event.transaction_id.to_be_bytes());
        field(out, event.event_id.as_bytes());
        field(out, event.stream_type.as_bytes());
        field(out, event.stream_id.as_bytes());
        field(out, &event.version.to_be_bytes());
        field(out, event.event_type.as_bytes());
        field(out, &event.schema_version.to_be_bytes());
        let mut jsonb = vec![1];
        jsonb.extend_from_slice(event.payload.as_bytes());
        field(out, &jsonb);
        let microseconds = event.recorded_at.timestamp_micros() - POSTGRES_EPOCH_MICROSECONDS;
        field(out, &microseconds.to_be_bytes());
    }

    fn header(out: &mut Vec<u8>) {
        out.extend_from_slice(SIGNATURE);
        out.extend_from_slice(&0_u32.to_be_bytes());
        out.extend_from_slice(&3_u32.to_be_bytes());
        out.extend_from_slice(b"ext");
    }

    fn event(position: i64, name: &str) -> HistoryEvent {
        HistoryEvent {
            position,
            transaction_id: 700 + position,
            event_id: Uuid::from_u128(position as u128),
            stream_type: "dashboard".into(),
            stream_id: Uuid::from_u128(99),
            version: position as i32,
            event_type: "renamed".into(),
            schema_version: 1,
            payload: format!(r#"{{"name": "{name}"}}"#),
            recorded_at: DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
        }
    }

    fn copy_of(events: &[HistoryEvent]) -> Vec<u8> {
        let mut copy = Vec::new();
        header(&mut copy);
        for event in events {
            row(&mut copy, event);
        }
        copy.extend_from_slice(&(-1_i16).to_be_bytes());
        copy
    }

    fn parse_in_chunks(copy: &[u8], chunk: usize) -> Result<(Vec<HistoryEvent>, bool), StoreError> {
        let mut parser = HistoryParser::default();
        let mut events = Vec::new();
        // One slot, reused after every event, as a recycled batch would be.
        let mut slot = event(0, "a name longer than any the copies hold");
        for piece in copy.chunks(chunk) {
            parser.push(piece);
            while parser.next_event(&mut slot)? {
                events.push(slot.clone());
            }
        }
        Ok((events, parser.finished()))
    }

    #[test]
    fn the_history_reads_the_same_whatever_the_chunks_it_arrives_in() {
        let events = vec![event(1, "Sales"), event(2, "Ventes — été"), event(3, "")];
        let copy = copy_of(&events);
        for chunk in [1, 2, 3, 7, 19, 64, copy.len()] {
            let (parsed, finished) = parse_in_chunks(&copy, chunk).unwrap();
            assert_eq!(parsed, events, "chunks of {chunk} bytes");
            assert!(finished, "chunks of {chunk} bytes reach the trailer");
        }
    }

    #[test]
    fn a_history_cut_short_is_not_finished() {
        let copy = copy_of(&[event(1, "Sales"), event(2, "Costs")]);
        let (parsed, finished) = parse_in_chunks(&copy[..copy.len() - 5], 8).unwrap();
        assert_eq!(parsed, vec![event(1, "Sales")]);
        assert!(!finished);
    }

    #[test]
    fn a_null_or_foreign_column_is_refused_with_its_name() {
        let mut copy = Vec::new();
        header(&mut copy);
        copy.extend_from_slice(&HISTORY_COLUMN_COUNT.to_be_bytes());
        field(&mut copy, &1_i64.to_be_bytes());
        copy.extend_from_slice(&(-1_i32).to_be_bytes());
        let error = parse_in_chunks(&copy, copy.len()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the event history cannot be read: transaction_id is null"
        );

        let mut copy = Vec::new();
        header(&mut copy);
        copy.extend_from_slice(&3_i16.to_be_bytes());
        let error = parse_in_chunks(&copy, copy.len()).unwrap_err();
        assert!(error.to_string().contains("3 columns instead of 10"));

        let error = parse_in_chunks(b"PGCOPY\n\xff\r\n\x01rest", 64).unwrap_err();
        assert!(error.to_string().contains("binary signature"));
    }

    #[test]
    fn the_copy_statement_quotes_stream_types_and_keeps_commit_order() {
        let epochs = [Epoch {
            epoch: 1,
            first_position: 0,
            is_current: true,
        }];
        let statement = history_copy(
            &epochs,
            CommitCheckpoint::in_epoch(1, 812, 40),
            &["dashboard", "o'brien"],
        );
        assert!(statement.contains("> ('812'::xid8, 40)"));
        assert!(statement.contains("stream_type in ('dashboard', 'o''brien')"));
        assert!(statement.ends_with(
            "order by events.transaction_id, events.position)) to stdout (format binary)"
        ));
        assert!(
            !history_copy(&epochs, CommitCheckpoint::default(), &[]).contains("stream_type in")
        );
    }
}
