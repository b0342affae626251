//! The user aggregate: accounts, roles and the sign-in trail.
//!
//! Password hashes are kept by the command API outside the event stream; this decider only decides
//! whether a password change may happen and records that it did.

use uuid::Uuid;
use vizpro_events::Role;
use vizpro_events::user::{
    Deactivated, DisplayNameChanged, PasswordChanged, RefreshTokenReuseDetected, Registered,
    RoleChanged, SignInFailed, SignInFailure, SignedIn, SignedOut, UserEvent,
};

use crate::values::{DisplayName, Email};
use crate::{Actor, Decider, DomainError};

const RESOURCE: &str = "user";

/// The user decider.
#[derive(Debug, Clone, Copy, Default)]
pub struct Users;

/// What can be asked of a user account.
#[derive(Debug, Clone, PartialEq)]
pub enum UserCommand {
    /// Create the account. Whether the caller may register users, and whether the e-mail address is
    /// unique, is checked by the command API.
    Register {
        /// The new user's id.
        user_id: Uuid,
        /// The e-mail address.
        email: Email,
        /// The display name.
        display_name: DisplayName,
        /// The starting role.
        role: Role,
    },
    /// Change the display name (the user themselves or an admin).
    ChangeDisplayName {
        /// Who asks.
        actor: Actor,
        /// The new display name.
        display_name: DisplayName,
    },
    /// Change the role (admins only, never their own).
    ChangeRole {
        /// Who asks.
        actor: Actor,
        /// The new role.
        role: Role,
    },
    /// Record a password change (the user themselves or an admin); the hash is stored elsewhere.
    ChangePassword {
        /// Who asks.
        actor: Actor,
    },
    /// Record a successful sign-in.
    RecordSignIn {
        /// The new session family.
        session_family_id: Uuid,
    },
    /// Record a refused sign-in.
    RecordFailedSignIn {
        /// Why it was refused.
        reason: SignInFailure,
    },
    /// Record a sign-out.
    RecordSignOut {
        /// The ended session family.
        session_family_id: Uuid,
    },
    /// Record that a refresh token was reused and its family revoked.
    RecordRefreshTokenReuse {
        /// The revoked session family.
        session_family_id: Uuid,
    },
    /// Deactivate the account (admins only, never themselves).
    Deactivate {
        /// Who asks.
        actor: Actor,
    },
}

/// A registered user as the command API needs to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's id.
    pub user_id: Uuid,
    /// The normalised e-mail address.
    pub email: String,
    /// The display name.
    pub display_name: String,
    /// The current role.
    pub role: Role,
    /// Whether the account was deactivated; deactivated users cannot sign in.
    pub deactivated: bool,
}

/// The state of one user stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UserState {
    /// No such user.
    #[default]
    Absent,
    /// The account exists (possibly deactivated).
    Registered(User),
}

impl UserState {
    /// The user, if registered.
    pub fn user(&self) -> Option<&User> {
        match self {
            UserState::Absent => None,
            UserState::Registered(user) => Some(user),
        }
    }
}

impl Decider for Users {
    type Command = UserCommand;
    type Event = UserEvent;
    type State = UserState;

