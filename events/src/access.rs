//! Value types shared by every aggregate: roles, access levels, grantees and the sharing events that
//! the four shareable resources (data sources, datasets, charts, dashboards) have in common.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::CodecError;

/// A user's global role. Roles bound what a user may ever do; grants decide which resources they see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May see and change everything, and manage users.
    Admin,
    /// May create resources and change what they own or were granted edit access to.
    Editor,
    /// May only look at what they were granted.
    Viewer,
    /// May only look at what they were granted and read the audit trail.
    Auditor,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Editor, Role::Viewer, Role::Auditor];

    /// The name used in JSON, tokens and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
            Role::Auditor => "auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = CodecError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(raw.trim()))
            .ok_or_else(|| CodecError::UnknownRole {
                value: raw.to_owned(),
            })
    }
}

/// How much a grant allows. The order matters: `Edit` is greater than `View` because it implies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// May see the resource.
    View,
    /// May see and change the resource.
    Edit,
}

impl Access {
    /// Whether holding `self` is enough for something that needs `needed`.
    pub fn allows(self, needed: Access) -> bool {
        self >= needed
    }

    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::View => "view",
            Access::Edit => "edit",
        }
    }
}

/// Who a grant is given to: one user, or everybody who has a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Grantee {
    /// A single user.
    User {
        /// The user receiving the grant.
        user_id: Uuid,
    },
    /// Every user who currently has this role.
    Role {
        /// The role receiving the grant.
        role: Role,
    },
}

/// A resource was shared. A later grant to the same grantee replaces the earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessGranted {
    /// Who receives access.
    pub grantee: Grantee,
    /// What they may now do.
    pub access: Access,
    /// The user who shared the resource.
    pub granted_by: Uuid,
}

/// A grant was taken away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessRevoked {
    /// Who loses access.
    pub grantee: Grantee,
    /// The user who revoked it.
    pub revoked_by: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn roles_parse_from_their_names_and_reject_others() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(serde_json::to_value(role).unwrap(), json!(role.as_str()));
        }
        assert_eq!("Editor".parse::<Role>().unwrap(), Role::Editor);
        let error = "superuser".parse::<Role>().unwrap_err();
        assert!(error.to_string().contains("superuser"));
    }

    #[test]
    fn edit_access_implies_view_access() {
        assert!(Access::Edit.allows(Access::View));
        assert!(Access::Edit.allows(Access::Edit));
        assert!(Access::View.allows(Access::View));
        assert!(!Access::View.allows(Access::Edit));
    }

    #[test]
    fn grantees_are_tagged_by_kind() {
        let user = Grantee::User {
            user_id: Uuid::nil(),
        };
        assert_eq!(
            serde_json::to_value(user).unwrap(),
            json!({"kind": "user", "user_id": Uuid::nil()})
        );
        let role = Grantee::Role { role: Role::Viewer };
        assert_eq!(
            serde_json::to_value(role).unwrap(),
            json!({"kind": "role", "role": "viewer"})
        );
        assert_eq!(
            serde_json::from_value::<Grantee>(json!({"kind": "role", "role": "viewer"})).unwrap(),
            role
        );
    }
}
