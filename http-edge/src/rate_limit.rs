//! Rate limiting with the generic cell rate algorithm (GCRA), kept in Redis so that limits hold across
//! every instance of a service.
//!
//! A busy key does not cost a Redis round trip per request: the limiter takes a small lease of cells at once
//! (a fiftieth of the burst, at most a hundred) and spends it in memory for up to a second. Cells of a lease
//! that expires unspent are lost, so leasing can only make a limit stricter, never looser; quotas of fewer
//! than a hundred requests lease one cell at a time and behave exactly as without leasing.
//!
//! If Redis cannot be reached the limiter falls back to the same algorithm in this process's memory: limits
//! then hold per instance instead of across instances, which keeps brute-force protection on without
//! turning a Redis outage into failed requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::redis_slot::RedisSlot;

/// A limit: `burst` requests at once, refilling at `burst` per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub burst: u32,
    pub period: Duration,
}

impl Quota {
    pub fn per_minute(burst: u32) -> Self {
        Quota {
            burst: burst.max(1),
            period: Duration::from_secs(60),
        }
    }

    fn emission_interval_ms(&self) -> f64 {
        self.period.as_secs_f64() * 1000.0 / f64::from(self.burst)
    }

    /// How many cells one Redis round trip leases.
    fn lease_size(&self) -> u32 {
        (self.burst / 50).clamp(1, 100)
    }
}

/// The answer for one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    Allowed,
    /// Refused; the caller may retry after this long.
    Limited {
        retry_after: Duration,
    },
}

/// Grants up to ARGV[3] cells: as many as fit before the theoretical arrival time runs more than a period
/// ahead. Answers `{granted, 0}`, or `{0, milliseconds until one cell fits}`.
const GCRA_SCRIPT: &str = r"
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local room = math.floor((period - (tat - now)) / interval)
if room < 1 then
  return {0, math.ceil(tat + interval - now - period)}
end
local granted = math.min(room, wanted)
local new_tat = tat + granted * interval
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(new_tat - now))
return {granted, 0}
";

/// Cells leased from Redis and not spent yet.
#[derive(Debug, Clone, Copy)]
struct Lease {
    remaining: u32,
    expires: Instant,
}

/// How long leased cells may be spent.
const LEASE_LIFETIME: Duration = Duration::from_secs(1);

/// A limiter shared by every request of a service.
#[derive(Clone)]
pub struct RateLimiter {
    redis: RedisSlot,
    key_prefix: String,
    script: Arc<redis::Script>,
    local: Arc<Mutex<HashMap<String, f64>>>,
    leases: Arc<Mutex<HashMap<String, Lease>>>,
    started: Instant,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RateLimiter")
            .field("key_prefix", &self.key_prefix)
            .finish_non_exhaustive()
    }
}

/// How long a Redis round trip may take before the limiter decides locally.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);

impl RateLimiter {
    /// A limiter over `redis` (if it is connected yet); `key_prefix` keeps test runs and deployments apart.
    pub fn new(redis: RedisSlot, key_prefix: &str) -> Self {
        RateLimiter {
            redis,
            key_prefix: key_prefix.to_owned(),
            script: Arc::new(redis::Script::new(GCRA_SCRIPT)),
            local: Arc::new(Mutex::new(HashMap::new())),
            leases: Arc::new(Mutex::new(HashMap::new())),
            started: Instant::now(),
        }
    }

    /// Counts one request against `key` under `quota`.
    pub async fn check(&self, key: &str, quota: Quota) -> Decision {
        let full_key = format!("{}ratelimit:{key}", self.key_prefix);
        if self.spend_lease(&full_key) {
            return Decision::Allowed;
        }
        let connection = self.redis.read().await.clone();
        if let Some(mut connection) = connection {
            let mut invocation = self.script.prepare_invoke();
            invocation
                .key(&full_key)
                .arg(quota.emission_interval_ms())
                .arg(quota.period.as_millis() as u64)
                .arg(quota.lease_size());
            let invocation = invocation.invoke_async::<(i64, i64)>(&mut connection);
            match tokio::time::timeout(REDIS_TIMEOUT, invocation).await {
                Ok(Ok((granted, _))) if granted >= 1 => {
                    self.keep_lease(full_key, granted as u32 - 1);
                    return Decision::Allowed;
                }
                Ok(Ok((_, retry_ms))) => {
                    return Decision::Limited {
                        retry_after: Duration::from_millis(retry_ms.max(1) as u64),
                    };
                }
                Ok(Err(error)) => {
                    tracing::warn!(error = %error, "rate limiter falls back to local counting: Redis failed");
                    metrics::counter!("vizpro_rate_limit_fallback_total").increment(1);
                }
                Err(_) => {
                    tracing::warn!("rate limiter falls back to local counting: Redis timed out");
                    metrics::counter!("vizpro_rate_limit_fallback_total").increment(1);
                }
            }
        }
        self.check_locally(full_key, quota)
    }

