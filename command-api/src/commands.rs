//! Running a command: load the stream, check `If-Match`, decide, append — with idempotency keys and
//! set-based reservations written in the same transaction as the events.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;
use vizpro_domain::Decider;
use vizpro_event_store::{Appended, EventStore, ExpectedVersion, NewEvent, StoreError};
use vizpro_events::{DomainEvent, EventMetadata};
use vizpro_http_edge::Problem;
use vizpro_http_edge::client_ip::client_ip;
use vizpro_http_edge::layers::REQUEST_ID;

use crate::error::ApiError;
use crate::state::AppState;

/// What every write learns from its request besides the body: who and where from, when, and the
/// optional `If-Match` and `Idempotency-Key` headers.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub correlation_id: Uuid,
    pub client_ip: Option<IpAddr>,
    pub if_match: Option<i32>,
    pub idempotency_key: Option<String>,
    pub now: DateTime<Utc>,
}

impl RequestMeta {
    /// The metadata stored with every event this request appends.
    pub fn metadata(&self, actor_id: Option<Uuid>) -> EventMetadata {
        EventMetadata {
            actor_id,
            correlation_id: self.correlation_id,
            causation_id: None,
            request_id: self.request_id.clone(),
            idempotency_key: self.idempotency_key.clone(),
            client_ip: self.client_ip.map(|ip| ip.to_string()),
        }
    }
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let request_id = header_text(&parts.headers, REQUEST_ID.as_str()).map(str::to_owned);
        let correlation_id = header_text(&parts.headers, "x-correlation-id")
            .and_then(|value| value.parse::<Uuid>().ok())
            .or_else(|| {
                request_id
                    .as_deref()
                    .and_then(|value| value.parse::<Uuid>().ok())
            })
            .unwrap_or_else(Uuid::now_v7);
        let if_match = match parts.headers.get(header::IF_MATCH) {
            None => None,
            Some(value) => Some(parse_if_match(value)?),
        };
        let idempotency_key = match parts.headers.get("idempotency-key") {
            None => None,
            Some(value) => Some(parse_idempotency_key(value)?),
        };
        Ok(RequestMeta {
            request_id,
            correlation_id,
            client_ip: client_ip(parts, state.settings.client_ip_source),
            if_match,
            idempotency_key,
            now: Utc::now(),
        })
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// `If-Match: "7"` (the ETag every command answers with) or `If-Match: 7`.
fn parse_if_match(value: &HeaderValue) -> Result<i32, Problem> {
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse::<i32>()
        .ok()
        .filter(|version| *version >= 0)
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid-if-match",
                "If-Match must be the resource's ETag, a quoted version number such as \"3\".",
            )
        })
}

fn parse_idempotency_key(value: &HeaderValue) -> Result<String, Problem> {
    let text = value.to_str().unwrap_or_default();
    let is_valid =
        (1..=255).contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_graphic());
    if is_valid {
        Ok(text.to_owned())
    } else {
        Err(Problem::bad_request(
            "invalid-idempotency-key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        ))
    }
}

/// A write that the command must make in the same transaction as its events.
#[derive(Debug, Clone)]
pub enum SideWrite {
    /// Claims an email for a user; fails with 409 when someone has it.
    ReserveEmail { email: String, user_id: Uuid },
    /// Stores or replaces a password hash.
    StoreCredentials {
        user_id: Uuid,
        password_hash: String,
    },
    /// Releases every slug a dashboard holds.
    ReleaseSlugs { dashboard_id: Uuid },
    /// Claims a slug for a dashboard; fails with 409 when another dashboard has it.
    ReserveSlug { slug: String, dashboard_id: Uuid },
    /// Ends every session of a user (password changes, deactivation).
    RevokeSessions { user_id: Uuid },
}

/// The answer to an accepted command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Accepted {
    /// The resource the command was about.
    pub id: Uuid,
    /// The resource's version after the command; send it back as `If-Match` to guard the next change.
    pub version: i32,
    /// The global position of the last event appended, for read-your-writes (`X-Min-Position`).
    /// Absent when the command changed nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// The tile a tile command created or changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tile_id: Option<Uuid>,
    /// Whether the command created the resource (answered with 201).
    #[serde(skip)]
    pub created: bool,
}

