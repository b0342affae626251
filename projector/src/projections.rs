//! The projections: how each event changes the read-model tables.
//!
//! Each projection owns its tables (see `vizpro_read_models::PROJECTIONS`) and ignores events of streams it
//! does not follow. Table names go through [`Tables`] so that the same code fills the live tables and the
//! shadow tables of a rebuild. Timestamps come from the events' `recorded_at`, never from a clock, so a
//! rebuild produces exactly the rows the live projection produced.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use vizpro_event_store::StoredEvent;
use vizpro_events::{
    AccessGranted, AccessRevoked, ChartEvent, DashboardEvent, DataSourceEvent, DatasetEvent,
    DomainEvent, Grantee, UserEvent, codec,
};

/// Which set of tables a projection writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tables {
    suffix: &'static str,
}

impl Tables {
    /// The tables the query API reads.
    pub const LIVE: Tables = Tables { suffix: "" };
    /// The tables a rebuild fills before they are swapped in.
    pub const SHADOW: Tables = Tables { suffix: "_rebuild" };

    /// The name of `base` in this set. `base` is always one of the constant table names, never input.
    pub fn name(&self, base: &str) -> String {
        format!("{base}{}", self.suffix)
    }
}

/// Why an event could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot decode the event: {0}")]
    Codec(#[from] vizpro_events::CodecError),
    #[error("{0}")]
    Inconsistent(String),
}

/// What an applied event means outside PostgreSQL.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Effects {
    /// Dashboards whose cached documents no longer hold.
    pub stale_dashboards: BTreeSet<Uuid>,
}

/// Applies `event` to the projection called `projection`.
pub async fn apply(
    projection: &str,
    connection: &mut PgConnection,
    event: &StoredEvent,
    tables: Tables,
    effects: &mut Effects,
) -> Result<(), ProjectionError> {
    match projection {
        "users" => users(connection, event, tables).await,
        "data_sources" => data_sources(connection, event, tables).await,
        "datasets" => datasets(connection, event, tables).await,
        "charts" => charts(connection, event, tables, effects).await,
        "dashboards" => dashboards(connection, event, tables, effects).await,
        "grants" => grants(connection, event, tables, effects).await,
        other => Err(ProjectionError::Inconsistent(format!(
            "there is no projection called {other}"
        ))),
    }
}

fn decode<E: DomainEvent>(event: &StoredEvent) -> Result<Option<E>, ProjectionError> {
    if event.stream_type != E::STREAM_TYPE {
        return Ok(None);
    }
    Ok(Some(codec::decode(
        &event.event_type,
        event.schema_version,
        event.payload.clone(),
    )?))
}

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ProjectionError> {
    serde_json::to_value(value).map_err(|error| ProjectionError::Inconsistent(error.to_string()))
}

/// Sets `assignments` (a constant SQL fragment with `$3`, `$4`, … placeholders) on the row of the
/// event's stream and advances its version. Binds `$1` = id, `$2` = version, then `values` in order.
async fn update_row(
    connection: &mut PgConnection,
    table: &str,
    id_column: &str,
    event: &StoredEvent,
    assignments: &str,
    values: Vec<SqlValue>,
) -> Result<(), ProjectionError> {
    let separator = if assignments.is_empty() { "" } else { ", " };
    let sql = format!(
        "update {table} set version = $2, updated_at = $3{separator}{assignments} where {id_column} = $1 and version < $2"
    );
    let mut query = sqlx::query(&sql)
        .bind(event.stream_id)
        .bind(event.version)
        .bind(event.recorded_at);
    for value in values {
        query = match value {
            SqlValue::Text(text) => query.bind(text),
            SqlValue::OptionalText(text) => query.bind(text),
            SqlValue::Json(value) => query.bind(value),
            SqlValue::OptionalInteger(number) => query.bind(number),
            SqlValue::Integer(number) => query.bind(number),
            SqlValue::Bool(flag) => query.bind(flag),
            SqlValue::Time(time) => query.bind(time),
        };
    }
    query.execute(&mut *connection).await?;
    Ok(())
}

