//! Events of the user aggregate (stream type "user").
//!
//! Secrets never appear here: a password change is recorded as a fact, never with a hash, because events
//! are published to other systems and kept forever.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Role;
use crate::domain_event_enum;

domain_event_enum! {
    /// Everything that can happen to a user account.
    pub enum UserEvent for stream "user" {
        /// The account was created.
        Registered(Registered) = "registered" version 1,
        /// The user's display name changed.
        DisplayNameChanged(DisplayNameChanged) = "display_name_changed" version 1,
        /// An admin changed the user's role.
        RoleChanged(RoleChanged) = "role_changed" version 1,
        /// The password was changed or reset.
        PasswordChanged(PasswordChanged) = "password_changed" version 1,
        /// The user signed in and a new session family began.
        SignedIn(SignedIn) = "signed_in" version 1,
        /// A sign-in attempt for this account was refused.
        SignInFailed(SignInFailed) = "sign_in_failed" version 1,
        /// The user ended a session family.
        SignedOut(SignedOut) = "signed_out" version 1,
        /// A refresh token was used twice, so its session family was revoked.
        RefreshTokenReuseDetected(RefreshTokenReuseDetected) = "refresh_token_reuse_detected" version 1,
        /// An admin deactivated the account.
        Deactivated(Deactivated) = "deactivated" version 1,
    }
}

/// The account was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registered {
    /// The new user's id.
    pub user_id: Uuid,
    /// Normalised (trimmed, lowercased) e-mail address.
    pub email: String,
    /// The name shown to other users.
    pub display_name: String,
    /// The role the user starts with.
    pub role: Role,
}

/// The user's display name changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisplayNameChanged {
    /// The new display name.
    pub display_name: String,
    /// The user who made the change (the user themselves or an admin).
    pub changed_by: Uuid,
}

/// An admin changed the user's role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleChanged {
    /// The role before the change.
    pub from: Role,
    /// The role after the change.
    pub to: Role,
    /// The admin who made the change.
    pub changed_by: Uuid,
}

/// The password was changed or reset. Deliberately carries no hash and no password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordChanged {
    /// The user who made the change (the user themselves or an admin).
    pub changed_by: Uuid,
}

/// The user signed in and a new session family began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    /// Groups the refresh tokens issued from this sign-in, so they can be revoked together.
    pub session_family_id: Uuid,
}

/// Why a sign-in attempt was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInFailure {
    /// The password did not match.
    WrongPassword,
    /// The account is deactivated.
    Deactivated,
}

/// A sign-in attempt for this account was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInFailed {
    /// Why it was refused.
    pub reason: SignInFailure,
}

/// The user ended a session family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedOut {
    /// The session family that ended.
    pub session_family_id: Uuid,
}

/// A refresh token was used twice, which means it leaked; the whole session family was revoked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefreshTokenReuseDetected {
    /// The revoked session family.
    pub session_family_id: Uuid,
}

/// An admin deactivated the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deactivated {
    /// The admin who deactivated it.
    pub deactivated_by: Uuid,
}
