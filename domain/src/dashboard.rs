//! The dashboard aggregate: charts laid out on a 12-column grid, with shared filters.
//!
//! The decider only sees chart ids. Whether a chart exists and is visible to the actor is checked by the
//! caller before a tile is added, because that needs the chart's own stream.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;
use vizpro_events::dashboard::{
    Created, DashboardEvent, DashboardFilter, Deleted, DescriptionChanged, FiltersChanged,
    GridCell, LayoutChanged, Renamed, SlugChanged, TileAdded, TilePlacement, TileRemoved,
};
use vizpro_events::{Access, Grantee};

use crate::access::{AccessControl, Need, ResourceState, Shareable, ensure_can_create};
use crate::values::{
    Description, MAX_QUERY_PARTS, ResourceName, Slug, validate_cell, validate_column_name,
    validate_filter_value, validate_single_line,
};
use crate::{Actor, Decider, DomainError};

const RESOURCE: &str = "dashboard";
/// Most tiles one dashboard may hold.
pub const MAX_TILES: usize = 100;
/// Most filters one dashboard may have.
pub const MAX_DASHBOARD_FILTERS: usize = MAX_QUERY_PARTS;
/// Longest allowed filter label, in characters.
pub const MAX_FILTER_LABEL_CHARS: usize = 100;

/// The dashboard decider.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dashboards;

/// What can be asked of a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum DashboardCommand {
    /// Create a dashboard. Whether the slug is unique is checked by the caller.
    Create {
        /// Who asks; becomes the owner.
        actor: Actor,
        /// The new dashboard's id.
        dashboard_id: Uuid,
        /// Its name.
        name: ResourceName,
        /// Its description.
        description: Description,
        /// Its URL slug.
        slug: Slug,
    },
    /// Rename it.
    Rename {
        /// Who asks.
        actor: Actor,
        /// The new name.
        name: ResourceName,
    },
    /// Replace the description.
    ChangeDescription {
        /// Who asks.
        actor: Actor,
        /// The new description.
        description: Description,
    },
    /// Change the URL slug. Whether the slug is unique is checked by the caller.
    ChangeSlug {
        /// Who asks.
        actor: Actor,
        /// The new slug.
        slug: Slug,
    },
    /// Place a chart on the dashboard. The caller checks that the chart exists and is visible.
    AddTile {
        /// Who asks.
        actor: Actor,
        /// The new tile's id.
        tile_id: Uuid,
        /// The chart to show.
        chart_id: Uuid,
        /// Where to put it.
        cell: GridCell,
    },
    /// Take a tile off the dashboard.
    RemoveTile {
        /// Who asks.
        actor: Actor,
        /// The tile to remove.
        tile_id: Uuid,
    },
    /// Move or resize tiles. Every current tile must be listed exactly once.
    ChangeLayout {
        /// Who asks.
        actor: Actor,
        /// The new place of every tile.
        placements: Vec<TilePlacement>,
    },
    /// Replace the dashboard-wide filters.
    ChangeFilters {
        /// Who asks.
        actor: Actor,
        /// The complete new list of filters.
        filters: Vec<DashboardFilter>,
    },
    /// Delete it (owner or admin).
    Delete {
        /// Who asks.
        actor: Actor,
    },
    /// Share it (owner or admin).
    Share {
        /// Who asks.
        actor: Actor,
        /// Who receives access.
        grantee: Grantee,
        /// What they may do.
        access: Access,
    },
    /// Take a grant away (owner or admin).
    Unshare {
        /// Who asks.
        actor: Actor,
        /// Whose grant to remove.
        grantee: Grantee,
    },
}

/// One chart placed on a dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    /// The chart shown.
    pub chart_id: Uuid,
    /// Where it sits.
    pub cell: GridCell,
}

/// A dashboard as the command API needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Its id.
    pub dashboard_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its URL slug.
    pub slug: String,
    /// Its tiles by tile id.
    pub tiles: BTreeMap<Uuid, Tile>,
    /// Its dashboard-wide filters, in display order.
    pub filters: Vec<DashboardFilter>,
    /// Owner and grants.
    pub access: AccessControl,
}

impl Dashboard {
    /// The user who owns it.
    pub fn owner_id(&self) -> Uuid {
        self.access.owner_id
    }

    /// Whether a chart is already shown on this dashboard.
    pub fn shows_chart(&self, chart_id: Uuid) -> bool {
        self.tiles.values().any(|tile| tile.chart_id == chart_id)
    }
}

