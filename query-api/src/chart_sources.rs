//! Chart sources and chart data held in this process.
//!
//! A warm `GET /api/v1/charts/{id}/data` would otherwise make one PostgreSQL query (the chart, whether the
//! caller may see it and its dataset, and the dataset version it reads) and one Redis GET (the cached
//! body), however often the same caller asks. Both answers are kept here instead.
//!
//! **Bodies** are held by their cache key. A key names every version its body depends on (the chart's,
//! the dataset version's, a digest of the filters and, where the answer moves with the clock, the minute
//! or the time slot), so a held body never goes stale: it is dropped only when it expires, as its Redis
//! copy does, or to make room.
//!
//! **Sources** are held per chart and caller (user and role), and are trusted the way documents are (see
//! `crate::documents`). The projector announces every commit that changes a chart, a dataset, a data
//! source or a grant (`cache::chart_sources_channel`). While this process is subscribed, a source loaded
//! with no announcement heard since the loader noted the count ([`ChartMemory::observe`]) is served
//! without asking PostgreSQL; any announcement lets go of every held source, since a grant or a new
//! dataset version can change what many callers see. While not subscribed, nothing is held. A read
//! carrying `X-Min-Position` always asks PostgreSQL, because the announcement of the commit it waited for
//! may still be on its way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use uuid::Uuid;
use vizpro_events::Role;

use crate::documents::Observation;

/// How many chart sources are held at most; beyond that, holding starts over.
const MAX_SOURCES: usize = 16_384;
/// How many bytes of bodies are held at most; beyond that, holding starts over.
const MAX_BODY_BYTES: usize = 64 << 20;
/// A body larger than this is left to Redis: a few of them would push out many small ones.
const MAX_HELD_BODY: usize = 4 << 20;

/// Whose view of which chart a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceKey {
    pub chart_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
}

/// The chart sources and bodies this process holds. `S` is what a source holds (the chart data module's
/// loaded chart); it is a parameter so that the holding rules can be tested on their own.
#[derive(Debug)]
pub struct ChartMemory<S> {
    sources: Mutex<Sources<S>>,
    bodies: Mutex<Bodies>,
}

impl<S> Default for ChartMemory<S> {
    fn default() -> Self {
        ChartMemory {
            sources: Mutex::new(Sources {
                held: HashMap::new(),
                announcements: 0,
                subscribed: false,
            }),
            bodies: Mutex::new(Bodies::default()),
        }
    }
}

#[derive(Debug)]
struct Sources<S> {
    held: HashMap<SourceKey, Arc<S>>,
    /// Announcements heard, and subscriptions gained or lost.
    announcements: u64,
    subscribed: bool,
}

impl<S> Sources<S> {
    fn observation(&self) -> Observation {
        Observation::new(self.subscribed.then_some(self.announcements))
    }

    fn let_go(&mut self) {
        self.announcements += 1;
        self.held.clear();
    }
}

#[derive(Debug, Default)]
struct Bodies {
    held: HashMap<String, HeldBody>,
    bytes: usize,
}

#[derive(Debug)]
struct HeldBody {
    body: Bytes,
    expires: Instant,
}

impl<S> ChartMemory<S> {
    /// To be noted before reading a chart source from PostgreSQL.
    pub fn observe(&self) -> Observation {
        self.sources
            .lock()
            .map(|sources| sources.observation())
            .unwrap_or(Observation::new(None))
    }

    /// The held source for `key`, which is current as far as this process has heard.
    pub fn source(&self, key: &SourceKey) -> Option<Arc<S>> {
        let sources = self.sources.lock().ok()?;
        if !sources.subscribed {
            return None;
        }
        sources.held.get(key).cloned()
    }

    /// Holds `source` for `key` if nothing was announced since `observed` (noted before it was read);
    /// returns it either way.
    pub fn keep_source(&self, key: SourceKey, source: S, observed: Observation) -> Arc<S> {
        let source = Arc::new(source);
        if let Ok(mut sources) = self.sources.lock()
            && observed.is_subscribed()
            && sources.observation() == observed
        {
            if sources.held.len() >= MAX_SOURCES && !sources.held.contains_key(&key) {
                sources.held.clear();
            }
            sources.held.insert(key, source.clone());
        }
        source
    }

    /// A chart, dataset, data source or grant changed: no held source can be trusted any more.
    pub fn sources_changed(&self) {
        if let Ok(mut sources) = self.sources.lock() {
            sources.let_go();
        }
    }

    /// The subscription is confirmed: what was held before may have missed announcements.
    pub fn subscribed(&self) {
        if let Ok(mut sources) = self.sources.lock() {
            sources.let_go();
            sources.subscribed = true;
        }
    }

    /// The subscription is lost: announcements may go unheard from now on.
    pub fn unsubscribed(&self) {
        if let Ok(mut sources) = self.sources.lock() {
            sources.let_go();
            sources.subscribed = false;
        }
    }

    /// The body held under the cache key `key`, unless it expired.
    pub fn body(&self, key: &str) -> Option<Bytes> {
        let bodies = self.bodies.lock().ok()?;
        bodies
            .held
            .get(key)
            .filter(|held| held.expires > Instant::now())
            .map(|held| held.body.clone())
    }

