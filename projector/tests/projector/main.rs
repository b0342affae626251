//! The projector against the real PostgreSQL, NATS JetStream and Redis on loopback, fed by the real
//! command API and its relay.

mod harness;
mod history;
mod projection;
mod resilience;
