//! The data source aggregate: where datasets read from.

use uuid::Uuid;
use vizpro_events::data_source::{
    ConnectionChanged, Created, DataSourceEvent, DataSourceKind, Deleted, DescriptionChanged,
    Renamed, SealedConnection,
};
use vizpro_events::{Access, Grantee};

use crate::access::{AccessControl, Need, ResourceState, Shareable, ensure_can_create};
use crate::values::{Description, ResourceName, validate_single_line};
use crate::{Actor, Decider, DomainError};

const RESOURCE: &str = "data_source";
/// Longest allowed display address, in characters.
pub const MAX_DISPLAY_ADDRESS_CHARS: usize = 500;
/// Longest allowed key id of a sealed connection, in characters.
pub const MAX_KEY_ID_CHARS: usize = 200;
/// Longest allowed nonce or ciphertext of a sealed connection, in characters.
pub const MAX_SEALED_CHARS: usize = 100_000;

/// The data source decider.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataSources;

/// What can be asked of a data source.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSourceCommand {
    /// Create a data source. Database kinds need a connection; uploads must not have one.
    Create {
        /// Who asks; becomes the owner.
        actor: Actor,
        /// The new data source's id.
        data_source_id: Uuid,
        /// Its name.
        name: ResourceName,
        /// Its description.
        description: Description,
        /// Where its data comes from.
        kind: DataSourceKind,
        /// The connection, sealed by the command API.
        connection: Option<SealedConnection>,
        /// A credential-free description of where the database is.
        display_address: Option<String>,
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
    /// Replace the connection of a database data source.
    ChangeConnection {
        /// Who asks.
        actor: Actor,
        /// The new connection, sealed by the command API.
        connection: SealedConnection,
        /// The new credential-free address.
        display_address: String,
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

/// A data source as the command API needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSource {
    /// Its id.
    pub data_source_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Where its data comes from.
    pub kind: DataSourceKind,
    /// The sealed connection of a database data source.
    pub connection: Option<SealedConnection>,
    /// The credential-free address of a database data source.
    pub display_address: Option<String>,
    /// Owner and grants.
    pub access: AccessControl,
}

impl DataSource {
    /// The user who owns it.
    pub fn owner_id(&self) -> Uuid {
        self.access.owner_id
    }
}

/// The state of one data source stream.
pub type DataSourceState = ResourceState<DataSource>;

impl Shareable for DataSource {
    const RESOURCE: &'static str = RESOURCE;

    fn access(&self) -> &AccessControl {
        &self.access
    }
}

impl Decider for DataSources {
    type Command = DataSourceCommand;
    type Event = DataSourceEvent;
    type State = DataSourceState;

    fn decide(
        command: &DataSourceCommand,
        state: &DataSourceState,
    ) -> Result<Vec<DataSourceEvent>, DomainError> {
        match command {
            DataSourceCommand::Create {
                actor,
                data_source_id,
                name,
                description,
                kind,
                connection,
                display_address,
            } => {
                ensure_can_create(actor, RESOURCE)?;
                if !matches!(state, DataSourceState::Absent) {
                    return Err(DomainError::AlreadyExists { resource: RESOURCE });
                }
                match (kind.needs_connection(), connection) {
                    (true, None) => {
                        return Err(DomainError::invalid(
                            "connection",
                            "a database data source needs a connection",
                        ));
                    }
                    (false, Some(_)) => {
                        return Err(DomainError::invalid(
                            "connection",
                            "an upload data source has no connection",
                        ));
                    }
                    (_, Some(connection)) => validate_sealed_connection(connection)?,
                    (false, None) => {}
                }
                if let Some(address) = display_address {
                    if !kind.needs_connection() {
                        return Err(DomainError::invalid(
                            "display_address",
                            "an upload data source has no address",
                        ));
                    }
                    validate_display_address(address)?;
                }
                Ok(vec![DataSourceEvent::Created(Created {
                    data_source_id: *data_source_id,
                    owner_id: actor.user_id,
                    name: name.as_str().to_owned(),
                    description: description.as_str().to_owned(),
                    kind: *kind,
                    connection: connection.clone(),
                    display_address: display_address.clone(),
                })])
            }
            DataSourceCommand::Rename { actor, name } => {
                let data_source = state.authorize(actor, Need::Edit)?;
                if data_source.name == name.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![DataSourceEvent::Renamed(Renamed {
                    name: name.as_str().to_owned(),
                })])
            }
            DataSourceCommand::ChangeDescription { actor, description } => {
                let data_source = state.authorize(actor, Need::Edit)?;
                if data_source.description == description.as_str() {
                    return Ok(vec![]);
                }
                Ok(vec![DataSourceEvent::DescriptionChanged(
                    DescriptionChanged {
                        description: description.as_str().to_owned(),
                    },
                )])
            }
            DataSourceCommand::ChangeConnection {
                actor,
                connection,
                display_address,
            } => {
                let data_source = state.authorize(actor, Need::Edit)?;
                if !data_source.kind.needs_connection() {
                    return Err(DomainError::invalid(
                        "connection",
                        "an upload data source has no connection",
                    ));
                }
                validate_sealed_connection(connection)?;
                validate_display_address(display_address)?;
                if data_source.connection.as_ref() == Some(connection)
                    && data_source.display_address.as_deref() == Some(display_address.as_str())
                {
                    return Ok(vec![]);
                }
                Ok(vec![DataSourceEvent::ConnectionChanged(
                    ConnectionChanged {
                        connection: connection.clone(),
                        display_address: display_address.clone(),
                    },
                )])
            }
            DataSourceCommand::Delete { actor } => {
                state.authorize(actor, Need::Administer)?;
                Ok(vec![DataSourceEvent::Deleted(Deleted {
                    deleted_by: actor.user_id,
                })])
            }
            DataSourceCommand::Share {
                actor,
                grantee,
                access,
            } => {
                let data_source = state.authorize(actor, Need::View)?;
                let granted = data_source
                    .access
                    .decide_share(actor, *grantee, *access, RESOURCE)?;
                Ok(granted
                    .map(DataSourceEvent::AccessGranted)
                    .into_iter()
                    .collect())
            }
            DataSourceCommand::Unshare { actor, grantee } => {
                let data_source = state.authorize(actor, Need::View)?;
                let revoked = data_source
                    .access
                    .decide_unshare(actor, *grantee, RESOURCE)?;
                Ok(vec![DataSourceEvent::AccessRevoked(revoked)])
            }
        }
    }

    fn evolve(state: DataSourceState, event: &DataSourceEvent) -> DataSourceState {
        // Events other than Created only ever follow Created, and nothing follows Deleted; anything else
        // would be corrupt history, which is ignored rather than allowed to panic.
        let mut data_source = match (state, event) {
            (DataSourceState::Absent, DataSourceEvent::Created(created)) => {
                return DataSourceState::Active(DataSource {
                    data_source_id: created.data_source_id,
                    name: created.name.clone(),
                    description: created.description.clone(),
                    kind: created.kind,
                    connection: created.connection.clone(),
                    display_address: created.display_address.clone(),
                    access: AccessControl::new(created.owner_id),
                });
            }
            (DataSourceState::Active(data_source), _) => data_source,
            (other, _) => return other,
        };
        match event {
            DataSourceEvent::Created(_) => {}
            DataSourceEvent::Renamed(renamed) => data_source.name.clone_from(&renamed.name),
            DataSourceEvent::DescriptionChanged(changed) => {
                data_source.description.clone_from(&changed.description);
            }
            DataSourceEvent::ConnectionChanged(changed) => {
                data_source.connection = Some(changed.connection.clone());
                data_source.display_address = Some(changed.display_address.clone());
            }
            DataSourceEvent::Deleted(_) => return DataSourceState::Deleted(data_source),
            DataSourceEvent::AccessGranted(granted) => data_source.access.apply_granted(granted),
            DataSourceEvent::AccessRevoked(revoked) => data_source.access.apply_revoked(revoked),
        }
        DataSourceState::Active(data_source)
    }
}