/// The events every shareable resource has, applied the same way to its table (`id` keyed): the grants
/// themselves live in `rm_grants`, so granting and revoking only advance the row's version.
async fn rename(
    connection: &mut PgConnection,
    table: &str,
    event: &StoredEvent,
    name: String,
) -> Result<(), ProjectionError> {
    update_row(
        connection,
        table,
        "id",
        event,
        "name = $4",
        vec![SqlValue::Text(name)],
    )
    .await
}

async fn describe(
    connection: &mut PgConnection,
    table: &str,
    event: &StoredEvent,
    description: String,
) -> Result<(), ProjectionError> {
    update_row(
        connection,
        table,
        "id",
        event,
        "description = $4",
        vec![SqlValue::Text(description)],
    )
    .await
}

async fn mark_deleted(
    connection: &mut PgConnection,
    table: &str,
    event: &StoredEvent,
) -> Result<(), ProjectionError> {
    update_row(
        connection,
        table,
        "id",
        event,
        "deleted = $4",
        vec![SqlValue::Bool(true)],
    )
    .await
}

async fn touch(
    connection: &mut PgConnection,
    table: &str,
    event: &StoredEvent,
) -> Result<(), ProjectionError> {
    update_row(connection, table, "id", event, "", vec![]).await
}

/// A value bound into an update.
#[derive(Debug)]
enum SqlValue {
    Text(String),
    OptionalText(Option<String>),
    Json(serde_json::Value),
    OptionalInteger(Option<i32>),
    Integer(i32),
    Bool(bool),
    Time(DateTime<Utc>),
}

async fn users(
    connection: &mut PgConnection,
    event: &StoredEvent,
    tables: Tables,
) -> Result<(), ProjectionError> {
    let Some(user_event) = decode::<UserEvent>(event)? else {
        return Ok(());
    };
    let table = tables.name("rm_users");
    match user_event {
        UserEvent::Registered(registered) => {
            sqlx::query(&format!(
                "insert into {table} (user_id, email, display_name, role, created_at, updated_at, version) \
                 values ($1, $2, $3, $4, $5, $5, $6) on conflict (user_id) do nothing"
            ))
            .bind(event.stream_id)
            .bind(&registered.email)
            .bind(&registered.display_name)
            .bind(registered.role.as_str())
            .bind(event.recorded_at)
            .bind(event.version)
            .execute(&mut *connection)
            .await?;
            Ok(())
        }
        UserEvent::DisplayNameChanged(changed) => {
            let values = vec![SqlValue::Text(changed.display_name)];
            update_row(
                connection,
                &table,
                "user_id",
                event,
                "display_name = $4",
                values,
            )
            .await
        }
        UserEvent::RoleChanged(changed) => {
            let values = vec![SqlValue::Text(changed.to.as_str().to_owned())];
            update_row(connection, &table, "user_id", event, "role = $4", values).await
        }
        UserEvent::Deactivated(_) => {
            update_row(
                connection,
                &table,
                "user_id",
                event,
                "deactivated = $4",
                vec![SqlValue::Bool(true)],
            )
            .await
        }
        UserEvent::SignedIn(_) => {
            let values = vec![SqlValue::Time(event.recorded_at)];
            update_row(
                connection,
                &table,
                "user_id",
                event,
                "last_sign_in = $4",
                values,
            )
            .await
        }
        UserEvent::PasswordChanged(_)
        | UserEvent::SignInFailed(_)
        | UserEvent::SignedOut(_)
        | UserEvent::RefreshTokenReuseDetected(_) => {
            update_row(connection, &table, "user_id", event, "", vec![]).await
        }
    }
}

