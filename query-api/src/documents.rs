//! Dashboard documents held in this process, with their answers already rendered.
//!
//! A warm dashboard GET would otherwise fetch the whole document from Redis, parse it, cut it for the
//! caller, serialise the cut and digest it, on every request. The parsed document is kept here instead,
//! next to the bodies (and their `ETag`s) rendered for each [`Cut`] asked for so far.
//!
//! Whether a held document is still current is known in one of two ways. While this process is
//! subscribed to the projector's announcements of stale dashboards (`cache::stale_dashboards_channel`),
//! a document held since before the last announcement that could concern it is *trusted*: it is served
//! without asking Redis anything, and an announcement for it lets go of it. Every generation bump is
//! announced, so a trusted document is as fresh as Redis's copy, give or take the announcement's flight
//! time; a read carrying `X-Min-Position` is still checked against the checkpoint the document was built
//! at. While not subscribed (Redis away, or the subscription not confirmed yet), nothing is trusted and
//! each use costs one small read of the generation.
//!
//! A document loaded while an announcement arrived might be older than that announcement, so it is held
//! untrusted: the memory counts announcements, a loader notes the count before it reads Redis
//! ([`DocumentMemory::observe`]), and the document is trusted only if the count has not moved since.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use futures::StreamExt;
use uuid::Uuid;
use vizpro_http_edge::tokens::Caller;
use vizpro_read_models::cache::DashboardDocument;

use crate::chart_sources::ChartMemory;

/// How many documents are held at most; beyond that, holding starts over.
const MAX_DOCUMENTS: usize = 4096;
/// How many differently cut answers one document keeps at most.
const MAX_CUTS: usize = 64;

/// What one caller may see of a document: their access to the dashboard and which tiles' charts.
/// Callers with the same cut get byte-for-byte the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub access: &'static str,
    pub visible_charts: Vec<bool>,
}

/// An answer ready to send.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
}

/// A parsed document and the answers rendered from it.
#[derive(Debug)]
pub struct HeldDocument {
    pub document: DashboardDocument,
    /// Whether it may be served without checking its generation (see the module's documentation).
    trusted: AtomicBool,
    rendered: Mutex<Vec<(Cut, Rendered)>>,
}

impl HeldDocument {
    pub fn new(document: DashboardDocument) -> Self {
        HeldDocument {
            document,
            trusted: AtomicBool::new(false),
            rendered: Mutex::new(Vec::new()),
        }
    }

    /// What `caller` may see, or `None` when they may not see the dashboard at all.
    pub fn cut_for(&self, caller: Caller) -> Option<Cut> {
        let role = caller.role.as_str();
        let access = self.document.acl.access_for(caller.user_id, role)?;
        let visible_charts = self
            .document
            .tiles
            .iter()
            .map(|tile| {
                tile.chart
                    .as_ref()
                    .is_some_and(|chart| chart.acl.access_for(caller.user_id, role).is_some())
            })
            .collect();
        Some(Cut {
            access,
            visible_charts,
        })
    }

    /// The answer for `cut`, rendered by `render` the first time it is asked for.
    pub fn rendered<E>(
        &self,
        cut: &Cut,
        render: impl FnOnce() -> Result<Rendered, E>,
    ) -> Result<Rendered, E> {
        if let Ok(rendered) = self.rendered.lock()
            && let Some((_, answer)) = rendered.iter().find(|(held, _)| held == cut)
        {
            return Ok(answer.clone());
        }
        let answer = render()?;
        if let Ok(mut rendered) = self.rendered.lock()
            && rendered.len() < MAX_CUTS
        {
            rendered.push((cut.clone(), answer.clone()));
        }
        Ok(answer)
    }
}

/// The count of announcements heard, noted by a loader before it reads Redis; `None` while not
/// subscribed, when nothing loaded can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation(Option<u64>);

impl Observation {
    pub(crate) fn new(announcements: Option<u64>) -> Self {
        Observation(announcements)
    }

    /// Whether it was noted while subscribed; nothing noted otherwise can be trusted.
    pub(crate) fn is_subscribed(&self) -> bool {
        self.0.is_some()
    }
}

/// The documents this process holds, by dashboard id.
#[derive(Debug, Default)]
pub struct DocumentMemory {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    held: HashMap<Uuid, Arc<HeldDocument>>,
    /// Announcements heard, and subscriptions gained or lost.
    announcements: u64,
    subscribed: bool,
}

