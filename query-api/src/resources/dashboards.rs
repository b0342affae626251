//! `GET /api/v1/dashboards`: dashboards, and each dashboard with its tiles and their charts in one answer.
//!
//! A dashboard's document is served from Redis when the cached copy is current (see
//! [`vizpro_read_models::cache`] for the generation protocol) and built from PostgreSQL otherwise. The
//! document is the same for every caller: it carries the access lists of the dashboard and of each chart,
//! and each answer is cut for its caller in memory, so one cached copy serves everyone. Redis is an
//! optimisation only: when it is down or slow the document is built from PostgreSQL and the answer says
//! `X-Cache: bypass`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use chrono::{DateTime, Utc};
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_http_edge::ProblemDocument;
use vizpro_http_edge::extract::PathParams;
use vizpro_http_edge::redis_slot::{self, REDIS_COMMAND_TIMEOUT};
use vizpro_http_edge::tokens::Caller;
use vizpro_read_models::cache::{
    DashboardDocument, DocumentAcl, DocumentTile, TileChart, dashboard_document_key,
    dashboard_generation_key,
};
use vizpro_read_models::{Checkpoint, PROJECTIONS};

use super::{Grant, ReadHeaders, list_response, render_detail, rendered_response};
use crate::consistency::ReadAfter;
use crate::documents::HeldDocument;
use crate::error::ApiError;
use crate::pagination::{ListColumns, ListParams, ListQuery, Page, fetch_page, paged_row};
use crate::state::AppState;
use crate::visibility::Visibility;

/// The response header that says where a dashboard document came from.
pub const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// How long a cached document may live. The generation check keeps it correct; the expiry only frees
/// memory from dashboards nobody opens any more.
const DOCUMENT_TTL_SECONDS: u64 = 3600;

/// Stores the document only if the generation is still the one read before the document was built, so
/// that a document built from a snapshot older than a change is never cached after that change. A
/// missing generation counts as 0, as it does for readers.
const STORE_IF_CURRENT: &str = r"
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current == tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 1
end
return 0
";

static STORE_SCRIPT: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(STORE_IF_CURRENT));

/// A dashboard in a list (without its tiles).
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Dashboard {
    pub id: Uuid,
    pub owner_id: Uuid,
    #[schema(example = "Sales overview")]
    pub name: String,
    pub description: String,
    #[schema(example = "sales-overview")]
    pub slug: String,
    /// The dashboard's filters.
    #[schema(value_type = Object)]
    pub filters: serde_json::Value,
    /// The version of the dashboard's stream; it changes with every change to the dashboard itself.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What the caller may do with it: `edit` or `view`.
    #[schema(example = "view")]
    pub access: String,
}

paged_row!(Dashboard, id, name);

/// A chart as a dashboard tile shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TileChartView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[schema(example = "bar")]
    pub chart_type: String,
    pub dataset_id: Uuid,
    #[schema(value_type = Object)]
    pub spec: serde_json::Value,
    pub pinned_dataset_version: Option<i32>,
    pub version: i32,
}

/// One tile: where it sits and the chart it shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TileView {
    pub tile_id: Uuid,
    pub chart_id: Uuid,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    /// `null` when the chart was deleted or the caller may not see it; the tile stays so that the layout
    /// holds.
    pub chart: Option<TileChartView>,
}

/// A dashboard with its tiles and their charts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DashboardView {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub description: String,
    pub slug: String,
    #[schema(value_type = Object)]
    pub filters: serde_json::Value,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What the caller may do with it: `edit` or `view`.
    #[schema(example = "edit")]
    pub access: String,
    /// Present only when the caller may edit the dashboard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<Grant>>,
    /// In reading order: top to bottom, then left to right.
    pub tiles: Vec<TileView>,
}

