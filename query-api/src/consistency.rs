//! Read-your-writes: `X-Min-Position`.
//!
//! Every command answers with the position of the event it appended. A client that sends that position
//! back as `X-Min-Position` on a read is answered only once every projection has applied that event, so
//! it sees its own write although the read models are updated asynchronously. The wait is bounded: when
//! the projections do not catch up within the configured time the read is answered with 503
//! `projection-behind` and `Retry-After: 1` instead of with data that lacks the write.
//!
//! [`wait_for_min_position`] is a middleware on every read so that no endpoint can forget it; it hands the
//! resolved [`Checkpoint`] to handlers through [`ReadAfter`], which the dashboard endpoints use to decide
//! whether a cached document is recent enough.

use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;
use vizpro_http_edge::Problem;
use vizpro_http_edge::tokens::Authentication;
use vizpro_read_models::Checkpoint;

use crate::error::ApiError;
use crate::state::AppState;

/// The request header that names the position a read must include.
pub const MIN_POSITION: HeaderName = HeaderName::from_static("x-min-position");

/// How long to wait for a wake-up from the projector before reading the checkpoints again anyway (the
/// notification listener may be reconnecting).
const RECHECK_INTERVAL: Duration = Duration::from_millis(50);

/// The checkpoint every projection had reached when the read began, if the request named a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadAfter(pub Option<Checkpoint>);

impl<S: Send + Sync> FromRequestParts<S> for ReadAfter {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ReadAfter>()
            .copied()
            .unwrap_or_default())
    }
}

/// Waits, before an authenticated read runs, until every projection has applied the event at the
/// position named in `X-Min-Position`. Anonymous and refused requests pass untouched: they are answered
/// 401 by the handler, and must not make the server wait first.
pub async fn wait_for_min_position(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let is_read = request.method() == Method::GET || request.method() == Method::HEAD;
    let is_authenticated = matches!(
        request.extensions().get::<Authentication>(),
        Some(Authentication::Authenticated(_))
    );
    if !is_read || !is_authenticated {
        return next.run(request).await;
    }
    let position = match min_position(request.headers().get(MIN_POSITION)) {
        Ok(None) => return next.run(request).await,
        Ok(Some(position)) => position,
        Err(problem) => return problem.into_response(),
    };
    match wait_until_applied(&state, position).await {
        Ok(checkpoint) => {
            request.extensions_mut().insert(ReadAfter(Some(checkpoint)));
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

/// The position named by the header, if there is one.
fn min_position(value: Option<&HeaderValue>) -> Result<Option<i64>, Problem> {
    let Some(value) = value else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .filter(|position| *position >= 1)
        .map(Some)
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid-header",
                "X-Min-Position must be the position of an event (a positive integer), as a command answered it.",
            )
            .with_extension("header", "X-Min-Position")
        })
}

/// Resolves `position` to its place in commit order and polls the checkpoints until every projection
/// has applied it, or the configured wait is over.
async fn wait_until_applied(state: &AppState, position: i64) -> Result<Checkpoint, ApiError> {
    let mut progress = state.projection_progress.clone();
    // Marked seen before the first check, so that a commit between the check and the wait still wakes us.
    progress.borrow_and_update();
    let (target, applied) =
        vizpro_read_models::checkpoint_of_position_and_whether_applied(&state.pool, position)
            .await?
            .ok_or_else(|| {
                Problem::bad_request(
                    "unknown-position",
                    format!("No event has the position {position} named by X-Min-Position."),
                )
                .with_extension("header", "X-Min-Position")
                .with_extension("position", position)
            })?;
    if applied {
        return Ok(target);
    }
    let deadline = Instant::now() + state.settings.min_position_wait;
    loop {
        let now = Instant::now();
        if now >= deadline {
            metrics::counter!("vizpro_query_projection_behind_total").increment(1);
            return Err(projection_behind(position).into());
        }
        let wait = RECHECK_INTERVAL.min(deadline - now);
        let heard = tokio::time::timeout(wait, progress.changed()).await;
        // A commit that names how far every projection has got answers without a query; one that does not
        // (or no commit within the interval) is checked in the database.
        if progress.borrow_and_update().applied_everywhere >= target {
            return Ok(target);
        }
        let woken_by_a_named_checkpoint = heard.is_ok_and(|changed| changed.is_ok())
            && progress.borrow().applied_everywhere != Checkpoint::default();
        if woken_by_a_named_checkpoint {
            continue;
        }
        if vizpro_read_models::read_your_writes(&state.pool, target).await? {
            return Ok(target);
        }
    }
}

fn projection_behind(position: i64) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "projection-behind",
        "The read models have not caught up yet",
        format!(
            "The read models have not yet applied the event at position {position}; retry in a moment."
        ),
    )
    .with_extension("position", position)
    .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_must_be_a_positive_integer() {
        assert_eq!(min_position(None).unwrap(), None);
        assert_eq!(
            min_position(Some(&HeaderValue::from_static("42"))).unwrap(),
            Some(42)
        );
        for malformed in ["", "abc", "-3", "0", "1.5"] {
            assert!(min_position(Some(&HeaderValue::from_static(malformed))).is_err());
        }
    }
}
