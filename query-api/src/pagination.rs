//! Lists: query parameters, cursor (keyset) pagination, sorting, search by name and the owner filter.
//!
//! A page is read with `where (sort_key, id) > (last_key, last_id) order by sort_key, id limit n + 1`
//! (with `<` and `desc` for descending orders): the id breaks ties so that every row has exactly one place
//! in the order, and reading one row more than the page tells whether another page follows without
//! counting. The cursor is the last item's sort key and id, base64url-encoded; it also names the sort
//! order it belongs to, so that a cursor cannot be replayed against another order.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vizpro_http_edge::Problem;

use crate::error::ApiError;

/// The default number of items per page.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest number of items per page.
pub const MAX_LIMIT: u32 = 200;
/// The longest accepted search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// The order of a list: a field, ascending or (with a leading `-`) descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub enum SortOrder {
    #[serde(rename = "name")]
    NameAscending,
    #[serde(rename = "-name")]
    NameDescending,
    #[serde(rename = "created_at")]
    CreatedAscending,
    #[serde(rename = "-created_at")]
    CreatedDescending,
    #[serde(rename = "updated_at")]
    UpdatedAscending,
    #[default]
    #[serde(rename = "-updated_at")]
    UpdatedDescending,
}

/// The field a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Name,
    CreatedAt,
    UpdatedAt,
}

impl SortOrder {
    pub fn field(self) -> SortField {
        match self {
            SortOrder::NameAscending | SortOrder::NameDescending => SortField::Name,
            SortOrder::CreatedAscending | SortOrder::CreatedDescending => SortField::CreatedAt,
            SortOrder::UpdatedAscending | SortOrder::UpdatedDescending => SortField::UpdatedAt,
        }
    }

    pub fn is_descending(self) -> bool {
        matches!(
            self,
            SortOrder::NameDescending | SortOrder::CreatedDescending | SortOrder::UpdatedDescending
        )
    }

    /// The value of the `sort` parameter that asks for this order.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::NameAscending => "name",
            SortOrder::NameDescending => "-name",
            SortOrder::CreatedAscending => "created_at",
            SortOrder::CreatedDescending => "-created_at",
            SortOrder::UpdatedAscending => "updated_at",
            SortOrder::UpdatedDescending => "-updated_at",
        }
    }
}

/// Whose resources a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OwnerFilter {
    /// Only the caller's own resources.
    Me,
    /// Only resources others own that the caller may see.
    Others,
    /// Everything the caller may see.
    #[default]
    Any,
}

/// The query parameters of the lists of shareable resources.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page, to read the page after it.
    pub cursor: Option<String>,
    /// `name`, `-name`, `created_at`, `-created_at`, `updated_at` or `-updated_at` (the default).
    #[param(value_type = Option<String>, example = "-updated_at")]
    pub sort: Option<SortOrder>,
    /// Text the name must contain, ignoring case; `%` and `_` match themselves. At most 200 characters.
    pub q: Option<String>,
    /// `me` (the caller's own), `others` (shared with the caller) or `any` (the default).
    #[param(value_type = Option<String>, example = "any")]
    pub owner: Option<OwnerFilter>,
}

/// The query parameters of the chart list: those of every list and the dataset the charts draw from.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChartListParams {
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page, to read the page after it.
    pub cursor: Option<String>,
    /// `name`, `-name`, `created_at`, `-created_at`, `updated_at` or `-updated_at` (the default).
    #[param(value_type = Option<String>, example = "-updated_at")]
    pub sort: Option<SortOrder>,
    /// Text the name must contain, ignoring case; `%` and `_` match themselves. At most 200 characters.
    pub q: Option<String>,
    /// `me` (the caller's own), `others` (shared with the caller) or `any` (the default).
    #[param(value_type = Option<String>, example = "any")]
    pub owner: Option<OwnerFilter>,
    /// Only charts drawn from this dataset.
    pub dataset_id: Option<Uuid>,
}