impl DashboardView {
    /// The document as `caller` may see it, or `None` when they may not see the dashboard at all.
    fn for_caller(document: DashboardDocument, caller: Caller) -> Option<Self> {
        let role = caller.role.as_str();
        let access = document.acl.access_for(caller.user_id, role)?;
        let grants = (access == "edit").then(|| {
            document
                .acl
                .grants
                .iter()
                .map(|(grantee_kind, grantee, access)| Grant {
                    grantee_kind: grantee_kind.clone(),
                    grantee: grantee.clone(),
                    access: access.clone(),
                })
                .collect()
        });
        let tiles = document
            .tiles
            .into_iter()
            .map(|tile| TileView {
                tile_id: tile.tile_id,
                chart_id: tile.chart_id,
                x: tile.x,
                y: tile.y,
                w: tile.w,
                h: tile.h,
                chart: tile
                    .chart
                    .filter(|chart| chart.acl.access_for(caller.user_id, role).is_some())
                    .map(|chart| TileChartView {
                        id: chart.id,
                        name: chart.name,
                        description: chart.description,
                        chart_type: chart.chart_type,
                        dataset_id: chart.dataset_id,
                        spec: chart.spec,
                        pinned_dataset_version: chart.pinned_dataset_version,
                        version: chart.version,
                    }),
            })
            .collect();
        Some(DashboardView {
            id: document.id,
            owner_id: document.owner_id,
            name: document.name,
            description: document.description,
            slug: document.slug,
            filters: document.filters,
            version: document.version,
            created_at: document.created_at,
            updated_at: document.updated_at,
            access: access.to_owned(),
            grants,
            tiles,
        })
    }
}

/// Where a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Served from Redis.
    Hit,
    /// Built from PostgreSQL because the cached copy was missing or stale, and offered to Redis.
    Miss,
    /// Built from PostgreSQL because Redis could not be reached in time.
    Bypass,
}

impl CacheOutcome {
    fn as_str(self) -> &'static str {
        match self {
            CacheOutcome::Hit => "hit",
            CacheOutcome::Miss => "miss",
            CacheOutcome::Bypass => "bypass",
        }
    }
}

/// `select … from rm_dashboards r where <visible to the caller>`.
fn select_visible(visibility: &Visibility) -> QueryBuilder<'static, Postgres> {
    let mut query = QueryBuilder::new(
        "select r.id, r.owner_id, r.name, r.description, r.slug, r.filters, r.version, \
         r.created_at, r.updated_at, ",
    );
    visibility.push_access(&mut query, "r");
    query.push(" as access from rm_dashboards r where ");
    visibility.push_visible(&mut query, "r");
    query
}

