//! Registration, sign-in, token refresh and sign-out.
//!
//! Passwords are hashed with argon2id off the async runtime. Refresh tokens are 256 random bits, handed to
//! the browser only as an `HttpOnly` cookie scoped to `/api/v1/auth`, stored as SHA-256 hashes, rotated on
//! every use; presenting a token that was already used revokes its whole family (someone copied it).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_domain::{DisplayName, Email, Password, UserCommand, UserState, Users};
use vizpro_events::user::{SignInFailure, UserEvent};
use vizpro_http_edge::Problem;
use vizpro_http_edge::admission::too_many_requests;
use vizpro_http_edge::extract::JsonBody;
use vizpro_http_edge::rate_limit::Decision;

use crate::commands::{Accepted, CommandRun, RequestMeta, SideWrite, execute};
use crate::error::ApiError;
use crate::state::AppState;

pub const REFRESH_COOKIE: &str = "vizpro_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

/// A new account.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The sign-in email; compared case-insensitively.
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// 12 to 256 characters.
    #[schema(example = "correct horse battery staple")]
    pub password: String,
    /// The name others see, 1 to 100 characters.
    #[schema(example = "Ada Lovelace")]
    pub display_name: String,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// `admin`, `editor`, `viewer` or `auditor`.
    #[schema(value_type = String, example = "editor")]
    pub role: vizpro_events::Role,
}

/// A fresh access token. The refresh token travels only in the `vizpro_refresh` cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionTokens {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub user: SessionUser,
}

/// Creates an account. Emails listed in the configuration become admins; everyone else gets the
/// configured default role.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = Accepted), (status = 409, description = "Email taken", body = vizpro_http_edge::ProblemDocument),
              (status = 422, body = vizpro_http_edge::ProblemDocument), (status = 429, body = vizpro_http_edge::ProblemDocument)))]
pub async fn register(
    State(state): State<AppState>,
    meta: RequestMeta,
    JsonBody(request): JsonBody<RegisterRequest>,
) -> Result<Accepted, ApiError> {
    let email = Email::parse(&request.email)?;
    let password = Password::parse(&request.password)?;
    let display_name = DisplayName::parse(&request.display_name)?;
    refuse_guessable_password(&password, &[email.as_str(), display_name.as_str()])?;
    let user_id = Uuid::now_v7();
    let role = if state
        .settings
        .admin_emails
        .iter()
        .any(|admin| admin == email.as_str())
    {
        vizpro_events::Role::Admin
    } else {
        state.settings.default_role
    };
    let password_hash = hash_password(password).await?;
    let fingerprint =
        serde_json::json!({ "email": email.as_str(), "display_name": display_name.as_str() });
    execute::<Users>(
        &state,
        CommandRun {
            stream_id: user_id,
            side_writes: vec![
                SideWrite::ReserveEmail {
                    email: email.as_str().to_owned(),
                    user_id,
                },
                SideWrite::StoreCredentials {
                    user_id,
                    password_hash,
                },
            ],
            commands: vec![UserCommand::Register {
                user_id,
                email,
                display_name,
                role,
            }],
            actor_id: Some(user_id),
            meta: &meta,
            fingerprint,
            creates: true,
            tile_id: None,
        },
    )
    .await
}

/// Signs in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionTokens, description = "Signed in; sets the refresh cookie"),
              (status = 401, body = vizpro_http_edge::ProblemDocument), (status = 403, body = vizpro_http_edge::ProblemDocument),
              (status = 429, body = vizpro_http_edge::ProblemDocument)))]
