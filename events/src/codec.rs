//! Turning events into stored rows and back.
//!
//! A stored event is the triple (event_type, schema_version, payload). The payload is the JSON object of
//! the variant's struct, without the enum tag, so that the event type can live in its own indexed column
//! and projections can read payload fields directly.
//!
//! Stored events are never rewritten. When an event's shape has to change, its schema version goes up
//! and an upcaster is added to [`UPCASTERS`] that turns a payload of the old version into the next one.
//! Decoding runs the upcasters one step at a time until the payload reaches the current version.

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, IntoDeserializer, MapAccess};
use serde_json::Value;

use crate::DomainEvent;

/// The one error type of this crate.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The stream has no event type of this name.
    #[error("unknown event type \"{event_type}\" for stream type \"{stream_type}\"")]
    UnknownEventType {
        /// The stream type decoded.
        stream_type: String,
        /// The unrecognised event type.
        event_type: String,
    },

    /// The event was written by a newer release that knows a later schema than this build.
    #[error(
        "event \"{stream_type}.{event_type}\" has schema version {schema_version}, but this build \
         understands at most version {current_version}; it was written by a newer release"
    )]
    FutureSchemaVersion {
        /// The stream type decoded.
        stream_type: String,
        /// The event type decoded.
        event_type: String,
        /// The version found in storage.
        schema_version: i32,
        /// The newest version this build knows.
        current_version: i32,
    },

    /// An old schema version was found but no upcaster is registered for it.
    #[error(
        "no upcaster brings event \"{stream_type}.{event_type}\" from schema version {from_version} \
         to a newer version"
    )]
    MissingUpcaster {
        /// The stream type decoded.
        stream_type: String,
        /// The event type decoded.
        event_type: String,
        /// The version that could not be upgraded.
        from_version: i32,
    },

    /// An upcaster found an old payload it cannot convert.
    #[error(
        "upcasting event \"{stream_type}.{event_type}\" from schema version {from_version} failed: {reason}"
    )]
    UpcastFailed {
        /// The stream type decoded.
        stream_type: String,
        /// The event type decoded.
        event_type: String,
        /// The version being upgraded.
        from_version: i32,
        /// What was wrong.
        reason: String,
    },

    /// The payload does not match the current schema of its event type.
    #[error("payload of event \"{stream_type}.{event_type}\" does not match its schema: {source}")]
    MalformedPayload {
        /// The stream type decoded.
        stream_type: String,
        /// The event type decoded.
        event_type: String,
        /// The deserialisation failure.
        #[source]
        source: serde_json::Error,
    },

    /// The event could not be turned into JSON.
    #[error("event of stream type \"{stream_type}\" could not be serialized: {source}")]
    Serialize {
        /// The stream type encoded.
        stream_type: String,
        /// The serialisation failure.
        #[source]
        source: serde_json::Error,
    },

    /// The event did not serialize as `{"type": ..., "data": {...}}`, which means its enum was declared
    /// without the contract's serde attributes.
    #[error(
        "event of stream type \"{stream_type}\" did not serialize as a tagged object with an object payload"
    )]
    UnexpectedEventShape {
        /// The stream type encoded.
        stream_type: String,
    },

    /// A role name that is none of admin, editor, viewer or auditor.
    #[error("unknown role \"{value}\"; expected admin, editor, viewer or auditor")]
    UnknownRole {
        /// The text that was not a role.
        value: String,
    },
}

/// Splits an event into (event_type, schema_version, payload), where payload is the variant's struct as
/// a JSON object.
pub fn encode<E: DomainEvent>(event: &E) -> Result<(&'static str, i32, Value), CodecError> {
    let unexpected_shape = || CodecError::UnexpectedEventShape {
        stream_type: E::STREAM_TYPE.to_owned(),
    };
    let tagged = serde_json::to_value(event).map_err(|source| CodecError::Serialize {
        stream_type: E::STREAM_TYPE.to_owned(),
        source,
    })?;
    let Value::Object(mut tagged) = tagged else {
        return Err(unexpected_shape());
    };
    let event_type = event.event_type();
    if tagged.get("type").and_then(Value::as_str) != Some(event_type) {
        return Err(unexpected_shape());
    }
    let payload = tagged.remove("data").ok_or_else(unexpected_shape)?;
    if !payload.is_object() {
        return Err(unexpected_shape());
    }
    Ok((event_type, event.schema_version(), payload))
}