    /// Holds `body` under `key` for `lifetime`, unless it is too large to hold.
    pub fn keep_body(&self, key: &str, body: Bytes, lifetime: Duration) {
        if body.len() > MAX_HELD_BODY {
            return;
        }
        let Ok(mut bodies) = self.bodies.lock() else {
            return;
        };
        if bodies.bytes + body.len() > MAX_BODY_BYTES {
            // Expired bodies go first; when that is not enough, holding starts over.
            let now = Instant::now();
            bodies.held.retain(|_, held| held.expires > now);
            bodies.bytes = bodies.held.values().map(|held| held.body.len()).sum();
            if bodies.bytes + body.len() > MAX_BODY_BYTES {
                bodies.held.clear();
                bodies.bytes = 0;
            }
        }
        bodies.bytes += body.len();
        let replaced = bodies.held.insert(
            key.to_owned(),
            HeldBody {
                body,
                expires: Instant::now() + lifetime,
            },
        );
        if let Some(replaced) = replaced {
            bodies.bytes -= replaced.body.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(chart_id: Uuid) -> SourceKey {
        SourceKey {
            chart_id,
            user_id: Uuid::now_v7(),
            role: Role::Viewer,
        }
    }

    #[test]
    fn nothing_is_held_while_not_subscribed() {
        let memory = ChartMemory::<&str>::default();
        let chart = key(Uuid::now_v7());
        memory.keep_source(chart, "revenue", memory.observe());
        assert!(memory.source(&chart).is_none());
    }

    #[test]
    fn a_source_loaded_while_subscribed_is_served_until_anything_is_announced() {
        let memory = ChartMemory::<&str>::default();
        memory.subscribed();
        let chart = key(Uuid::now_v7());
        let other = key(Uuid::now_v7());
        memory.keep_source(chart, "revenue", memory.observe());
        memory.keep_source(other, "churn", memory.observe());
        assert_eq!(memory.source(&chart).as_deref(), Some(&"revenue"));
        memory.sources_changed();
        assert!(memory.source(&chart).is_none());
        assert!(
            memory.source(&other).is_none(),
            "an announcement may concern any chart"
        );
    }

    #[test]
    fn a_source_loaded_across_an_announcement_is_not_held() {
        let memory = ChartMemory::<&str>::default();
        memory.subscribed();
        let chart = key(Uuid::now_v7());
        let before_reading_postgres = memory.observe();
        // A grant is revoked while the loader waits for PostgreSQL.
        memory.sources_changed();
        let loaded = memory.keep_source(chart, "revenue", before_reading_postgres);
        assert_eq!(*loaded, "revenue", "the loader still answers with it");
        assert!(memory.source(&chart).is_none(), "it may predate the revoke");
    }

    #[test]
    fn losing_the_subscription_lets_go_of_every_source() {
        let memory = ChartMemory::<&str>::default();
        memory.subscribed();
        let chart = key(Uuid::now_v7());
        let observed = memory.observe();
        memory.keep_source(chart, "revenue", observed);
        memory.unsubscribed();
        assert!(memory.source(&chart).is_none());
        memory.subscribed();
        memory.keep_source(chart, "revenue", observed);
        assert!(
            memory.source(&chart).is_none(),
            "observed under the earlier subscription"
        );
    }

    #[test]
    fn callers_of_the_same_chart_are_held_apart() {
        let memory = ChartMemory::<&str>::default();
        memory.subscribed();
        let chart_id = Uuid::now_v7();
        let owner = key(chart_id);
        memory.keep_source(owner, "visible to the owner", memory.observe());
        assert!(memory.source(&key(chart_id)).is_none());
        let same_user_other_role = SourceKey {
            role: Role::Admin,
            ..owner
        };
        assert!(memory.source(&same_user_other_role).is_none());
    }

    #[test]
    fn a_body_is_served_until_it_expires() {
        let memory = ChartMemory::<()>::default();
        memory.keep_body("chart-data:a", Bytes::from_static(b"{}"), Duration::ZERO);
        assert!(memory.body("chart-data:a").is_none());
        memory.keep_body(
            "chart-data:b",
            Bytes::from_static(b"{\"rows\":1}"),
            Duration::from_secs(60),
        );
        assert_eq!(
            memory.body("chart-data:b").as_deref(),
            Some(&b"{\"rows\":1}"[..])
        );
        assert!(memory.body("chart-data:c").is_none());
    }

    #[test]
    fn held_bodies_stay_within_their_budget() {
        let memory = ChartMemory::<()>::default();
        let large = Bytes::from(vec![b' '; MAX_HELD_BODY]);
        for index in 0..(MAX_BODY_BYTES / MAX_HELD_BODY) * 2 {
            memory.keep_body(&format!("k{index}"), large.clone(), Duration::from_secs(60));
        }
        let bodies = memory.bodies.lock().unwrap();
        assert!(bodies.bytes <= MAX_BODY_BYTES);
        assert_eq!(
            bodies.bytes,
            bodies
                .held
                .values()
                .map(|held| held.body.len())
                .sum::<usize>()
        );
        drop(bodies);
        memory.keep_body(
            "too-large",
            Bytes::from(vec![b' '; MAX_HELD_BODY + 1]),
            Duration::from_secs(60),
        );
        assert!(memory.body("too-large").is_none());
    }
}