/// The query parameters of the user list, which has no owners to filter by.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListParams {
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page, to read the page after it.
    pub cursor: Option<String>,
    /// `name` (the display name), `-name`, `created_at`, `-created_at`, `updated_at` or `-updated_at`
    /// (the default).
    #[param(value_type = Option<String>, example = "name")]
    pub sort: Option<SortOrder>,
    /// Text the display name must contain, ignoring case; `%` and `_` match themselves.
    pub q: Option<String>,
}

impl ListParams {
    pub fn validate(self) -> Result<ListRequest, Problem> {
        ListRequest::new(self.limit, self.cursor, self.sort, self.q, self.owner)
    }
}

impl ChartListParams {
    /// The validated list request and the dataset filter.
    pub fn validate(self) -> Result<(ListRequest, Option<Uuid>), Problem> {
        let request = ListRequest::new(self.limit, self.cursor, self.sort, self.q, self.owner)?;
        Ok((request, self.dataset_id))
    }
}

impl UserListParams {
    pub fn validate(self) -> Result<ListRequest, Problem> {
        ListRequest::new(self.limit, self.cursor, self.sort, self.q, None)
    }
}

/// Query parameters deserialised with axum's `Query`; a malformed, out-of-type or unknown parameter is a
/// 400 problem that names it.
#[derive(Debug, Clone)]
pub struct ListQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ListQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| ListQuery(value))
            .map_err(|rejection| {
                let text = rejection.body_text();
                let message = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text)
                    .to_owned();
                let problem = Problem::bad_request(
                    "invalid-query-parameter",
                    format!("The query string is invalid: {message}."),
                );
                match parameter_named_in(&message) {
                    Some(parameter) => problem.with_extension("parameter", parameter),
                    None => problem,
                }
            })
    }
}

/// The parameter a deserialisation message is about: "unknown field `x`, expected …" or "x: invalid …".
fn parameter_named_in(message: &str) -> Option<String> {
    if let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("duplicate field `"))
    {
        return rest.split('`').next().map(str::to_owned);
    }
    let (path, _) = message.split_once(": ")?;
    let is_name = !path.is_empty()
        && path
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || character == '_');
    is_name.then(|| path.to_owned())
}

/// A 400 about one query parameter.
pub fn invalid_parameter(parameter: &str, detail: impl Into<String>) -> Problem {
    Problem::bad_request("invalid-query-parameter", detail).with_extension("parameter", parameter)
}

/// A validated list request.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRequest {
    pub limit: u32,
    pub sort: SortOrder,
    pub after: Option<CursorPosition>,
    /// The search text with LIKE's metacharacters escaped, if any.
    pub search: Option<String>,
    pub owner: OwnerFilter,
}

impl ListRequest {
    fn new(
        limit: Option<u32>,
        cursor: Option<String>,
        sort: Option<SortOrder>,
        q: Option<String>,
        owner: Option<OwnerFilter>,
    ) -> Result<Self, Problem> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(invalid_parameter(
                "limit",
                format!("limit must be between 1 and {MAX_LIMIT}."),
            ));
        }
        let sort = sort.unwrap_or_default();
        let after = cursor
            .as_deref()
            .map(|cursor| CursorPosition::decode(cursor, sort))
            .transpose()?;
        let search = match q {
            None => None,
            Some(text) if text.is_empty() => None,
            Some(text) if text.chars().count() > MAX_SEARCH_CHARS => {
                return Err(invalid_parameter(
                    "q",
                    format!("q must be at most {MAX_SEARCH_CHARS} characters."),
                ));
            }
            Some(text) if text.contains('\0') => {
                return Err(invalid_parameter("q", "q must not contain NUL characters."));
            }
            Some(text) => Some(escape_like(&text)),
        };
        Ok(ListRequest {
            limit,
            sort,
            after,
            search,
            owner: owner.unwrap_or_default(),
        })
    }
}