/// The state of one dashboard stream.
pub type DashboardState = ResourceState<Dashboard>;

impl Shareable for Dashboard {
    const RESOURCE: &'static str = RESOURCE;

    fn access(&self) -> &AccessControl {
        &self.access
    }
}

impl Decider for Dashboards {
    type Command = DashboardCommand;
    type Event = DashboardEvent;
    type State = DashboardState;

    fn decide(
        command: &DashboardCommand,
        state: &DashboardState,
    ) -> Result<Vec<DashboardEvent>, DomainError> {
        match command {
            DashboardCommand::Create {
                actor,
                dashboard_id,
                name,
                description,
                slug,
            } => {
                ensure_can_create(actor, RESOURCE)?;
                if !matches!(state, DashboardState::Absent) {
                    return Err(DomainError::AlreadyExists { resource: RESOURCE });
                }
                Ok(vec![DashboardEvent::Created(Created {
                    dashboard_id: *dashboard_id,
                    owner_id: actor.user_id,
                    name: name.as_str().to_owned(),
                    description: description.as_str().to_owned(),
                    slug: slug.as_str().to_owned(),
                })])
            }
            DashboardCommand::Rename { actor, name } => {
                let dashboard = state.authorize(actor, Need::Edit)?;
                if dashboard.name == name.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![DashboardEvent::Renamed(Renamed {
                    name: name.as_str().to_owned(),
                })])
            }
            DashboardCommand::ChangeDescription { actor, description } => {
                let dashboard = state.authorize(actor, Need::Edit)?;
                if dashboard.description == description.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![DashboardEvent::DescriptionChanged(
                    DescriptionChanged {
                        description: description.as_str().to_owned(),
                    },
                )])
            }
            DashboardCommand::ChangeSlug { actor, slug } => {
                let dashboard = state.authorize(actor, Need::Edit)?;
                if dashboard.slug == slug.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![DashboardEvent::SlugChanged(SlugChanged {
                    from: dashboard.slug.clone(),
                    to: slug.as_str().to_owned(),
                })])
            }
            DashboardCommand::AddTile {
                actor,
                tile_id,
                chart_id,
                cell,
            } => {
                let dashboard = state.authorize(actor, Need::Edit)?;
                decide_add_tile(dashboard, *tile_id, *chart_id, *cell)
            }
            DashboardCommand::RemoveTile { actor, tile_id } => {
                let dashboard = state.authorize(actor, Need::Edit)?;
                let tile = dashboard.tiles.get(tile_id).ok_or_else(|| {
                    DomainError::conflict(
                        "tile-not-found",
                        format!("tile {tile_id} is not on this dashboard"),
                    )
                })?;
                Ok(vec![DashboardEvent::TileRemoved(TileRemoved {
                    tile_id: *tile_id,
                    chart_id: tile.chart_id,
                })])
            }
            DashboardCommand::ChangeLayout { actor, placements } => {
                let dashboard = state.authorize(actor, Need::Edit)?;
                decide_change_layout(dashboard, placements)
            }
            DashboardCommand::ChangeFilters { actor, filters } => {
                let dashboard = state.authorize(actor, Need::Edit)?;
                let filters = normalise_filters(filters)?;
                if dashboard.filters == filters {
                    return Ok(vec![]);
                }
                Ok(vec![DashboardEvent::FiltersChanged(FiltersChanged {
                    filters,
                })])
            }
            DashboardCommand::Delete { actor } => {
                state.authorize(actor, Need::Administer)?;
                Ok(vec![DashboardEvent::Deleted(Deleted {
                    deleted_by: actor.user_id,
                })])
            }
            DashboardCommand::Share {
                actor,
                grantee,
                access,
            } => {
                let dashboard = state.authorize(actor, Need::View)?;
                let granted = dashboard
                    .access
                    .decide_share(actor, *grantee, *access, RESOURCE)?;
                Ok(granted
                    .map(DashboardEvent::AccessGranted)
                    .into_iter()
                    .collect())
            }
            DashboardCommand::Unshare { actor, grantee } => {
                let dashboard = state.authorize(actor, Need::View)?;
                let revoked = dashboard.access.decide_unshare(actor, *grantee, RESOURCE)?;
                Ok(vec![DashboardEvent::AccessRevoked(revoked)])
            }
        }
    }

    fn evolve(state: DashboardState, event: &DashboardEvent) -> DashboardState {
        // Events other than Created only ever follow Created, and nothing follows Deleted; anything else
        // would be corrupt history, which is ignored rather than allowed to panic.
        let mut dashboard = match (state, event) {
            (DashboardState::Absent, DashboardEvent::Created(created)) => {
                return DashboardState::Active(Dashboard {
                    dashboard_id: created.dashboard_id,
                    name: created.name.clone(),
                    description: created.description.clone(),
                    slug: created.slug.clone(),
                    tiles: BTreeMap::new(),
                    filters: Vec::new(),
                    access: AccessControl::new(created.owner_id),
                });
            }
            (DashboardState::Active(dashboard), _) => dashboard,
            (other, _) => return other,
        };
        match event {
            DashboardEvent::Created(_) => {}
            DashboardEvent::Renamed(renamed) => dashboard.name.clone_from(&renamed.name),
            DashboardEvent::DescriptionChanged(changed) => {
                dashboard.description.clone_from(&changed.description);
            }
            DashboardEvent::SlugChanged(changed) => dashboard.slug.clone_from(&changed.to),
            DashboardEvent::TileAdded(added) => {
                dashboard.tiles.insert(
                    added.tile_id,
                    Tile {
                        chart_id: added.chart_id,
                        cell: added.cell,
                    },
                );
            }
            DashboardEvent::TileRemoved(removed) => {
                dashboard.tiles.remove(&removed.tile_id);
            }
            DashboardEvent::LayoutChanged(changed) => {
                for placement in &changed.placements {
                    if let Some(tile) = dashboard.tiles.get_mut(&placement.tile_id) {
                        tile.cell = placement.cell;
                    }
                }
            }
            DashboardEvent::FiltersChanged(changed) => {
                dashboard.filters.clone_from(&changed.filters);
            }
            DashboardEvent::Deleted(_) => return DashboardState::Deleted(dashboard),
            DashboardEvent::AccessGranted(granted) => dashboard.access.apply_granted(granted),
            DashboardEvent::AccessRevoked(revoked) => dashboard.access.apply_revoked(revoked),
        }
        DashboardState::Active(dashboard)
    }
}

