//! Authorization shared by the four shareable resources: data sources, datasets, charts and dashboards.
//!
//! A resource has one owner and any number of grants, each to a user or to everybody with a role. The
//! role bounds what a grant can give: viewers and auditors stay read-only even with an edit grant, so
//! demoting a user takes effect everywhere at once.

use std::collections::BTreeMap;

use uuid::Uuid;
use vizpro_events::{Access, AccessGranted, AccessRevoked, Grantee, Role};

use crate::{Actor, DomainError};

/// What a command needs to be allowed on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Seeing the resource.
    View,
    /// Changing the resource.
    Edit,
    /// Sharing or deleting the resource: the owner or an admin.
    Administer,
}

/// Who owns a resource and who it is shared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessControl {
    /// The user who created the resource.
    pub owner_id: Uuid,
    /// The current grants; at most one per grantee.
    pub grants: BTreeMap<Grantee, Access>,
}

impl AccessControl {
    /// A resource nobody but its owner (and admins) can see yet.
    pub fn new(owner_id: Uuid) -> Self {
        AccessControl {
            owner_id,
            grants: BTreeMap::new(),
        }
    }

    /// The strongest access the actor holds through grants to them or to their role.
    pub fn granted_access(&self, actor: &Actor) -> Option<Access> {
        let to_user = self.grants.get(&Grantee::User {
            user_id: actor.user_id,
        });
        let to_role = self.grants.get(&Grantee::Role { role: actor.role });
        to_user.into_iter().chain(to_role).copied().max()
    }

    /// Whether the actor may see the resource at all.
    pub fn can_view(&self, actor: &Actor) -> bool {
        self.check(actor, Need::View, "resource").is_ok()
    }

    /// Admins may do everything. Anybody else who is neither the owner nor granted access gets
    /// `NotFound`, so the resource's existence does not leak. Viewers and auditors may only look.
    /// Editing needs ownership or an edit grant; administering needs ownership.
    pub fn check(
        &self,
        actor: &Actor,
        need: Need,
        resource: &'static str,
    ) -> Result<(), DomainError> {
        if actor.is_admin() {
            return Ok(());
        }
        let is_owner = self.owner_id == actor.user_id;
        let granted = self.granted_access(actor);
        if !is_owner && granted.is_none() {
            return Err(DomainError::NotFound { resource });
        }
        if need == Need::View {
            return Ok(());
        }
        if matches!(actor.role, Role::Viewer | Role::Auditor) {
            return Err(DomainError::forbidden(format!(
                "the {} role may not change a {resource}",
                actor.role
            )));
        }
        match need {
            Need::View => Ok(()),
            Need::Edit if is_owner || granted == Some(Access::Edit) => Ok(()),
            Need::Edit => Err(DomainError::forbidden(format!(
                "you may only view this {resource}"
            ))),
            Need::Administer if is_owner => Ok(()),
            Need::Administer => Err(DomainError::forbidden(format!(
                "only the owner or an admin may share or delete this {resource}"
            ))),
        }
    }

    /// Records a grant; a grant to the same grantee replaces the earlier one.
    pub fn apply_granted(&mut self, event: &AccessGranted) {
        self.grants.insert(event.grantee, event.access);
    }

    /// Removes a grant.
    pub fn apply_revoked(&mut self, event: &AccessRevoked) {
        self.grants.remove(&event.grantee);
    }

    /// Decides a share command: the actor must administer the resource, the owner cannot be a grantee,
    /// and granting what is already granted changes nothing.
    pub fn decide_share(
        &self,
        actor: &Actor,
        grantee: Grantee,
        access: Access,
        resource: &'static str,
    ) -> Result<Option<AccessGranted>, DomainError> {
        self.check(actor, Need::Administer, resource)?;
        if grantee
            == (Grantee::User {
                user_id: self.owner_id,
            })
        {
            return Err(DomainError::invalid(
                "grantee",
                format!("the owner already has full access to this {resource}"),
            ));
        }
        if self.grants.get(&grantee) == Some(&access) {
            return Ok(None);
        }
        Ok(Some(AccessGranted {
            grantee,
            access,
            granted_by: actor.user_id,
        }))
    }

    /// Decides an unshare command: the actor must administer the resource and the grant must exist.
    pub fn decide_unshare(
        &self,
        actor: &Actor,
        grantee: Grantee,
        resource: &'static str,
    ) -> Result<AccessRevoked, DomainError> {
        self.check(actor, Need::Administer, resource)?;
        if !self.grants.contains_key(&grantee) {
            return Err(DomainError::conflict(
                "grant-not-found",
                format!("this {resource} is not shared with that grantee"),
            ));
        }
        Ok(AccessRevoked {
            grantee,
            revoked_by: actor.user_id,
        })
    }
}

/// A shareable resource: it names itself in errors and carries its owner and grants.
pub trait Shareable {
    /// The resource's name in errors, e.g. `"chart"`.
    const RESOURCE: &'static str;

    fn access(&self) -> &AccessControl;
}

/// The state of a shareable resource's stream.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ResourceState<T> {
    /// No such resource.
    #[default]
    Absent,
    /// It exists.
    Active(T),
    /// It was deleted; kept so that only those who could see it learn that.
    Deleted(T),
}

impl<T: Shareable> ResourceState<T> {
    /// The resource, unless absent or deleted.
    pub fn active(&self) -> Option<&T> {
        match self {
            ResourceState::Active(resource) => Some(resource),
            ResourceState::Absent | ResourceState::Deleted(_) => None,
        }
    }