/// Escapes `\`, `%` and `_` so that a pattern matches them literally (LIKE's default escape is `\`).
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// The sort key of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Text(String),
    Time(DateTime<Utc>),
}

/// Where the previous page ended: its last item's sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorPosition {
    pub key: SortKey,
    pub id: Uuid,
}

/// The cursor as it travels, before base64url.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CursorToken {
    /// The sort order the cursor belongs to.
    s: String,
    /// The sort key: text, or a timestamp in RFC 3339 with microseconds.
    k: String,
    i: Uuid,
}

impl CursorPosition {
    pub fn encode(&self, sort: SortOrder) -> String {
        let key = match &self.key {
            SortKey::Text(text) => text.clone(),
            SortKey::Time(time) => time.to_rfc3339_opts(SecondsFormat::Micros, true),
        };
        let token = CursorToken {
            s: sort.as_str().to_owned(),
            k: key,
            i: self.id,
        };
        // Serialising a struct of strings and a UUID cannot fail; an empty cursor would only end the list.
        let json = serde_json::to_vec(&token).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(cursor: &str, sort: SortOrder) -> Result<Self, Problem> {
        let invalid = |why: &str| {
            invalid_parameter(
                "cursor",
                format!("cursor is not a cursor this list handed out: {why}."),
            )
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor.trim_end_matches('='))
            .map_err(|_| invalid("it is not base64url"))?;
        let token: CursorToken =
            serde_json::from_slice(&bytes).map_err(|_| invalid("its content is malformed"))?;
        if token.s != sort.as_str() {
            return Err(invalid_parameter(
                "cursor",
                format!(
                    "cursor belongs to the sort order `{}`, not `{}`; send the same sort with it.",
                    token.s,
                    sort.as_str()
                ),
            ));
        }
        if token.k.contains('\0') {
            return Err(invalid("its key contains a NUL character"));
        }
        let key = match sort.field() {
            SortField::Name => SortKey::Text(token.k),
            SortField::CreatedAt | SortField::UpdatedAt => DateTime::parse_from_rfc3339(&token.k)
                .map(|time| SortKey::Time(time.with_timezone(&Utc)))
                .map_err(|_| invalid("its key is not a timestamp"))?,
        };
        Ok(CursorPosition { key, id: token.i })
    }
}

/// A row that can end a page: it knows its id and the value of each sort field.
pub trait Paged {
    fn id(&self) -> Uuid;
    fn sort_key(&self, field: SortField) -> SortKey;
}

/// Implements [`Paged`] for a row with `id`, `created_at` and `updated_at` fields and the named name field.
macro_rules! paged_row {
    ($row:ty, $id:ident, $name:ident) => {
        impl $crate::pagination::Paged for $row {
            fn id(&self) -> ::uuid::Uuid {
                self.$id
            }

            fn sort_key(
                &self,
                field: $crate::pagination::SortField,
            ) -> $crate::pagination::SortKey {
                match field {
                    $crate::pagination::SortField::Name => {
                        $crate::pagination::SortKey::Text(self.$name.clone())
                    }
                    $crate::pagination::SortField::CreatedAt => {
                        $crate::pagination::SortKey::Time(self.created_at)
                    }
                    $crate::pagination::SortField::UpdatedAt => {
                        $crate::pagination::SortKey::Time(self.updated_at)
                    }
                }
            }
        }
    };
}
pub(crate) use paged_row;

/// The SQL expressions a list sorts, pages and filters by, written by this crate's code (never by users).
#[derive(Debug, Clone, Copy)]
pub struct ListColumns {
    pub id: &'static str,
    pub name: &'static str,
    pub created_at: &'static str,
    pub updated_at: &'static str,
    /// The owner column, for the `owner` filter; `None` for lists of things nobody owns.
    pub owner: Option<&'static str>,
}

impl ListColumns {
    /// The columns of a shareable resource under `r`.
    pub const RESOURCE: ListColumns = ListColumns {
        id: "r.id",
        name: "r.name",
        created_at: "r.created_at",
        updated_at: "r.updated_at",
        owner: Some("r.owner_id"),
    };