fn validate_sealed_connection(connection: &SealedConnection) -> Result<(), DomainError> {
    validate_single_line("connection.key_id", &connection.key_id, MAX_KEY_ID_CHARS)?;
    validate_single_line("connection.nonce", &connection.nonce, MAX_SEALED_CHARS)?;
    validate_single_line(
        "connection.ciphertext",
        &connection.ciphertext,
        MAX_SEALED_CHARS,
    )
}

fn validate_display_address(address: &str) -> Result<(), DomainError> {
    validate_single_line("display_address", address, MAX_DISPLAY_ADDRESS_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, OWNER, STRANGER, admin, editor, id, owner, stranger, viewer};
    use vizpro_events::{AccessGranted, AccessRevoked, Role};

    const SOURCE: Uuid = Uuid::from_u128(0xd5);

    fn when(
        history: &[DataSourceEvent],
        command: DataSourceCommand,
    ) -> Result<Vec<DataSourceEvent>, DomainError> {
        testing::when::<DataSources>(history, command)
    }

    fn sealed(marker: &str) -> SealedConnection {
        SealedConnection {
            key_id: "key-1".into(),
            nonce: "bm9uY2U=".into(),
            ciphertext: format!("c2VjcmV0{marker}"),
        }
    }

    fn name(text: &str) -> ResourceName {
        ResourceName::parse("name", text).unwrap()
    }

    fn create(kind: DataSourceKind, connection: Option<SealedConnection>) -> DataSourceCommand {
        DataSourceCommand::Create {
            actor: owner(),
            data_source_id: SOURCE,
            name: name("Warehouse"),
            description: Description::parse("").unwrap(),
            kind,
            connection: connection.clone(),
            display_address: connection.map(|_| "db:5432/sales".to_owned()),
        }
    }

    fn created() -> DataSourceEvent {
        DataSourceEvent::Created(Created {
            data_source_id: SOURCE,
            owner_id: OWNER,
            name: "Warehouse".into(),
            description: String::new(),
            kind: DataSourceKind::Postgres,
            connection: Some(sealed("")),
            display_address: Some("db:5432/sales".into()),
        })
    }

    fn created_upload() -> DataSourceEvent {
        DataSourceEvent::Created(Created {
            data_source_id: SOURCE,
            owner_id: OWNER,
            name: "Warehouse".into(),
            description: String::new(),
            kind: DataSourceKind::Upload,
            connection: None,
            display_address: None,
        })
    }

    fn deleted() -> DataSourceEvent {
        DataSourceEvent::Deleted(Deleted { deleted_by: OWNER })
    }

    fn granted(grantee: Grantee, access: Access) -> DataSourceEvent {
        DataSourceEvent::AccessGranted(AccessGranted {
            grantee,
            access,
            granted_by: OWNER,
        })
    }

    fn user(user_id: Uuid) -> Grantee {
        Grantee::User { user_id }
    }

    fn rename(actor: Actor, text: &str) -> DataSourceCommand {
        DataSourceCommand::Rename {
            actor,
            name: name(text),
        }
    }

    fn renamed(text: &str) -> Result<Vec<DataSourceEvent>, DomainError> {
        Ok(vec![DataSourceEvent::Renamed(Renamed {
            name: text.into(),
        })])
    }

    fn not_found() -> Result<Vec<DataSourceEvent>, DomainError> {
        Err(DomainError::NotFound { resource: RESOURCE })
    }

    fn is_forbidden(result: Result<Vec<DataSourceEvent>, DomainError>) -> bool {
        matches!(result, Err(DomainError::Forbidden { .. }))
    }

    fn invalid_field(result: Result<Vec<DataSourceEvent>, DomainError>) -> String {
        match result {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    #[test]
    fn creating_a_postgres_data_source_records_its_sealed_connection() {
        assert_eq!(
            when(&[], create(DataSourceKind::Postgres, Some(sealed("")))),
            Ok(vec![created()])
        );
    }

    #[test]
    fn creating_an_upload_data_source_needs_no_connection() {
        assert_eq!(
            when(&[], create(DataSourceKind::Upload, None)),
            Ok(vec![created_upload()])
        );
    }

    #[test]
    fn creating_an_existing_data_source_is_rejected() {
        assert_eq!(
            when(&[created()], create(DataSourceKind::Upload, None)),
            Err(DomainError::AlreadyExists { resource: RESOURCE })
        );
    }

    #[test]
    fn viewers_may_not_create_data_sources() {
        let command = DataSourceCommand::Create {
            actor: viewer(id(3)),
            data_source_id: SOURCE,
            name: name("Warehouse"),
            description: Description::default(),
            kind: DataSourceKind::Upload,
            connection: None,
            display_address: None,
        };
        assert!(is_forbidden(when(&[], command)));
    }

    #[test]
    fn a_database_data_source_without_a_connection_is_invalid() {
        assert_eq!(
            invalid_field(when(&[], create(DataSourceKind::Mysql, None))),
            "connection"
        );
    }

    #[test]
    fn an_upload_data_source_with_a_connection_is_invalid() {
        assert_eq!(
            invalid_field(when(&[], create(DataSourceKind::Upload, Some(sealed(""))))),
            "connection"
        );
    }

    #[test]
    fn a_sealed_connection_with_an_empty_part_is_invalid() {
        let mut connection = sealed("");
        connection.nonce = String::new();
        assert_eq!(
            invalid_field(when(
                &[],
                create(DataSourceKind::Postgres, Some(connection))
            )),
            "connection.nonce"
        );
    }

    #[test]
    fn renaming_a_data_source_records_the_new_name() {
        assert_eq!(when(&[created()], rename(owner(), "Lake")), renamed("Lake"));
    }

    #[test]
    fn renaming_to_the_same_name_changes_nothing() {
        assert_eq!(when(&[created()], rename(owner(), "Warehouse")), Ok(vec![]));
    }

    #[test]
    fn renaming_an_absent_data_source_is_not_found() {
        assert_eq!(when(&[], rename(owner(), "Lake")), not_found());
    }

    #[test]
    fn renaming_a_deleted_data_source_is_rejected() {
        assert_eq!(
            when(&[created(), deleted()], rename(owner(), "Lake")),
            Err(DomainError::Deleted { resource: RESOURCE })
        );
    }

    #[test]
    fn a_deleted_data_source_stays_invisible_to_strangers() {
        assert_eq!(
            when(&[created(), deleted()], rename(stranger(), "Lake")),
            not_found()
        );
    }

    #[test]
    fn a_stranger_editor_renaming_is_not_found() {
        assert_eq!(when(&[created()], rename(stranger(), "Lake")), not_found());
    }

    #[test]
    fn a_viewer_renaming_is_forbidden_even_with_an_edit_grant() {
        let history = [created(), granted(user(id(8)), Access::Edit)];
        assert!(is_forbidden(when(&history, rename(viewer(id(8)), "Lake"))));
    }

    #[test]
    fn an_editor_with_a_view_grant_renaming_is_forbidden() {
        let history = [created(), granted(user(STRANGER), Access::View)];
        assert!(is_forbidden(when(&history, rename(stranger(), "Lake"))));
    }

    #[test]
    fn an_editor_with_an_edit_grant_may_rename() {
        let history = [created(), granted(user(STRANGER), Access::Edit)];
        assert_eq!(when(&history, rename(stranger(), "Lake")), renamed("Lake"));
    }

    #[test]
    fn an_edit_grant_to_the_editor_role_lets_any_editor_rename() {
        let history = [
            created(),
            granted(Grantee::Role { role: Role::Editor }, Access::Edit),
        ];
        assert_eq!(
            when(&history, rename(editor(id(77)), "Lake")),
            renamed("Lake")
        );
    }

    #[test]
    fn changing_the_description_records_it() {
        let command = DataSourceCommand::ChangeDescription {
            actor: owner(),
            description: Description::parse("Nightly copy").unwrap(),
        };
        assert_eq!(
            when(&[created()], command.clone()),
            Ok(vec![DataSourceEvent::DescriptionChanged(
                DescriptionChanged {
                    description: "Nightly copy".into()
                }
            )])
        );
        let history = [
            created(),
            DataSourceEvent::DescriptionChanged(DescriptionChanged {
                description: "Nightly copy".into(),
            }),
        ];
        assert_eq!(when(&history, command), Ok(vec![]));
    }

    #[test]
    fn changing_the_connection_records_the_new_sealed_connection() {
        let command = DataSourceCommand::ChangeConnection {
            actor: owner(),
            connection: sealed("2"),
            display_address: "db2:5432/sales".into(),
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![DataSourceEvent::ConnectionChanged(
                ConnectionChanged {
                    connection: sealed("2"),
                    display_address: "db2:5432/sales".into(),
                }
            )])
        );
    }

    #[test]
    fn changing_the_connection_to_the_same_one_changes_nothing() {
        let command = DataSourceCommand::ChangeConnection {
            actor: owner(),
            connection: sealed(""),
            display_address: "db:5432/sales".into(),
        };
        assert_eq!(when(&[created()], command), Ok(vec![]));
    }

    #[test]
    fn changing_the_connection_of_an_upload_data_source_is_invalid() {
        let command = DataSourceCommand::ChangeConnection {
            actor: owner(),
            connection: sealed(""),
            display_address: "db:5432/sales".into(),
        };
        assert_eq!(
            invalid_field(when(&[created_upload()], command)),
            "connection"
        );
    }

    #[test]
    fn changing_the_connection_needs_a_display_address() {
        let command = DataSourceCommand::ChangeConnection {
            actor: owner(),
            connection: sealed("2"),
            display_address: " ".into(),
        };
        assert_eq!(
            invalid_field(when(&[created()], command)),
            "display_address"
        );
    }

    #[test]
    fn the_owner_may_delete_a_data_source() {
        assert_eq!(
            when(&[created()], DataSourceCommand::Delete { actor: owner() }),
            Ok(vec![deleted()])
        );
    }

    #[test]
    fn an_admin_may_delete_any_data_source() {
        assert_eq!(
            when(&[created()], DataSourceCommand::Delete { actor: admin() }),
            Ok(vec![DataSourceEvent::Deleted(Deleted {
                deleted_by: admin().user_id
            })])
        );
    }

    #[test]
    fn an_editor_with_an_edit_grant_may_not_delete() {
        let history = [created(), granted(user(STRANGER), Access::Edit)];
        assert!(is_forbidden(when(
            &history,
            DataSourceCommand::Delete { actor: stranger() }
        )));
    }

    #[test]
    fn deleting_a_deleted_data_source_is_rejected() {
        assert_eq!(
            when(
                &[created(), deleted()],
                DataSourceCommand::Delete { actor: owner() }
            ),
            Err(DomainError::Deleted { resource: RESOURCE })
        );
    }

    #[test]
    fn sharing_records_a_grant() {
        let command = DataSourceCommand::Share {
            actor: owner(),
            grantee: user(STRANGER),
            access: Access::View,
        };
        assert_eq!(
            when(&[created()], command),
            Ok(vec![granted(user(STRANGER), Access::View)])
        );
    }

    #[test]
    fn sharing_the_same_access_again_changes_nothing() {
        let command = DataSourceCommand::Share {
            actor: owner(),
            grantee: user(STRANGER),
            access: Access::View,
        };
        let history = [created(), granted(user(STRANGER), Access::View)];
        assert_eq!(when(&history, command), Ok(vec![]));
    }

    #[test]
    fn sharing_with_the_owner_is_invalid() {
        let command = DataSourceCommand::Share {
            actor: admin(),
            grantee: user(OWNER),
            access: Access::Edit,
        };
        assert_eq!(invalid_field(when(&[created()], command)), "grantee");
    }

    #[test]
    fn sharing_by_someone_who_only_may_edit_is_forbidden() {
        let command = DataSourceCommand::Share {
            actor: stranger(),
            grantee: user(id(99)),
            access: Access::View,
        };
        let history = [created(), granted(user(STRANGER), Access::Edit)];
        assert!(is_forbidden(when(&history, command)));
    }

    #[test]
    fn unsharing_records_the_revocation() {
        let command = DataSourceCommand::Unshare {
            actor: owner(),
            grantee: user(STRANGER),
        };
        let history = [created(), granted(user(STRANGER), Access::View)];
        assert_eq!(
            when(&history, command),
            Ok(vec![DataSourceEvent::AccessRevoked(AccessRevoked {
                grantee: user(STRANGER),
                revoked_by: OWNER,
            })])
        );
    }

    #[test]
    fn unsharing_an_unknown_grantee_is_a_conflict() {
        let command = DataSourceCommand::Unshare {
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
    fn replaying_the_produced_events_gives_the_expected_data_source() {
        let history = testing::run::<DataSources>(vec![
            create(DataSourceKind::Postgres, Some(sealed(""))),
            rename(owner(), "Lake"),
            DataSourceCommand::ChangeDescription {
                actor: owner(),
                description: Description::parse("Nightly").unwrap(),
            },
            DataSourceCommand::ChangeConnection {
                actor: owner(),
                connection: sealed("2"),
                display_address: "db2".into(),
            },
            DataSourceCommand::Share {
                actor: owner(),
                grantee: user(STRANGER),
                access: Access::Edit,
            },
            DataSourceCommand::Share {
                actor: owner(),
                grantee: user(id(5)),
                access: Access::View,
            },
            DataSourceCommand::Unshare {
                actor: owner(),
                grantee: user(id(5)),
            },
        ]);
        let state = testing::given::<DataSources>(&history);
        let mut access = AccessControl::new(OWNER);
        access.grants.insert(user(STRANGER), Access::Edit);
        let expected = DataSource {
            data_source_id: SOURCE,
            name: "Lake".into(),
            description: "Nightly".into(),
            kind: DataSourceKind::Postgres,
            connection: Some(sealed("2")),
            display_address: Some("db2".into()),
            access,
        };
        assert_eq!(state, DataSourceState::Active(expected.clone()));
        assert_eq!(state.active().map(DataSource::owner_id), Some(OWNER));

        let mut deleted_history = history;
        deleted_history.extend(
            DataSources::decide(&DataSourceCommand::Delete { actor: owner() }, &state).unwrap(),
        );
        let state = testing::given::<DataSources>(&deleted_history);
        assert_eq!(state, DataSourceState::Deleted(expected));
        assert_eq!(state.active(), None);
    }
}
