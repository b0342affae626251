//! The dataset aggregate: named, versioned tables that charts read.

use std::collections::BTreeSet;

use uuid::Uuid;
use vizpro_events::dataset::{
    ColumnSchema, Created, DatasetEvent, DatasetSource, Deleted, DescriptionChanged, Renamed,
    VersionAdded,
};
use vizpro_events::{Access, Grantee};

use crate::access::{AccessControl, Need, ResourceState, Shareable, ensure_can_create};
use crate::values::{
    Description, ResourceName, validate_column_name, validate_single_line, validate_sql,
};
use crate::{Actor, Decider, DomainError};

const RESOURCE: &str = "dataset";
/// Longest allowed table or schema name, in characters.
pub const MAX_TABLE_NAME_CHARS: usize = 200;
/// Longest allowed storage location, in characters.
pub const MAX_LOCATION_CHARS: usize = 2000;
/// Longest allowed column type name, in characters.
pub const MAX_DATA_TYPE_CHARS: usize = 100;

/// The dataset decider.
#[derive(Debug, Clone, Copy, Default)]
pub struct Datasets;

/// What can be asked of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub enum DatasetCommand {
    /// Create a dataset. Whether the data source exists and is visible is checked by the caller.
    Create {
        /// Who asks; becomes the owner.
        actor: Actor,
        /// The new dataset's id.
        dataset_id: Uuid,
        /// Its name.
        name: ResourceName,
        /// Its description.
        description: Description,
        /// Where its rows come from.
        source: DatasetSource,
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
    /// Record a newly stored version of the data. `version` must be the latest version plus one, which
    /// makes concurrent ingests of the same dataset fail loudly instead of overwriting each other.
    AddVersion {
        /// Who asks.
        actor: Actor,
        /// The new version number: the latest plus one.
        version: i32,
        /// Where the stored data lives.
        location: String,
        /// The columns of the stored data.
        columns: Vec<ColumnSchema>,
        /// Number of rows.
        row_count: i64,
        /// Size in bytes.
        bytes: i64,
        /// Hexadecimal SHA-256 of the stored data (either case; recorded in lowercase).
        checksum_sha256: String,
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

/// A dataset as the command API needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Its id.
    pub dataset_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Where its rows come from.
    pub source: DatasetSource,
    /// The newest version number; 0 before the first version is added.
    pub latest_version: i32,
    /// The newest version's details, if any.
    pub latest: Option<VersionAdded>,
    /// Owner and grants.
    pub access: AccessControl,
}

impl Dataset {
    /// The user who owns it.
    pub fn owner_id(&self) -> Uuid {
        self.access.owner_id
    }
}

/// The state of one dataset stream.
pub type DatasetState = ResourceState<Dataset>;

impl Shareable for Dataset {
    const RESOURCE: &'static str = RESOURCE;

    fn access(&self) -> &AccessControl {
        &self.access
    }
}

impl Decider for Datasets {
    type Command = DatasetCommand;
    type Event = DatasetEvent;
    type State = DatasetState;

    fn decide(
        command: &DatasetCommand,
        state: &DatasetState,
    ) -> Result<Vec<DatasetEvent>, DomainError> {
        match command {
            DatasetCommand::Create {
                actor,
                dataset_id,
                name,
                description,
                source,
            } => {
                ensure_can_create(actor, RESOURCE)?;
                if !matches!(state, DatasetState::Absent) {
                    return Err(DomainError::AlreadyExists { resource: RESOURCE });
                }
                validate_source(source)?;
                Ok(vec![DatasetEvent::Created(Created {
                    dataset_id: *dataset_id,
                    owner_id: actor.user_id,
                    name: name.as_str().to_owned(),
                    description: description.as_str().to_owned(),
                    source: source.clone(),
                })])
            }
            DatasetCommand::Rename { actor, name } => {
                let dataset = state.authorize(actor, Need::Edit)?;
                if dataset.name == name.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![DatasetEvent::Renamed(Renamed {
                    name: name.as_str().to_owned(),
                })])
            }
            DatasetCommand::ChangeDescription { actor, description } => {
                let dataset = state.authorize(actor, Need::Edit)?;
                if dataset.description == description.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![DatasetEvent::DescriptionChanged(DescriptionChanged {
                    description: description.as_str().to_owned(),
                })])
            }
            DatasetCommand::AddVersion {
                actor,
                version,
                location,
                columns,
                row_count,
                bytes,
                checksum_sha256,
            } => {
                let dataset = state.authorize(actor, Need::Edit)?;
                validate_single_line("location", location, MAX_LOCATION_CHARS)?;
                validate_columns(columns)?;
                if *row_count < 0 {
                    return Err(DomainError::invalid("row_count", "must not be negative"));
                }
                if *bytes < 0 {
                    return Err(DomainError::invalid("bytes", "must not be negative"));
                }
                let checksum_sha256 = normalise_checksum(checksum_sha256)?;
                let expected = dataset.latest_version.saturating_add(1);
                if *version != expected {
                    return Err(DomainError::conflict(
                        "dataset-version-conflict",
                        format!("the next version of this dataset is {expected}, not {version}"),
                    ));
                }
                Ok(vec![DatasetEvent::VersionAdded(VersionAdded {
                    version: *version,
                    location: location.clone(),
                    columns: columns.clone(),
                    row_count: *row_count,
                    bytes: *bytes,
                    checksum_sha256,
                })])
            }
            DatasetCommand::Delete { actor } => {
                state.authorize(actor, Need::Administer)?;
                Ok(vec![DatasetEvent::Deleted(Deleted {
                    deleted_by: actor.user_id,
                })])
            }
            DatasetCommand::Share {
                actor,
                grantee,
                access,
            } => {
                let dataset = state.authorize(actor, Need::View)?;
                let granted = dataset
                    .access
                    .decide_share(actor, *grantee, *access, RESOURCE)?;
                Ok(granted
                    .map(DatasetEvent::AccessGranted)
                    .into_iter()
                    .collect())
            }
            DatasetCommand::Unshare { actor, grantee } => {
                let dataset = state.authorize(actor, Need::View)?;
                let revoked = dataset.access.decide_unshare(actor, *grantee, RESOURCE)?;
                Ok(vec![DatasetEvent::AccessRevoked(revoked)])
            }
        }
    }

    fn evolve(state: DatasetState, event: &DatasetEvent) -> DatasetState {
        // Events other than Created only ever follow Created, and nothing follows Deleted; anything else
        // would be corrupt history, which is ignored rather than allowed to panic.
        let mut dataset = match (state, event) {
            (DatasetState::Absent, DatasetEvent::Created(created)) => {
                return DatasetState::Active(Dataset {
                    dataset_id: created.dataset_id,
                    name: created.name.clone(),
                    description: created.description.clone(),
                    source: created.source.clone(),
                    latest_version: 0,
                    latest: None,
                    access: AccessControl::new(created.owner_id),
                });
            }
            (DatasetState::Active(dataset), _) => dataset,
            (other, _) => return other,
        };
        match event {
            DatasetEvent::Created(_) => {}
            DatasetEvent::Renamed(renamed) => dataset.name.clone_from(&renamed.name),
            DatasetEvent::DescriptionChanged(changed) => {
                dataset.description.clone_from(&changed.description);
            }
            DatasetEvent::VersionAdded(added) => {
                dataset.latest_version = added.version;
                dataset.latest = Some(added.clone());
            }
            DatasetEvent::Deleted(_) => return DatasetState::Deleted(dataset),
            DatasetEvent::AccessGranted(granted) => dataset.access.apply_granted(granted),
            DatasetEvent::AccessRevoked(revoked) => dataset.access.apply_revoked(revoked),
        }
        DatasetState::Active(dataset)
    }
}

