//! The chart aggregate: a visualisation of one dataset.

use uuid::Uuid;
use vizpro_events::chart::{
    ChartEvent, ChartSpec, ChartType, Created, DatasetVersionPinned, Deleted, DescriptionChanged,
    Reconfigured, Renamed,
};
use vizpro_events::{Access, Grantee};

use crate::access::{AccessControl, Need, ResourceState, Shareable, ensure_can_create};
use crate::values::{Description, ResourceName, parse_chart_spec};
use crate::{Actor, Decider, DomainError};

const RESOURCE: &str = "chart";

/// The chart decider.
#[derive(Debug, Clone, Copy, Default)]
pub struct Charts;

/// What can be asked of a chart.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartCommand {
    /// Create a chart. Whether the dataset exists and is visible is checked by the caller. The
    /// specification is checked again here, so a caller cannot store a spec that breaks its chart type.
    Create {
        /// Who asks; becomes the owner.
        actor: Actor,
        /// The new chart's id.
        chart_id: Uuid,
        /// The dataset it draws from.
        dataset_id: Uuid,
        /// Its name.
        name: ResourceName,
        /// Its description.
        description: Description,
        /// How it is drawn.
        chart_type: ChartType,
        /// What it shows, as returned by `parse_chart_spec`.
        spec: ChartSpec,
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
    /// Replace the chart type and specification.
    Reconfigure {
        /// Who asks.
        actor: Actor,
        /// The new chart type.
        chart_type: ChartType,
        /// The new specification, as returned by `parse_chart_spec`.
        spec: ChartSpec,
    },
    /// Pin the chart to a dataset version (1 or higher), or follow the latest version with `None`.
    PinDatasetVersion {
        /// Who asks.
        actor: Actor,
        /// The version to pin, or `None`.
        version: Option<i32>,
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

/// A chart as the command API needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Its id.
    pub chart_id: Uuid,
    /// The dataset it draws from.
    pub dataset_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// How it is drawn.
    pub chart_type: ChartType,
    /// What it shows.
    pub spec: ChartSpec,
    /// The pinned dataset version; `None` follows the latest.
    pub pinned_dataset_version: Option<i32>,
    /// Owner and grants.
    pub access: AccessControl,
}

impl Chart {
    /// The user who owns it.
    pub fn owner_id(&self) -> Uuid {
        self.access.owner_id
    }
}

/// The state of one chart stream.
pub type ChartState = ResourceState<Chart>;

impl Shareable for Chart {
    const RESOURCE: &'static str = RESOURCE;

    fn access(&self) -> &AccessControl {
        &self.access
    }
}

impl Decider for Charts {
    type Command = ChartCommand;
    type Event = ChartEvent;
    type State = ChartState;

    fn decide(command: &ChartCommand, state: &ChartState) -> Result<Vec<ChartEvent>, DomainError> {
        match command {
            ChartCommand::Create {
                actor,
                chart_id,
                dataset_id,
                name,
                description,
                chart_type,
                spec,
            } => {
                ensure_can_create(actor, RESOURCE)?;
                if !matches!(state, ChartState::Absent) {
                    return Err(DomainError::AlreadyExists { resource: RESOURCE });
                }
                let spec = parse_chart_spec(*chart_type, spec.clone())?;
                Ok(vec![ChartEvent::Created(Created {
                    chart_id: *chart_id,
                    owner_id: actor.user_id,
                    dataset_id: *dataset_id,
                    name: name.as_str().to_owned(),
                    description: description.as_str().to_owned(),
                    chart_type: *chart_type,
                    spec,
                    pinned_dataset_version: None,
                })])
            }
            ChartCommand::Rename { actor, name } => {
                let chart = state.authorize(actor, Need::Edit)?;
                if chart.name == name.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![ChartEvent::Renamed(Renamed {
                    name: name.as_str().to_owned(),
                })])
            }
            ChartCommand::ChangeDescription { actor, description } => {
                let chart = state.authorize(actor, Need::Edit)?;
                if chart.description == description.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![ChartEvent::DescriptionChanged(DescriptionChanged {
                    description: description.as_str().to_owned(),
                })])
            }
            ChartCommand::Reconfigure {
                actor,
                chart_type,
                spec,
            } => {
                let chart = state.authorize(actor, Need::Edit)?;
                let spec = parse_chart_spec(*chart_type, spec.clone())?;
                if chart.chart_type == *chart_type && chart.spec == spec {
                    return Ok(vec![]);
                }
                Ok(vec![ChartEvent::Reconfigured(Reconfigured {
                    chart_type: *chart_type,
                    spec,
                })])
            }
            ChartCommand::PinDatasetVersion { actor, version } => {
                let chart = state.authorize(actor, Need::Edit)?;
                if version.is_some_and(|version| version < 1) {
                    return Err(DomainError::invalid(
                        "version",
                        "must be 1 or higher, or null to follow the latest version",
                    ));
                }
                if chart.pinned_dataset_version == *version {
                    return Ok(vec![]);
                }
                Ok(vec![ChartEvent::DatasetVersionPinned(
                    DatasetVersionPinned { version: *version },
                )])
            }
            ChartCommand::Delete { actor } => {
                state.authorize(actor, Need::Administer)?;
                Ok(vec![ChartEvent::Deleted(Deleted {
                    deleted_by: actor.user_id,
                })])
            }
            ChartCommand::Share {
                actor,
                grantee,
                access,
            } => {
                let chart = state.authorize(actor, Need::View)?;
                let granted = chart
                    .access
                    .decide_share(actor, *grantee, *access, RESOURCE)?;
                Ok(granted.map(ChartEvent::AccessGranted).into_iter().collect())
            }
            ChartCommand::Unshare { actor, grantee } => {
                let chart = state.authorize(actor, Need::View)?;
                let revoked = chart.access.decide_unshare(actor, *grantee, RESOURCE)?;
                Ok(vec![ChartEvent::AccessRevoked(revoked)])
            }
        }
    }

    fn evolve(state: ChartState, event: &ChartEvent) -> ChartState {
        // Events other than Created only ever follow Created, and nothing follows Deleted; anything else
        // would be corrupt history, which is ignored rather than allowed to panic.
        let mut chart = match (state, event) {
            (ChartState::Absent, ChartEvent::Created(created)) => {
                return ChartState::Active(Chart {
                    chart_id: created.chart_id,
                    dataset_id: created.dataset_id,
                    name: created.name.clone(),
                    description: created.description.clone(),
                    chart_type: created.chart_type,
                    spec: created.spec.clone(),
                    pinned_dataset_version: created.pinned_dataset_version,
                    access: AccessControl::new(created.owner_id),
                });
            }
            (ChartState::Active(chart), _) => chart,
            (other, _) => return other,
        };
        match event {
            ChartEvent::Created(_) => {}
            ChartEvent::Renamed(renamed) => chart.name.clone_from(&renamed.name),
            ChartEvent::DescriptionChanged(changed) => {
                chart.description.clone_from(&changed.description);
            }
            ChartEvent::Reconfigured(reconfigured) => {
                chart.chart_type = reconfigured.chart_type;
                chart.spec = reconfigured.spec.clone();
            }
            ChartEvent::DatasetVersionPinned(pinned) => {
                chart.pinned_dataset_version = pinned.version;
            }
            ChartEvent::Deleted(_) => return ChartState::Deleted(chart),
            ChartEvent::AccessGranted(granted) => chart.access.apply_granted(granted),
            ChartEvent::AccessRevoked(revoked) => chart.access.apply_revoked(revoked),
        }
        ChartState::Active(chart)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        self, ADMIN, OWNER, STRANGER, admin, editor, id, owner, stranger, viewer,
    };
    use serde_json::json;
    use vizpro_events::chart::{Aggregate, ChartQuery, Dimension, Measure};
    use vizpro_events::{AccessGranted, AccessRevoked, Role};

    const CHART: Uuid = Uuid::from_u128(0xc4a7);
    const DATASET: Uuid = Uuid::from_u128(0xda7a);

    fn when(history: &[ChartEvent], command: ChartCommand) -> Result<Vec<ChartEvent>, DomainError> {
        testing::when::<Charts>(history, command)
    }

    fn name(text: &str) -> ResourceName {
        ResourceName::parse("name", text).unwrap()
    }

    fn revenue_by_region() -> ChartSpec {
        ChartSpec {
            query: ChartQuery::Builder {
                dimensions: vec![Dimension {
                    column: "region".into(),
                    time_bucket: None,
                    alias: None,
                }],
                measures: vec![Measure {
                    aggregate: Aggregate::Sum,
                    column: Some("amount".into()),
                    alias: Some("revenue".into()),
                }],
                filters: vec![],
                sort: vec![],
                limit: None,
                top_n: None,
            },
            options: json!({}),
        }
    }

    fn create(actor: Actor, chart_type: ChartType, spec: ChartSpec) -> ChartCommand {
        ChartCommand::Create {
            actor,
            chart_id: CHART,
            dataset_id: DATASET,
            name: name("Revenue"),
            description: Description::default(),
            chart_type,
            spec,
        }
    }

    fn created() -> ChartEvent {
        ChartEvent::Created(Created {
            chart_id: CHART,
            owner_id: OWNER,
            dataset_id: DATASET,
            name: "Revenue".into(),
            description: String::new(),
            chart_type: ChartType::Bar,
            spec: revenue_by_region(),
            pinned_dataset_version: None,
        })
    }

    fn deleted() -> ChartEvent {
        ChartEvent::Deleted(Deleted { deleted_by: OWNER })
    }

    fn user(user_id: Uuid) -> Grantee {
        Grantee::User { user_id }
    }

    fn granted(grantee: Grantee, access: Access) -> ChartEvent {
        ChartEvent::AccessGranted(AccessGranted {
            grantee,
            access,
            granted_by: OWNER,
        })
    }

    fn rename(actor: Actor, text: &str) -> ChartCommand {
        ChartCommand::Rename {
            actor,
            name: name(text),
        }
    }

    fn renamed(text: &str) -> Result<Vec<ChartEvent>, DomainError> {
        Ok(vec![ChartEvent::Renamed(Renamed { name: text.into() })])
    }

    fn not_found() -> Result<Vec<ChartEvent>, DomainError> {
        Err(DomainError::NotFound { resource: RESOURCE })
    }

    fn is_forbidden(result: Result<Vec<ChartEvent>, DomainError>) -> bool {
        matches!(result, Err(DomainError::Forbidden { .. }))
    }

    fn invalid_field(result: Result<Vec<ChartEvent>, DomainError>) -> String {
        match result {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    #[test]
    fn creating_a_chart_records_it_unpinned() {
        assert_eq!(
            when(&[], create(owner(), ChartType::Bar, revenue_by_region())),
            Ok(vec![created()])
        );
    }

    #[test]
    fn creating_a_chart_fills_in_missing_options() {
        let mut spec = revenue_by_region();
        spec.options = serde_json::Value::Null;
        assert_eq!(
            when(&[], create(owner(), ChartType::Bar, spec)),
            Ok(vec![created()])
        );
    }

    #[test]
    fn creating_an_existing_chart_is_rejected() {
        assert_eq!(
            when(
                &[created()],
                create(owner(), ChartType::Bar, revenue_by_region())
            ),
            Err(DomainError::AlreadyExists { resource: RESOURCE })
        );
    }

    #[test]
    fn viewers_may_not_create_charts() {
        assert!(is_forbidden(when(
            &[],
            create(viewer(id(3)), ChartType::Bar, revenue_by_region())
        )));
    }

    #[test]
    fn creating_a_chart_whose_spec_does_not_fit_its_type_is_invalid() {
        assert_eq!(
            invalid_field(when(
                &[],
                create(owner(), ChartType::Heatmap, revenue_by_region())
            )),
            "spec.query"
        );
    }

    #[test]
    fn renaming_a_chart_records_the_new_name() {
        assert_eq!(
            when(&[created()], rename(owner(), "Sales")),
            renamed("Sales")
        );
    }

    #[test]
    fn renaming_a_chart_to_its_name_changes_nothing() {
        assert_eq!(when(&[created()], rename(owner(), "Revenue")), Ok(vec![]));
    }

    #[test]
    fn renaming_an_absent_chart_is_not_found() {
        assert_eq!(when(&[], rename(owner(), "Sales")), not_found());
    }

    #[test]
    fn renaming_a_deleted_chart_is_rejected() {
        assert_eq!(
            when(&[created(), deleted()], rename(owner(), "Sales")),
            Err(DomainError::Deleted { resource: RESOURCE })
        );
    }

    #[test]
    fn a_stranger_editor_renaming_a_chart_is_not_found() {
        assert_eq!(when(&[created()], rename(stranger(), "Sales")), not_found());
    }

    #[test]
    fn a_viewer_renaming_a_shared_chart_is_forbidden() {
        let history = [
            created(),
            granted(Grantee::Role { role: Role::Viewer }, Access::Edit),
        ];
        assert!(is_forbidden(when(&history, rename(viewer(id(8)), "Sales"))));
    }

    #[test]
    fn an_editor_with_a_view_grant_renaming_a_chart_is_forbidden() {
        let history = [created(), granted(user(STRANGER), Access::View)];
        assert!(is_forbidden(when(&history, rename(stranger(), "Sales"))));
    }

    #[test]
    fn an_editor_with_an_edit_grant_may_rename_a_chart() {
        let history = [created(), granted(user(STRANGER), Access::Edit)];
        assert_eq!(
            when(&history, rename(stranger(), "Sales")),
            renamed("Sales")
        );
    }

    #[test]
    fn an_edit_grant_to_the_editor_role_lets_any_editor_rename_a_chart() {
        let history = [
            created(),
            granted(Grantee::Role { role: Role::Editor }, Access::Edit),
        ];
        assert_eq!(
            when(&history, rename(editor(id(77)), "Sales")),
            renamed("Sales")
        );
    }

    #[test]
    fn an_admin_may_rename_any_chart() {
        assert_eq!(
            when(&[created()], rename(admin(), "Sales")),
            renamed("Sales")
        );
    }

    #[test]
    fn changing_a_charts_description_records_it() {
        let command = ChartCommand::ChangeDescription {
            actor: owner(),
            description: Description::parse("By region").unwrap(),
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![ChartEvent::DescriptionChanged(DescriptionChanged {
                description: "By region".into()
            })])
        );
    }

    #[test]
    fn reconfiguring_a_chart_records_the_new_type_and_spec() {
        let command = ChartCommand::Reconfigure {
            actor: owner(),
            chart_type: ChartType::Pie,
            spec: revenue_by_region(),
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![ChartEvent::Reconfigured(Reconfigured {
                chart_type: ChartType::Pie,
                spec: revenue_by_region(),
            })])
        );
    }

    #[test]
    fn reconfiguring_a_chart_without_changes_changes_nothing() {
        let mut same_spec = revenue_by_region();
        same_spec.options = serde_json::Value::Null;
        let command = ChartCommand::Reconfigure {
            actor: owner(),
            chart_type: ChartType::Bar,
            spec: same_spec,
        };
        assert_eq!(when(&[created()], command), Ok(vec![]));
    }

    #[test]
    fn reconfiguring_a_chart_with_a_spec_that_does_not_fit_is_invalid() {
        let command = ChartCommand::Reconfigure {
            actor: owner(),
            chart_type: ChartType::BigNumber,
            spec: ChartSpec {
                query: ChartQuery::Builder {
                    dimensions: vec![],
                    measures: vec![],
                    filters: vec![],
                    sort: vec![],
                    limit: None,
                    top_n: None,
                },
                options: json!({}),
            },
        };
        assert_eq!(invalid_field(when(&[created()], command)), "spec.query");
    }

    #[test]
    fn pinning_a_dataset_version_records_it() {
        let command = ChartCommand::PinDatasetVersion {
            actor: owner(),
            version: Some(3),
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![ChartEvent::DatasetVersionPinned(
                DatasetVersionPinned { version: Some(3) }
            )])
        );
    }

    #[test]
    fn unpinning_a_pinned_chart_records_it_and_unpinning_again_changes_nothing() {
        let pinned = ChartEvent::DatasetVersionPinned(DatasetVersionPinned { version: Some(3) });
        let unpin = ChartCommand::PinDatasetVersion {
            actor: owner(),
            version: None,
        };
        assert_eq!(
            when(&[created(), pinned], unpin.clone()),
            Ok(vec![ChartEvent::DatasetVersionPinned(
                DatasetVersionPinned { version: None }
            )])
        );
        assert_eq!(when(&[created()], unpin), Ok(vec![]));
    }

    #[test]
    fn pinning_version_zero_is_invalid() {
        let command = ChartCommand::PinDatasetVersion {
            actor: owner(),
            version: Some(0),
        };
        assert_eq!(invalid_field(when(&[created()], command)), "version");
    }

    #[test]
    fn the_owner_may_delete_a_chart() {
        assert_eq!(
            when(&[created()], ChartCommand::Delete { actor: owner() }),
            Ok(vec![deleted()])
        );
    }

    #[test]
    fn an_editor_with_an_edit_grant_may_not_delete_a_chart() {
        let history = [created(), granted(user(STRANGER), Access::Edit)];
        assert!(is_forbidden(when(
            &history,
            ChartCommand::Delete { actor: stranger() }
        )));
    }

    #[test]
    fn deleting_a_deleted_chart_is_rejected() {
        assert_eq!(
            when(
                &[created(), deleted()],
                ChartCommand::Delete { actor: owner() }
            ),
            Err(DomainError::Deleted { resource: RESOURCE })
        );
    }

    #[test]
    fn sharing_a_chart_records_a_grant() {
        let command = ChartCommand::Share {
            actor: owner(),
            grantee: Grantee::Role { role: Role::Viewer },
            access: Access::View,
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![granted(
                Grantee::Role { role: Role::Viewer },
                Access::View
            )])
        );
    }

    #[test]
    fn upgrading_a_grant_records_the_new_access() {
        let command = ChartCommand::Share {
            actor: owner(),
            grantee: user(STRANGER),
            access: Access::Edit,
        };
        let history = [created(), granted(user(STRANGER), Access::View)];
        assert_eq!(
            when(&history, command),
            Ok(vec![granted(user(STRANGER), Access::Edit)])
        );
    }

    #[test]
    fn sharing_a_chart_again_with_the_same_access_changes_nothing() {
        let command = ChartCommand::Share {
            actor: owner(),
            grantee: user(STRANGER),
            access: Access::View,
        };
        let history = [created(), granted(user(STRANGER), Access::View)];
        assert_eq!(when(&history, command), Ok(vec![]));
    }

    #[test]
    fn sharing_a_chart_with_its_owner_is_invalid() {
        let command = ChartCommand::Share {
            actor: owner(),
            grantee: user(OWNER),
            access: Access::View,
        };
        assert_eq!(invalid_field(when(&[created()], command)), "grantee");
    }

    #[test]
    fn a_stranger_sharing_a_chart_is_not_found() {
        let command = ChartCommand::Share {
            actor: stranger(),
            grantee: user(STRANGER),
            access: Access::Edit,
        };
        assert_eq!(when(&[created()], command), not_found());
    }

    #[test]
    fn unsharing_a_chart_records_the_revocation() {
        let command = ChartCommand::Unshare {
            actor: admin(),
            grantee: user(STRANGER),
        };
        let history = [created(), granted(user(STRANGER), Access::View)];
        assert_eq!(
            when(&history, command),
            Ok(vec![ChartEvent::AccessRevoked(AccessRevoked {
                grantee: user(STRANGER),
                revoked_by: ADMIN,
            })])
        );
    }

    #[test]
    fn unsharing_a_chart_from_an_unknown_grantee_is_a_conflict() {
        let command = ChartCommand::Unshare {
            actor: owner(),
            grantee: user(STRANGER),
        };
        assert!(matches!(
            when(&[created()], command),
            Err(DomainError::Conflict {
                code: "grant-not-found",
                ..
            })
        ));
    }

    #[test]
    fn replaying_the_produced_events_gives_the_expected_chart() {
        let pie = ChartCommand::Reconfigure {
            actor: owner(),
            chart_type: ChartType::Pie,
            spec: revenue_by_region(),
        };
        let history = testing::run::<Charts>(vec![
            create(owner(), ChartType::Bar, revenue_by_region()),
            rename(owner(), "Sales"),
            ChartCommand::ChangeDescription {
                actor: owner(),
                description: Description::parse("By region").unwrap(),
            },
            pie,
            ChartCommand::PinDatasetVersion {
                actor: owner(),
                version: Some(2),
            },
            ChartCommand::Share {
                actor: owner(),
                grantee: user(STRANGER),
                access: Access::Edit,
            },
        ]);
        let mut access = AccessControl::new(OWNER);
        access.grants.insert(user(STRANGER), Access::Edit);
        let expected = Chart {
            chart_id: CHART,
            dataset_id: DATASET,
            name: "Sales".into(),
            description: "By region".into(),
            chart_type: ChartType::Pie,
            spec: revenue_by_region(),
            pinned_dataset_version: Some(2),
            access,
        };
        let state = testing::given::<Charts>(&history);
        assert_eq!(state, ChartState::Active(expected.clone()));
        assert_eq!(state.active().map(Chart::owner_id), Some(OWNER));
        let mut history = history;
        history.push(deleted());
        assert_eq!(
            testing::given::<Charts>(&history),
            ChartState::Deleted(expected)
        );
    }
}