impl Inner {
    fn observation(&self) -> Observation {
        Observation(self.subscribed.then_some(self.announcements))
    }
}

impl DocumentMemory {
    /// The held document of dashboard `id`, whatever its generation.
    pub fn get(&self, id: Uuid) -> Option<Arc<HeldDocument>> {
        self.inner.lock().ok()?.held.get(&id).cloned()
    }

    /// The held document of dashboard `id` if it is trusted now: it needs no check of its generation.
    pub fn trusted(&self, id: Uuid) -> Option<Arc<HeldDocument>> {
        let inner = self.inner.lock().ok()?;
        if !inner.subscribed {
            return None;
        }
        inner
            .held
            .get(&id)
            .filter(|held| held.trusted.load(Ordering::Acquire))
            .cloned()
    }

    /// To be noted before reading a document or its generation from Redis.
    pub fn observe(&self) -> Observation {
        self.inner
            .lock()
            .map(|inner| inner.observation())
            .unwrap_or(Observation(None))
    }

    /// Holds `document` in place of any older one of the same dashboard; trusted when nothing was
    /// announced since `observed`.
    pub fn keep(&self, document: DashboardDocument, observed: Observation) -> Arc<HeldDocument> {
        let id = document.id;
        let held = Arc::new(HeldDocument::new(document));
        if let Ok(mut inner) = self.inner.lock() {
            let trusted = observed.0.is_some() && inner.observation() == observed;
            held.trusted.store(trusted, Ordering::Release);
            if inner.held.len() >= MAX_DOCUMENTS && !inner.held.contains_key(&id) {
                inner.held.clear();
            }
            inner.held.insert(id, held.clone());
        }
        held
    }

    /// Trusts `held` from now on, if it is still the one held and nothing was announced since
    /// `observed` (when its generation was read and found current).
    pub fn confirm(&self, held: &Arc<HeldDocument>, observed: Observation) {
        if let Ok(inner) = self.inner.lock()
            && observed.0.is_some()
            && inner.observation() == observed
            && inner
                .held
                .get(&held.document.id)
                .is_some_and(|current| Arc::ptr_eq(current, held))
        {
            held.trusted.store(true, Ordering::Release);
        }
    }

    /// Lets go of dashboard `id`: it was deleted, or its document was announced stale.
    pub fn forget(&self, id: Uuid) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.announcements += 1;
            inner.held.remove(&id);
        }
    }

    /// The subscription is confirmed: what was held before may have missed announcements.
    pub fn subscribed(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.announcements += 1;
            inner.held.clear();
            inner.subscribed = true;
        }
    }

    /// The subscription is lost: announcements may go unheard from now on.
    pub fn unsubscribed(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.announcements += 1;
            inner.held.clear();
            inner.subscribed = false;
        }
    }
}

/// How long connecting, subscribing or a ping may take before the subscription counts as lost.
const SUBSCRIPTION_TIMEOUT: Duration = Duration::from_secs(2);
/// How often an idle subscription is checked with a ping: a connection that silently stopped delivering
/// must not leave documents trusted for long.
const PING_INTERVAL: Duration = Duration::from_secs(2);
/// How long to wait before subscribing again after the subscription was lost.
const RESUBSCRIBE_DELAY: Duration = Duration::from_millis(250);

/// The channels the projector announces on.
#[derive(Debug, Clone)]
pub struct Channels {
    /// Dashboards whose documents are stale, one id per message.
    pub stale_dashboards: String,
    /// Commits that changed charts, datasets, data sources or grants (see `crate::chart_sources`).
    pub chart_sources: String,
}