/// Runs the upcasters from `schema_version` to the current version of `event_type`, then deserializes.
/// Unknown event types and versions newer than the current one are rejected.
pub fn decode<E: DomainEvent>(
    event_type: &str,
    schema_version: i32,
    payload: Value,
) -> Result<E, CodecError> {
    decode_with(UPCASTERS, event_type, schema_version, payload)
}

/// Like [`decode`], from a borrowed payload: what reading the history does for every event, where cloning
/// the payload first would cost more than decoding it. The payload is copied only when an old schema
/// version must be upcast.
pub fn decode_borrowed<E: DomainEvent>(
    event_type: &str,
    schema_version: i32,
    payload: &Value,
) -> Result<E, CodecError> {
    let current_version = check_version::<E>(event_type, schema_version)?;
    if schema_version < current_version {
        return decode(event_type, schema_version, payload.clone());
    }
    // The enums are adjacently tagged (`{"type": …, "data": …}`); the same two entries are handed to
    // them as a map of borrowed values, so nothing of the payload is copied but the fields themselves.
    let tag = Value::String(event_type.to_owned());
    let entries = [("type", &tag), ("data", payload)];
    let tagged =
        serde::de::value::MapDeserializer::<_, serde_json::Error>::new(entries.into_iter());
    E::deserialize(tagged).map_err(|source| CodecError::MalformedPayload {
        stream_type: E::STREAM_TYPE.to_owned(),
        event_type: event_type.to_owned(),
        source,
    })
}

/// Like [`decode`], from the payload's JSON text as the database sends it: what a rebuild does for every
/// event of the history, where parsing the text into a JSON tree first and decoding the tree afterwards
/// would cost twice. The text is parsed into a tree only when an old schema version must be upcast.
pub fn decode_text<E: DomainEvent>(
    event_type: &str,
    schema_version: i32,
    payload: &str,
) -> Result<E, CodecError> {
    let malformed = |source| CodecError::MalformedPayload {
        stream_type: E::STREAM_TYPE.to_owned(),
        event_type: event_type.to_owned(),
        source,
    };
    let current_version = check_version::<E>(event_type, schema_version)?;
    if schema_version < current_version {
        let payload: Value = serde_json::from_str(payload).map_err(malformed)?;
        return decode(event_type, schema_version, payload);
    }
    // The enums are adjacently tagged (`{"type": …, "data": …}`). The tag and the payload's text are handed
    // to them as such a map, the tag first, so serde reads the payload straight from the text.
    E::deserialize(MapAccessDeserializer::new(TaggedText {
        event_type,
        payload,
        entries_read: 0,
    }))
    .map_err(malformed)
}

/// An event's tag and its payload's JSON text, read as the map `{"type": tag, "data": payload}`.
struct TaggedText<'a> {
    event_type: &'a str,
    payload: &'a str,
    entries_read: u8,
}

impl<'de> MapAccess<'de> for TaggedText<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let key = match self.entries_read {
            0 => "type",
            1 => "data",
            _ => return Ok(None),
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        self.entries_read += 1;
        if self.entries_read == 1 {
            return seed.deserialize(self.event_type.into_deserializer());
        }
        let mut payload = serde_json::Deserializer::from_str(self.payload);
        let value = seed.deserialize(&mut payload)?;
        payload.end()?;
        Ok(value)
    }
}

/// Brings a payload of `from_version` one step forward, returning the new version and payload.
/// Fails with [`CodecError::MissingUpcaster`] when no upcaster is registered for that step.
pub fn upcast(
    stream_type: &str,
    event_type: &str,
    from_version: i32,
    payload: Value,
) -> Result<(i32, Value), CodecError> {
    upcast_with(UPCASTERS, stream_type, event_type, from_version, payload)
}

/// One step in an event type's schema history: turns a payload of `from_version` into `from_version + 1`.
#[derive(Debug, Clone, Copy)]
pub struct Upcaster {
    /// The stream type, e.g. "dashboard".
    pub stream_type: &'static str,
    /// The event type, e.g. "tile_added".
    pub event_type: &'static str,
    /// The version this step starts from; it produces `from_version + 1`.
    pub from_version: i32,
    /// The conversion. It returns a reason when an old payload cannot be converted.
    pub upgrade: fn(Value) -> Result<Value, String>,
}