/// The dashboards the caller may see, without their tiles.
#[utoipa::path(get, path = "/api/v1/dashboards", operation_id = "list_dashboards", tag = "dashboards", security(("bearer" = [])),
    params(ListParams, ReadHeaders),
    responses(
        (status = 200, body = Page<Dashboard>, description = "One page of the dashboards the caller may see", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"))),
        (status = 304, description = "The page has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "A query parameter, the cursor or X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ListQuery(params): ListQuery<ListParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let request = params.validate()?;
    let visibility = Visibility::of(caller);
    let page: Page<Dashboard> = fetch_page(
        &state.pool,
        select_visible(&visibility),
        ListColumns::RESOURCE,
        &request,
        caller.user_id,
    )
    .await?;
    list_response(&headers, &page)
}

/// One dashboard with its tiles and their charts.
#[utoipa::path(get, path = "/api/v1/dashboards/{id}", operation_id = "get_dashboard", tag = "dashboards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dashboard"), ReadHeaders),
    responses(
        (status = 200, body = DashboardView, description = "The dashboard; `X-Cache` says whether it came from the cache (`hit`), was rebuilt (`miss`) or was built without the cache (`bypass`)", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"), ("X-Cache" = String, description = "`hit`, `miss` or `bypass`"))),
        (status = 304, description = "The dashboard has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "The id or X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such dashboard, deleted, or not visible to the caller"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    ReadAfter(target): ReadAfter,
    PathParams(id): PathParams<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve(&state, caller, id, target, &headers).await
}

/// One dashboard, found by its slug, with its tiles and their charts.
#[utoipa::path(get, path = "/api/v1/dashboards/by-slug/{slug}", operation_id = "get_dashboard_by_slug", tag = "dashboards", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The dashboard's slug"), ReadHeaders),
    responses(
        (status = 200, body = DashboardView, description = "The dashboard; `X-Cache` says whether it came from the cache (`hit`), was rebuilt (`miss`) or was built without the cache (`bypass`)", headers(("ETag" = String, description = "Send it back as If-None-Match to revalidate"), ("X-Cache" = String, description = "`hit`, `miss` or `bypass`"))),
        (status = 304, description = "The dashboard has not changed since the ETag in If-None-Match"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "X-Min-Position is invalid"),
        (status = 401, body = ProblemDocument, content_type = "application/problem+json", description = "The access token is missing, malformed or expired"),
        (status = 429, body = ProblemDocument, content_type = "application/problem+json", description = "Too many requests; retry after Retry-After seconds"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No dashboard with this slug is visible to the caller"),
        (status = 503, body = ProblemDocument, content_type = "application/problem+json", description = "The read models have not applied X-Min-Position in time"),
    ))]
pub async fn by_slug(
    State(state): State<AppState>,
    caller: Caller,
    ReadAfter(target): ReadAfter,
    PathParams(slug): PathParams<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let visibility = Visibility::of(caller);
    let mut query = QueryBuilder::new("select r.id from rm_dashboards r where r.slug = ");
    query.push_bind(slug).push(" and ");
    visibility.push_visible(&mut query, "r");
    query.push(" order by r.updated_at desc limit 1");
    let id: Uuid = query
        .build_query_scalar()
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::not_found("dashboard"))?;
    serve(&state, caller, id, target, &headers).await
}

/// Loads the document (held in memory, from Redis or from PostgreSQL), cuts it for the caller and
/// answers with the body rendered for that cut.
async fn serve(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    target: Option<Checkpoint>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let (held, outcome) = load_document(state, id, target).await?;
    metrics::counter!("vizpro_dashboard_cache_total", "outcome" => outcome.as_str()).increment(1);
    let held = held.ok_or(ApiError::not_found("dashboard"))?;
    let cut = held
        .cut_for(caller)
        .ok_or(ApiError::not_found("dashboard"))?;
    let rendered = held.rendered(&cut, || {
        let view = DashboardView::for_caller(held.document.clone(), caller)
            .ok_or(ApiError::not_found("dashboard"))?;
        render_detail(view.version, &view)
    })?;
    rendered_response(
        headers,
        rendered,
        vec![(X_CACHE, HeaderValue::from_static(outcome.as_str()))],
    )
}

/// The document of dashboard `id`, or `None` when it does not exist or is deleted.
///
/// A copy (held in this process or cached in Redis) is used when its generation is the current one (a
/// missing generation counts as 0) and, for a read-your-writes read, when it was built at or after the
/// target checkpoint. A trusted held copy is known to be current without asking Redis (see
/// `crate::documents`); another held copy costs one small read of the generation; otherwise the
/// generation and the Redis copy come in one round trip.
pub async fn load_document(
    state: &AppState,
    id: Uuid,
    target: Option<Checkpoint>,
) -> Result<(Option<Arc<HeldDocument>>, CacheOutcome), ApiError> {
    let prefix = &state.settings.redis_key_prefix;
    let generation_key = dashboard_generation_key(prefix, id);
    let document_key = dashboard_document_key(prefix, id);
    let usable = |document: &DashboardDocument, generation: i64| {
        document.generation == generation && target.is_none_or(|target| document.built_at >= target)
    };
    let bypass = || async {
        let document = build_document(&state.pool, id, 0).await?;
        Ok::<_, ApiError>((
            document.map(|document| Arc::new(HeldDocument::new(document))),
            CacheOutcome::Bypass,
        ))
    };
    if let Some(held) = state.documents.trusted(id)
        && target.is_none_or(|target| held.document.built_at >= target)
    {
        return Ok((Some(held), CacheOutcome::Hit));
    }
    let Some(mut connection) = redis_slot::connection(&state.redis).await else {
        return bypass().await;
    };
    // Noted before Redis is read, so that a document read across an announcement is not trusted.
    let observed = state.documents.observe();
    if let Some(held) = state.documents.get(id) {
        let Some(generation) = read_generation(&mut connection, &generation_key).await else {
            return bypass().await;
        };
        if usable(&held.document, generation) {
            state.documents.confirm(&held, observed);
            return Ok((Some(held), CacheOutcome::Hit));
        }
    }
    let Some((generation, cached)) =
        read_cached(&mut connection, &generation_key, &document_key).await
    else {
        return bypass().await;
    };
    if let Some(document) = cached
        && usable(&document, generation)
    {
        return Ok((
            Some(state.documents.keep(document, observed)),
            CacheOutcome::Hit,
        ));
    }
    let document = build_document(&state.pool, id, generation).await?;
    let Some(document) = document else {
        state.documents.forget(id);
        return Ok((None, CacheOutcome::Miss));
    };
    store_if_current(&mut connection, &generation_key, &document_key, &document).await;
    Ok((
        Some(state.documents.keep(document, observed)),
        CacheOutcome::Miss,
    ))
}

/// The current generation of a dashboard; `None` when Redis failed or was too slow.
async fn read_generation(connection: &mut ConnectionManager, generation_key: &str) -> Option<i64> {
    let mut command = redis::cmd("GET");
    command.arg(generation_key);
    let generation = redis_reply(command.query_async::<Option<i64>>(connection)).await?;
    Some(generation.unwrap_or(0))
}

/// A Redis reply within the command timeout; `None`, logged, when Redis failed or was too slow, so
/// that the caller serves the dashboard from PostgreSQL.
async fn redis_reply<T>(reply: impl Future<Output = redis::RedisResult<T>>) -> Option<T> {
    match tokio::time::timeout(REDIS_COMMAND_TIMEOUT, reply).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "Redis failed; serving the dashboard from PostgreSQL");
            None
        }
        Err(_) => {
            tracing::warn!("Redis timed out; serving the dashboard from PostgreSQL");
            None
        }
    }
}