pub async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    let email = Email::parse(&request.email)?;
    if request.password.is_empty() || request.password.len() > 1024 {
        return Err(Problem::invalid_field("password", "must be 1 to 1024 characters").into());
    }
    // Spread guessing across addresses still hits this per-account limit.
    let account_key = format!(
        "login:{}",
        hex::encode(&Sha256::digest(email.as_str().as_bytes())[..12])
    );
    if let Decision::Limited { retry_after } = state
        .limiter
        .check(&account_key, state.settings.auth_quota)
        .await
    {
        return Err(too_many_requests(retry_after).into());
    }
    let credentials: Option<(Uuid, String)> = sqlx::query_as(
        "select r.user_id, c.password_hash from email_reservations r \
           join user_credentials c on c.user_id = r.user_id where r.email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(state.store.pool())
    .await?;
    let Some((user_id, password_hash)) = credentials else {
        // Spend the same time as a real check so response times do not reveal which emails exist.
        drop(verify_password(dummy_hash().to_owned(), request.password).await);
        return Err(invalid_credentials().into());
    };
    if !verify_password(password_hash, request.password).await? {
        record_failed_sign_in(&state, &meta, user_id, SignInFailure::WrongPassword).await;
        return Err(invalid_credentials().into());
    }
    let user = load_user(&state, user_id).await?;
    if user.deactivated {
        record_failed_sign_in(&state, &meta, user_id, SignInFailure::Deactivated).await;
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "account-deactivated",
            "The account is deactivated",
            "This account has been deactivated. Ask an administrator.",
        )
        .into());
    }
    let family_id = Uuid::now_v7();
    let (refresh_token, token_hash) = new_refresh_token();
    let expires_at = meta.now + state.settings.refresh_token_lifetime;
    record_session_event(
        &state,
        &meta,
        user_id,
        Some(user_id),
        UserCommand::RecordSignIn {
            session_family_id: family_id,
        },
    )
    .await?;
    insert_refresh_token(
        &state,
        &token_hash,
        family_id,
        user_id,
        meta.now,
        expires_at,
    )
    .await?;
    session_response(&state, &user, &refresh_token, meta.now)
}

/// Exchanges the refresh cookie for a new access token and a new refresh cookie.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth",
    responses((status = 200, body = SessionTokens), (status = 401, body = vizpro_http_edge::ProblemDocument)))]
