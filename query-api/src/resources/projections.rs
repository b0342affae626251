//! `GET /api/v1/admin/projections`: how far behind the event store each projection is.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use sqlx::FromRow;
use utoipa::ToSchema;
use vizpro_events::Role;
use vizpro_http_edge::ProblemDocument;
use vizpro_http_edge::tokens::Caller;
use vizpro_read_models::PROJECTIONS;

use super::{ReadHeaders, list_response};
use crate::error::ApiError;
use crate::state::AppState;

/// Counting unapplied events stops here, so that a projection far behind cannot make the report slow.
pub const LAG_EVENTS_CAP: i64 = 1_000_000;

/// One projection's progress.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct ProjectionStatus {
    #[schema(example = "dashboards")]
    pub name: String,
    /// The position of the last event the projection applied (0 before the first).
    pub checkpoint_position: i64,
    pub events_applied: i64,
    /// Events committed after the checkpoint, in commit order; counting stops at 1 000 000.
    pub lag_events: i64,
    /// How long ago the oldest unapplied event was recorded, in seconds; 0 when none is waiting.
    pub lag_seconds: f64,
    /// Events the projection could not apply and set aside.
    pub dead_letters: i64,
}

/// Every projection's progress, in the order the projector applies an event to them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectionsReport {
    pub projections: Vec<ProjectionStatus>,
}

/// Reads every projection's checkpoint and the events after it. Commit order is `(transaction_id,
/// position)` within an epoch (positions are handed out at insert, not at commit), so the lag is counted
/// in that order and uses the events table's commit-order index; every event of a later epoch (after a
/// restore into a new cluster) also counts. A checkpoint's `transaction_id` is its commit key: the epoch
/// above bit 48, the cluster's transaction id below.
const REPORT: &str = "
with checkpoints as (
    select p.name, p.ordinal,
           coalesce(c.position, 0) as position,
           coalesce(c.events_applied, 0) as events_applied,
           coalesce(c.transaction_id, 0) & ((1::bigint << 48) - 1) as cluster_transaction_id,
           coalesce((select known.first_position from event_store_epochs known
                      where known.epoch = coalesce(c.transaction_id, 0) >> 48), 0) as epoch_start,
           coalesce((select min(known.first_position) from event_store_epochs known
                      where known.epoch > coalesce(c.transaction_id, 0) >> 48), 9223372036854775807) as epoch_end
      from unnest($1::text[]) with ordinality as p(name, ordinal)
      left join projection_checkpoints c on c.projection = p.name
)
select c.name,
       c.position as checkpoint_position,
       c.events_applied,
       (select count(*) from (
            select 1 from events e
             where ((e.transaction_id, e.position) > (c.cluster_transaction_id::text::xid8, c.position)
                    and e.position > c.epoch_start)
                or e.position > c.epoch_end
             limit $2) as unapplied) as lag_events,
       coalesce((
            select greatest(extract(epoch from now() - min(unapplied.recorded_at)), 0)::float8
              from (select e.recorded_at from events e
                     where ((e.transaction_id, e.position) > (c.cluster_transaction_id::text::xid8, c.position)
                            and e.position > c.epoch_start)
                        or e.position > c.epoch_end
                     limit $2) as unapplied), 0)::float8 as lag_seconds,
       (select count(*) from projection_dead_letters d where d.projection = c.name) as dead_letters
  from checkpoints c
 order by c.ordinal";

/// The lag of every projection (admins and auditors only). Also sets the Prometheus gauges
/// `vizpro_projection_lag_events` and `vizpro_projection_lag_seconds`.
#[utoipa::path(get, path = "/api/v1/admin/projections", operation_id = "get_projection_status", tag = "admin", security(("bearer" = [])),
    params(ReadHeaders),
    responses(
        (status = 200, body = ProjectionsReport, description = "Every projection's checkpoint and lag", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The report has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 403, body = ProblemDocument, content_type = "application/problem+json", description = "The caller is neither an admin nor an auditor"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !matches!(caller.role, Role::Admin | Role::Auditor) {
        return Err(ApiError::Forbidden(
            "Only admins and auditors may see the projections' progress.".to_owned(),
        ));
    }
    let projections: Vec<ProjectionStatus> = sqlx::query_as(REPORT)
        .bind(PROJECTIONS.iter().map(|spec| spec.name).collect::<Vec<_>>())
        .bind(LAG_EVENTS_CAP)
        .fetch_all(&state.pool)
        .await?;
    for projection in &projections {
        let name = projection.name.clone();
        metrics::gauge!("vizpro_projection_lag_events", "projection" => name.clone())
            .set(projection.lag_events as f64);
        metrics::gauge!("vizpro_projection_lag_seconds", "projection" => name)
            .set(projection.lag_seconds);
    }
    list_response(&headers, &ProjectionsReport { projections })
}