/// The current generation and the cached document, in one round trip; `None` when Redis failed or was
/// too slow. A cached document that cannot be read (written by another release, say) counts as absent
/// and is replaced.
async fn read_cached(
    connection: &mut ConnectionManager,
    generation_key: &str,
    document_key: &str,
) -> Option<(i64, Option<DashboardDocument>)> {
    let mut command = redis::cmd("MGET");
    command.arg(generation_key).arg(document_key);
    let (generation, document) =
        redis_reply(command.query_async::<(Option<i64>, Option<String>)>(connection)).await?;
    let document = document.and_then(|json| {
        serde_json::from_str::<DashboardDocument>(&json)
            .inspect_err(|error| {
                tracing::warn!(error = %error, key = document_key, "a cached dashboard document cannot be read; rebuilding it");
            })
            .ok()
    });
    Some((generation.unwrap_or(0), document))
}

/// Offers the document to the cache. A failure only costs the next reader a rebuild, so it is logged and
/// otherwise ignored.
async fn store_if_current(
    connection: &mut ConnectionManager,
    generation_key: &str,
    document_key: &str,
    document: &DashboardDocument,
) {
    let json = match serde_json::to_string(document) {
        Ok(json) => json,
        Err(error) => {
            tracing::error!(error = %error, "a dashboard document cannot be serialised for the cache");
            return;
        }
    };
    let mut invocation = STORE_SCRIPT.prepare_invoke();
    invocation
        .key(generation_key)
        .key(document_key)
        .arg(document.generation)
        .arg(json)
        .arg(DOCUMENT_TTL_SECONDS);
    let store = invocation.invoke_async::<i64>(connection);
    match tokio::time::timeout(REDIS_COMMAND_TIMEOUT, store).await {
        Ok(Ok(1)) => {}
        Ok(Ok(_)) => {
            tracing::debug!(
                key = document_key,
                "the dashboard changed while its document was built; not caching it"
            );
        }
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "a dashboard document could not be cached");
        }
        Err(_) => tracing::warn!("caching a dashboard document timed out"),
    }
}

#[derive(Debug, FromRow)]
struct DocumentRow {
    id: Uuid,
    owner_id: Uuid,
    name: String,
    description: String,
    slug: String,
    filters: serde_json::Value,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    tiles: sqlx::types::Json<Vec<TileRow>>,
    charts: sqlx::types::Json<Vec<ChartRow>>,
    grants: sqlx::types::Json<Vec<GrantRow>>,
    built_transaction_id: i64,
    built_position: i64,
}

