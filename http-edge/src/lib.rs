//! The HTTP plumbing both vizpro APIs share.
//!
//! * [`admission`]: authentication once per request and rate limits, in front of every `/api/v1` route.
//! * [`problem`]: RFC 9457 `application/problem+json` responses with stable `type` URNs.
//! * [`extract`]: extractors that turn malformed requests into problems naming the offending field.
//! * [`tokens`]: issuing and verifying short-lived access tokens, and the [`tokens::Caller`] extractor.
//! * [`rate_limit`]: a GCRA limiter kept in Redis so it holds across instances, with a local fallback.
//! * [`layers`]: request ids, tracing, security headers, CORS, body limits, timeouts, panics as problems.
//! * [`redis_slot`]: a Redis connection made in the background, so an outage never stops a service.
//! * [`server`]: a service bound to its address, as each API's `build` returns it.
//! * [`shutdown`]: the signal every service stops on.
//! * [`telemetry`]: JSON logs and Prometheus metrics.

pub mod admission;
pub mod client_ip;
pub mod extract;
pub mod layers;
pub mod problem;
pub mod rate_limit;
pub mod redis_slot;
pub mod sealing;
pub mod server;
pub mod shutdown;
pub mod telemetry;
pub mod tokens;

pub use problem::{FieldError, Problem, ProblemDocument};