    /// Spends one leased cell of `key`, if a live lease has one left.
    fn spend_lease(&self, key: &str) -> bool {
        let Ok(mut leases) = self.leases.lock() else {
            return false;
        };
        match leases.get_mut(key) {
            Some(lease) if lease.remaining > 0 && lease.expires > Instant::now() => {
                lease.remaining -= 1;
                true
            }
            _ => false,
        }
    }

    fn keep_lease(&self, key: String, remaining: u32) {
        let Ok(mut leases) = self.leases.lock() else {
            return;
        };
        if leases.len() > 100_000 {
            let now = Instant::now();
            leases.retain(|_, lease| lease.expires > now && lease.remaining > 0);
        }
        // Requests that found the lease spent at the same moment each lease cells from Redis; all of them
        // were granted, so they add up instead of the last one replacing the others.
        let now = Instant::now();
        let lease = leases.entry(key).or_insert(Lease {
            remaining: 0,
            expires: now,
        });
        if lease.expires <= now {
            lease.remaining = 0;
        }
        lease.remaining = lease.remaining.saturating_add(remaining);
        lease.expires = now + LEASE_LIFETIME;
    }

    fn check_locally(&self, key: String, quota: Quota) -> Decision {
        let now = self.started.elapsed().as_secs_f64() * 1000.0;
        let period = quota.period.as_secs_f64() * 1000.0;
        let Ok(mut cells) = self.local.lock() else {
            return Decision::Allowed;
        };
        if cells.len() > 100_000 {
            cells.retain(|_, tat| *tat > now);
        }
        let tat = cells.get(&key).copied().unwrap_or(now).max(now);
        let new_tat = tat + quota.emission_interval_ms();
        if new_tat - now > period {
            return Decision::Limited {
                retry_after: Duration::from_millis((new_tat - now - period).ceil() as u64),
            };
        }
        cells.insert(key, new_tat);
        Decision::Allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_quotas_lease_one_cell_and_large_ones_at_most_a_hundred() {
        assert_eq!(Quota::per_minute(10).lease_size(), 1);
        assert_eq!(Quota::per_minute(99).lease_size(), 1);
        assert_eq!(Quota::per_minute(1200).lease_size(), 24);
        assert_eq!(Quota::per_minute(1_000_000).lease_size(), 100);
    }

    #[test]
    fn cells_leased_at_the_same_moment_add_up() {
        let limiter = RateLimiter::new(Arc::new(tokio::sync::RwLock::new(None)), "test:");
        limiter.keep_lease("k".to_owned(), 2);
        limiter.keep_lease("k".to_owned(), 1);
        for _ in 0..3 {
            assert!(limiter.spend_lease("k"));
        }
        assert!(!limiter.spend_lease("k"), "three cells in all");
    }

    #[test]
    fn a_lease_is_spent_cell_by_cell_and_not_after_it_expires() {
        let limiter = RateLimiter::new(Arc::new(tokio::sync::RwLock::new(None)), "test:");
        limiter.keep_lease("k".to_owned(), 2);
        assert!(limiter.spend_lease("k"));
        assert!(limiter.spend_lease("k"));
        assert!(!limiter.spend_lease("k"), "the lease had two cells");
        limiter.leases.lock().unwrap().insert(
            "old".to_owned(),
            Lease {
                remaining: 5,
                expires: Instant::now() - Duration::from_millis(1),
            },
        );
        assert!(!limiter.spend_lease("old"), "an expired lease is not spent");
    }

    #[tokio::test]
    async fn the_local_fallback_allows_a_burst_and_then_limits() {
        let limiter = RateLimiter::new(Arc::new(tokio::sync::RwLock::new(None)), "test:");
        let quota = Quota::per_minute(3);
        for _ in 0..3 {
            assert_eq!(limiter.check("ip:1", quota).await, Decision::Allowed);
        }
        let Decision::Limited { retry_after } = limiter.check("ip:1", quota).await else {
            panic!("the fourth request within a minute must be limited");
        };
        assert!(retry_after <= Duration::from_secs(20) && retry_after > Duration::ZERO);
        assert_eq!(
            limiter.check("ip:2", quota).await,
            Decision::Allowed,
            "other keys are independent"
        );
    }
}