    /// The resource the actor may act on with the given need. A deleted resource is reported as deleted
    /// only to those who could see it; to everyone else it does not exist.
    pub fn authorize(&self, actor: &Actor, need: Need) -> Result<&T, DomainError> {
        match self {
            ResourceState::Absent => Err(DomainError::NotFound {
                resource: T::RESOURCE,
            }),
            ResourceState::Deleted(resource) => {
                resource.access().check(actor, Need::View, T::RESOURCE)?;
                Err(DomainError::Deleted {
                    resource: T::RESOURCE,
                })
            }
            ResourceState::Active(resource) => {
                resource.access().check(actor, need, T::RESOURCE)?;
                Ok(resource)
            }
        }
    }
}

/// Only editors and admins may create resources.
pub fn ensure_can_create(actor: &Actor, resource: &'static str) -> Result<(), DomainError> {
    match actor.role {
        Role::Admin | Role::Editor => Ok(()),
        Role::Viewer | Role::Auditor => Err(DomainError::forbidden(format!(
            "the {} role may not create a {resource}",
            actor.role
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{OWNER, admin, editor, id, owner, stranger, viewer};

    const RESOURCE: &str = "chart";

    fn shared(grants: &[(Grantee, Access)]) -> AccessControl {
        let mut control = AccessControl::new(OWNER);
        for (grantee, access) in grants {
            control.apply_granted(&AccessGranted {
                grantee: *grantee,
                access: *access,
                granted_by: OWNER,
            });
        }
        control
    }

    fn user(number: u128) -> Grantee {
        Grantee::User {
            user_id: id(number),
        }
    }

    #[test]
    fn the_owner_may_do_everything() {
        let control = shared(&[]);
        for need in [Need::View, Need::Edit, Need::Administer] {
            assert_eq!(control.check(&owner(), need, RESOURCE), Ok(()));
        }
    }

    #[test]
    fn an_admin_may_do_everything_without_a_grant() {
        let control = shared(&[]);
        for need in [Need::View, Need::Edit, Need::Administer] {
            assert_eq!(control.check(&admin(), need, RESOURCE), Ok(()));
        }
    }

    #[test]
    fn a_stranger_editor_does_not_see_the_resource() {
        let control = shared(&[]);
        for need in [Need::View, Need::Edit, Need::Administer] {
            assert_eq!(
                control.check(&stranger(), need, RESOURCE),
                Err(DomainError::NotFound { resource: RESOURCE })
            );
        }
        assert!(!control.can_view(&stranger()));
    }

    #[test]
    fn an_editor_with_a_view_grant_may_look_but_not_edit() {
        let control = shared(&[(user(7), Access::View)]);
        assert_eq!(control.check(&editor(id(7)), Need::View, RESOURCE), Ok(()));
        assert!(matches!(
            control.check(&editor(id(7)), Need::Edit, RESOURCE),
            Err(DomainError::Forbidden { .. })
        ));
    }

    #[test]
    fn an_editor_with_an_edit_grant_may_edit_but_not_administer() {
        let control = shared(&[(user(7), Access::Edit)]);
        assert_eq!(control.check(&editor(id(7)), Need::Edit, RESOURCE), Ok(()));
        assert!(matches!(
            control.check(&editor(id(7)), Need::Administer, RESOURCE),
            Err(DomainError::Forbidden { .. })
        ));
    }

    #[test]
    fn a_viewer_stays_read_only_even_with_an_edit_grant() {
        let control = shared(&[(user(8), Access::Edit)]);
        assert_eq!(control.check(&viewer(id(8)), Need::View, RESOURCE), Ok(()));
        assert!(matches!(
            control.check(&viewer(id(8)), Need::Edit, RESOURCE),
            Err(DomainError::Forbidden { .. })
        ));
        let auditor = Actor {
            user_id: id(8),
            role: Role::Auditor,
        };
        assert!(matches!(
            control.check(&auditor, Need::Edit, RESOURCE),
            Err(DomainError::Forbidden { .. })
        ));
    }

    #[test]
    fn a_grant_to_a_role_applies_to_every_user_with_that_role() {
        let control = shared(&[
            (Grantee::Role { role: Role::Editor }, Access::Edit),
            (Grantee::Role { role: Role::Viewer }, Access::Edit),
        ]);
        assert_eq!(control.check(&editor(id(9)), Need::Edit, RESOURCE), Ok(()));
        assert_eq!(control.check(&viewer(id(10)), Need::View, RESOURCE), Ok(()));
        assert!(matches!(
            control.check(&viewer(id(10)), Need::Edit, RESOURCE),
            Err(DomainError::Forbidden { .. })
        ));
    }

    #[test]
    fn a_grant_to_another_role_does_not_apply() {
        let control = shared(&[(Grantee::Role { role: Role::Viewer }, Access::Edit)]);
        assert_eq!(
            control.check(&editor(id(9)), Need::View, RESOURCE),
            Err(DomainError::NotFound { resource: RESOURCE })
        );
    }

    #[test]
    fn the_strongest_of_user_and_role_grants_counts() {
        let control = shared(&[
            (user(7), Access::View),
            (Grantee::Role { role: Role::Editor }, Access::Edit),
        ]);
        assert_eq!(control.granted_access(&editor(id(7))), Some(Access::Edit));
    }

    #[test]
    fn revoking_a_grant_hides_the_resource_again() {
        let mut control = shared(&[(user(7), Access::View)]);
        control.apply_revoked(&AccessRevoked {
            grantee: user(7),
            revoked_by: OWNER,
        });
        assert!(!control.can_view(&editor(id(7))));
    }

    #[test]
    fn only_editors_and_admins_may_create() {
        assert_eq!(ensure_can_create(&owner(), RESOURCE), Ok(()));
        assert_eq!(ensure_can_create(&admin(), RESOURCE), Ok(()));
        assert!(matches!(
            ensure_can_create(&viewer(id(3)), RESOURCE),
            Err(DomainError::Forbidden { .. })
        ));
    }
}