impl IntoResponse for Accepted {
    fn into_response(self) -> Response {
        let status = if self.created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        let mut response = (status, axum::Json(&self)).into_response();
        let headers = response.headers_mut();
        if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", self.version)) {
            headers.insert(header::ETAG, etag);
        }
        if let Some(position) = self.position {
            headers.insert("x-position", HeaderValue::from(position));
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// One command against one stream.
#[derive(Debug)]
pub struct CommandRun<'a, D: Decider> {
    pub stream_id: Uuid,
    /// Decided in order against the state each previous one leads to; all events append atomically.
    pub commands: Vec<D::Command>,
    pub actor_id: Option<Uuid>,
    pub meta: &'a RequestMeta,
    /// The request as the client sent it, to recognise a retry under the same idempotency key.
    pub fingerprint: serde_json::Value,
    pub side_writes: Vec<SideWrite>,
    pub creates: bool,
    pub tile_id: Option<Uuid>,
}

impl<'a, D: Decider> CommandRun<'a, D> {
    /// A change to an existing resource by a signed-in caller, with no side writes.
    pub fn change(
        stream_id: Uuid,
        commands: Vec<D::Command>,
        actor_id: Uuid,
        meta: &'a RequestMeta,
        fingerprint: serde_json::Value,
    ) -> Self {
        CommandRun {
            stream_id,
            commands,
            actor_id: Some(actor_id),
            meta,
            fingerprint,
            side_writes: Vec::new(),
            creates: false,
            tile_id: None,
        }
    }
}

/// Loads the stream (from the state held since the last command on it, when there is one), decides,
/// and appends.
pub async fn execute<D: Decider>(
    state: &AppState,
    run: CommandRun<'_, D>,
) -> Result<Accepted, ApiError>
where
    D::State: Send + Sync + 'static,
{
    let idempotency = match &run.meta.idempotency_key {
        Some(key) => {
            let actor_key = run
                .actor_id
                .map(|id| id.to_string())
                .or_else(|| run.meta.client_ip.map(|ip| format!("ip:{ip}")))
                .unwrap_or_else(|| "anonymous".to_owned());
            // A create makes up a fresh id on every attempt, so only a change's target belongs in the hash.
            let target = if run.creates {
                String::new()
            } else {
                run.stream_id.to_string()
            };
            let request_hash = Sha256::digest(
                format!("{}\n{target}\n{}", D::Event::STREAM_TYPE, run.fingerprint).as_bytes(),
            )
            .to_vec();
            let record = IdempotencyRecord {
                actor_key,
                key: key.clone(),
                request_hash,
            };
            if let Some(answer) = record.find(state.store.pool()).await? {
                return Ok(answer);
            }
            Some(record)
        }
        None => None,
    };

    let stream_type = D::Event::STREAM_TYPE;
    let held = state.aggregates.get::<D::State>(run.stream_id, stream_type);
    let (current, version) = match held {
        Some((held_state, held_version)) => {
            match state
                .store
                .load_after::<D::Event>(run.stream_id, held_version)
                .await?
            {
                Some(tail) => (
                    tail.events
                        .iter()
                        .fold(held_state, |folded, event| D::evolve(folded, event)),
                    tail.version,
                ),
                None => (D::State::default(), 0),
            }
        }
        None => match state.store.load::<D::Event>(run.stream_id).await? {
            Some(loaded) => (D::replay(&loaded.events), loaded.version),
            None => (D::State::default(), 0),
        },
    };
    if let Some(expected) = run.meta.if_match
        && expected != version
    {
        return Err(ApiError::PreconditionFailed {
            expected,
            actual: version,
        });
    }
    let mut evolving = current;
    let mut events = Vec::new();
    for command in &run.commands {
        let decided = D::decide(command, &evolving)?;
        for event in &decided {
            evolving = D::evolve(evolving, event);
        }
        events.extend(decided);
    }
    if events.is_empty() {
        return Ok(Accepted {
            id: run.stream_id,
            version,
            position: None,
            tile_id: run.tile_id,
            created: false,
        });
    }
    let metadata = run.meta.metadata(run.actor_id);
    let new_events = events
        .iter()
        .map(|event| NewEvent::encode(event, metadata.clone(), run.meta.now))
        .collect::<Result<Vec<_>, _>>()?;
    let expected = if version == 0 {
        ExpectedVersion::NoStream
    } else {
        ExpectedVersion::Exact(version)
    };

    if run.side_writes.is_empty() && idempotency.is_none() {
        let appended = state
            .store
            .append(stream_type, run.stream_id, expected, &new_events)
            .await?;
        state.relay.wake.notify_one();
        state
            .aggregates
            .keep(run.stream_id, stream_type, appended.version, evolving);
        return Ok(accepted(&run, appended));
    }

    let mut transaction = state.store.pool().begin().await?;
    let appended = match EventStore::append_in(
        &mut transaction,
        stream_type,
        run.stream_id,
        expected,
        &new_events,
    )
    .await
    {
        Ok(appended) => appended,
        Err(StoreError::Conflict {
            stream_id,
            expected,
            ..
        }) => {
            drop(transaction.rollback().await);
            // A concurrent retry under the same key may have won the race: answer what it answered.
            if let Some(record) = &idempotency
                && let Some(answer) = record.find(state.store.pool()).await?
            {
                return Ok(answer);
            }
            // The failed transaction could not read the winner's version; outside it, it can.
            let actual = state
                .store
                .stream_head(stream_id)
                .await?
                .map(|(_, version)| version);
            return Err(StoreError::Conflict {
                stream_id,
                expected,
                actual,
            }
            .into());
        }
        Err(error) => return Err(error.into()),
    };
    for side_write in &run.side_writes {
        apply_side_write(&mut transaction, side_write, run.meta.now).await?;
    }
    let answer = accepted(&run, appended);
    if let Some(record) = &idempotency {
        let stored = record.store(&mut transaction, &answer).await;
        if let Err(error) = stored {
            drop(transaction.rollback().await);
            if is_unique_violation(&error, None)
                && let Some(answer) = record.find(state.store.pool()).await?
            {
                return Ok(answer);
            }
            return Err(error.into());
        }
    }
    transaction.commit().await?;
    state.relay.wake.notify_one();
    state
        .aggregates
        .keep(run.stream_id, stream_type, answer.version, evolving);
    Ok(answer)
}

fn accepted<D: Decider>(run: &CommandRun<'_, D>, appended: Appended) -> Accepted {
    Accepted {
        id: run.stream_id,
        version: appended.version,
        position: Some(appended.position),
        tile_id: run.tile_id,
        created: run.creates,
    }
}

/// Whether `error` is a unique violation (of `constraint`, when given).
pub fn is_unique_violation(error: &sqlx::Error, constraint: Option<&str>) -> bool {
    error.as_database_error().is_some_and(|database_error| {
        database_error.code().as_deref() == Some("23505")
            && constraint.is_none_or(|name| database_error.constraint() == Some(name))
    })
}

pub async fn apply_side_write(
    connection: &mut PgConnection,
    side_write: &SideWrite,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    match side_write {
        SideWrite::ReserveEmail { email, user_id } => {
            let inserted =
                sqlx::query("insert into email_reservations (email, user_id) values ($1, $2)")
                    .bind(email)
                    .bind(user_id)
                    .execute(&mut *connection)
                    .await;
            match inserted {
                Err(error) if is_unique_violation(&error, Some("email_reservations_pkey")) => {
                    Err(ApiError::Problem(Problem::new(
                        StatusCode::CONFLICT,
                        "email-taken",
                        "The email is already registered",
                        "An account with this email already exists. Sign in instead.",
                    )))
                }
                other => other.map(drop).map_err(ApiError::from),
            }
        }
        SideWrite::StoreCredentials {
            user_id,
            password_hash,
        } => {
            sqlx::query(
                "insert into user_credentials (user_id, password_hash, updated_at) values ($1, $2, $3) \
                 on conflict (user_id) do update set password_hash = excluded.password_hash, \
                                                     updated_at = excluded.updated_at",
            )
            .bind(user_id)
            .bind(password_hash)
            .bind(now)
            .execute(&mut *connection)
            .await?;
            Ok(())
        }
        SideWrite::ReleaseSlugs { dashboard_id } => {
            sqlx::query("delete from slug_reservations where dashboard_id = $1")
                .bind(dashboard_id)
                .execute(&mut *connection)
                .await?;
            Ok(())
        }
        SideWrite::ReserveSlug { slug, dashboard_id } => {
            let inserted =
                sqlx::query("insert into slug_reservations (slug, dashboard_id) values ($1, $2)")
                    .bind(slug)
                    .bind(dashboard_id)
                    .execute(&mut *connection)
                    .await;
            match inserted {
                Err(error) if is_unique_violation(&error, Some("slug_reservations_pkey")) => {
                    Err(ApiError::Problem(Problem::new(
                        StatusCode::CONFLICT,
                        "slug-taken",
                        "The slug is taken",
                        format!("Another dashboard already uses the slug `{slug}`."),
                    )))
                }
                other => other.map(drop).map_err(ApiError::from),
            }
        }
        SideWrite::RevokeSessions { user_id } => {
            sqlx::query("update refresh_tokens set revoked_at = $2 where user_id = $1 and revoked_at is null")
                .bind(user_id)
                .bind(now)
                .execute(&mut *connection)
                .await?;
            Ok(())
        }
    }
}

/// An idempotency key as stored: per actor, with a hash of the request it was first used for.
#[derive(Debug, Clone)]
struct IdempotencyRecord {
    actor_key: String,
    key: String,
    request_hash: Vec<u8>,
}

impl IdempotencyRecord {
    async fn find(&self, pool: &sqlx::PgPool) -> Result<Option<Accepted>, ApiError> {
        let row: Option<(Vec<u8>, i16, serde_json::Value)> = sqlx::query_as(
            "select request_hash, status, response from idempotency_keys \
              where actor_key = $1 and idempotency_key = $2",
        )
        .bind(&self.actor_key)
        .bind(&self.key)
        .fetch_optional(pool)
        .await?;
        let Some((request_hash, status, response)) = row else {
            return Ok(None);
        };
        if request_hash != self.request_hash {
            return Err(ApiError::Problem(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "The idempotency key was used for another request",
                "This Idempotency-Key was first used with a different request; use a new key for a new request.",
            )));
        }
        let mut answer: Accepted =
            serde_json::from_value(response).map_err(|error| ApiError::Internal(error.into()))?;
        answer.created = status == 201;
        Ok(Some(answer))
    }

    async fn store(
        &self,
        connection: &mut PgConnection,
        answer: &Accepted,
    ) -> Result<(), sqlx::Error> {
        let status: i16 = if answer.created { 201 } else { 200 };
        sqlx::query(
            "insert into idempotency_keys (actor_key, idempotency_key, request_hash, status, response) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(&self.actor_key)
        .bind(&self.key)
        .bind(&self.request_hash)
        .bind(status)
        .bind(serde_json::to_value(answer).unwrap_or_default())
        .execute(&mut *connection)
        .await?;
        Ok(())
    }
}
