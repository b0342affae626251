//! Dashboard documents held in this process, with their answers already rendered.
//!
//! A warm dashboard GET would otherwise fetch the whole document from Redis, parse it, cut it for the
//! caller, serialise the cut and digest it, on every request. The parsed document is kept here instead,
//! next to the bodies (and their `ETag`s) rendered for each [`Cut`] asked for so far; a request then only
//! asks Redis for the dashboard's generation, which every instance must still do because the projector
//! bumps it when the document goes stale. A held document is used only while its generation is the current
//! one, so it is exactly as fresh as the copy in Redis would be.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use uuid::Uuid;
use vizpro_http_edge::tokens::Caller;
use vizpro_read_models::cache::DashboardDocument;

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
    rendered: Mutex<Vec<(Cut, Rendered)>>,
}

impl HeldDocument {
    pub fn new(document: DashboardDocument) -> Self {
        HeldDocument {
            document,
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

/// The documents this process holds, by dashboard id.
#[derive(Debug, Default)]
pub struct DocumentMemory {
    held: Mutex<HashMap<Uuid, Arc<HeldDocument>>>,
}

impl DocumentMemory {
    /// The held document of dashboard `id`, whatever its generation.
    pub fn get(&self, id: Uuid) -> Option<Arc<HeldDocument>> {
        self.held.lock().ok()?.get(&id).cloned()
    }

    /// Holds `document` in place of any older one of the same dashboard.
    pub fn keep(&self, document: DashboardDocument) -> Arc<HeldDocument> {
        let id = document.id;
        let held = Arc::new(HeldDocument::new(document));
        if let Ok(mut documents) = self.held.lock() {
            if documents.len() >= MAX_DOCUMENTS && !documents.contains_key(&id) {
                documents.clear();
            }
            documents.insert(id, held.clone());
        }
        held
    }

    /// Lets go of dashboard `id` (it was deleted).
    pub fn forget(&self, id: Uuid) {
        if let Ok(mut documents) = self.held.lock() {
            documents.remove(&id);
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
        DocumentAcl {
            owner_id,
            grants: grants
                .iter()
                .map(|(kind, grantee, access)| {
                    (
                        (*kind).to_owned(),
                        (*grantee).to_owned(),
                        (*access).to_owned(),
                    )
                })
                .collect(),
        }
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
        memory.keep(first.clone());
        let mut newer = first;
        newer.generation = 4;
        memory.keep(newer);
        assert_eq!(memory.get(id).unwrap().document.generation, 4);
        memory.forget(id);
        assert!(memory.get(id).is_none());
    }
}
