//! The whole platform in one process (command API, relay, projector, query API) against the real
//! PostgreSQL, NATS JetStream and Redis on loopback.

mod chart_data;
mod external_sources;
mod harness;
mod read_path;
mod spa;