#[derive(Debug, Deserialize)]
struct TileRow {
    tile_id: Uuid,
    chart_id: Uuid,
    x: i32,
    y: i32,
    w: i32,
    h: i32,
}

#[derive(Debug, Deserialize)]
struct ChartRow {
    id: Uuid,
    owner_id: Uuid,
    name: String,
    description: String,
    chart_type: String,
    dataset_id: Uuid,
    spec: serde_json::Value,
    pinned_dataset_version: Option<i32>,
    version: i32,
}

#[derive(Debug, Deserialize)]
struct GrantRow {
    resource_id: Uuid,
    grantee_kind: String,
    grantee: String,
    access: String,
}

/// The dashboard, its tiles, their charts, the grants of all of them and the lowest projection checkpoint,
/// in one statement and therefore one snapshot: a document is built for every read that follows a change,
/// so its round trips weigh on every command's way to being visible.
const DOCUMENT_QUERY: &str = "\
    select d.id, d.owner_id, d.name, d.description, d.slug, d.filters, d.version, d.created_at, d.updated_at, \
           coalesce((select json_agg(json_build_object('tile_id', t.tile_id, 'chart_id', t.chart_id, \
                                       'x', t.x, 'y', t.y, 'w', t.w, 'h', t.h) order by t.y, t.x, t.tile_id) \
                       from rm_dashboard_tiles t where t.dashboard_id = d.id), '[]') as tiles, \
           coalesce((select json_agg(json_build_object('id', c.id, 'owner_id', c.owner_id, 'name', c.name, \
                                       'description', c.description, 'chart_type', c.chart_type, \
                                       'dataset_id', c.dataset_id, 'spec', c.spec, \
                                       'pinned_dataset_version', c.pinned_dataset_version, 'version', c.version)) \
                       from rm_charts c \
                      where c.id in (select t.chart_id from rm_dashboard_tiles t where t.dashboard_id = d.id) \
                        and c.deleted = false), '[]') as charts, \
           coalesce((select json_agg(json_build_object('resource_id', g.resource_id, 'grantee_kind', g.grantee_kind, \
                                       'grantee', g.grantee, 'access', g.access) order by g.grantee_kind, g.grantee) \
                       from rm_grants g \
                      where g.resource_id = any(array(select t.chart_id from rm_dashboard_tiles t \
                                                       where t.dashboard_id = d.id) || d.id)), '[]') as grants, \
           built.transaction_id as built_transaction_id, built.position as built_position \
      from rm_dashboards d \
     cross join lateral ( \
           select coalesce(c.transaction_id, 0) as transaction_id, coalesce(c.position, 0) as position \
             from unnest($2::text[]) as p(name) \
             left join projection_checkpoints c on c.projection = p.name \
            order by 1, 2 limit 1) built \
     where d.id = $1 and d.deleted = false";