fn decide_add_tile(
    dashboard: &Dashboard,
    tile_id: Uuid,
    chart_id: Uuid,
    cell: GridCell,
) -> Result<Vec<DashboardEvent>, DomainError> {
    if dashboard.tiles.contains_key(&tile_id) {
        return Err(DomainError::conflict(
            "tile-already-exists",
            format!("tile {tile_id} is already on this dashboard"),
        ));
    }
    if dashboard.shows_chart(chart_id) {
        return Err(DomainError::conflict(
            "chart-already-on-dashboard",
            format!("chart {chart_id} is already on this dashboard"),
        ));
    }
    if dashboard.tiles.len() >= MAX_TILES {
        return Err(DomainError::conflict(
            "too-many-tiles",
            format!("a dashboard holds at most {MAX_TILES} tiles"),
        ));
    }
    validate_cell("cell", &cell)?;
    if let Some((other_tile_id, _)) = dashboard
        .tiles
        .iter()
        .find(|(_, tile)| tile.cell.overlaps(&cell))
    {
        return Err(DomainError::invalid(
            "cell",
            format!("overlaps tile {other_tile_id}"),
        ));
    }
    Ok(vec![DashboardEvent::TileAdded(TileAdded {
        tile_id,
        chart_id,
        cell,
    })])
}

fn decide_change_layout(
    dashboard: &Dashboard,
    placements: &[TilePlacement],
) -> Result<Vec<DashboardEvent>, DomainError> {
    let mut listed = BTreeSet::new();
    for (index, placement) in placements.iter().enumerate() {
        if !dashboard.tiles.contains_key(&placement.tile_id) {
            return Err(DomainError::invalid(
                "placements",
                format!("tile {} is not on this dashboard", placement.tile_id),
            ));
        }
        if !listed.insert(placement.tile_id) {
            return Err(DomainError::invalid(
                "placements",
                format!("tile {} is listed more than once", placement.tile_id),
            ));
        }
        validate_cell(&format!("placements[{index}].cell"), &placement.cell)?;
    }
    if let Some(missing) = dashboard
        .tiles
        .keys()
        .find(|tile_id| !listed.contains(*tile_id))
    {
        return Err(DomainError::invalid(
            "placements",
            format!("tile {missing} is missing; every tile must be placed"),
        ));
    }
    for (index, first) in placements.iter().enumerate() {
        if let Some(second) = placements[index + 1..]
            .iter()
            .find(|second| first.cell.overlaps(&second.cell))
        {
            return Err(DomainError::invalid(
                "placements",
                format!("tiles {} and {} overlap", first.tile_id, second.tile_id),
            ));
        }
    }
    let unchanged = placements.iter().all(|placement| {
        dashboard
            .tiles
            .get(&placement.tile_id)
            .is_some_and(|tile| tile.cell == placement.cell)
    });
    if unchanged {
        return Ok(vec![]);
    }
    Ok(vec![DashboardEvent::LayoutChanged(LayoutChanged {
        placements: placements.to_vec(),
    })])
}