fn validate_source(source: &DatasetSource) -> Result<(), DomainError> {
    match source {
        DatasetSource::Upload {} => Ok(()),
        DatasetSource::Table { schema, table, .. } => {
            if let Some(schema) = schema {
                validate_single_line("source.schema", schema, MAX_TABLE_NAME_CHARS)?;
            }
            validate_single_line("source.table", table, MAX_TABLE_NAME_CHARS)
        }
        DatasetSource::Query { sql, .. } => validate_sql("source.sql", sql),
    }
}

fn validate_columns(columns: &[ColumnSchema]) -> Result<(), DomainError> {
    let mut seen = BTreeSet::new();
    for (index, column) in columns.iter().enumerate() {
        let name_field = format!("columns[{index}].name");
        validate_column_name(&name_field, &column.name)?;
        if !seen.insert(column.name.as_str()) {
            return Err(DomainError::invalid(
                name_field,
                format!("the column name \"{}\" appears more than once", column.name),
            ));
        }
        validate_single_line(
            &format!("columns[{index}].data_type"),
            &column.data_type,
            MAX_DATA_TYPE_CHARS,
        )?;
    }
    Ok(())
}

fn normalise_checksum(checksum: &str) -> Result<String, DomainError> {
    let checksum = checksum.trim();
    if checksum.len() != 64
        || !checksum
            .chars()
            .all(|character| character.is_ascii_hexdigit())
    {
        return Err(DomainError::invalid(
            "checksum_sha256",
            "must be 64 hexadecimal characters",
        ));
    }
    Ok(checksum.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, OWNER, STRANGER, id, owner, stranger, viewer};
    use vizpro_events::{AccessGranted, AccessRevoked};

    const DATASET: Uuid = Uuid::from_u128(0xda7a);
    const SOURCE: Uuid = Uuid::from_u128(0xd5);

    fn when(
        history: &[DatasetEvent],
        command: DatasetCommand,
    ) -> Result<Vec<DatasetEvent>, DomainError> {
        testing::when::<Datasets>(history, command)
    }

    fn name(text: &str) -> ResourceName {
        ResourceName::parse("name", text).unwrap()
    }

    fn table_source() -> DatasetSource {
        DatasetSource::Table {
            data_source_id: SOURCE,
            schema: Some("public".into()),
            table: "orders".into(),
        }
    }

    fn create_from(actor: Actor, source: DatasetSource) -> DatasetCommand {
        DatasetCommand::Create {
            actor,
            dataset_id: DATASET,
            name: name("Orders"),
            description: Description::default(),
            source,
        }
    }

    fn created() -> DatasetEvent {
        DatasetEvent::Created(Created {
            dataset_id: DATASET,
            owner_id: OWNER,
            name: "Orders".into(),
            description: String::new(),
            source: table_source(),
        })
    }

    fn deleted() -> DatasetEvent {
        DatasetEvent::Deleted(Deleted { deleted_by: OWNER })
    }

    fn columns() -> Vec<ColumnSchema> {
        vec![
            ColumnSchema {
                name: "id".into(),
                data_type: "BIGINT".into(),
                nullable: false,
            },
            ColumnSchema {
                name: "amount".into(),
                data_type: "DOUBLE".into(),
                nullable: true,
            },
        ]
    }

    fn add_version(version: i32) -> DatasetCommand {
        DatasetCommand::AddVersion {
            actor: owner(),
            version,
            location: format!("datasets/orders/{version}.parquet"),
            columns: columns(),
            row_count: 100,
            bytes: 4096,
            checksum_sha256: "AB".repeat(32),
        }
    }

    fn version_added(version: i32) -> DatasetEvent {
        DatasetEvent::VersionAdded(VersionAdded {
            version,
            location: format!("datasets/orders/{version}.parquet"),
            columns: columns(),
            row_count: 100,
            bytes: 4096,
            checksum_sha256: "ab".repeat(32),
        })
    }

    fn with_version_data(edit: impl FnOnce(&mut DatasetCommand)) -> DatasetCommand {
        let mut command = add_version(1);
        edit(&mut command);
        command
    }

    fn user(user_id: Uuid) -> Grantee {
        Grantee::User { user_id }
    }

    fn invalid_field(result: Result<Vec<DatasetEvent>, DomainError>) -> String {
        match result {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    #[test]
    fn creating_a_dataset_from_a_table_records_its_source() {
        assert_eq!(
            when(&[], create_from(owner(), table_source())),
            Ok(vec![created()])
        );
    }

    #[test]
    fn creating_a_dataset_from_a_query_or_an_upload_is_accepted() {
        let query = DatasetSource::Query {
            data_source_id: SOURCE,
            sql: "select * from orders".into(),
        };
        assert!(when(&[], create_from(owner(), query)).is_ok());
        assert!(when(&[], create_from(owner(), DatasetSource::Upload {})).is_ok());
    }

    #[test]
    fn creating_an_existing_dataset_is_rejected() {
        assert_eq!(
            when(&[created()], create_from(owner(), table_source())),
            Err(DomainError::AlreadyExists { resource: RESOURCE })
        );
    }

    #[test]
    fn viewers_may_not_create_datasets() {
        assert!(matches!(
            when(&[], create_from(viewer(id(3)), table_source())),
            Err(DomainError::Forbidden { .. })
        ));
    }

    #[test]
    fn a_table_source_needs_a_bounded_table_name() {
        for table in [String::new(), "t".repeat(201)] {
            let source = DatasetSource::Table {
                data_source_id: SOURCE,
                schema: None,
                table,
            };
            assert_eq!(
                invalid_field(when(&[], create_from(owner(), source))),
                "source.table"
            );
        }
    }

    #[test]
    fn a_query_source_needs_bounded_sql() {
        for sql in ["  ".to_owned(), "x".repeat(100_001)] {
            let source = DatasetSource::Query {
                data_source_id: SOURCE,
                sql,
            };
            assert_eq!(
                invalid_field(when(&[], create_from(owner(), source))),
                "source.sql"
            );
        }
    }

    #[test]
    fn renaming_a_dataset_records_the_new_name() {
        let command = DatasetCommand::Rename {
            actor: owner(),
            name: name("All orders"),
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![DatasetEvent::Renamed(Renamed {
                name: "All orders".into()
            })])
        );
    }

    #[test]
    fn renaming_a_deleted_dataset_is_rejected() {
        let command = DatasetCommand::Rename {
            actor: owner(),
            name: name("All orders"),
        };
        assert_eq!(
            when(&[created(), deleted()], command),
            Err(DomainError::Deleted { resource: RESOURCE })
        );
    }

    #[test]
    fn a_stranger_editor_changing_the_description_is_not_found() {
        let command = DatasetCommand::ChangeDescription {
            actor: stranger(),
            description: Description::parse("x").unwrap(),
        };
        assert_eq!(
            when(&[created()], command),
            Err(DomainError::NotFound { resource: RESOURCE })
        );
    }

    #[test]
    fn changing_the_description_records_it() {
        let command = DatasetCommand::ChangeDescription {
            actor: owner(),
            description: Description::parse("Every order").unwrap(),
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![DatasetEvent::DescriptionChanged(DescriptionChanged {
                description: "Every order".into()
            })])
        );
    }

    #[test]
    fn adding_the_first_version_records_it_with_a_lowercase_checksum() {
        assert_eq!(
            when(&[created()], add_version(1)),
            Ok(vec![version_added(1)])
        );
    }

    #[test]
    fn adding_the_next_version_is_accepted() {
        assert_eq!(
            when(&[created(), version_added(1)], add_version(2)),
            Ok(vec![version_added(2)])
        );
    }

    #[test]
    fn adding_a_version_out_of_sequence_is_a_conflict() {
        for (history, version) in [
            (vec![created()], 2),
            (vec![created(), version_added(1)], 1),
            (vec![created()], 0),
        ] {
            assert!(matches!(
                when(&history, add_version(version)),
                Err(DomainError::Conflict {
                    code: "dataset-version-conflict",
                    ..
                })
            ));
        }
    }

    #[test]
    fn a_version_with_malformed_data_is_invalid() {
        let cases: Vec<(DatasetCommand, &str)> = vec![
            (
                with_version_data(|command| {
                    if let DatasetCommand::AddVersion { location, .. } = command {
                        location.clear();
                    }
                }),
                "location",
            ),
            (
                with_version_data(|command| {
                    if let DatasetCommand::AddVersion { columns, .. } = command {
                        columns[1].name = "id".into();
                    }
                }),
                "columns[1].name",
            ),
            (
                with_version_data(|command| {
                    if let DatasetCommand::AddVersion { columns, .. } = command {
                        columns[0].data_type = "a\u{0}".into();
                    }
                }),
                "columns[0].data_type",
            ),
            (
                with_version_data(|command| {
                    if let DatasetCommand::AddVersion { row_count, .. } = command {
                        *row_count = -1;
                    }
                }),
                "row_count",
            ),
            (
                with_version_data(|command| {
                    if let DatasetCommand::AddVersion { bytes, .. } = command {
                        *bytes = -1;
                    }
                }),
                "bytes",
            ),
            (
                with_version_data(|command| {
                    if let DatasetCommand::AddVersion {
                        checksum_sha256, ..
                    } = command
                    {
                        *checksum_sha256 = "xyz".into();
                    }
                }),
                "checksum_sha256",
            ),
        ];
        for (command, field) in cases {
            assert_eq!(invalid_field(when(&[created()], command)), field);
        }
    }

    #[test]
    fn an_editor_with_a_view_grant_may_not_add_versions() {
        let history = [
            created(),
            DatasetEvent::AccessGranted(AccessGranted {
                grantee: user(STRANGER),
                access: Access::View,
                granted_by: OWNER,
            }),
        ];
        let mut command = add_version(1);
        if let DatasetCommand::AddVersion { actor, .. } = &mut command {
            *actor = stranger();
        }
        assert!(matches!(
            when(&history, command),
            Err(DomainError::Forbidden { .. })
        ));
    }

    #[test]
    fn the_owner_may_delete_a_dataset() {
        assert_eq!(
            when(&[created()], DatasetCommand::Delete { actor: owner() }),
            Ok(vec![deleted()])
        );
    }

    #[test]
    fn deleting_a_deleted_dataset_is_rejected() {
        assert_eq!(
            when(
                &[created(), deleted()],
                DatasetCommand::Delete { actor: owner() }
            ),
            Err(DomainError::Deleted { resource: RESOURCE })
        );
    }

    #[test]
    fn sharing_and_unsharing_a_dataset_are_recorded() {
        let share = DatasetCommand::Share {
            actor: owner(),
            grantee: user(STRANGER),
            access: Access::Edit,
        };
        let granted = DatasetEvent::AccessGranted(AccessGranted {
            grantee: user(STRANGER),
            access: Access::Edit,
            granted_by: OWNER,
        });
        assert_eq!(when(&[created()], share.clone()), Ok(vec![granted.clone()]));
        assert_eq!(when(&[created(), granted.clone()], share), Ok(vec![]));
        let unshare = DatasetCommand::Unshare {
            actor: owner(),
            grantee: user(STRANGER),
        };
        assert_eq!(
            when(&[created(), granted], unshare.clone()),
            Ok(vec![DatasetEvent::AccessRevoked(AccessRevoked {
                grantee: user(STRANGER),
                revoked_by: OWNER,
            })])
        );
        assert!(matches!(
            when(&[created()], unshare),
            Err(DomainError::Conflict {
                code: "grant-not-found",
                ..
            })
        ));
    }

    #[test]
    fn sharing_a_dataset_with_its_owner_is_invalid() {
        let share = DatasetCommand::Share {
            actor: owner(),
            grantee: user(OWNER),
            access: Access::Edit,
        };
        assert_eq!(invalid_field(when(&[created()], share)), "grantee");
    }

    #[test]
    fn replaying_the_produced_events_gives_the_expected_dataset() {
        let history = testing::run::<Datasets>(vec![
            create_from(owner(), table_source()),
            DatasetCommand::Rename {
                actor: owner(),
                name: name("All orders"),
            },
            add_version(1),
            add_version(2),
            DatasetCommand::Share {
                actor: owner(),
                grantee: user(STRANGER),
                access: Access::View,
            },
            DatasetCommand::Delete { actor: owner() },
        ]);
        let mut access = AccessControl::new(OWNER);
        access.grants.insert(user(STRANGER), Access::View);
        let DatasetEvent::VersionAdded(latest) = version_added(2) else {
            unreachable!("version_added builds a VersionAdded event")
        };
        let state = testing::given::<Datasets>(&history);
        assert_eq!(
            state,
            DatasetState::Deleted(Dataset {
                dataset_id: DATASET,
                name: "All orders".into(),
                description: String::new(),
                source: table_source(),
                latest_version: 2,
                latest: Some(latest),
                access,
            })
        );
        assert!(state.active().is_none());
    }
}