/// Builds the document of dashboard `id` from one consistent snapshot (see [`DOCUMENT_QUERY`]), so that
/// `built_at` is true of everything in the document.
async fn build_document(
    pool: &PgPool,
    id: Uuid,
    generation: i64,
) -> Result<Option<DashboardDocument>, ApiError> {
    let dashboard: Option<DocumentRow> = sqlx::query_as(DOCUMENT_QUERY)
        .bind(id)
        .bind(PROJECTIONS.iter().map(|spec| spec.name).collect::<Vec<_>>())
        .fetch_optional(pool)
        .await?;
    let Some(dashboard) = dashboard else {
        return Ok(None);
    };
    let built_at = Checkpoint {
        transaction_id: dashboard.built_transaction_id,
        position: dashboard.built_position,
    };
    let (tiles, charts, grants) = (dashboard.tiles.0, dashboard.charts.0, dashboard.grants.0);
    let mut grants_by_resource: HashMap<Uuid, Vec<(String, String, String)>> = HashMap::new();
    for grant in grants {
        grants_by_resource
            .entry(grant.resource_id)
            .or_default()
            .push((grant.grantee_kind, grant.grantee, grant.access));
    }
    let mut acl_of = |resource_id: Uuid, owner_id: Uuid| DocumentAcl {
        owner_id,
        grants: grants_by_resource.remove(&resource_id).unwrap_or_default(),
    };
    let acl = acl_of(dashboard.id, dashboard.owner_id);
    let charts: HashMap<Uuid, TileChart> = charts
        .into_iter()
        .map(|chart| {
            let tile_chart = TileChart {
                acl: acl_of(chart.id, chart.owner_id),
                id: chart.id,
                name: chart.name,
                description: chart.description,
                chart_type: chart.chart_type,
                dataset_id: chart.dataset_id,
                spec: chart.spec,
                pinned_dataset_version: chart.pinned_dataset_version,
                version: chart.version,
            };
            (tile_chart.id, tile_chart)
        })
        .collect();
    let tiles = tiles
        .into_iter()
        .map(|tile| DocumentTile {
            tile_id: tile.tile_id,
            chart_id: tile.chart_id,
            x: tile.x,
            y: tile.y,
            w: tile.w,
            h: tile.h,
            // A chart may sit on several tiles, so each tile gets its own copy.
            chart: charts.get(&tile.chart_id).cloned(),
        })
        .collect();
    Ok(Some(DashboardDocument {
        id: dashboard.id,
        owner_id: dashboard.owner_id,
        name: dashboard.name,
        description: dashboard.description,
        slug: dashboard.slug,
        filters: dashboard.filters,
        version: dashboard.version,
        created_at: dashboard.created_at,
        updated_at: dashboard.updated_at,
        tiles,
        acl,
        generation,
        built_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vizpro_events::Role;

    fn acl(owner_id: Uuid, grants: &[(&str, &str, &str)]) -> DocumentAcl {
        DocumentAcl::with_grants(owner_id, grants)
    }

    fn chart(owner_id: Uuid, grants: &[(&str, &str, &str)]) -> TileChart {
        TileChart {
            id: Uuid::now_v7(),
            name: "Revenue".to_owned(),
            description: String::new(),
            chart_type: "bar".to_owned(),
            dataset_id: Uuid::now_v7(),
            spec: serde_json::json!({}),
            pinned_dataset_version: None,
            version: 1,
            acl: acl(owner_id, grants),
        }
    }

    fn document(
        owner_id: Uuid,
        grants: &[(&str, &str, &str)],
        charts: Vec<Option<TileChart>>,
    ) -> DashboardDocument {
        DashboardDocument {
            id: Uuid::now_v7(),
            owner_id,
            name: "Sales".to_owned(),
            description: String::new(),
            slug: "sales".to_owned(),
            filters: serde_json::json!([]),
            version: 3,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            tiles: charts
                .into_iter()
                .map(|chart| DocumentTile {
                    tile_id: Uuid::now_v7(),
                    chart_id: chart
                        .as_ref()
                        .map(|chart| chart.id)
                        .unwrap_or_else(Uuid::now_v7),
                    x: 0,
                    y: 0,
                    w: 4,
                    h: 3,
                    chart,
                })
                .collect(),
            acl: acl(owner_id, grants),
            generation: 0,
            built_at: Checkpoint::default(),
        }
    }

    #[test]
    fn a_stranger_cannot_see_the_dashboard() {
        let caller = Caller {
            user_id: Uuid::now_v7(),
            role: Role::Editor,
        };
        assert!(DashboardView::for_caller(document(Uuid::now_v7(), &[], vec![]), caller).is_none());
    }

    #[test]
    fn a_viewer_sees_the_layout_but_only_the_charts_shared_with_them() {
        let owner = Uuid::now_v7();
        let caller = Caller {
            user_id: Uuid::now_v7(),
            role: Role::Viewer,
        };
        let shared = chart(owner, &[("role", "viewer", "view")]);
        let private = chart(owner, &[]);
        let view = DashboardView::for_caller(
            document(
                owner,
                &[("user", &caller.user_id.to_string(), "view")],
                vec![Some(shared), Some(private), None],
            ),
            caller,
        )
        .unwrap();
        assert_eq!(view.access, "view");
        assert!(view.grants.is_none(), "grants are for those who may edit");
        let visible: Vec<bool> = view.tiles.iter().map(|tile| tile.chart.is_some()).collect();
        assert_eq!(visible, [true, false, false]);
    }
}
