//! Short-lived access tokens (JWT, HS256) and the extractor that authenticates a caller.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::{header, request::Parts};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vizpro_events::Role;

use crate::problem::Problem;

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user's id.
    pub sub: Uuid,
    /// The user's role when the token was issued. Role changes take effect at the next refresh.
    pub role: Role,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    /// The token's own id, for tracing a token through the logs without logging the token.
    pub jti: Uuid,
}

/// Signs and verifies access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    lifetime: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TokenKeys")
            .field("issuer", &self.issuer)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

const AUDIENCE: &str = "vizpro-api";

/// Why a presented token was refused.
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is signed with an algorithm this service does not accept")]
    WrongAlgorithm,
    #[error("the access token's signature does not match")]
    BadSignature,
    #[error("the access token was not issued for this service")]
    WrongIssuer,
    #[error("the access token is malformed")]
    Malformed,
}

impl TokenKeys {
    /// Keys from a shared secret (at least 32 bytes, checked by the caller's configuration).
    pub fn from_secret(secret: &[u8], issuer: &str, lifetime: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            lifetime,
        }
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Issues a token for `user_id` valid from `now` for the configured lifetime.
    pub fn issue(
        &self,
        user_id: Uuid,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = AccessClaims {
            sub: user_id,
            role,
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.lifetime.as_secs() as i64,
            jti: Uuid::new_v4(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Verifies signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::InvalidAlgorithm
                | ErrorKind::InvalidAlgorithmName
                | ErrorKind::MissingAlgorithm => TokenError::WrongAlgorithm,
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => TokenError::WrongIssuer,
                _ => TokenError::Malformed,
            })
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Uuid,
    pub role: Role,
}

/// The outcome of looking at a request's `Authorization` header, computed once per request by the
/// rate-limiting middleware and reused by [`Caller`].
#[derive(Debug, Clone)]
pub enum Authentication {
    Anonymous,
    Authenticated(Caller),
    Refused(TokenError),
}

impl Authentication {
    pub fn from_parts(parts: &Parts, keys: &TokenKeys) -> Self {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Authentication::Anonymous;
        };
        let Some(token) = value.to_str().ok().and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        }) else {
            return Authentication::Refused(TokenError::Malformed);
        };
        match keys.verify(token.trim()) {
            Ok(claims) => Authentication::Authenticated(Caller {
                user_id: claims.sub,
                role: claims.role,
            }),
            Err(error) => Authentication::Refused(error),
        }
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Arc<TokenKeys>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let authentication = match parts.extensions.get::<Authentication>() {
            Some(authentication) => authentication.clone(),
            None => Authentication::from_parts(parts, &Arc::<TokenKeys>::from_ref(state)),
        };
        match authentication {
            Authentication::Authenticated(caller) => Ok(caller),
            Authentication::Anonymous => Err(Problem::unauthorized(
                "missing-token",
                "Send an access token as `Authorization: Bearer <token>`.",
            )),
            Authentication::Refused(error) => {
                let slug = if error == TokenError::Expired {
                    "token-expired"
                } else {
                    "invalid-token"
                };
                Err(Problem::unauthorized(slug, error.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn encode_segment(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    fn keys() -> TokenKeys {
        TokenKeys::from_secret(
            b"a-test-secret-that-is-long-enough-0123",
            "vizpro",
            Duration::from_secs(900),
        )
    }

    #[test]
    fn a_token_issued_by_the_service_verifies_with_its_claims() {
        let user_id = Uuid::now_v7();
        let token = keys().issue(user_id, Role::Editor, Utc::now()).unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!((claims.sub, claims.role), (user_id, Role::Editor));
    }

    #[test]
    fn an_expired_token_is_refused_as_expired() {
        let token = keys()
            .issue(
                Uuid::now_v7(),
                Role::Editor,
                Utc::now() - chrono::Duration::hours(2),
            )
            .unwrap();
        assert_eq!(keys().verify(&token), Err(TokenError::Expired));
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let other = TokenKeys::from_secret(
            b"another-secret-that-is-long-enough-999",
            "vizpro",
            Duration::from_secs(900),
        );
        let token = other
            .issue(Uuid::now_v7(), Role::Admin, Utc::now())
            .unwrap();
        assert_eq!(keys().verify(&token), Err(TokenError::BadSignature));
    }

    #[test]
    fn an_unsigned_token_with_alg_none_is_refused() {
        let header = encode_segment(br#"{"alg":"none","typ":"JWT"}"#);
        let claims = format!(
            r#"{{"sub":"{}","role":"admin","iss":"vizpro","aud":"vizpro-api","iat":1,"exp":{}}}"#,
            Uuid::now_v7(),
            Utc::now().timestamp() + 600
        );
        let token = format!("{header}.{}.", encode_segment(claims.as_bytes()));
        assert!(matches!(
            keys().verify(&token),
            Err(TokenError::WrongAlgorithm | TokenError::Malformed)
        ));
    }

    #[test]
    fn a_tampered_payload_breaks_the_signature() {
        let token = keys()
            .issue(Uuid::now_v7(), Role::Viewer, Utc::now())
            .unwrap();
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = encode_segment(
            format!(
                r#"{{"sub":"{}","role":"admin","iss":"vizpro","aud":"vizpro-api","iat":1,"exp":{}}}"#,
                Uuid::now_v7(),
                Utc::now().timestamp() + 600
            )
            .as_bytes(),
        );
        parts[1] = &forged;
        assert_eq!(
            keys().verify(&parts.join(".")),
            Err(TokenError::BadSignature)
        );
    }
}
