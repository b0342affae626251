//! `GET /api/v1/users`: the caller's own account, and the directory of users.
//!
//! Admins see every account with every field. Everyone else sees a directory for sharing: only the id and
//! display name of accounts that are not deactivated, so that an email address never leaks to another
//! user.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, QueryBuilder};
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_events::Role;
use vizpro_http_edge::ProblemDocument;
use vizpro_http_edge::tokens::Caller;

use super::{ReadHeaders, detail_response, list_response};
use crate::error::ApiError;
use crate::pagination::{ListColumns, ListQuery, Page, UserListParams, fetch_page, paged_row};
use crate::state::AppState;

/// An account as its owner and admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    #[schema(example = "ada@example.com")]
    pub email: String,
    #[schema(example = "Ada Lovelace")]
    pub display_name: String,
    /// `admin`, `editor`, `viewer` or `auditor`.
    #[schema(example = "editor")]
    pub role: String,
    pub deactivated: bool,
    pub created_at: DateTime<Utc>,
    pub last_sign_in: Option<DateTime<Utc>>,
}

/// An account as the directory shows it to users who are not admins.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub id: Uuid,
    #[schema(example = "Ada Lovelace")]
    pub display_name: String,
}

/// An item of the user list: every field for admins, the directory entry for everyone else.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UserListItem {
    Full(User),
    Directory(DirectoryEntry),
}

/// A row of `rm_users`.
#[derive(Debug, Clone, FromRow)]
struct UserRow {
    user_id: Uuid,
    email: String,
    display_name: String,
    role: String,
    deactivated: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_sign_in: Option<DateTime<Utc>>,
    version: i32,
}

paged_row!(UserRow, user_id, display_name);

impl UserRow {
    fn into_user(self) -> User {
        User {
            id: self.user_id,
            email: self.email,
            display_name: self.display_name,
            role: self.role,
            deactivated: self.deactivated,
            created_at: self.created_at,
            last_sign_in: self.last_sign_in,
        }
    }
}

const USER_COLUMNS: &str = "u.user_id, u.email, u.display_name, u.role, u.deactivated, \
                            u.created_at, u.updated_at, u.last_sign_in, u.version";

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/users/me", operation_id = "get_current_user", tag = "users", security(("bearer" = [])),
    params(ReadHeaders),
    responses(
        (status = 200, body = User, description = "The caller's account", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The account has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "The account is not in the read models (yet)"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn me(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let row: UserRow = sqlx::query_as(&format!(
        "select {USER_COLUMNS} from rm_users u where u.user_id = $1"
    ))
    .bind(caller.user_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(ApiError::not_found("user"))?;
    let version = row.version;
    detail_response(&headers, version, &row.into_user(), Vec::new())
}

/// Every account for admins; for everyone else, the directory of active accounts (id and display name).
#[utoipa::path(get, path = "/api/v1/users", operation_id = "list_users", tag = "users", security(("bearer" = [])),
    params(UserListParams, ReadHeaders),
    responses(
        (status = 200, body = Page<UserListItem>, description = "One page of users; `name` sorts and `q` searches by display name", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The page has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "A query parameter, the cursor or X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ListQuery(params): ListQuery<UserListParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let request = params.validate()?;
    let is_admin = caller.role == Role::Admin;
    let mut query = QueryBuilder::new(format!("select {USER_COLUMNS} from rm_users u where "));
    if is_admin {
        query.push("true");
    } else {
        query.push("u.deactivated = false");
    }
    let columns = ListColumns {
        id: "u.user_id",
        name: "u.display_name",
        created_at: "u.created_at",
        updated_at: "u.updated_at",
        owner: None,
    };
    let page: Page<UserRow> =
        fetch_page(&state.pool, query, columns, &request, caller.user_id).await?;
    let items = page
        .items
        .into_iter()
        .map(|row| {
            if is_admin {
                UserListItem::Full(row.into_user())
            } else {
                UserListItem::Directory(DirectoryEntry {
                    id: row.user_id,
                    display_name: row.display_name,
                })
            }
        })
        .collect();
    let page = Page {
        items,
        next_cursor: page.next_cursor,
    };
    list_response(&headers, &page)
}