/// Every upcaster. No event has had a second schema version yet, so the table is empty.
///
/// To change an event's shape: bump its version in the event enum, then add an entry here such as
/// `Upcaster { stream_type: "dashboard", event_type: "tile_added", from_version: 1, upgrade: tile_added_v1_to_v2 }`.
pub const UPCASTERS: &[Upcaster] = &[];

fn upcast_with(
    upcasters: &[Upcaster],
    stream_type: &str,
    event_type: &str,
    from_version: i32,
    payload: Value,
) -> Result<(i32, Value), CodecError> {
    let upcaster = upcasters
        .iter()
        .find(|upcaster| {
            upcaster.stream_type == stream_type
                && upcaster.event_type == event_type
                && upcaster.from_version == from_version
        })
        .ok_or_else(|| CodecError::MissingUpcaster {
            stream_type: stream_type.to_owned(),
            event_type: event_type.to_owned(),
            from_version,
        })?;
    let upgraded = (upcaster.upgrade)(payload).map_err(|reason| CodecError::UpcastFailed {
        stream_type: stream_type.to_owned(),
        event_type: event_type.to_owned(),
        from_version,
        reason,
    })?;
    Ok((from_version + 1, upgraded))
}

/// The current schema version of `event_type`, when `schema_version` is not newer than it.
fn check_version<E: DomainEvent>(event_type: &str, schema_version: i32) -> Result<i32, CodecError> {
    let current_version =
        E::current_schema_version(event_type).ok_or_else(|| CodecError::UnknownEventType {
            stream_type: E::STREAM_TYPE.to_owned(),
            event_type: event_type.to_owned(),
        })?;
    if schema_version > current_version {
        return Err(CodecError::FutureSchemaVersion {
            stream_type: E::STREAM_TYPE.to_owned(),
            event_type: event_type.to_owned(),
            schema_version,
            current_version,
        });
    }
    Ok(current_version)
}