    fn decide(command: &UserCommand, state: &UserState) -> Result<Vec<UserEvent>, DomainError> {
        if let UserCommand::Register {
            user_id,
            email,
            display_name,
            role,
        } = command
        {
            return match state {
                UserState::Registered(_) => Err(DomainError::AlreadyExists { resource: RESOURCE }),
                UserState::Absent => Ok(vec![UserEvent::Registered(Registered {
                    user_id: *user_id,
                    email: email.as_str().to_owned(),
                    display_name: display_name.as_str().to_owned(),
                    role: *role,
                })]),
            };
        }
        let UserState::Registered(user) = state else {
            return Err(DomainError::NotFound { resource: RESOURCE });
        };
        match command {
            UserCommand::Register { .. } => Err(DomainError::AlreadyExists { resource: RESOURCE }),
            UserCommand::ChangeDisplayName {
                actor,
                display_name,
            } => {
                ensure_self_or_admin(actor, user)?;
                if display_name.as_str() == user.display_name {
                    return Ok(vec![]);
                }
                Ok(vec![UserEvent::DisplayNameChanged(DisplayNameChanged {
                    display_name: display_name.as_str().to_owned(),
                    changed_by: actor.user_id,
                })])
            }
            UserCommand::ChangeRole { actor, role } => {
                ensure_admin(actor, user, "change roles")?;
                if actor.user_id == user.user_id {
                    return Err(DomainError::conflict(
                        "cannot-change-own-role",
                        "an admin may not change their own role",
                    ));
                }
                if *role == user.role {
                    return Ok(vec![]);
                }
                Ok(vec![UserEvent::RoleChanged(RoleChanged {
                    from: user.role,
                    to: *role,
                    changed_by: actor.user_id,
                })])
            }
            UserCommand::ChangePassword { actor } => {
                ensure_self_or_admin(actor, user)?;
                Ok(vec![UserEvent::PasswordChanged(PasswordChanged {
                    changed_by: actor.user_id,
                })])
            }
            UserCommand::RecordSignIn { session_family_id } => {
                if user.deactivated {
                    return Err(DomainError::forbidden("the account is deactivated"));
                }
                Ok(vec![UserEvent::SignedIn(SignedIn {
                    session_family_id: *session_family_id,
                })])
            }
            UserCommand::RecordFailedSignIn { reason } => {
                Ok(vec![UserEvent::SignInFailed(SignInFailed {
                    reason: *reason,
                })])
            }
            UserCommand::RecordSignOut { session_family_id } => {
                Ok(vec![UserEvent::SignedOut(SignedOut {
                    session_family_id: *session_family_id,
                })])
            }
            UserCommand::RecordRefreshTokenReuse { session_family_id } => {
                Ok(vec![UserEvent::RefreshTokenReuseDetected(
                    RefreshTokenReuseDetected {
                        session_family_id: *session_family_id,
                    },
                )])
            }
            UserCommand::Deactivate { actor } => {
                ensure_admin(actor, user, "deactivate users")?;
                if actor.user_id == user.user_id {
                    return Err(DomainError::conflict(
                        "cannot-deactivate-self",
                        "an admin may not deactivate their own account",
                    ));
                }
                if user.deactivated {
                    return Ok(vec![]);
                }
                Ok(vec![UserEvent::Deactivated(Deactivated {
                    deactivated_by: actor.user_id,
                })])
            }
        }
    }

    fn evolve(state: UserState, event: &UserEvent) -> UserState {
        // A Registered event always comes first in a user stream, so any other event on an absent user
        // cannot occur; it is ignored rather than panicking on corrupt history.
        let mut user = match (state, event) {
            (UserState::Absent, UserEvent::Registered(registered)) => {
                return UserState::Registered(User {
                    user_id: registered.user_id,
                    email: registered.email.clone(),
                    display_name: registered.display_name.clone(),
                    role: registered.role,
                    deactivated: false,
                });
            }
            (UserState::Absent, _) => return UserState::Absent,
            (UserState::Registered(user), _) => user,
        };
        match event {
            UserEvent::DisplayNameChanged(changed) => {
                user.display_name.clone_from(&changed.display_name);
            }
            UserEvent::RoleChanged(changed) => user.role = changed.to,
            UserEvent::Deactivated(_) => user.deactivated = true,
            UserEvent::Registered(_)
            | UserEvent::PasswordChanged(_)
            | UserEvent::SignedIn(_)
            | UserEvent::SignInFailed(_)
            | UserEvent::SignedOut(_)
            | UserEvent::RefreshTokenReuseDetected(_) => {}
        }
        UserState::Registered(user)
    }
}

/// Users may change their own profile; admins may change anybody's. Anybody else is told the user does
/// not exist, so accounts cannot be probed.
fn ensure_self_or_admin(actor: &Actor, user: &User) -> Result<(), DomainError> {
    if actor.is_admin() || actor.user_id == user.user_id {
        Ok(())
    } else {
        Err(DomainError::NotFound { resource: RESOURCE })
    }
}