/// Keeps `memory` and `charts` subscribed to the projector's announcements, for as long as the document
/// memory exists, subscribing again whenever the subscription is lost.
pub fn follow_announcements<S: Send + Sync + 'static>(
    memory: &Arc<DocumentMemory>,
    charts: &Arc<ChartMemory<S>>,
    redis_url: &str,
    channels: Channels,
) {
    let client = match redis::Client::open(redis_url) {
        Ok(client) => client,
        Err(error) => {
            tracing::warn!(error = %error, "not following stale-dashboard announcements: the Redis URL is invalid");
            return;
        }
    };
    let memory = Arc::downgrade(memory);
    let charts = Arc::downgrade(charts);
    tokio::spawn(async move {
        loop {
            if let Err(error) = listen(&client, &channels, &memory, &charts).await {
                tracing::warn!(
                    error = format!("{error:#}"),
                    "the subscription to stale-dashboard announcements is lost; held documents are checked against Redis until it is back"
                );
            }
            let Some(held) = memory.upgrade() else {
                return;
            };
            held.unsubscribed();
            drop(held);
            if let Some(charts) = charts.upgrade() {
                charts.unsubscribed();
            }
            tokio::time::sleep(RESUBSCRIBE_DELAY).await;
        }
    });
}

/// Subscribes and applies announcements until the subscription fails (an error) or the memory is gone.
async fn listen<S>(
    client: &redis::Client,
    channels: &Channels,
    memory: &Weak<DocumentMemory>,
    charts: &Weak<ChartMemory<S>>,
) -> anyhow::Result<()> {
    let pubsub = tokio::time::timeout(SUBSCRIPTION_TIMEOUT, client.get_async_pubsub())
        .await
        .context("connecting timed out")?
        .context("cannot connect")?;
    let (mut sink, mut stream) = pubsub.split();
    for channel in [&channels.stale_dashboards, &channels.chart_sources] {
        tokio::time::timeout(SUBSCRIPTION_TIMEOUT, sink.subscribe(channel))
            .await
            .context("subscribing timed out")?
            .context("cannot subscribe")?;
    }
    match memory.upgrade() {
        Some(held) => held.subscribed(),
        None => return Ok(()),
    }
    if let Some(charts) = charts.upgrade() {
        charts.subscribed();
    }
    let mut ping = tokio::time::interval(PING_INTERVAL);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            message = stream.next() => {
                let message = message.context("the subscription ended")?;
                let Some(held) = memory.upgrade() else {
                    return Ok(());
                };
                if message.get_channel_name() == channels.chart_sources {
                    if let Some(charts) = charts.upgrade() {
                        charts.sources_changed();
                    }
                    continue;
                }
                let dashboard_id = std::str::from_utf8(message.get_payload_bytes())
                    .ok()
                    .and_then(|text| Uuid::parse_str(text).ok());
                match dashboard_id {
                    Some(dashboard_id) => held.forget(dashboard_id),
                    // Not an id: which document it meant is unknown, so none is trusted any more.
                    None => held.subscribed(),
                }
            }
            _ = ping.tick() => {
                if memory.strong_count() == 0 {
                    return Ok(());
                }
                tokio::time::timeout(SUBSCRIPTION_TIMEOUT, sink.ping::<redis::Value>())
                    .await
                    .context("a ping timed out")?
                    .context("a ping failed")?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vizpro_events::Role;
    use vizpro_read_models::Checkpoint;
    use vizpro_read_models::cache::{DocumentAcl, DocumentTile, TileChart};

    fn acl(owner_id: Uuid, grants: &[(&str, &str, &str)]) -> DocumentAcl {
        DocumentAcl::with_grants(owner_id, grants)
    }

    fn document(owner: Uuid, chart_owner: Uuid) -> DashboardDocument {
        let chart = TileChart {
            id: Uuid::now_v7(),
            name: "Revenue".into(),
            description: String::new(),
            chart_type: "bar".into(),
            dataset_id: Uuid::now_v7(),
            spec: serde_json::json!({}),
            pinned_dataset_version: None,
            version: 1,
            acl: acl(chart_owner, &[]),
        };
        DashboardDocument {
            id: Uuid::now_v7(),
            owner_id: owner,
            name: "Sales".into(),
            description: String::new(),
            slug: "sales".into(),
            filters: serde_json::json!([]),
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            tiles: vec![DocumentTile {
                tile_id: Uuid::now_v7(),
                chart_id: chart.id,
                x: 0,
                y: 0,
                w: 6,
                h: 4,
                chart: Some(chart),
            }],
            acl: acl(owner, &[("role", "viewer", "view")]),
            generation: 3,
            built_at: Checkpoint::default(),
        }
    }

    /// A document owned by a fresh user, who also owns its chart, and the dashboard's id.
    fn owned_document() -> (DashboardDocument, Uuid) {
        let owner = Uuid::now_v7();
        let held = document(owner, owner);
        let id = held.id;
        (held, id)
    }

    fn caller(user_id: Uuid, role: Role) -> Caller {
        Caller { user_id, role }
    }

    #[test]
    fn callers_are_cut_by_their_access_and_the_charts_they_may_see() {
        let owner = Uuid::now_v7();
        let held = HeldDocument::new(document(owner, owner));
        assert_eq!(
            held.cut_for(caller(owner, Role::Editor)),
            Some(Cut {
                access: "edit",
                visible_charts: vec![true]
            })
        );
        assert_eq!(
            held.cut_for(caller(Uuid::now_v7(), Role::Viewer)),
            Some(Cut {
                access: "view",
                visible_charts: vec![false]
            }),
            "the role grant shows the dashboard, not the owner's private chart"
        );
        assert_eq!(held.cut_for(caller(Uuid::now_v7(), Role::Editor)), None);
    }

    #[test]
    fn an_answer_is_rendered_once_per_cut() {
        let owner = Uuid::now_v7();
        let held = HeldDocument::new(document(owner, owner));
        let cut = held.cut_for(caller(owner, Role::Editor)).unwrap();
        let mut renders = 0;
        for _ in 0..3 {
            let answer = held
                .rendered(&cut, || {
                    renders += 1;
                    Ok::<_, ()>(Rendered {
                        body: Bytes::from_static(b"{}"),
                        etag: "\"1-ab\"".into(),
                    })
                })
                .unwrap();
            assert_eq!(answer.etag, "\"1-ab\"");
        }
        assert_eq!(renders, 1);
    }

    #[test]
    fn a_newer_document_replaces_the_held_one_and_a_deleted_one_is_forgotten() {
        let memory = DocumentMemory::default();
        let owner = Uuid::now_v7();
        let first = document(owner, owner);
        let id = first.id;
        memory.keep(first.clone(), memory.observe());
        let mut newer = first;
        newer.generation = 4;
        memory.keep(newer, memory.observe());
        assert_eq!(memory.get(id).unwrap().document.generation, 4);
        memory.forget(id);
        assert!(memory.get(id).is_none());
    }

    #[test]
    fn nothing_is_trusted_while_not_subscribed() {
        let memory = DocumentMemory::default();
        let (held, id) = owned_document();
        memory.keep(held, memory.observe());
        assert!(memory.get(id).is_some());
        assert!(memory.trusted(id).is_none());
    }

    #[test]
    fn a_document_loaded_while_subscribed_is_trusted_until_it_is_announced_stale() {
        let memory = DocumentMemory::default();
        memory.subscribed();
        let (held, id) = owned_document();
        memory.keep(held, memory.observe());
        assert!(memory.trusted(id).is_some());
        memory.forget(id);
        assert!(memory.trusted(id).is_none());
        assert!(memory.get(id).is_none());
    }

    #[test]
    fn a_document_loaded_across_an_announcement_is_held_but_not_trusted_until_confirmed() {
        let memory = DocumentMemory::default();
        memory.subscribed();
        let (held, id) = owned_document();
        let before_reading_redis = memory.observe();
        // The announcement for this dashboard arrives while the loader waits for Redis.
        memory.forget(id);
        let kept = memory.keep(held, before_reading_redis);
        assert!(memory.get(id).is_some());
        assert!(
            memory.trusted(id).is_none(),
            "it may predate the announcement"
        );
        // A later read of the generation found it current.
        memory.confirm(&kept, memory.observe());
        assert!(memory.trusted(id).is_some());
    }

    #[test]
    fn losing_or_regaining_the_subscription_lets_go_of_everything() {
        let memory = DocumentMemory::default();
        memory.subscribed();
        let (held, id) = owned_document();
        let observed = memory.observe();
        memory.keep(held.clone(), observed);
        memory.unsubscribed();
        assert!(memory.get(id).is_none());
        memory.keep(held.clone(), memory.observe());
        assert!(memory.trusted(id).is_none());
        memory.subscribed();
        assert!(memory.get(id).is_none());
        let kept = memory.keep(held, observed);
        assert!(
            memory.trusted(id).is_none(),
            "observed under the earlier subscription"
        );
        memory.confirm(&kept, observed);
        assert!(memory.trusted(id).is_none());
    }
}