fn decode_with<E: DomainEvent>(
    upcasters: &[Upcaster],
    event_type: &str,
    schema_version: i32,
    payload: Value,
) -> Result<E, CodecError> {
    let current_version = check_version::<E>(event_type, schema_version)?;
    let mut version = schema_version;
    let mut payload = payload;
    while version < current_version {
        (version, payload) = upcast_with(upcasters, E::STREAM_TYPE, event_type, version, payload)?;
    }
    let tagged = serde_json::json!({ "type": event_type, "data": payload });
    serde_json::from_value(tagged).map_err(|source| CodecError::MalformedPayload {
        stream_type: E::STREAM_TYPE.to_owned(),
        event_type: event_type.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{
        Aggregate, ChartEvent, ChartQuery, ChartSpec, ChartType, Dimension, Filter, FilterOp,
        Measure,
    };
    use crate::dashboard::{DashboardEvent, GridCell, TileAdded};
    use crate::data_source::{DataSourceEvent, DataSourceKind, SealedConnection};
    use crate::dataset::{ColumnSchema, DatasetEvent, DatasetSource, VersionAdded};
    use crate::user::{Registered, SignInFailed, SignInFailure, UserEvent};
    use crate::{Access, AccessGranted, Grantee, Role};
    use serde::{Deserialize, Serialize};
    use serde_json::json;
    use uuid::Uuid;

    fn id(number: u128) -> Uuid {
        Uuid::from_u128(number)
    }

    fn assert_round_trip<E: DomainEvent>(event: E, expected_type: &str, expected_payload: Value) {
        let (event_type, schema_version, payload) = encode(&event).unwrap();
        assert_eq!(event_type, expected_type);
        assert_eq!(schema_version, 1);
        assert_eq!(payload, expected_payload);
        assert!(
            payload.get("type").is_none(),
            "the payload must not carry the tag"
        );
        let borrowed: E = decode_borrowed(event_type, schema_version, &payload).unwrap();
        assert_eq!(
            borrowed, event,
            "decoding a borrowed payload gives the same event"
        );
        let from_text: E = decode_text(event_type, schema_version, &payload.to_string()).unwrap();
        assert_eq!(
            from_text, event,
            "decoding the payload's JSON text gives the same event"
        );
        let decoded: E = decode(event_type, schema_version, payload).unwrap();
        assert_eq!(decoded, event);
    }

    #[test]
    fn a_user_event_round_trips_without_its_tag() {
        assert_round_trip(
            UserEvent::Registered(Registered {
                user_id: id(1),
                email: "ada@example.com".into(),
                display_name: "Ada".into(),
                role: Role::Editor,
            }),
            "registered",
            json!({"user_id": id(1), "email": "ada@example.com", "display_name": "Ada", "role": "editor"}),
        );
        assert_round_trip(
            UserEvent::SignInFailed(SignInFailed {
                reason: SignInFailure::WrongPassword,
            }),
            "sign_in_failed",
            json!({"reason": "wrong_password"}),
        );
    }

    #[test]
    fn a_data_source_event_round_trips_without_its_tag() {
        assert_round_trip(
            DataSourceEvent::Created(crate::data_source::Created {
                data_source_id: id(2),
                owner_id: id(1),
                name: "Sales".into(),
                description: String::new(),
                kind: DataSourceKind::Postgres,
                connection: Some(SealedConnection {
                    key_id: "k1".into(),
                    nonce: "bm9uY2U=".into(),
                    ciphertext: "c2VjcmV0".into(),
                }),
                display_address: Some("db:5432/sales".into()),
            }),
            "created",
            json!({
                "data_source_id": id(2), "owner_id": id(1), "name": "Sales", "description": "",
                "kind": "postgres",
                "connection": {"key_id": "k1", "nonce": "bm9uY2U=", "ciphertext": "c2VjcmV0"},
                "display_address": "db:5432/sales"
            }),
        );
        assert_round_trip(
            DataSourceEvent::AccessGranted(AccessGranted {
                grantee: Grantee::Role { role: Role::Viewer },
                access: Access::View,
                granted_by: id(1),
            }),
            "access_granted",
            json!({"grantee": {"kind": "role", "role": "viewer"}, "access": "view", "granted_by": id(1)}),
        );
    }

    #[test]
    fn a_dataset_event_round_trips_without_its_tag() {
        assert_round_trip(
            DatasetEvent::Created(crate::dataset::Created {
                dataset_id: id(3),
                owner_id: id(1),
                name: "Orders".into(),
                description: "All orders".into(),
                source: DatasetSource::Table {
                    data_source_id: id(2),
                    schema: None,
                    table: "orders".into(),
                },
            }),
            "created",
            json!({
                "dataset_id": id(3), "owner_id": id(1), "name": "Orders", "description": "All orders",
                "source": {"kind": "table", "data_source_id": id(2), "schema": null, "table": "orders"}
            }),
        );
        assert_round_trip(
            DatasetEvent::VersionAdded(VersionAdded {
                version: 1,
                location: "datasets/3/1.parquet".into(),
                columns: vec![ColumnSchema {
                    name: "amount".into(),
                    data_type: "DOUBLE".into(),
                    nullable: false,
                }],
                row_count: 10,
                bytes: 2048,
                checksum_sha256: "ab".repeat(32),
            }),
            "version_added",
            json!({
                "version": 1, "location": "datasets/3/1.parquet",
                "columns": [{"name": "amount", "data_type": "DOUBLE", "nullable": false}],
                "row_count": 10, "bytes": 2048, "checksum_sha256": "ab".repeat(32)
            }),
        );
        let upload = serde_json::to_value(DatasetSource::Upload {}).unwrap();
        assert_eq!(upload, json!({"kind": "upload"}));
    }

    #[test]
    fn a_chart_event_round_trips_without_its_tag() {
        assert_round_trip(
            ChartEvent::Created(crate::chart::Created {
                chart_id: id(4),
                owner_id: id(1),
                dataset_id: id(3),
                name: "Revenue by month".into(),
                description: String::new(),
                chart_type: ChartType::BigNumber,
                spec: ChartSpec {
                    query: ChartQuery::Builder {
                        dimensions: vec![Dimension {
                            column: "ordered_at".into(),
                            time_bucket: Some(crate::chart::TimeBucket::Month),
                            alias: None,
                        }],
                        measures: vec![Measure {
                            aggregate: Aggregate::CountDistinct,
                            column: Some("customer_id".into()),
                            alias: Some("customers".into()),
                        }],
                        filters: vec![Filter {
                            column: "status".into(),
                            op: FilterOp::NotIn,
                            value: json!(["void"]),
                        }],
                        sort: vec![],
                        limit: Some(100),
                        top_n: None,
                    },
                    options: json!({}),
                },
                pinned_dataset_version: None,
            }),
            "created",
            json!({
                "chart_id": id(4), "owner_id": id(1), "dataset_id": id(3),
                "name": "Revenue by month", "description": "", "chart_type": "big_number",
                "spec": {
                    "query": {
                        "mode": "builder",
                        "dimensions": [{"column": "ordered_at", "time_bucket": "month", "alias": null}],
                        "measures": [{"aggregate": "count_distinct", "column": "customer_id", "alias": "customers"}],
                        "filters": [{"column": "status", "op": "not_in", "value": ["void"]}],
                        "sort": [], "limit": 100, "top_n": null
                    },
                    "options": {}
                },
                "pinned_dataset_version": null
            }),
        );
    }

    #[test]
    fn a_minimal_chart_spec_fills_in_defaults() {
        let spec: ChartSpec = serde_json::from_value(json!({
            "query": {"mode": "builder", "measures": [{"aggregate": "count"}]}
        }))
        .unwrap();
        assert_eq!(spec.options, Value::Null);
        let ChartQuery::Builder {
            measures,
            dimensions,
            ..
        } = spec.query
        else {
            panic!("expected builder mode");
        };
        assert!(dimensions.is_empty());
        assert_eq!(measures[0].column, None);
    }

    #[test]
    fn a_dashboard_event_round_trips_without_its_tag() {
        assert_round_trip(
            DashboardEvent::TileAdded(TileAdded {
                tile_id: id(5),
                chart_id: id(4),
                cell: GridCell {
                    x: 0,
                    y: 0,
                    w: 6,
                    h: 4,
                },
            }),
            "tile_added",
            json!({"tile_id": id(5), "chart_id": id(4), "cell": {"x": 0, "y": 0, "w": 6, "h": 4}}),
        );
    }

    #[test]
    fn every_declared_event_type_has_a_current_version() {
        fn check<E: DomainEvent>(event_types: &[&str]) {
            for event_type in event_types {
                assert_eq!(E::current_schema_version(event_type), Some(1));
                assert!(
                    event_type
                        .chars()
                        .all(|character| character.is_ascii_lowercase() || character == '_')
                );
            }
        }
        check::<UserEvent>(UserEvent::EVENT_TYPES);
        check::<DataSourceEvent>(DataSourceEvent::EVENT_TYPES);
        check::<DatasetEvent>(DatasetEvent::EVENT_TYPES);
        check::<ChartEvent>(ChartEvent::EVENT_TYPES);
        check::<DashboardEvent>(DashboardEvent::EVENT_TYPES);
        assert_eq!(UserEvent::STREAM_TYPE, "user");
        assert_eq!(DataSourceEvent::STREAM_TYPE, "data_source");
        assert_eq!(DatasetEvent::STREAM_TYPE, "dataset");
        assert_eq!(ChartEvent::STREAM_TYPE, "chart");
        assert_eq!(DashboardEvent::STREAM_TYPE, "dashboard");
    }

    #[test]
    fn decoding_an_unknown_event_type_fails_clearly() {
        let error = decode::<DashboardEvent>("tile_exploded", 1, json!({})).unwrap_err();
        assert!(matches!(error, CodecError::UnknownEventType { .. }));
        assert_eq!(
            error.to_string(),
            "unknown event type \"tile_exploded\" for stream type \"dashboard\""
        );
    }

    #[test]
    fn decoding_a_newer_schema_version_fails_clearly() {
        let error = decode::<DashboardEvent>("renamed", 2, json!({"name": "x"})).unwrap_err();
        assert!(matches!(
            error,
            CodecError::FutureSchemaVersion {
                schema_version: 2,
                current_version: 1,
                ..
            }
        ));
        assert!(error.to_string().contains("written by a newer release"));
    }

    #[test]
    fn decoding_an_old_version_without_an_upcaster_fails_clearly() {
        let error = decode::<DashboardEvent>("renamed", 0, json!({"name": "x"})).unwrap_err();
        assert!(matches!(
            error,
            CodecError::MissingUpcaster {
                from_version: 0,
                ..
            }
        ));
    }

    #[test]
    fn decoding_a_malformed_payload_names_the_event() {
        let error = decode::<DashboardEvent>("renamed", 1, json!({"title": "x"})).unwrap_err();
        assert!(matches!(error, CodecError::MalformedPayload { .. }));
        assert!(error.to_string().contains("dashboard.renamed"));
    }

    #[test]
    fn decoding_text_that_is_not_the_events_json_names_the_event() {
        for payload in [r#"{"title": "x"}"#, r#"{"name": "x""#, "not json"] {
            let error = decode_text::<DashboardEvent>("renamed", 1, payload).unwrap_err();
            assert!(matches!(error, CodecError::MalformedPayload { .. }));
            assert!(error.to_string().contains("dashboard.renamed"));
        }
        let unknown = decode_text::<DashboardEvent>("tile_exploded", 1, "{}").unwrap_err();
        assert!(matches!(unknown, CodecError::UnknownEventType { .. }));
    }

    #[test]
    fn decoding_old_text_goes_through_the_upcasters() {
        let error = decode_text::<DashboardEvent>("renamed", 0, r#"{"name": "x"}"#).unwrap_err();
        assert!(matches!(
            error,
            CodecError::MissingUpcaster {
                from_version: 0,
                ..
            }
        ));
    }

    #[test]
    fn decoding_ignores_fields_added_by_later_releases() {
        let decoded: DashboardEvent = decode(
            "renamed",
            1,
            json!({"name": "Sales", "renamed_at": "later"}),
        )
        .unwrap();
        assert_eq!(
            decoded,
            DashboardEvent::Renamed(crate::dashboard::Renamed {
                name: "Sales".into()
            })
        );
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Retitled {
        pub title: String,
        pub subtitle: String,
    }

    crate::domain_event_enum! {
        /// A stream whose only event is at schema version 3, to exercise the upcaster chain.
        pub enum EvolvedEvent for stream "evolved" {
            Retitled(Retitled) = "retitled" version 3,
        }
    }

    fn retitled_v1_to_v2(payload: Value) -> Result<Value, String> {
        let name = payload
            .get("name")
            .and_then(Value::as_str)
            .ok_or("a version 1 payload has a string \"name\"")?;
        Ok(json!({ "title": name }))
    }

    fn retitled_v2_to_v3(mut payload: Value) -> Result<Value, String> {
        let object = payload
            .as_object_mut()
            .ok_or("a version 2 payload is an object")?;
        object.insert("subtitle".into(), json!(""));
        Ok(payload)
    }

    const EVOLVED_UPCASTERS: &[Upcaster] = &[
        Upcaster {
            stream_type: "evolved",
            event_type: "retitled",
            from_version: 1,
            upgrade: retitled_v1_to_v2,
        },
        Upcaster {
            stream_type: "evolved",
            event_type: "retitled",
            from_version: 2,
            upgrade: retitled_v2_to_v3,
        },
    ];

    #[test]
    fn old_payloads_are_upcast_step_by_step_before_decoding() {
        assert_eq!(EvolvedEvent::EVENT_TYPES, ["retitled"]);
        let decoded: EvolvedEvent =
            decode_with(EVOLVED_UPCASTERS, "retitled", 1, json!({"name": "Q3"})).unwrap();
        assert_eq!(
            decoded,
            EvolvedEvent::Retitled(Retitled {
                title: "Q3".into(),
                subtitle: String::new()
            })
        );
        let current: EvolvedEvent = decode_with(
            EVOLVED_UPCASTERS,
            "retitled",
            3,
            json!({"title": "Q4", "subtitle": "s"}),
        )
        .unwrap();
        assert_eq!(current.schema_version(), 3);
    }

    #[test]
    fn an_upcaster_that_cannot_convert_a_payload_fails_clearly() {
        let error =
            decode_with::<EvolvedEvent>(EVOLVED_UPCASTERS, "retitled", 1, json!({})).unwrap_err();
        assert!(matches!(
            error,
            CodecError::UpcastFailed {
                from_version: 1,
                ..
            }
        ));
    }

    #[test]
    fn the_public_upcast_reports_missing_steps() {
        let error = upcast("dashboard", "renamed", 1, json!({})).unwrap_err();
        assert!(matches!(error, CodecError::MissingUpcaster { .. }));
    }
}