/// Only admins may manage accounts. A non-admin acting on somebody else is told the user does not
/// exist; acting on themselves they are told they lack the right.
fn ensure_admin(actor: &Actor, user: &User, action: &str) -> Result<(), DomainError> {
    if actor.is_admin() {
        Ok(())
    } else if actor.user_id == user.user_id {
        Err(DomainError::forbidden(format!(
            "only an admin may {action}"
        )))
    } else {
        Err(DomainError::NotFound { resource: RESOURCE })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, ADMIN, id};

    const ADA: Uuid = Uuid::from_u128(0xada);
    const BOB: Uuid = Uuid::from_u128(0xb0b);

    fn when(history: &[UserEvent], command: UserCommand) -> Result<Vec<UserEvent>, DomainError> {
        testing::when::<Users>(history, command)
    }

    fn ada() -> Actor {
        Actor {
            user_id: ADA,
            role: Role::Editor,
        }
    }

    fn bob() -> Actor {
        Actor {
            user_id: BOB,
            role: Role::Editor,
        }
    }

    fn admin() -> Actor {
        testing::admin()
    }

    fn registered() -> UserEvent {
        UserEvent::Registered(Registered {
            user_id: ADA,
            email: "ada@example.com".into(),
            display_name: "Ada".into(),
            role: Role::Editor,
        })
    }

    fn registered_admin() -> UserEvent {
        UserEvent::Registered(Registered {
            user_id: ADMIN,
            email: "admin@example.com".into(),
            display_name: "Admin".into(),
            role: Role::Admin,
        })
    }

    fn deactivated() -> UserEvent {
        UserEvent::Deactivated(Deactivated {
            deactivated_by: ADMIN,
        })
    }

    fn register() -> UserCommand {
        UserCommand::Register {
            user_id: ADA,
            email: Email::parse("Ada@Example.com").unwrap(),
            display_name: DisplayName::parse("Ada").unwrap(),
            role: Role::Editor,
        }
    }

    fn rename_to(actor: Actor, name: &str) -> UserCommand {
        UserCommand::ChangeDisplayName {
            actor,
            display_name: DisplayName::parse(name).unwrap(),
        }
    }

    fn not_found() -> Result<Vec<UserEvent>, DomainError> {
        Err(DomainError::NotFound { resource: RESOURCE })
    }

    fn is_forbidden(result: Result<Vec<UserEvent>, DomainError>) -> bool {
        matches!(result, Err(DomainError::Forbidden { .. }))
    }

    fn conflict_code(result: Result<Vec<UserEvent>, DomainError>) -> &'static str {
        match result {
            Err(DomainError::Conflict { code, .. }) => code,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn registering_a_new_user_records_the_normalised_email() {
        assert_eq!(when(&[], register()), Ok(vec![registered()]));
    }

    #[test]
    fn registering_an_existing_user_is_rejected() {
        assert_eq!(
            when(&[registered()], register()),
            Err(DomainError::AlreadyExists { resource: RESOURCE })
        );
    }

    #[test]
    fn commands_on_an_absent_user_are_not_found() {
        assert_eq!(when(&[], rename_to(ada(), "Ada")), not_found());
        assert_eq!(
            when(
                &[],
                UserCommand::RecordSignIn {
                    session_family_id: id(1)
                }
            ),
            not_found()
        );
        assert_eq!(
            when(
                &[],
                UserCommand::RecordFailedSignIn {
                    reason: SignInFailure::WrongPassword
                }
            ),
            not_found()
        );
    }

    #[test]
    fn users_may_change_their_own_display_name() {
        assert_eq!(
            when(&[registered()], rename_to(ada(), "Ada Lovelace")),
            Ok(vec![UserEvent::DisplayNameChanged(DisplayNameChanged {
                display_name: "Ada Lovelace".into(),
                changed_by: ADA,
            })])
        );
    }

    #[test]
    fn admins_may_change_anybodys_display_name() {
        assert_eq!(
            when(&[registered()], rename_to(admin(), "Countess")),
            Ok(vec![UserEvent::DisplayNameChanged(DisplayNameChanged {
                display_name: "Countess".into(),
                changed_by: ADMIN,
            })])
        );
    }

    #[test]
    fn changing_another_users_display_name_is_not_found_for_non_admins() {
        assert_eq!(
            when(&[registered()], rename_to(bob(), "Mallory")),
            not_found()
        );
    }

    #[test]
    fn setting_the_same_display_name_changes_nothing() {
        assert_eq!(when(&[registered()], rename_to(ada(), "Ada")), Ok(vec![]));
    }

    #[test]
    fn admins_may_change_roles() {
        assert_eq!(
            when(
                &[registered()],
                UserCommand::ChangeRole {
                    actor: admin(),
                    role: Role::Viewer
                }
            ),
            Ok(vec![UserEvent::RoleChanged(RoleChanged {
                from: Role::Editor,
                to: Role::Viewer,
                changed_by: ADMIN,
            })])
        );
    }

    #[test]
    fn changing_a_role_to_the_current_role_changes_nothing() {
        assert_eq!(
            when(
                &[registered()],
                UserCommand::ChangeRole {
                    actor: admin(),
                    role: Role::Editor
                }
            ),
            Ok(vec![])
        );
    }

    #[test]
    fn an_admin_changing_their_own_role_is_a_conflict() {
        let command = UserCommand::ChangeRole {
            actor: admin(),
            role: Role::Viewer,
        };
        assert_eq!(
            conflict_code(when(&[registered_admin()], command)),
            "cannot-change-own-role"
        );
    }

    #[test]
    fn non_admins_may_not_change_roles() {
        let own = UserCommand::ChangeRole {
            actor: ada(),
            role: Role::Admin,
        };
        assert!(is_forbidden(when(&[registered()], own)));
        let other = UserCommand::ChangeRole {
            actor: bob(),
            role: Role::Admin,
        };
        assert_eq!(when(&[registered()], other), not_found());
    }

    #[test]
    fn users_and_admins_may_change_a_password() {
        for actor in [ada(), admin()] {
            assert_eq!(
                when(&[registered()], UserCommand::ChangePassword { actor }),
                Ok(vec![UserEvent::PasswordChanged(PasswordChanged {
                    changed_by: actor.user_id
                })])
            );
        }
    }

    #[test]
    fn changing_another_users_password_is_not_found_for_non_admins() {
        assert_eq!(
            when(
                &[registered()],
                UserCommand::ChangePassword { actor: bob() }
            ),
            not_found()
        );
    }

    #[test]
    fn signing_in_records_the_session_family() {
        assert_eq!(
            when(
                &[registered()],
                UserCommand::RecordSignIn {
                    session_family_id: id(42)
                }
            ),
            Ok(vec![UserEvent::SignedIn(SignedIn {
                session_family_id: id(42)
            })])
        );
    }

    #[test]
    fn signing_in_to_a_deactivated_account_is_forbidden() {
        assert!(is_forbidden(when(
            &[registered(), deactivated()],
            UserCommand::RecordSignIn {
                session_family_id: id(42)
            }
        )));
    }

    #[test]
    fn sign_in_bookkeeping_is_recorded() {
        assert_eq!(
            when(
                &[registered(), deactivated()],
                UserCommand::RecordFailedSignIn {
                    reason: SignInFailure::Deactivated
                }
            ),
            Ok(vec![UserEvent::SignInFailed(SignInFailed {
                reason: SignInFailure::Deactivated
            })])
        );
        assert_eq!(
            when(
                &[registered()],
                UserCommand::RecordSignOut {
                    session_family_id: id(42)
                }
            ),
            Ok(vec![UserEvent::SignedOut(SignedOut {
                session_family_id: id(42)
            })])
        );
        assert_eq!(
            when(
                &[registered()],
                UserCommand::RecordRefreshTokenReuse {
                    session_family_id: id(42)
                }
            ),
            Ok(vec![UserEvent::RefreshTokenReuseDetected(
                RefreshTokenReuseDetected {
                    session_family_id: id(42)
                }
            )])
        );
    }

    #[test]
    fn admins_may_deactivate_other_users() {
        assert_eq!(
            when(&[registered()], UserCommand::Deactivate { actor: admin() }),
            Ok(vec![deactivated()])
        );
    }

    #[test]
    fn deactivating_a_deactivated_user_changes_nothing() {
        assert_eq!(
            when(
                &[registered(), deactivated()],
                UserCommand::Deactivate { actor: admin() }
            ),
            Ok(vec![])
        );
    }

    #[test]
    fn an_admin_deactivating_themselves_is_a_conflict() {
        assert_eq!(
            conflict_code(when(
                &[registered_admin()],
                UserCommand::Deactivate { actor: admin() }
            )),
            "cannot-deactivate-self"
        );
    }

    #[test]
    fn non_admins_may_not_deactivate_users() {
        assert!(is_forbidden(when(
            &[registered()],
            UserCommand::Deactivate { actor: ada() }
        )));
        assert_eq!(
            when(&[registered()], UserCommand::Deactivate { actor: bob() }),
            not_found()
        );
    }

    #[test]
    fn replaying_the_produced_events_gives_the_expected_user() {
        let history = testing::run::<Users>(vec![
            register(),
            rename_to(ada(), "Ada Lovelace"),
            UserCommand::ChangeRole {
                actor: admin(),
                role: Role::Viewer,
            },
            UserCommand::RecordSignIn {
                session_family_id: id(1),
            },
            UserCommand::ChangePassword { actor: ada() },
            UserCommand::Deactivate { actor: admin() },
        ]);
        assert_eq!(history.len(), 6);
        assert_eq!(
            testing::given::<Users>(&history),
            UserState::Registered(User {
                user_id: ADA,
                email: "ada@example.com".into(),
                display_name: "Ada Lovelace".into(),
                role: Role::Viewer,
                deactivated: true,
            })
        );
        assert!(UserState::Absent.user().is_none());
    }
}
