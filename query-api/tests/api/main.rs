//! The query API's integration tests, against the real PostgreSQL and Redis on loopback.

mod caching;
mod consistency;
mod dashboards;
mod details;
mod errors;
mod harness;
mod lists;
mod projections;
mod resilience;
mod visibility;