async fn data_sources(
    connection: &mut PgConnection,
    event: &StoredEvent,
    tables: Tables,
) -> Result<(), ProjectionError> {
    let Some(data_source_event) = decode::<DataSourceEvent>(event)? else {
        return Ok(());
    };
    let table = tables.name("rm_data_sources");
    match data_source_event {
        DataSourceEvent::Created(created) => {
            sqlx::query(&format!(
                "insert into {table} (id, owner_id, name, description, kind, display_address, sealed_connection, created_at, updated_at, version) \
                 values ($1, $2, $3, $4, $5, $6, $9, $7, $7, $8) on conflict (id) do nothing"
            ))
            .bind(event.stream_id)
            .bind(created.owner_id)
            .bind(&created.name)
            .bind(&created.description)
            .bind(json(&created.kind)?.as_str().unwrap_or_default().to_owned())
            .bind(&created.display_address)
            .bind(event.recorded_at)
            .bind(event.version)
            .bind(created.connection.as_ref().map(json).transpose()?)
            .execute(&mut *connection)
            .await?;
            Ok(())
        }
        DataSourceEvent::Renamed(renamed) => rename(connection, &table, event, renamed.name).await,
        DataSourceEvent::DescriptionChanged(changed) => {
            describe(connection, &table, event, changed.description).await
        }
        DataSourceEvent::ConnectionChanged(changed) => {
            let values = vec![
                SqlValue::OptionalText(Some(changed.display_address)),
                SqlValue::Json(json(&changed.connection)?),
            ];
            update_row(
                connection,
                &table,
                "id",
                event,
                "display_address = $4, sealed_connection = $5",
                values,
            )
            .await
        }
        DataSourceEvent::Deleted(_) => mark_deleted(connection, &table, event).await,
        DataSourceEvent::AccessGranted(_) | DataSourceEvent::AccessRevoked(_) => {
            touch(connection, &table, event).await
        }
    }
}

async fn datasets(
    connection: &mut PgConnection,
    event: &StoredEvent,
    tables: Tables,
) -> Result<(), ProjectionError> {
    let Some(dataset_event) = decode::<DatasetEvent>(event)? else {
        return Ok(());
    };
    let table = tables.name("rm_datasets");
    match dataset_event {
        DatasetEvent::Created(created) => {
            sqlx::query(&format!(
                "insert into {table} (id, owner_id, name, description, source, created_at, updated_at, version) \
                 values ($1, $2, $3, $4, $5, $6, $6, $7) on conflict (id) do nothing"
            ))
            .bind(event.stream_id)
            .bind(created.owner_id)
            .bind(&created.name)
            .bind(&created.description)
            .bind(json(&created.source)?)
            .bind(event.recorded_at)
            .bind(event.version)
            .execute(&mut *connection)
            .await?;
            Ok(())
        }
        DatasetEvent::Renamed(renamed) => rename(connection, &table, event, renamed.name).await,
        DatasetEvent::DescriptionChanged(changed) => {
            describe(connection, &table, event, changed.description).await
        }
        DatasetEvent::VersionAdded(added) => {
            sqlx::query(&format!(
                "insert into {} (dataset_id, dataset_version, location, columns, row_count, bytes, checksum_sha256, added_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing",
                tables.name("rm_dataset_versions")
            ))
            .bind(event.stream_id)
            .bind(added.version)
            .bind(&added.location)
            .bind(json(&added.columns)?)
            .bind(added.row_count)
            .bind(added.bytes)
            .bind(&added.checksum_sha256)
            .bind(event.recorded_at)
            .execute(&mut *connection)
            .await?;
            let values = vec![SqlValue::Integer(added.version)];
            update_row(
                connection,
                &table,
                "id",
                event,
                "latest_version = $4",
                values,
            )
            .await
        }
        DatasetEvent::Deleted(_) => mark_deleted(connection, &table, event).await,
        DatasetEvent::AccessGranted(_) | DatasetEvent::AccessRevoked(_) => {
            touch(connection, &table, event).await
        }
    }
}

/// Every dashboard that shows `chart_id`, as the live tiles say.
async fn dashboards_showing(
    connection: &mut PgConnection,
    chart_id: Uuid,
    effects: &mut Effects,
) -> Result<(), ProjectionError> {
    let dashboards: Vec<Uuid> = sqlx::query_scalar(
        "select distinct dashboard_id from rm_dashboard_tiles where chart_id = $1",
    )
    .bind(chart_id)
    .fetch_all(&mut *connection)
    .await?;
    effects.stale_dashboards.extend(dashboards);
    Ok(())
}

