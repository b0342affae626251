//! Read endpoints, and the HTTP caching every one of them answers with.
//!
//! Details carry a strong `ETag` made of the resource's version and a digest of the body; lists carry a
//! weak `ETag` made of a digest of the body. The digest is needed beside the version because a body also
//! depends on who asks (the `access` member, the charts a caller may see on a dashboard) and on things
//! that do not change the resource's version (a dashboard's charts). Every answer is
//! `Cache-Control: private, no-cache`: browsers may keep it but must revalidate, and shared caches must
//! not keep it at all because it is filtered for one caller.

pub mod chart_data;
pub mod charts;
pub mod dashboards;
pub mod data_source_schema;
pub mod data_sources;
pub mod datasets;
pub mod projections;
pub mod users;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{FromRow, PgPool};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::documents::Rendered;
use crate::error::ApiError;

/// The caching policy of every answer.
pub const CACHE_CONTROL: HeaderValue = HeaderValue::from_static("private, no-cache");

/// Request headers every read understands, for the OpenAPI document.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ReadHeaders {
    /// The position a command answered with (its `X-Position`). The read is answered only once every
    /// projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
    /// when they do not catch up in time, 400 `unknown-position` when no event has that position.
    #[serde(rename = "X-Min-Position")]
    pub min_position: Option<i64>,
    /// The `ETag` of a previous answer; 304 without a body when it is still current.
    #[serde(rename = "If-None-Match")]
    pub if_none_match: Option<String>,
}

/// One grant on a resource, shown to those who may edit it (and so may change its grants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow, ToSchema)]
pub struct Grant {
    /// `user` or `role`.
    #[schema(example = "user")]
    pub grantee_kind: String,
    /// A user's id or a role's name.
    #[schema(example = "0190a1b2-0000-7000-8000-000000000000")]
    pub grantee: String,
    /// `view` or `edit`.
    #[schema(example = "view")]
    pub access: String,
}

/// The grants of one resource.
pub async fn grants_of(pool: &PgPool, resource_id: Uuid) -> Result<Vec<Grant>, ApiError> {
    Ok(sqlx::query_as(
        "select grantee_kind, grantee, access from rm_grants \
          where resource_id = $1 order by grantee_kind, grantee",
    )
    .bind(resource_id)
    .fetch_all(pool)
    .await?)
}

/// Whether the caller may edit, given the computed `access` of a row.
pub fn may_edit(access: &str) -> bool {
    access == "edit"
}

/// A detail: strong `ETag` of the version and a digest of the body, 304 when `If-None-Match` matches.
pub fn detail_response<T: Serialize>(
    request_headers: &HeaderMap,
    version: i32,
    body: &T,
    extra_headers: Vec<(HeaderName, HeaderValue)>,
) -> Result<Response, ApiError> {
    let rendered = render_detail(version, body)?;
    respond(request_headers, rendered.etag, rendered.body, extra_headers)
}

/// A detail's body and strong `ETag`, to answer with now or keep for later answers.
pub fn render_detail<T: Serialize>(version: i32, body: &T) -> Result<Rendered, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(anyhow::Error::from)?;
    let etag = format!("\"{version}-{}\"", digest(&bytes));
    Ok(Rendered {
        body: bytes.into(),
        etag,
    })
}

/// Answers with a detail rendered before, 304 when `If-None-Match` matches.
pub fn rendered_response(
    request_headers: &HeaderMap,
    rendered: Rendered,
    extra_headers: Vec<(HeaderName, HeaderValue)>,
) -> Result<Response, ApiError> {
    respond(request_headers, rendered.etag, rendered.body, extra_headers)
}

/// A list or report: weak `ETag` of a digest of the body, 304 when `If-None-Match` matches.
pub fn list_response<T: Serialize>(
    request_headers: &HeaderMap,
    body: &T,
) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(anyhow::Error::from)?;
    let etag = format!("W/\"{}\"", digest(&bytes));
    respond(request_headers, etag, bytes.into(), Vec::new())
}

/// The first 16 hex digits of the body's SHA-256: enough to tell versions of one resource apart.
fn digest(bytes: &[u8]) -> String {
    let full = hex::encode(Sha256::digest(bytes));
    full[..16].to_owned()
}

fn respond(
    request_headers: &HeaderMap,
    etag: String,
    bytes: Bytes,
    extra_headers: Vec<(HeaderName, HeaderValue)>,
) -> Result<Response, ApiError> {
    let etag_value = HeaderValue::from_str(&etag).map_err(anyhow::Error::from)?;
    let mut response = if if_none_match_matches(request_headers, &etag) {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        let mut response = Response::new(Body::from(bytes));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag_value);
    headers.insert(header::CACHE_CONTROL, CACHE_CONTROL);
    // The body depends on the caller, who is named by the Authorization header.
    headers.append(header::VARY, HeaderValue::from_static("Authorization"));
    for (name, value) in extra_headers {
        headers.insert(name, value);
    }
    Ok(response)
}

/// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored.
fn if_none_match_matches(request_headers: &HeaderMap, etag: &str) -> bool {
    let current = etag.trim_start_matches("W/");
    request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(if_none_match: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(if_none_match).unwrap(),
        );
        headers
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_a_star() {
        assert!(if_none_match_matches(&headers("\"3-ab\""), "\"3-ab\""));
        assert!(if_none_match_matches(&headers("W/\"ab\""), "W/\"ab\""));
        assert!(if_none_match_matches(
            &headers("\"x\", W/\"ab\""),
            "W/\"ab\""
        ));
        assert!(if_none_match_matches(&headers("*"), "\"1-cd\""));
        assert!(!if_none_match_matches(&headers("\"2-ab\""), "\"3-ab\""));
        assert!(!if_none_match_matches(&HeaderMap::new(), "\"3-ab\""));
    }

    #[test]
    fn a_detail_that_has_not_changed_answers_304_without_a_body() {
        let body = serde_json::json!({"id": 1});
        let first = detail_response(&HeaderMap::new(), 3, &body, Vec::new()).unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        assert!(etag.starts_with("\"3-"), "{etag}");
        let second = detail_response(&headers(&etag), 3, &body, Vec::new()).unwrap();
        assert_eq!(second.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(second.headers()[header::CACHE_CONTROL], "private, no-cache");
    }
}
