//! The stored form of an event, as downstream systems receive it on NATS and auditors read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Facts about the request that caused an event. They are kept apart from the payload because they
/// describe the circumstances, not the change, and because auditors need them for every event alike.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// The authenticated user who caused the event, if any (sign-in failures have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<Uuid>,
    /// Shared by every event that stems from one user action, across services.
    pub correlation_id: Uuid,
    /// The event or command that directly caused this event, if it was not a user request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// The HTTP request id, for matching events to access logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The client's idempotency key, so a retried request can be recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The client's address as seen by the edge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
}

/// What downstream systems receive on NATS and auditors read: a stored event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope {
    /// Unique id of this event.
    pub event_id: Uuid,
    /// Global, gap-tolerant ordering position assigned by the store.
    pub position: i64,
    /// The aggregate family, e.g. "dashboard".
    pub stream_type: String,
    /// The aggregate instance.
    pub stream_id: Uuid,
    /// The version of the stream after this event (1 for the first event).
    pub version: i32,
    /// The snake_case event name, e.g. "tile_added".
    pub event_type: String,
    /// The schema version the payload was written with.
    pub schema_version: i32,
    /// When the store recorded the event.
    pub recorded_at: DateTime<Utc>,
    /// The circumstances of the event.
    pub metadata: EventMetadata,
    /// The event's fields as a JSON object.
    pub payload: serde_json::Value,
}

/// An [`EventEnvelope`] over borrowed parts: it serializes to exactly the same JSON, without copying the
/// payload and metadata first (the relay encodes every event it publishes).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EnvelopeRef<'a> {
    pub event_id: Uuid,
    pub position: i64,
    pub stream_type: &'a str,
    pub stream_id: Uuid,
    pub version: i32,
    pub event_type: &'a str,
    pub schema_version: i32,
    pub recorded_at: DateTime<Utc>,
    pub metadata: &'a EventMetadata,
    pub payload: &'a serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_metadata_serializes_only_the_correlation_id() {
        let metadata = EventMetadata::default();
        assert_eq!(
            serde_json::to_value(&metadata).unwrap(),
            json!({"correlation_id": Uuid::nil()})
        );
        let parsed: EventMetadata =
            serde_json::from_value(json!({"correlation_id": Uuid::nil()})).unwrap();
        assert_eq!(parsed, metadata);
    }

    #[test]
    fn a_borrowed_envelope_is_the_same_json_as_the_envelope() {
        let envelope = EventEnvelope {
            event_id: Uuid::now_v7(),
            position: 42,
            stream_type: "dashboard".to_owned(),
            stream_id: Uuid::now_v7(),
            version: 3,
            event_type: "tile_added".to_owned(),
            schema_version: 2,
            recorded_at: Utc::now(),
            metadata: EventMetadata {
                actor_id: Some(Uuid::now_v7()),
                correlation_id: Uuid::now_v7(),
                request_id: Some("request-1".to_owned()),
                ..EventMetadata::default()
            },
            payload: json!({"tile_id": Uuid::nil(), "w": 6, "title": "Revenue"}),
        };
        let borrowed = EnvelopeRef {
            event_id: envelope.event_id,
            position: envelope.position,
            stream_type: &envelope.stream_type,
            stream_id: envelope.stream_id,
            version: envelope.version,
            event_type: &envelope.event_type,
            schema_version: envelope.schema_version,
            recorded_at: envelope.recorded_at,
            metadata: &envelope.metadata,
            payload: &envelope.payload,
        };
        assert_eq!(
            serde_json::to_vec(&borrowed).unwrap(),
            serde_json::to_vec(&envelope).unwrap()
        );
    }
}