async fn charts(
    connection: &mut PgConnection,
    event: &StoredEvent,
    tables: Tables,
    effects: &mut Effects,
) -> Result<(), ProjectionError> {
    let Some(chart_event) = decode::<ChartEvent>(event)? else {
        return Ok(());
    };
    let table = tables.name("rm_charts");
    if tables == Tables::LIVE {
        dashboards_showing(connection, event.stream_id, effects).await?;
    }
    match chart_event {
        ChartEvent::Created(created) => {
            sqlx::query(&format!(
                "insert into {table} (id, owner_id, dataset_id, name, description, chart_type, spec, \
                                      pinned_dataset_version, created_at, updated_at, version) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) on conflict (id) do nothing"
            ))
            .bind(event.stream_id)
            .bind(created.owner_id)
            .bind(created.dataset_id)
            .bind(&created.name)
            .bind(&created.description)
            .bind(created.chart_type.as_str())
            .bind(json(&created.spec)?)
            .bind(created.pinned_dataset_version)
            .bind(event.recorded_at)
            .bind(event.version)
            .execute(&mut *connection)
            .await?;
            Ok(())
        }
        ChartEvent::Renamed(renamed) => rename(connection, &table, event, renamed.name).await,
        ChartEvent::DescriptionChanged(changed) => {
            describe(connection, &table, event, changed.description).await
        }
        ChartEvent::Reconfigured(reconfigured) => {
            let values = vec![
                SqlValue::Text(reconfigured.chart_type.as_str().to_owned()),
                SqlValue::Json(json(&reconfigured.spec)?),
            ];
            update_row(
                connection,
                &table,
                "id",
                event,
                "chart_type = $4, spec = $5",
                values,
            )
            .await
        }
        ChartEvent::DatasetVersionPinned(pinned) => {
            let values = vec![SqlValue::OptionalInteger(pinned.version)];
            update_row(
                connection,
                &table,
                "id",
                event,
                "pinned_dataset_version = $4",
                values,
            )
            .await
        }
        ChartEvent::Deleted(_) => mark_deleted(connection, &table, event).await,
        ChartEvent::AccessGranted(_) | ChartEvent::AccessRevoked(_) => {
            touch(connection, &table, event).await
        }
    }
}

async fn dashboards(
    connection: &mut PgConnection,
    event: &StoredEvent,
    tables: Tables,
    effects: &mut Effects,
) -> Result<(), ProjectionError> {
    let Some(dashboard_event) = decode::<DashboardEvent>(event)? else {
        return Ok(());
    };
    let table = tables.name("rm_dashboards");
    let tiles = tables.name("rm_dashboard_tiles");
    effects.stale_dashboards.insert(event.stream_id);
    match dashboard_event {
        DashboardEvent::Created(created) => {
            sqlx::query(&format!(
                "insert into {table} (id, owner_id, name, description, slug, created_at, updated_at, version) \
                 values ($1, $2, $3, $4, $5, $6, $6, $7) on conflict (id) do nothing"
            ))
            .bind(event.stream_id)
            .bind(created.owner_id)
            .bind(&created.name)
            .bind(&created.description)
            .bind(&created.slug)
            .bind(event.recorded_at)
            .bind(event.version)
            .execute(&mut *connection)
            .await?;
            Ok(())
        }
        DashboardEvent::Renamed(renamed) => rename(connection, &table, event, renamed.name).await,
        DashboardEvent::DescriptionChanged(changed) => {
            describe(connection, &table, event, changed.description).await
        }
        DashboardEvent::SlugChanged(changed) => {
            update_row(
                connection,
                &table,
                "id",
                event,
                "slug = $4",
                vec![SqlValue::Text(changed.to)],
            )
            .await
        }
        DashboardEvent::TileAdded(added) => {
            sqlx::query(&format!(
                "insert into {tiles} (dashboard_id, tile_id, chart_id, x, y, w, h) values ($1, $2, $3, $4, $5, $6, $7) \
                 on conflict do nothing"
            ))
            .bind(event.stream_id)
            .bind(added.tile_id)
            .bind(added.chart_id)
            .bind(added.cell.x)
            .bind(added.cell.y)
            .bind(added.cell.w)
            .bind(added.cell.h)
            .execute(&mut *connection)
            .await?;
            touch(connection, &table, event).await
        }
        DashboardEvent::TileRemoved(removed) => {
            sqlx::query(&format!(
                "delete from {tiles} where dashboard_id = $1 and tile_id = $2"
            ))
            .bind(event.stream_id)
            .bind(removed.tile_id)
            .execute(&mut *connection)
            .await?;
            touch(connection, &table, event).await
        }
        DashboardEvent::LayoutChanged(changed) => {
            for placement in &changed.placements {
                sqlx::query(&format!(
                    "update {tiles} set x = $3, y = $4, w = $5, h = $6 where dashboard_id = $1 and tile_id = $2"
                ))
                .bind(event.stream_id)
                .bind(placement.tile_id)
                .bind(placement.cell.x)
                .bind(placement.cell.y)
                .bind(placement.cell.w)
                .bind(placement.cell.h)
                .execute(&mut *connection)
                .await?;
            }
            touch(connection, &table, event).await
        }
        DashboardEvent::FiltersChanged(changed) => {
            let values = vec![SqlValue::Json(json(&changed.filters)?)];
            update_row(connection, &table, "id", event, "filters = $4", values).await
        }
        DashboardEvent::Deleted(_) => mark_deleted(connection, &table, event).await,
        DashboardEvent::AccessGranted(_) | DashboardEvent::AccessRevoked(_) => {
            touch(connection, &table, event).await
        }
    }
}

