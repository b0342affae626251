//! Events of the dashboard aggregate (stream type "dashboard").

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::chart::FilterOp;
use crate::domain_event_enum;
use crate::{AccessGranted, AccessRevoked};

domain_event_enum! {
    /// Everything that can happen to a dashboard.
    pub enum DashboardEvent for stream "dashboard" {
        /// The dashboard was created.
        Created(Created) = "created" version 1,
        /// The dashboard was renamed.
        Renamed(Renamed) = "renamed" version 1,
        /// The description changed.
        DescriptionChanged(DescriptionChanged) = "description_changed" version 1,
        /// The URL slug changed.
        SlugChanged(SlugChanged) = "slug_changed" version 1,
        /// A chart was placed on the dashboard.
        TileAdded(TileAdded) = "tile_added" version 1,
        /// A tile was taken off the dashboard.
        TileRemoved(TileRemoved) = "tile_removed" version 1,
        /// Tiles were moved or resized.
        LayoutChanged(LayoutChanged) = "layout_changed" version 1,
        /// The dashboard-wide filters were replaced.
        FiltersChanged(FiltersChanged) = "filters_changed" version 1,
        /// The dashboard was deleted.
        Deleted(Deleted) = "deleted" version 1,
        /// The dashboard was shared.
        AccessGranted(AccessGranted) = "access_granted" version 1,
        /// A grant was taken away.
        AccessRevoked(AccessRevoked) = "access_revoked" version 1,
    }
}

/// A rectangle on the dashboard grid, in grid units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GridCell {
    /// Left column, from 0.
    pub x: i32,
    /// Top row, from 0.
    pub y: i32,
    /// Width in columns.
    pub w: i32,
    /// Height in rows.
    pub h: i32,
}

impl GridCell {
    /// Whether two cells share at least one grid square. Touching edges do not overlap.
    pub fn overlaps(&self, other: &GridCell) -> bool {
        let (left, right) = (i64::from(self.x), i64::from(self.x) + i64::from(self.w));
        let (top, bottom) = (i64::from(self.y), i64::from(self.y) + i64::from(self.h));
        let (other_left, other_right) =
            (i64::from(other.x), i64::from(other.x) + i64::from(other.w));
        let (other_top, other_bottom) =
            (i64::from(other.y), i64::from(other.y) + i64::from(other.h));
        left < other_right && other_left < right && top < other_bottom && other_top < bottom
    }
}

/// Where one tile sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TilePlacement {
    /// The tile.
    pub tile_id: Uuid,
    /// Its rectangle.
    pub cell: GridCell,
}

/// A filter applied to every tile of a dashboard whose dataset has the column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardFilter {
    /// Stable id, so the front end can keep per-filter state across edits.
    pub filter_id: Uuid,
    /// Text shown next to the filter control.
    pub label: String,
    /// The column tested.
    pub column: String,
    /// The comparison.
    pub op: FilterOp,
    /// The operand, shaped as for chart filters.
    #[serde(default)]
    pub value: serde_json::Value,
}

/// The dashboard was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Created {
    /// The new dashboard's id.
    pub dashboard_id: Uuid,
    /// The user who created and owns it.
    pub owner_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description, possibly empty.
    pub description: String,
    /// Its URL slug.
    pub slug: String,
}

/// The dashboard was renamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Renamed {
    /// The new name.
    pub name: String,
}

/// The description changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescriptionChanged {
    /// The new description, possibly empty.
    pub description: String,
}

/// The URL slug changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlugChanged {
    /// The old slug, so old links can be redirected.
    pub from: String,
    /// The new slug.
    pub to: String,
}

/// A chart was placed on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileAdded {
    /// The new tile's id.
    pub tile_id: Uuid,
    /// The chart it shows.
    pub chart_id: Uuid,
    /// Where it sits.
    pub cell: GridCell,
}

/// A tile was taken off the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileRemoved {
    /// The removed tile.
    pub tile_id: Uuid,
    /// The chart it showed, so projections need not look it up.
    pub chart_id: Uuid,
}

/// Tiles were moved or resized. Lists every tile of the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutChanged {
    /// The new place of every tile.
    pub placements: Vec<TilePlacement>,
}

/// The dashboard-wide filters were replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiltersChanged {
    /// The complete new list of filters.
    pub filters: Vec<DashboardFilter>,
}

/// The dashboard was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deleted {
    /// The user who deleted it.
    pub deleted_by: Uuid,
}