pub async fn refresh(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(presented) = refresh_cookie(&headers) else {
        return Err(Problem::unauthorized(
            "missing-refresh-token",
            "No refresh cookie was sent; sign in again.",
        )
        .into());
    };
    let token_hash = Sha256::digest(presented.as_bytes()).to_vec();
    let mut transaction = state.store.pool().begin().await?;
    let row: Option<RefreshTokenRow> = sqlx::query_as(
        "select family_id, user_id, expires_at, used_at, revoked_at from refresh_tokens \
          where token_hash = $1 for update",
    )
    .bind(&token_hash)
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(RefreshTokenRow {
        family_id,
        user_id,
        expires_at,
        used_at,
        revoked_at,
    }) = row
    else {
        return Err(invalid_refresh().into());
    };
    if used_at.is_some() || revoked_at.is_some() {
        sqlx::query(
            "update refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null",
        )
        .bind(family_id)
        .bind(meta.now)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        if used_at.is_some() {
            tracing::warn!(%user_id, %family_id, "a used refresh token was presented again; its family is revoked");
            let recorded = record_session_event(
                &state,
                &meta,
                user_id,
                Some(user_id),
                UserCommand::RecordRefreshTokenReuse {
                    session_family_id: family_id,
                },
            )
            .await;
            if let Err(error) = recorded {
                tracing::error!(error = %error, "could not record refresh-token reuse");
            }
            return Err(Problem::unauthorized(
                "refresh-token-reused",
                "This refresh token was already used; every session it belongs to has been ended. Sign in again.",
            )
            .into());
        }
        return Err(invalid_refresh().into());
    }
    if expires_at <= meta.now {
        return Err(Problem::unauthorized(
            "refresh-token-expired",
            "The session has expired; sign in again.",
        )
        .into());
    }
    let user = load_user(&state, user_id).await?;
    if user.deactivated {
        sqlx::query(
            "update refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null",
        )
        .bind(family_id)
        .bind(meta.now)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        return Err(invalid_refresh().into());
    }
    sqlx::query("update refresh_tokens set used_at = $2 where token_hash = $1")
        .bind(&token_hash)
        .bind(meta.now)
        .execute(&mut *transaction)
        .await?;
    let (new_token, new_hash) = new_refresh_token();
    sqlx::query(
        "insert into refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(&new_hash)
    .bind(family_id)
    .bind(user_id)
    .bind(meta.now)
    .bind(meta.now + state.settings.refresh_token_lifetime)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    session_response(&state, &user, &new_token, meta.now)
}

/// Ends the session of the refresh cookie and clears it.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
pub async fn logout(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(presented) = refresh_cookie(&headers) {
        let token_hash = Sha256::digest(presented.as_bytes()).to_vec();
        let family: Option<(Uuid, Uuid)> = sqlx::query_as(
            "update refresh_tokens set revoked_at = $2 where family_id = \
               (select family_id from refresh_tokens where token_hash = $1) and revoked_at is null \
             returning family_id, user_id",
        )
        .bind(&token_hash)
        .bind(meta.now)
        .fetch_optional(state.store.pool())
        .await?;
        if let Some((family_id, user_id)) = family {
            record_session_event(
                &state,
                &meta,
                user_id,
                Some(user_id),
                UserCommand::RecordSignOut {
                    session_family_id: family_id,
                },
            )
            .await?;
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let clear = format!(
        "{REFRESH_COOKIE}=; Path={REFRESH_COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if state.settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Appends a security fact to the user's stream. Such facts are never retried under an idempotency key and
/// never guarded by `If-Match`: they record what happened, whatever the client sent.
async fn record_session_event(
    state: &AppState,
    meta: &RequestMeta,
    user_id: Uuid,
    actor_id: Option<Uuid>,
    command: UserCommand,
) -> Result<Accepted, ApiError> {
    let meta = RequestMeta {
        idempotency_key: None,
        if_match: None,
        ..meta.clone()
    };
    execute::<Users>(
        state,
        CommandRun {
            stream_id: user_id,
            commands: vec![command],
            actor_id,
            meta: &meta,
            fingerprint: serde_json::Value::Null,
            side_writes: vec![],
            creates: false,
            tile_id: None,
        },
    )
    .await
}

/// A stored refresh token, as the refresh endpoint reads it.
#[derive(Debug, sqlx::FromRow)]
struct RefreshTokenRow {
    family_id: Uuid,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

fn invalid_credentials() -> Problem {
    Problem::unauthorized("invalid-credentials", "The email or password is wrong.")
}

fn invalid_refresh() -> Problem {
    Problem::unauthorized(
        "invalid-refresh-token",
        "The refresh token is not valid; sign in again.",
    )
}

pub async fn load_user(state: &AppState, user_id: Uuid) -> Result<vizpro_domain::User, ApiError> {
    let loaded = state.store.load::<UserEvent>(user_id).await?;
    let user_state = loaded.map(|stream| {
        use vizpro_domain::Decider;
        Users::replay(&stream.events)
    });
    match user_state {
        Some(UserState::Registered(user)) => Ok(user),
        _ => Err(invalid_credentials().into()),
    }
}

async fn record_failed_sign_in(
    state: &AppState,
    meta: &RequestMeta,
    user_id: Uuid,
    reason: SignInFailure,
) {
    let recorded = record_session_event(
        state,
        meta,
        user_id,
        None,
        UserCommand::RecordFailedSignIn { reason },
    )
    .await;
    if let Err(error) = recorded {
        tracing::error!(error = %error, "could not record a failed sign-in");
    }
}

async fn insert_refresh_token(
    state: &AppState,
    token_hash: &[u8],
    family_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    sqlx::query(
        "insert into refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(family_id)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(state.store.pool())
    .await?;
    Ok(())
}

fn session_response(
    state: &AppState,
    user: &vizpro_domain::User,
    refresh_token: &str,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let access_token = state
        .tokens
        .issue(user.user_id, user.role, now)
        .map_err(|error| {
            ApiError::Internal(anyhow::anyhow!("cannot sign an access token: {error}"))
        })?;
    let body = SessionTokens {
        access_token,
        token_type: "Bearer",
        expires_in: state.tokens.lifetime().as_secs(),
        user: SessionUser {
            id: user.user_id,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
        },
    };
    let cookie = format!(
        "{REFRESH_COOKIE}={refresh_token}; Path={REFRESH_COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age={}{}",
        state.settings.refresh_token_lifetime.num_seconds(),
        if state.settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    let mut response = axum::Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|error| ApiError::Internal(error.into()))?,
    );
    Ok(response)
}

fn refresh_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == REFRESH_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    (token, hash)
}

/// Hashes with argon2id (the crate's default) on the blocking pool.
pub async fn hash_password(password: Password) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_str().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| {
                ApiError::Internal(anyhow::anyhow!("password hashing failed: {error}"))
            })
    })
    .await
    .map_err(|error| ApiError::Internal(error.into()))?
}

/// Checks a password against a stored hash on the blocking pool.
pub async fn verify_password(stored_hash: String, password: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored_hash).map_err(|error| {
            ApiError::Internal(anyhow::anyhow!(
                "stored password hash is malformed: {error}"
            ))
        })?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|error| ApiError::Internal(error.into()))?
}

fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"not a real password, only spends time", &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

/// How many of the most common passwords are refused outright.
const COMMON_PASSWORDS_REFUSED: usize = 10_000;

/// Refuses a password that is one of the most common ones (ranked by the password lists of public
/// breaches that zxcvbn ships, also written backwards or with digits for letters), or that is the
/// account's own email address, the part of it before the `@`, or its name. These are the first guesses
/// of anyone who tries to sign in as somebody else; the length rule does not keep them out.
pub fn refuse_guessable_password(
    password: &Password,
    personal: &[&str],
) -> Result<(), vizpro_http_edge::Problem> {
    const FIELD: &str = "password";
    let candidate = password.as_str().trim().to_lowercase();
    let mut personal_forms: Vec<String> = Vec::new();
    for item in personal {
        let item = item.trim().to_lowercase();
        if let Some((local, _)) = item.split_once('@') {
            personal_forms.push(local.to_owned());
        }
        personal_forms.push(item);
    }
    if personal_forms
        .iter()
        .any(|form| !form.is_empty() && *form == candidate)
    {
        return Err(vizpro_http_edge::Problem::invalid_field(
            FIELD,
            "must not be your email address or your name",
        ));
    }
    let inputs: Vec<&str> = personal_forms.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password.as_str(), &inputs);
    if let [whole] = estimate.sequence()
        && let zxcvbn::matching::patterns::MatchPattern::Dictionary(word) = &whole.pattern
    {
        // zxcvbn names its lists only through `Debug`.
        let list = format!("{:?}", word.dictionary_name);
        if list == "UserInputs" {
            return Err(vizpro_http_edge::Problem::invalid_field(
                FIELD,
                "must not be your email address or your name",
            ));
        }
        if list == "Passwords" && word.rank <= COMMON_PASSWORDS_REFUSED {
            return Err(vizpro_http_edge::Problem::invalid_field(
                FIELD,
                "is one of the most common passwords; choose another",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod password_tests {
    use super::*;

    fn refused(password: &str, personal: &[&str]) -> bool {
        let password = Password::parse(password).unwrap();
        refuse_guessable_password(&password, personal).is_err()
    }

    #[test]
    fn the_most_common_passwords_are_refused_even_written_backwards() {
        for common in [
            "q1w2e3r4t5y6",
            "1q2w3e4r5t6y",
            "qwerty123456",
            "qazwsxedcrfv",
            "654321ytrewq",
        ] {
            assert!(refused(common, &[]), "{common}");
        }
        for uncommon in [
            "correct horse battery staple",
            "vizpro-demo-password",
            "s3cret-Reader-Passw0rd",
        ] {
            assert!(!refused(uncommon, &[]), "{uncommon}");
        }
    }

    #[test]
    fn the_accounts_own_email_and_name_are_refused() {
        let personal = ["grace.hopper@example.com", "Grace Hopper Navy"];
        for own in [
            "grace.hopper@example.com",
            "GRACE.HOPPER@EXAMPLE.COM",
            "grace.hopper",
            "grace hopper navy",
        ] {
            assert!(refused(own, &personal), "{own}");
        }
        assert!(!refused(
            "grace.hopper@example.com",
            &["ada@example.com", "Ada"]
        ));
    }
}