/// Grants of every shareable resource, read from the `access_granted`, `access_revoked` and `deleted`
/// events that all of them share.
async fn grants(
    connection: &mut PgConnection,
    event: &StoredEvent,
    tables: Tables,
    effects: &mut Effects,
) -> Result<(), ProjectionError> {
    let shareable = ["data_source", "dataset", "chart", "dashboard"];
    if !shareable.contains(&event.stream_type.as_str()) {
        return Ok(());
    }
    let table = tables.name("rm_grants");
    match event.event_type.as_str() {
        "access_granted" => {
            let granted: AccessGranted =
                serde_json::from_value(event.payload.clone()).map_err(|error| {
                    ProjectionError::Inconsistent(format!("malformed access_granted: {error}"))
                })?;
            let (kind, grantee) = grantee_columns(&granted.grantee);
            sqlx::query(&format!(
                "insert into {table} (resource_type, resource_id, grantee_kind, grantee, access) values ($1, $2, $3, $4, $5) \
                 on conflict (resource_id, grantee_kind, grantee) do update set access = excluded.access"
            ))
            .bind(&event.stream_type)
            .bind(event.stream_id)
            .bind(kind)
            .bind(grantee)
            .bind(granted.access.as_str())
            .execute(&mut *connection)
            .await?;
            if tables == Tables::LIVE {
                invalidate_for_grant(connection, event, effects).await?;
            }
            Ok(())
        }
        "access_revoked" => {
            let revoked: AccessRevoked =
                serde_json::from_value(event.payload.clone()).map_err(|error| {
                    ProjectionError::Inconsistent(format!("malformed access_revoked: {error}"))
                })?;
            let (kind, grantee) = grantee_columns(&revoked.grantee);
            sqlx::query(&format!(
                "delete from {table} where resource_id = $1 and grantee_kind = $2 and grantee = $3"
            ))
            .bind(event.stream_id)
            .bind(kind)
            .bind(grantee)
            .execute(&mut *connection)
            .await?;
            if tables == Tables::LIVE {
                invalidate_for_grant(connection, event, effects).await?;
            }
            Ok(())
        }
        "deleted" => {
            sqlx::query(&format!("delete from {table} where resource_id = $1"))
                .bind(event.stream_id)
                .execute(&mut *connection)
                .await?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A grant changes who sees a dashboard document: the dashboard's own, or every document showing the chart.
async fn invalidate_for_grant(
    connection: &mut PgConnection,
    event: &StoredEvent,
    effects: &mut Effects,
) -> Result<(), ProjectionError> {
    match event.stream_type.as_str() {
        "dashboard" => {
            effects.stale_dashboards.insert(event.stream_id);
            Ok(())
        }
        "chart" => dashboards_showing(connection, event.stream_id, effects).await,
        _ => Ok(()),
    }
}

fn grantee_columns(grantee: &Grantee) -> (&'static str, String) {
    match grantee {
        Grantee::User { user_id } => ("user", user_id.to_string()),
        Grantee::Role { role } => ("role", role.as_str().to_owned()),
    }
}
