//! How an event travels to subscribers: the NATS headers the relay sets beside the envelope body.
//!
//! The relay writes these and the projector (like any downstream system) reads them, so they are named
//! once here. Values are plain text; numbers are decimal.

/// JetStream's deduplication key: the event id. A message republished within the stream's duplicate
/// window is acknowledged as a duplicate and not stored again.
pub const MESSAGE_ID: &str = "Nats-Msg-Id";
/// The event's global position.
pub const POSITION: &str = "Vizpro-Position";
/// The id of the transaction that appended the event, in the PostgreSQL cluster of its epoch: with the
/// epoch and the position, its place in commit order.
pub const TRANSACTION_ID: &str = "Vizpro-Transaction-Id";
/// The epoch of the event: which of the PostgreSQL clusters the history has lived in appended it (1 for
/// the first; a restore into a new cluster starts the next). Events of a later epoch come after every
/// event of an earlier one; within an epoch, commit order is `(transaction id, position)`. Absent on
/// messages published before epochs existed, which belong to epoch 1.
pub const EPOCH: &str = "Vizpro-Epoch";
pub const STREAM_TYPE: &str = "Vizpro-Stream-Type";
pub const STREAM_ID: &str = "Vizpro-Stream-Id";
pub const VERSION: &str = "Vizpro-Version";
pub const EVENT_TYPE: &str = "Vizpro-Event-Type";
pub const SCHEMA_VERSION: &str = "Vizpro-Schema-Version";
pub const CORRELATION_ID: &str = "Vizpro-Correlation-Id";

/// Present when the message carries the envelope without its payload (`"payload": null`), because the
/// whole event would not fit in a message. The value says why: [`PAYLOAD_OMITTED_TOO_LARGE`].
pub const PAYLOAD_OMITTED: &str = "Vizpro-Payload-Omitted";
/// The reason [`PAYLOAD_OMITTED`] gives for an event larger than the largest message.
pub const PAYLOAD_OMITTED_TOO_LARGE: &str = "too-large";
/// With [`PAYLOAD_OMITTED`]: the API path where the whole event can be fetched.
pub const PAYLOAD_LOCATION: &str = "Vizpro-Payload-Location";
/// With [`PAYLOAD_OMITTED`]: the size in bytes of the envelope that was not sent.
pub const PAYLOAD_SIZE: &str = "Vizpro-Payload-Size";

/// The API path that serves one event whole, named in [`PAYLOAD_LOCATION`].
pub fn event_location(event_id: uuid::Uuid) -> String {
    format!("/api/v1/audit/events/{event_id}")
}