/// Checks dashboard filters and returns them with trimmed labels.
fn normalise_filters(filters: &[DashboardFilter]) -> Result<Vec<DashboardFilter>, DomainError> {
    if filters.len() > MAX_DASHBOARD_FILTERS {
        return Err(DomainError::invalid(
            "filters",
            format!("at most {MAX_DASHBOARD_FILTERS} filters are allowed"),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut normalised = Vec::with_capacity(filters.len());
    for (index, filter) in filters.iter().enumerate() {
        if !seen.insert(filter.filter_id) {
            return Err(DomainError::invalid(
                format!("filters[{index}].filter_id"),
                format!("filter {} is listed more than once", filter.filter_id),
            ));
        }
        let label = filter.label.trim();
        validate_single_line(
            &format!("filters[{index}].label"),
            label,
            MAX_FILTER_LABEL_CHARS,
        )?;
        validate_column_name(&format!("filters[{index}].column"), &filter.column)?;
        validate_filter_value(&format!("filters[{index}].value"), filter.op, &filter.value)?;
        normalised.push(DashboardFilter {
            label: label.to_owned(),
            ..filter.clone()
        });
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, OWNER, STRANGER, editor, id, owner, stranger, viewer};
    use serde_json::json;
    use vizpro_events::chart::FilterOp;
    use vizpro_events::{AccessGranted, AccessRevoked, Role};

    const DASHBOARD: Uuid = Uuid::from_u128(0xda5b);

    fn when(
        history: &[DashboardEvent],
        command: DashboardCommand,
    ) -> Result<Vec<DashboardEvent>, DomainError> {
        testing::when::<Dashboards>(history, command)
    }

    fn cell(x: i32, y: i32, w: i32, h: i32) -> GridCell {
        GridCell { x, y, w, h }
    }

    fn tile(number: u128) -> Uuid {
        id(0x7000 + number)
    }

    fn chart(number: u128) -> Uuid {
        id(0xc000 + number)
    }

    fn created() -> DashboardEvent {
        DashboardEvent::Created(Created {
            dashboard_id: DASHBOARD,
            owner_id: OWNER,
            name: "Sales".into(),
            description: String::new(),
            slug: "sales".into(),
        })
    }

    fn deleted() -> DashboardEvent {
        DashboardEvent::Deleted(Deleted { deleted_by: OWNER })
    }

    fn tile_added(number: u128, cell: GridCell) -> DashboardEvent {
        DashboardEvent::TileAdded(TileAdded {
            tile_id: tile(number),
            chart_id: chart(number),
            cell,
        })
    }

    /// A dashboard with two tiles side by side on the first row.
    fn with_two_tiles() -> Vec<DashboardEvent> {
        vec![
            created(),
            tile_added(1, cell(0, 0, 6, 4)),
            tile_added(2, cell(6, 0, 6, 4)),
        ]
    }

    fn add_tile(number: u128, cell: GridCell) -> DashboardCommand {
        DashboardCommand::AddTile {
            actor: owner(),
            tile_id: tile(number),
            chart_id: chart(number),
            cell,
        }
    }

    fn place(number: u128, cell: GridCell) -> TilePlacement {
        TilePlacement {
            tile_id: tile(number),
            cell,
        }
    }

    fn change_layout(placements: Vec<TilePlacement>) -> DashboardCommand {
        DashboardCommand::ChangeLayout {
            actor: owner(),
            placements,
        }
    }

    fn filter(
        number: u128,
        label: &str,
        op: FilterOp,
        value: serde_json::Value,
    ) -> DashboardFilter {
        DashboardFilter {
            filter_id: id(0xf000 + number),
            label: label.into(),
            column: "region".into(),
            op,
            value,
        }
    }

    fn change_filters(filters: Vec<DashboardFilter>) -> DashboardCommand {
        DashboardCommand::ChangeFilters {
            actor: owner(),
            filters,
        }
    }

    fn rename(actor: Actor, text: &str) -> DashboardCommand {
        DashboardCommand::Rename {
            actor,
            name: ResourceName::parse("name", text).unwrap(),
        }
    }

    fn user(user_id: Uuid) -> Grantee {
        Grantee::User { user_id }
    }

    fn granted(grantee: Grantee, access: Access) -> DashboardEvent {
        DashboardEvent::AccessGranted(AccessGranted {
            grantee,
            access,
            granted_by: OWNER,
        })
    }

    fn invalid(result: Result<Vec<DashboardEvent>, DomainError>) -> (String, String) {
        match result {
            Err(DomainError::Invalid { field, reason }) => (field, reason),
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    fn conflict_code(result: Result<Vec<DashboardEvent>, DomainError>) -> &'static str {
        match result {
            Err(DomainError::Conflict { code, .. }) => code,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    fn is_forbidden(result: Result<Vec<DashboardEvent>, DomainError>) -> bool {
        matches!(result, Err(DomainError::Forbidden { .. }))
    }

    #[test]
    fn creating_a_dashboard_records_its_slug() {
        let command = DashboardCommand::Create {
            actor: owner(),
            dashboard_id: DASHBOARD,
            name: ResourceName::parse("name", "Sales").unwrap(),
            description: Description::default(),
            slug: Slug::parse("sales").unwrap(),
        };
        assert_eq!(when(&[], command.clone()), Ok(vec![created()]));
        assert_eq!(
            when(&[created()], command),
            Err(DomainError::AlreadyExists { resource: RESOURCE })
        );
    }

    #[test]
    fn viewers_may_not_create_dashboards() {
        let command = DashboardCommand::Create {
            actor: viewer(id(3)),
            dashboard_id: DASHBOARD,
            name: ResourceName::parse("name", "Sales").unwrap(),
            description: Description::default(),
            slug: Slug::parse("sales").unwrap(),
        };
        assert!(is_forbidden(when(&[], command)));
    }

    #[test]
    fn renaming_a_dashboard_records_the_new_name() {
        assert_eq!(
            when(&[created()], rename(owner(), "Revenue")),
            Ok(vec![DashboardEvent::Renamed(Renamed {
                name: "Revenue".into()
            })])
        );
        assert_eq!(when(&[created()], rename(owner(), "Sales")), Ok(vec![]));
    }

    #[test]
    fn renaming_a_deleted_dashboard_is_rejected() {
        assert_eq!(
            when(&[created(), deleted()], rename(owner(), "Revenue")),
            Err(DomainError::Deleted { resource: RESOURCE })
        );
    }

    #[test]
    fn a_stranger_editor_renaming_a_dashboard_is_not_found() {
        assert_eq!(
            when(&[created()], rename(stranger(), "Revenue")),
            Err(DomainError::NotFound { resource: RESOURCE })
        );
    }

    #[test]
    fn a_viewer_editing_a_shared_dashboard_is_forbidden() {
        let history = [created(), granted(user(id(8)), Access::View)];
        assert!(is_forbidden(when(
            &history,
            rename(viewer(id(8)), "Revenue")
        )));
        assert!(is_forbidden(when(
            &history,
            DashboardCommand::AddTile {
                actor: viewer(id(8)),
                tile_id: tile(1),
                chart_id: chart(1),
                cell: cell(0, 0, 1, 1),
            }
        )));
    }

    #[test]
    fn an_edit_grant_to_the_editor_role_lets_any_editor_add_tiles() {
        let history = [
            created(),
            granted(Grantee::Role { role: Role::Editor }, Access::Edit),
        ];
        let command = DashboardCommand::AddTile {
            actor: editor(id(77)),
            tile_id: tile(1),
            chart_id: chart(1),
            cell: cell(0, 0, 6, 4),
        };
        assert_eq!(
            when(&history, command),
            Ok(vec![tile_added(1, cell(0, 0, 6, 4))])
        );
    }

    #[test]
    fn changing_the_description_records_it() {
        let command = DashboardCommand::ChangeDescription {
            actor: owner(),
            description: Description::parse("Weekly numbers").unwrap(),
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![DashboardEvent::DescriptionChanged(
                DescriptionChanged {
                    description: "Weekly numbers".into()
                }
            )])
        );
    }

    #[test]
    fn changing_the_slug_records_the_old_and_new_slug() {
        let command = DashboardCommand::ChangeSlug {
            actor: owner(),
            slug: Slug::parse("sales-eu").unwrap(),
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![DashboardEvent::SlugChanged(SlugChanged {
                from: "sales".into(),
                to: "sales-eu".into(),
            })])
        );
    }

    #[test]
    fn changing_the_slug_to_the_same_slug_changes_nothing() {
        let command = DashboardCommand::ChangeSlug {
            actor: owner(),
            slug: Slug::parse("sales").unwrap(),
        };
        assert_eq!(when(&[created()], command), Ok(vec![]));
    }

    #[test]
    fn adding_a_tile_records_it() {
        assert_eq!(
            when(&[created()], add_tile(1, cell(0, 0, 6, 4))),
            Ok(vec![tile_added(1, cell(0, 0, 6, 4))])
        );
    }

    #[test]
    fn adding_a_tile_that_touches_another_is_accepted() {
        assert_eq!(
            when(&with_two_tiles(), add_tile(3, cell(0, 4, 12, 2))),
            Ok(vec![tile_added(3, cell(0, 4, 12, 2))])
        );
    }

    #[test]
    fn adding_a_chart_that_is_already_on_the_dashboard_is_a_conflict() {
        let command = DashboardCommand::AddTile {
            actor: owner(),
            tile_id: tile(3),
            chart_id: chart(1),
            cell: cell(0, 4, 6, 4),
        };
        assert_eq!(
            conflict_code(when(&with_two_tiles(), command)),
            "chart-already-on-dashboard"
        );
    }

    #[test]
    fn adding_a_tile_with_an_existing_tile_id_is_a_conflict() {
        let command = DashboardCommand::AddTile {
            actor: owner(),
            tile_id: tile(1),
            chart_id: chart(9),
            cell: cell(0, 4, 6, 4),
        };
        assert_eq!(
            conflict_code(when(&with_two_tiles(), command)),
            "tile-already-exists"
        );
    }

    #[test]
    fn adding_a_tile_with_an_invalid_cell_is_invalid() {
        let (field, _) = invalid(when(&[created()], add_tile(1, cell(8, 0, 6, 4))));
        assert_eq!(field, "cell");
    }

    #[test]
    fn adding_an_overlapping_tile_names_the_tile_it_overlaps() {
        let (field, reason) = invalid(when(&with_two_tiles(), add_tile(3, cell(5, 3, 2, 2))));
        assert_eq!(field, "cell");
        assert!(reason.contains(&tile(1).to_string()), "{reason}");
    }

    #[test]
    fn adding_a_tile_to_a_full_dashboard_is_a_conflict() {
        let mut history = vec![created()];
        history.extend((0..100).map(|number| tile_added(number, cell(0, number as i32, 1, 1))));
        assert_eq!(
            conflict_code(when(&history, add_tile(100, cell(5, 0, 1, 1)))),
            "too-many-tiles"
        );
    }

    #[test]
    fn removing_a_tile_records_its_chart() {
        let command = DashboardCommand::RemoveTile {
            actor: owner(),
            tile_id: tile(2),
        };
        assert_eq!(
            when(&with_two_tiles(), command),
            Ok(vec![DashboardEvent::TileRemoved(TileRemoved {
                tile_id: tile(2),
                chart_id: chart(2),
            })])
        );
    }

    #[test]
    fn removing_an_unknown_tile_is_a_conflict() {
        let command = DashboardCommand::RemoveTile {
            actor: owner(),
            tile_id: tile(9),
        };
        assert_eq!(
            conflict_code(when(&with_two_tiles(), command)),
            "tile-not-found"
        );
    }

    #[test]
    fn changing_the_layout_records_every_placement() {
        let placements = vec![place(2, cell(0, 0, 6, 4)), place(1, cell(6, 0, 6, 4))];
        assert_eq!(
            when(&with_two_tiles(), change_layout(placements.clone())),
            Ok(vec![DashboardEvent::LayoutChanged(LayoutChanged {
                placements
            })])
        );
    }

    #[test]
    fn an_unchanged_layout_changes_nothing() {
        let placements = vec![place(1, cell(0, 0, 6, 4)), place(2, cell(6, 0, 6, 4))];
        assert_eq!(
            when(&with_two_tiles(), change_layout(placements)),
            Ok(vec![])
        );
        assert_eq!(when(&[created()], change_layout(vec![])), Ok(vec![]));
    }

    #[test]
    fn a_layout_that_leaves_out_a_tile_is_invalid() {
        let (field, reason) = invalid(when(
            &with_two_tiles(),
            change_layout(vec![place(1, cell(0, 0, 6, 4))]),
        ));
        assert_eq!(field, "placements");
        assert!(reason.contains(&tile(2).to_string()), "{reason}");
    }

    #[test]
    fn a_layout_that_lists_a_tile_twice_is_invalid() {
        let placements = vec![
            place(1, cell(0, 0, 6, 4)),
            place(2, cell(6, 0, 6, 4)),
            place(1, cell(0, 4, 6, 4)),
        ];
        let (field, _) = invalid(when(&with_two_tiles(), change_layout(placements)));
        assert_eq!(field, "placements");
    }

    #[test]
    fn a_layout_that_names_an_unknown_tile_is_invalid() {
        let placements = vec![
            place(1, cell(0, 0, 6, 4)),
            place(2, cell(6, 0, 6, 4)),
            place(9, cell(0, 4, 6, 4)),
        ];
        let (field, _) = invalid(when(&with_two_tiles(), change_layout(placements)));
        assert_eq!(field, "placements");
    }

    #[test]
    fn a_layout_with_an_invalid_cell_names_the_placement() {
        let placements = vec![place(1, cell(0, 0, 6, 4)), place(2, cell(6, 0, 7, 4))];
        let (field, _) = invalid(when(&with_two_tiles(), change_layout(placements)));
        assert_eq!(field, "placements[1].cell");
    }

    #[test]
    fn a_layout_with_overlapping_tiles_names_both() {
        let placements = vec![place(1, cell(0, 0, 6, 4)), place(2, cell(5, 0, 6, 4))];
        let (field, reason) = invalid(when(&with_two_tiles(), change_layout(placements)));
        assert_eq!(field, "placements");
        assert!(reason.contains(&tile(1).to_string()), "{reason}");
        assert!(reason.contains(&tile(2).to_string()), "{reason}");
    }

    #[test]
    fn changing_the_filters_records_them_with_trimmed_labels() {
        let filters = vec![
            filter(1, "  Region ", FilterOp::In, json!(["EU", "US"])),
            filter(
                2,
                "Recent",
                FilterOp::Last,
                json!({"count": 30, "unit": "day"}),
            ),
        ];
        let mut expected = filters.clone();
        expected[0].label = "Region".into();
        assert_eq!(
            when(&[created()], change_filters(filters)),
            Ok(vec![DashboardEvent::FiltersChanged(FiltersChanged {
                filters: expected.clone()
            })])
        );
        let history = [
            created(),
            DashboardEvent::FiltersChanged(FiltersChanged {
                filters: expected.clone(),
            }),
        ];
        assert_eq!(when(&history, change_filters(expected)), Ok(vec![]));
    }

    #[test]
    fn more_than_twenty_filters_are_invalid() {
        let filters = (0..21)
            .map(|number| filter(number, "Region", FilterOp::IsNotNull, json!(null)))
            .collect();
        let (field, _) = invalid(when(&[created()], change_filters(filters)));
        assert_eq!(field, "filters");
    }

    #[test]
    fn filters_with_bad_parts_are_invalid() {
        let mut blank_column = filter(1, "Region", FilterOp::Eq, json!("EU"));
        blank_column.column = String::new();
        let cases = [
            (
                filter(1, " ", FilterOp::Eq, json!("EU")),
                "filters[0].label",
            ),
            (
                filter(1, &"l".repeat(101), FilterOp::Eq, json!("EU")),
                "filters[0].label",
            ),
            (blank_column, "filters[0].column"),
            (
                filter(1, "Region", FilterOp::Between, json!("EU")),
                "filters[0].value",
            ),
        ];
        for (bad, field) in cases {
            let (actual, _) = invalid(when(&[created()], change_filters(vec![bad])));
            assert_eq!(actual, field);
        }
    }

    #[test]
    fn filters_with_a_repeated_id_are_invalid() {
        let filters = vec![
            filter(1, "Region", FilterOp::Eq, json!("EU")),
            filter(1, "Other", FilterOp::IsNull, json!(null)),
        ];
        let (field, _) = invalid(when(&[created()], change_filters(filters)));
        assert_eq!(field, "filters[1].filter_id");
    }

    #[test]
    fn the_owner_may_delete_a_dashboard_once() {
        assert_eq!(
            when(&[created()], DashboardCommand::Delete { actor: owner() }),
            Ok(vec![deleted()])
        );
        assert_eq!(
            when(
                &[created(), deleted()],
                DashboardCommand::Delete { actor: owner() }
            ),
            Err(DomainError::Deleted { resource: RESOURCE })
        );
    }

    #[test]
    fn an_editor_with_an_edit_grant_may_not_delete_a_dashboard() {
        let history = [created(), granted(user(STRANGER), Access::Edit)];
        assert!(is_forbidden(when(
            &history,
            DashboardCommand::Delete { actor: stranger() }
        )));
    }

    #[test]
    fn sharing_and_unsharing_a_dashboard_are_recorded() {
        let share = DashboardCommand::Share {
            actor: owner(),
            grantee: user(STRANGER),
            access: Access::View,
        };
        assert_eq!(
            when(&[created()], share.clone()),
            Ok(vec![granted(user(STRANGER), Access::View)])
        );
        let history = [created(), granted(user(STRANGER), Access::View)];
        assert_eq!(when(&history, share), Ok(vec![]));
        let unshare = DashboardCommand::Unshare {
            actor: owner(),
            grantee: user(STRANGER),
        };
        assert_eq!(
            when(&history, unshare.clone()),
            Ok(vec![DashboardEvent::AccessRevoked(AccessRevoked {
                grantee: user(STRANGER),
                revoked_by: OWNER,
            })])
        );
        assert_eq!(
            conflict_code(when(&[created()], unshare)),
            "grant-not-found"
        );
    }

    #[test]
    fn sharing_a_dashboard_with_its_owner_is_invalid() {
        let share = DashboardCommand::Share {
            actor: owner(),
            grantee: user(OWNER),
            access: Access::View,
        };
        let (field, _) = invalid(when(&[created()], share));
        assert_eq!(field, "grantee");
    }

    #[test]
    fn replaying_the_produced_events_gives_the_expected_dashboard() {
        let region = filter(1, "Region", FilterOp::Eq, json!("EU"));
        let history = testing::run::<Dashboards>(vec![
            DashboardCommand::Create {
                actor: owner(),
                dashboard_id: DASHBOARD,
                name: ResourceName::parse("name", "Sales").unwrap(),
                description: Description::default(),
                slug: Slug::parse("sales").unwrap(),
            },
            add_tile(1, cell(0, 0, 6, 4)),
            add_tile(2, cell(6, 0, 6, 4)),
            add_tile(3, cell(0, 4, 12, 4)),
            DashboardCommand::RemoveTile {
                actor: owner(),
                tile_id: tile(3),
            },
            change_layout(vec![place(1, cell(6, 0, 6, 4)), place(2, cell(0, 0, 6, 8))]),
            change_filters(vec![region.clone()]),
            DashboardCommand::ChangeSlug {
                actor: owner(),
                slug: Slug::parse("sales-eu").unwrap(),
            },
            DashboardCommand::Share {
                actor: owner(),
                grantee: user(STRANGER),
                access: Access::Edit,
            },
        ]);
        let mut access = AccessControl::new(OWNER);
        access.grants.insert(user(STRANGER), Access::Edit);
        let expected = Dashboard {
            dashboard_id: DASHBOARD,
            name: "Sales".into(),
            description: String::new(),
            slug: "sales-eu".into(),
            tiles: BTreeMap::from([
                (
                    tile(1),
                    Tile {
                        chart_id: chart(1),
                        cell: cell(6, 0, 6, 4),
                    },
                ),
                (
                    tile(2),
                    Tile {
                        chart_id: chart(2),
                        cell: cell(0, 0, 6, 8),
                    },
                ),
            ]),
            filters: vec![region],
            access,
        };
        let state = testing::given::<Dashboards>(&history);
        assert_eq!(state, DashboardState::Active(expected.clone()));
        let dashboard = state.active().unwrap();
        assert!(dashboard.shows_chart(chart(1)));
        assert!(!dashboard.shows_chart(chart(3)));
        assert_eq!(dashboard.owner_id(), OWNER);
        let mut history = history;
        history.push(deleted());
        assert_eq!(
            testing::given::<Dashboards>(&history),
            DashboardState::Deleted(expected)
        );
    }
}