    fn sort_column(&self, field: SortField) -> &'static str {
        match field {
            SortField::Name => self.name,
            SortField::CreatedAt => self.created_at,
            SortField::UpdatedAt => self.updated_at,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Send as `cursor` to read the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Completes `query` — a `select … where <conditions>` — with the request's owner filter, search, keyset
/// condition, order and limit, runs it and cuts the page.
pub async fn fetch_page<T>(
    pool: &PgPool,
    mut query: QueryBuilder<'_, Postgres>,
    columns: ListColumns,
    request: &ListRequest,
    caller: Uuid,
) -> Result<Page<T>, ApiError>
where
    T: for<'row> FromRow<'row, PgRow> + Paged + Send + Unpin,
{
    if let Some(owner) = columns.owner {
        match request.owner {
            OwnerFilter::Me => {
                query
                    .push(format_args!(" and {owner} = "))
                    .push_bind(caller);
            }
            OwnerFilter::Others => {
                query
                    .push(format_args!(" and {owner} <> "))
                    .push_bind(caller);
            }
            OwnerFilter::Any => {}
        }
    }
    if let Some(pattern) = &request.search {
        query
            .push(format_args!(" and {} ilike '%' || ", columns.name))
            .push_bind(pattern.clone())
            .push(" || '%'");
    }
    let field = request.sort.field();
    let key_column = columns.sort_column(field);
    let (comparison, direction) = if request.sort.is_descending() {
        ("<", "desc")
    } else {
        (">", "asc")
    };
    if let Some(after) = &request.after {
        query.push(format_args!(
            " and ({key_column}, {}) {comparison} (",
            columns.id
        ));
        match &after.key {
            SortKey::Text(text) => query.push_bind(text.clone()),
            SortKey::Time(time) => query.push_bind(*time),
        };
        query.push(", ").push_bind(after.id).push(")");
    }
    query
        .push(format_args!(
            " order by {key_column} {direction}, {} {direction} limit ",
            columns.id
        ))
        .push_bind(i64::from(request.limit) + 1);

    let mut items: Vec<T> = query.build_query_as().fetch_all(pool).await?;
    let next_cursor = if items.len() > request.limit as usize {
        items.truncate(request.limit as usize);
        items.last().map(|last| {
            CursorPosition {
                key: last.sort_key(field),
                id: last.id(),
            }
            .encode(request.sort)
        })
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(escape_like(r"100%_a\b"), r"100\%\_a\\b");
    }

    #[test]
    fn a_cursor_round_trips_with_its_sort_order() {
        let id = Uuid::now_v7();
        let time = DateTime::parse_from_rfc3339("2024-05-06T07:08:09.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let position = CursorPosition {
            key: SortKey::Time(time),
            id,
        };
        let cursor = position.encode(SortOrder::CreatedDescending);
        assert_eq!(
            CursorPosition::decode(&cursor, SortOrder::CreatedDescending).unwrap(),
            position
        );
        assert!(CursorPosition::decode(&cursor, SortOrder::NameAscending).is_err());
        assert!(CursorPosition::decode("not a cursor", SortOrder::NameAscending).is_err());
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        for limit in [0, 201] {
            let params = ListParams {
                limit: Some(limit),
                ..ListParams::default()
            };
            assert!(params.validate().is_err());
        }
        assert_eq!(ListParams::default().validate().unwrap().limit, 50);
    }

    #[test]
    fn the_parameter_is_found_in_deserialisation_messages() {
        assert_eq!(
            parameter_named_in("unknown field `colour`, expected one of `limit`").as_deref(),
            Some("colour")
        );
        assert_eq!(
            parameter_named_in("limit: invalid digit found in string").as_deref(),
            Some("limit")
        );
        assert_eq!(parameter_named_in("something else"), None);
    }
}
