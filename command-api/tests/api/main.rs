//! The command API's integration tests, against the real PostgreSQL, NATS JetStream and Redis on loopback.

mod auth;
mod commands;
mod event_store;
mod harness;
mod outage;
mod relay;
mod uploads;
mod validation;
