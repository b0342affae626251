//! Who may see which resource, as SQL.
//!
//! Every list and detail of a shareable resource (data sources, datasets, charts, dashboards) goes through
//! [`Visibility`], so that the rule lives in one place: admins and auditors see every resource that is not
//! deleted; everyone else sees what they own and what was granted to them or to their role. A resource the
//! caller may not see is simply not found, exactly like a deleted or missing one.
//!
//! The caller's id and role are always bound as parameters; only the table alias, which comes from this
//! crate's own code, is written into the SQL text.

use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;
use vizpro_events::Role;
use vizpro_http_edge::tokens::Caller;

/// What a caller may see, ready to be written into a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    user_id: Uuid,
    role: Role,
}

impl Visibility {
    pub fn of(caller: Caller) -> Self {
        Visibility {
            user_id: caller.user_id,
            role: caller.role,
        }
    }

    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Admins and auditors see every resource that is not deleted, whoever owns it.
    pub fn sees_everything(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Auditor)
    }

    /// Appends a boolean condition that holds for the rows of `alias` the caller may see. `alias` names a
    /// table with `id`, `owner_id` and `deleted` columns.
    pub fn push_visible(&self, query: &mut QueryBuilder<'_, Postgres>, alias: &'static str) {
        query.push(format_args!("({alias}.deleted = false"));
        if !self.sees_everything() {
            query
                .push(format_args!(" and ({alias}.owner_id = "))
                .push_bind(self.user_id)
                .push(format_args!(
                    " or exists (select 1 from rm_grants g where g.resource_id = {alias}.id and "
                ));
            self.push_grantee_match(query, "g");
            query.push("))");
        }
        query.push(")");
    }

    /// Appends an expression that is `'edit'` when the caller may change the row of `alias` (owner, admin,
    /// or an edit grant to them or their role) and `'view'` otherwise. Only meaningful for visible rows.
    /// Viewers and auditors never write, whatever they own or were granted, so for them it is `'view'`.
    pub fn push_access(&self, query: &mut QueryBuilder<'_, Postgres>, alias: &'static str) {
        match self.role {
            Role::Admin => {
                query.push("'edit'::text");
                return;
            }
            Role::Viewer | Role::Auditor => {
                query.push("'view'::text");
                return;
            }
            Role::Editor => {}
        }
        query
            .push(format_args!("(case when {alias}.owner_id = "))
            .push_bind(self.user_id)
            .push(format_args!(
                " or exists (select 1 from rm_grants e where e.resource_id = {alias}.id \
                 and e.access = 'edit' and "
            ));
        self.push_grantee_match(query, "e");
        query.push(") then 'edit' else 'view' end)");
    }

    /// `(grant is to the caller or to the caller's role)` for the grant row `grant_alias`.
    fn push_grantee_match(
        &self,
        query: &mut QueryBuilder<'_, Postgres>,
        grant_alias: &'static str,
    ) {
        query
            .push(format_args!(
                "(({grant_alias}.grantee_kind = 'user' and {grant_alias}.grantee = "
            ))
            .push_bind(self.user_id.to_string())
            .push(format_args!(
                ") or ({grant_alias}.grantee_kind = 'role' and {grant_alias}.grantee = "
            ))
            .push_bind(self.role.as_str())
            .push("))");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visibility(role: Role) -> Visibility {
        Visibility {
            user_id: Uuid::now_v7(),
            role,
        }
    }

    #[test]
    fn admins_and_auditors_are_only_kept_from_deleted_rows() {
        for role in [Role::Admin, Role::Auditor] {
            let mut query = QueryBuilder::new("");
            visibility(role).push_visible(&mut query, "r");
            assert_eq!(query.sql(), "(r.deleted = false)");
        }
    }

    #[test]
    fn the_callers_identity_is_bound_and_never_written_into_the_sql() {
        let caller = visibility(Role::Editor);
        let mut query = QueryBuilder::new("select ");
        caller.push_access(&mut query, "r");
        query.push(" from rm_charts r where ");
        caller.push_visible(&mut query, "r");
        let sql = query.sql();
        assert!(!sql.contains(&caller.user_id.to_string()), "{sql}");
        assert!(!sql.contains("editor"), "{sql}");
        assert!(sql.contains("$6"), "six parameters are bound: {sql}");
    }

    #[test]
    fn viewers_and_auditors_are_told_they_may_only_view() {
        for role in [Role::Viewer, Role::Auditor] {
            let mut query = QueryBuilder::new("");
            visibility(role).push_access(&mut query, "r");
            assert_eq!(query.sql(), "'view'::text");
        }
    }

    #[test]
    fn an_admin_may_edit_everything_without_a_grant_lookup() {
        let mut query = QueryBuilder::new("");
        visibility(Role::Admin).push_access(&mut query, "r");
        assert_eq!(query.sql(), "'edit'::text");
    }
}
