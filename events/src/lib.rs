//! The event contract of vizpro.
//!
//! Every aggregate has one event enum. Each enum is stored as a sequence of rows in the events table,
//! published on NATS under `vizpro.events.<stream_type>.<event_type>` and read by projectors and auditors.
//! Because stored events live forever, this crate is deliberately free of HTTP, SQL and NATS concerns: it
//! only describes what happened, how it is encoded, and how old encodings are brought up to date.

pub mod access;
pub mod chart;
pub mod codec;
pub mod dashboard;
pub mod data_source;
pub mod dataset;
pub mod envelope;
pub mod user;
pub mod wire;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The largest an event's payload may be, in bytes of its JSON encoding.
///
/// Every event is published to JetStream as one message, and a message larger than the NATS server's
/// `max_payload` (1 MiB by default) can never leave the relay. The payload travels inside an envelope
/// with metadata and headers, so its maximum is kept well below the message limit: a quarter of it. The
/// command API refuses a command whose events would exceed it (413, naming the field), with nothing
/// appended, and its JSON request bodies are limited to the same size by default.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// The largest message the relay publishes and the event stream stores (its `max_msg_size`): NATS's
/// default `max_payload`. A payload of [`MAX_PAYLOAD_BYTES`] with its envelope and headers fits in it.
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

pub use access::{Access, AccessGranted, AccessRevoked, Grantee, Role};
pub use chart::ChartEvent;
pub use codec::CodecError;
pub use dashboard::DashboardEvent;
pub use data_source::DataSourceEvent;
pub use dataset::DatasetEvent;
pub use envelope::{EventEnvelope, EventMetadata};
pub use user::UserEvent;

/// Implemented by every aggregate's event enum.
pub trait DomainEvent:
    Serialize + DeserializeOwned + Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static
{
    /// The name of the stream family, e.g. "dashboard". It is stored in the events table and forms the
    /// NATS subject `vizpro.events.<stream_type>.<event_type>`.
    const STREAM_TYPE: &'static str;

    /// The snake_case past-tense name of this event, e.g. "tile_added". It always equals the serde tag.
    fn event_type(&self) -> &'static str;

    /// The current schema version of this event's type.
    fn schema_version(&self) -> i32;

    /// The current schema version of the named event type, or `None` when this stream has no such event
    /// type. The codec needs this before it has an event value, to reject unknown types and versions
    /// written by a newer release instead of misreading them.
    fn current_schema_version(event_type: &str) -> Option<i32>;
}

/// Declares an aggregate's event enum together with its `DomainEvent` implementation.
///
/// Each variant names its serde tag and its current schema version once, so the tag written by serde,
/// the value returned by `event_type()` and the codec's version table cannot drift apart.
macro_rules! domain_event_enum {
    (
        $(#[$enum_meta:meta])*
        pub enum $name:ident for stream $stream_type:literal {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident($payload:ty) = $event_type:literal version $schema_version:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$enum_meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(tag = "type", content = "data", rename_all = "snake_case")]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                #[serde(rename = $event_type)]
                $variant($payload),
            )+
        }

        impl $name {
            /// Every event type of this stream, in declaration order.
            pub const EVENT_TYPES: &'static [&'static str] = &[$($event_type),+];
        }

        impl $crate::DomainEvent for $name {
            const STREAM_TYPE: &'static str = $stream_type;

            fn event_type(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $event_type,)+
                }
            }

            fn schema_version(&self) -> i32 {
                match self {
                    $(Self::$variant(_) => $schema_version,)+
                }
            }

            fn current_schema_version(event_type: &str) -> Option<i32> {
                match event_type {
                    $($event_type => Some($schema_version),)+
                    _ => None,
                }
            }
        }

        $(
            impl From<$payload> for $name {
                fn from(payload: $payload) -> Self {
                    Self::$variant(payload)
                }
            }
        )+
    };
}

pub(crate) use domain_event_enum;
