//! Redis keys and the dashboard document.
//!
//! A dashboard document is served from Redis without touching PostgreSQL. Staleness is prevented with a
//! generation counter per dashboard: the projector increments `dashboard:<id>:gen` after every commit that
//! changes what the document shows (the dashboard, its tiles' charts, their grants). A reader notes the
//! generation before it builds a document from PostgreSQL and stores the document only if the generation
//! is still the same, so a document built from a snapshot older than a change can never be cached after
//! that change. The document also records the projection checkpoint it was built at, so that a read that
//! must see a given position (read-your-writes) can tell whether the cached document includes it.
//!
//! Every bump is also published on [`stale_dashboards_channel`]: a query API instance that holds documents
//! in its own memory trusts them without asking Redis for the generation while it is subscribed and has
//! heard nothing about them (see the query API's `documents` module).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Checkpoint;

/// `<prefix>dashboard:{<id>}:doc`. The braces are a Redis Cluster hash tag: a dashboard's document and
/// generation live in one slot, so the read (MGET) and the conditional store (a script) may touch both.
pub fn dashboard_document_key(prefix: &str, dashboard_id: Uuid) -> String {
    format!("{prefix}dashboard:{{{dashboard_id}}}:doc")
}

/// `<prefix>dashboard:{<id>}:gen`
pub fn dashboard_generation_key(prefix: &str, dashboard_id: Uuid) -> String {
    format!("{prefix}dashboard:{{{dashboard_id}}}:gen")
}

/// `<prefix>dashboards:stale`: the channel on which every generation bump is announced, with the
/// dashboard's id as the message, so that query API instances holding documents in memory let go of them.
pub fn stale_dashboards_channel(prefix: &str) -> String {
    format!("{prefix}dashboards:stale")
}

/// `<prefix>charts:changed`: the channel on which every commit that changed a chart, a dataset (or its
/// versions), a data source or a grant is announced, so that query API instances holding chart sources in
/// memory let go of them. The message carries nothing: any of these can change what many callers see.
pub fn chart_sources_channel(prefix: &str) -> String {
    format!("{prefix}charts:changed")
}

/// Adds to `pipeline` what marks a dashboard's document stale: the generation bump, then its announcement.
/// Every bump must be announced; a document held in memory is trusted for exactly as long as no
/// announcement for it has arrived.
pub fn mark_stale(pipeline: &mut redis::Pipeline, prefix: &str, dashboard_id: Uuid) {
    pipeline
        .incr(dashboard_generation_key(prefix, dashboard_id), 1)
        .ignore()
        .publish(stale_dashboards_channel(prefix), dashboard_id.to_string())
        .ignore();
}

/// Who may see a resource, as the document carries it so that permission checks need no database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentAcl {
    pub owner_id: Uuid,
    /// `(grantee_kind, grantee, access)`: `("user", "<uuid>", "edit")`, `("role", "viewer", "view")`.
    pub grants: Vec<(String, String, String)>,
}

impl DocumentAcl {
    /// An ACL from `(grantee_kind, grantee, access)` triples, as tests and fixtures write them.
    pub fn with_grants(owner_id: Uuid, grants: &[(&str, &str, &str)]) -> Self {
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

    /// The access (`"edit"` or `"view"`) the caller has, if any. Admins and auditors see everything.
    pub fn access_for(&self, user_id: Uuid, role: &str) -> Option<&'static str> {
        if role == "admin" || self.owner_id == user_id {
            return Some("edit");
        }
        let user = user_id.to_string();
        let mut best = if role == "auditor" {
            Some("view")
        } else {
            None
        };
        for (kind, grantee, access) in &self.grants {
            let matches =
                (kind == "user" && *grantee == user) || (kind == "role" && grantee == role);
            if matches {
                if access == "edit" {
                    return Some("edit");
                }
                best = Some("view");
            }
        }
        best
    }
}

/// A chart as a dashboard tile shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileChart {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub chart_type: String,
    pub dataset_id: Uuid,
    pub spec: serde_json::Value,
    pub pinned_dataset_version: Option<i32>,
    pub version: i32,
    pub acl: DocumentAcl,
}

/// One tile of the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentTile {
    pub tile_id: Uuid,
    pub chart_id: Uuid,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    /// Absent when the chart was deleted.
    pub chart: Option<TileChart>,
}

/// A dashboard with its tiles and their charts, ready to serve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardDocument {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub description: String,
    pub slug: String,
    pub filters: serde_json::Value,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub tiles: Vec<DocumentTile>,
    pub acl: DocumentAcl,
    /// The generation the document was built at.
    pub generation: i64,
    /// The lowest projection checkpoint at the time the document was read from PostgreSQL.
    pub built_at: Checkpoint,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acl(owner: Uuid, grants: &[(&str, &str, &str)]) -> DocumentAcl {
        DocumentAcl {
            owner_id: owner,
            grants: grants
                .iter()
                .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn owners_and_admins_edit_strangers_see_nothing() {
        let owner = Uuid::now_v7();
        let document_acl = acl(owner, &[]);
        assert_eq!(document_acl.access_for(owner, "editor"), Some("edit"));
        assert_eq!(
            document_acl.access_for(Uuid::now_v7(), "admin"),
            Some("edit")
        );
        assert_eq!(document_acl.access_for(Uuid::now_v7(), "editor"), None);
        assert_eq!(
            document_acl.access_for(Uuid::now_v7(), "auditor"),
            Some("view")
        );
    }

    #[test]
    fn grants_to_a_user_or_their_role_give_access() {
        let reader = Uuid::now_v7();
        let document_acl = acl(
            Uuid::now_v7(),
            &[
                ("user", &reader.to_string(), "view"),
                ("role", "editor", "edit"),
            ],
        );
        assert_eq!(document_acl.access_for(reader, "viewer"), Some("view"));
        assert_eq!(document_acl.access_for(reader, "editor"), Some("edit"));
        assert_eq!(document_acl.access_for(Uuid::now_v7(), "viewer"), None);
    }
}
