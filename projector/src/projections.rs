//! The projections: how each event changes the read-model tables.
//!
//! Each projection owns its tables (see `vizpro_read_models::PROJECTIONS`) and ignores events of streams it
//! does not follow. [`plan`] is pure: it turns an event into [`Change`]s and names the cached documents the
//! event makes stale, without touching a database. [`apply`] executes a plan inside the caller's
//! transaction; a rebuild folds plans in memory instead (see `crate::rebuild`). Table names go through
//! [`Tables`] so that the same changes fill the live tables and the shadow tables of a rebuild. Timestamps
//! come from the events' `recorded_at`, never from a clock, so a rebuild produces exactly the rows the live
//! projection produced.

use std::collections::BTreeSet;

use sqlx::PgConnection;
use uuid::Uuid;
use vizpro_event_store::EventView;
use vizpro_events::{
    AccessGranted, AccessRevoked, ChartEvent, DashboardEvent, DataSourceEvent, DatasetEvent,
    DomainEvent, Grantee, UserEvent,
};

use crate::changes::{
    CHARTS, Change, DASHBOARD_TILES, DASHBOARDS, DATA_SOURCES, DATASET_VERSIONS, DATASETS, GRANTS,
    Row, Table, USERS, Value,
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
    /// Whether a chart, dataset, data source or grant row changed, which the query API's held chart
    /// sources depend on.
    pub chart_sources_changed: bool,
}

impl Effects {
    /// Adds what `other` means to what this one does.
    pub fn absorb(&mut self, other: Effects) {
        self.stale_dashboards.extend(other.stale_dashboards);
        self.chart_sources_changed |= other.chart_sources_changed;
    }

    /// Whether there is nothing to do outside PostgreSQL.
    pub fn is_empty(&self) -> bool {
        self.stale_dashboards.is_empty() && !self.chart_sources_changed
    }
}

/// The projections whose tables a chart-data read consults for the chart, its dataset version, its
/// data source and who may see them.
const CHART_SOURCE_PROJECTIONS: &[&str] = &["charts", "datasets", "data_sources", "grants"];

/// A cached dashboard document an event makes stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// The dashboard's own document.
    Dashboard(Uuid),
    /// Every dashboard that shows the chart, as the live tiles say when the event is applied.
    DashboardsShowing(Uuid),
}

/// What an event does to a projection.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Planned {
    pub changes: Vec<Change>,
    pub stale: Vec<Stale>,
}

impl Planned {
    fn changes(changes: Vec<Change>) -> Self {
        Planned {
            changes,
            stale: Vec::new(),
        }
    }

    fn nothing() -> Self {
        Planned::default()
    }

    fn stale(mut self, stale: Stale) -> Self {
        self.stale.push(stale);
        self
    }
}

/// What `event` does to the projection called `projection`.
pub fn plan(projection: &str, event: &EventView<'_>) -> Result<Planned, ProjectionError> {
    match projection {
        "users" => users(event),
        "data_sources" => data_sources(event),
        "datasets" => datasets(event),
        "charts" => charts(event),
        "dashboards" => dashboards(event),
        "grants" => grants(event),
        other => Err(ProjectionError::Inconsistent(format!(
            "there is no projection called {other}"
        ))),
    }
}

/// Applies `event` to the projection called `projection`, in the caller's transaction.
pub async fn apply(
    projection: &str,
    connection: &mut PgConnection,
    event: &EventView<'_>,
    tables: Tables,
    effects: &mut Effects,
) -> Result<(), ProjectionError> {
    let planned = plan(projection, event)?;
    if tables == Tables::LIVE
        && !planned.changes.is_empty()
        && CHART_SOURCE_PROJECTIONS.contains(&projection)
    {
        effects.chart_sources_changed = true;
    }
    for change in planned.changes {
        change.execute(connection, tables).await?;
    }
    // Only the live tables back cached documents; a rebuild's stale documents are invalidated when its
    // tables are swapped in.
    if tables == Tables::LIVE {
        for stale in planned.stale {
            match stale {
                Stale::Dashboard(dashboard_id) => {
                    effects.stale_dashboards.insert(dashboard_id);
                }
                Stale::DashboardsShowing(chart_id) => {
                    let dashboards: Vec<Uuid> = sqlx::query_scalar(
                        "select distinct dashboard_id from rm_dashboard_tiles where chart_id = $1",
                    )
                    .bind(chart_id)
                    .fetch_all(&mut *connection)
                    .await?;
                    effects.stale_dashboards.extend(dashboards);
                }
            }
        }
    }
    Ok(())
}

fn decode<E: DomainEvent>(event: &EventView<'_>) -> Result<Option<E>, ProjectionError> {
    if event.stream_type != E::STREAM_TYPE {
        return Ok(None);
    }
    Ok(Some(event.decode()?))
}

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ProjectionError> {
    serde_json::to_value(value).map_err(|error| ProjectionError::Inconsistent(error.to_string()))
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

/// Sets `set` on the row of the event's stream and advances its version, unless the row already has the
/// event (its version is not older).
fn update(table: &'static Table, event: &EventView<'_>, set: Row) -> Change {
    let mut assignments = vec![
        ("version", Value::Integer(event.version)),
        ("updated_at", Value::Time(event.recorded_at)),
    ];
    assignments.extend(set);
    Change::Update {
        table,
        key: vec![Value::Uuid(event.stream_id)],
        older_than: Some(event.version),
        set: assignments,
    }
}

/// Granting and revoking live in `rm_grants`; on the resource's own row they only advance the version.
fn touch(table: &'static Table, event: &EventView<'_>) -> Change {
    update(table, event, Vec::new())
}

fn rename(table: &'static Table, event: &EventView<'_>, name: &str) -> Change {
    update(table, event, vec![("name", text(name))])
}

fn describe(table: &'static Table, event: &EventView<'_>, description: &str) -> Change {
    update(table, event, vec![("description", text(description))])
}

fn mark_deleted(table: &'static Table, event: &EventView<'_>) -> Change {
    update(table, event, vec![("deleted", Value::Bool(true))])
}

fn users(event: &EventView<'_>) -> Result<Planned, ProjectionError> {
    let Some(user_event) = decode::<UserEvent>(event)? else {
        return Ok(Planned::nothing());
    };
    let change = match user_event {
        UserEvent::Registered(registered) => Change::Insert {
            table: &USERS,
            row: vec![
                ("user_id", Value::Uuid(event.stream_id)),
                ("email", text(&registered.email)),
                ("display_name", text(&registered.display_name)),
                ("role", text(registered.role.as_str())),
                ("created_at", Value::Time(event.recorded_at)),
                ("updated_at", Value::Time(event.recorded_at)),
                ("version", Value::Integer(event.version)),
            ],
        },
        UserEvent::DisplayNameChanged(changed) => update(
            &USERS,
            event,
            vec![("display_name", text(&changed.display_name))],
        ),
        UserEvent::RoleChanged(changed) => {
            update(&USERS, event, vec![("role", text(changed.to.as_str()))])
        }
        UserEvent::Deactivated(_) => {
            update(&USERS, event, vec![("deactivated", Value::Bool(true))])
        }
        UserEvent::SignedIn(_) => update(
            &USERS,
            event,
            vec![("last_sign_in", Value::OptionalTime(Some(event.recorded_at)))],
        ),
        UserEvent::PasswordChanged(_)
        | UserEvent::SignInFailed(_)
        | UserEvent::SignedOut(_)
        | UserEvent::RefreshTokenReuseDetected(_) => touch(&USERS, event),
    };
    Ok(Planned::changes(vec![change]))
}

fn data_sources(event: &EventView<'_>) -> Result<Planned, ProjectionError> {
    let Some(data_source_event) = decode::<DataSourceEvent>(event)? else {
        return Ok(Planned::nothing());
    };
    let change = match data_source_event {
        DataSourceEvent::Created(created) => Change::Insert {
            table: &DATA_SOURCES,
            row: vec![
                ("id", Value::Uuid(event.stream_id)),
                ("owner_id", Value::Uuid(created.owner_id)),
                ("name", text(&created.name)),
                ("description", text(&created.description)),
                (
                    "kind",
                    text(json(&created.kind)?.as_str().unwrap_or_default()),
                ),
                (
                    "display_address",
                    Value::OptionalText(created.display_address.clone()),
                ),
                (
                    "sealed_connection",
                    Value::OptionalJson(created.connection.as_ref().map(json).transpose()?),
                ),
                ("created_at", Value::Time(event.recorded_at)),
                ("updated_at", Value::Time(event.recorded_at)),
                ("version", Value::Integer(event.version)),
            ],
        },
        DataSourceEvent::Renamed(renamed) => rename(&DATA_SOURCES, event, &renamed.name),
        DataSourceEvent::DescriptionChanged(changed) => {
            describe(&DATA_SOURCES, event, &changed.description)
        }
        DataSourceEvent::ConnectionChanged(changed) => update(
            &DATA_SOURCES,
            event,
            vec![
                (
                    "display_address",
                    Value::OptionalText(Some(changed.display_address.clone())),
                ),
                (
                    "sealed_connection",
                    Value::OptionalJson(Some(json(&changed.connection)?)),
                ),
            ],
        ),
        DataSourceEvent::Deleted(_) => mark_deleted(&DATA_SOURCES, event),
        DataSourceEvent::AccessGranted(_) | DataSourceEvent::AccessRevoked(_) => {
            touch(&DATA_SOURCES, event)
        }
    };
    Ok(Planned::changes(vec![change]))
}

fn datasets(event: &EventView<'_>) -> Result<Planned, ProjectionError> {
    let Some(dataset_event) = decode::<DatasetEvent>(event)? else {
        return Ok(Planned::nothing());
    };
    let changes = match dataset_event {
        DatasetEvent::Created(created) => vec![Change::Insert {
            table: &DATASETS,
            row: vec![
                ("id", Value::Uuid(event.stream_id)),
                ("owner_id", Value::Uuid(created.owner_id)),
                ("name", text(&created.name)),
                ("description", text(&created.description)),
                ("source", Value::Json(json(&created.source)?)),
                ("created_at", Value::Time(event.recorded_at)),
                ("updated_at", Value::Time(event.recorded_at)),
                ("version", Value::Integer(event.version)),
            ],
        }],
        DatasetEvent::Renamed(renamed) => vec![rename(&DATASETS, event, &renamed.name)],
        DatasetEvent::DescriptionChanged(changed) => {
            vec![describe(&DATASETS, event, &changed.description)]
        }
        DatasetEvent::VersionAdded(added) => vec![
            Change::Insert {
                table: &DATASET_VERSIONS,
                row: vec![
                    ("dataset_id", Value::Uuid(event.stream_id)),
                    ("dataset_version", Value::Integer(added.version)),
                    ("location", text(&added.location)),
                    ("columns", Value::Json(json(&added.columns)?)),
                    ("row_count", Value::BigInteger(added.row_count)),
                    ("bytes", Value::BigInteger(added.bytes)),
                    ("checksum_sha256", text(&added.checksum_sha256)),
                    ("added_at", Value::Time(event.recorded_at)),
                ],
            },
            update(
                &DATASETS,
                event,
                vec![("latest_version", Value::Integer(added.version))],
            ),
        ],
        DatasetEvent::Deleted(_) => vec![mark_deleted(&DATASETS, event)],
        DatasetEvent::AccessGranted(_) | DatasetEvent::AccessRevoked(_) => {
            vec![touch(&DATASETS, event)]
        }
    };
    Ok(Planned::changes(changes))
}

fn charts(event: &EventView<'_>) -> Result<Planned, ProjectionError> {
    let Some(chart_event) = decode::<ChartEvent>(event)? else {
        return Ok(Planned::nothing());
    };
    let change = match chart_event {
        ChartEvent::Created(created) => Change::Insert {
            table: &CHARTS,
            row: vec![
                ("id", Value::Uuid(event.stream_id)),
                ("owner_id", Value::Uuid(created.owner_id)),
                ("dataset_id", Value::Uuid(created.dataset_id)),
                ("name", text(&created.name)),
                ("description", text(&created.description)),
                ("chart_type", text(created.chart_type.as_str())),
                ("spec", Value::Json(json(&created.spec)?)),
                (
                    "pinned_dataset_version",
                    Value::OptionalInteger(created.pinned_dataset_version),
                ),
                ("created_at", Value::Time(event.recorded_at)),
                ("updated_at", Value::Time(event.recorded_at)),
                ("version", Value::Integer(event.version)),
            ],
        },
        ChartEvent::Renamed(renamed) => rename(&CHARTS, event, &renamed.name),
        ChartEvent::DescriptionChanged(changed) => describe(&CHARTS, event, &changed.description),
        ChartEvent::Reconfigured(reconfigured) => update(
            &CHARTS,
            event,
            vec![
                ("chart_type", text(reconfigured.chart_type.as_str())),
                ("spec", Value::Json(json(&reconfigured.spec)?)),
            ],
        ),
        ChartEvent::DatasetVersionPinned(pinned) => update(
            &CHARTS,
            event,
            vec![(
                "pinned_dataset_version",
                Value::OptionalInteger(pinned.version),
            )],
        ),
        ChartEvent::Deleted(_) => mark_deleted(&CHARTS, event),
        ChartEvent::AccessGranted(_) | ChartEvent::AccessRevoked(_) => touch(&CHARTS, event),
    };
    // Every document showing the chart embeds its name, type and spec.
    Ok(Planned::changes(vec![change]).stale(Stale::DashboardsShowing(event.stream_id)))
}

fn dashboards(event: &EventView<'_>) -> Result<Planned, ProjectionError> {
    let Some(dashboard_event) = decode::<DashboardEvent>(event)? else {
        return Ok(Planned::nothing());
    };
    let changes = match dashboard_event {
        DashboardEvent::Created(created) => vec![Change::Insert {
            table: &DASHBOARDS,
            row: vec![
                ("id", Value::Uuid(event.stream_id)),
                ("owner_id", Value::Uuid(created.owner_id)),
                ("name", text(&created.name)),
                ("description", text(&created.description)),
                ("slug", text(&created.slug)),
                ("created_at", Value::Time(event.recorded_at)),
                ("updated_at", Value::Time(event.recorded_at)),
                ("version", Value::Integer(event.version)),
            ],
        }],
        DashboardEvent::Renamed(renamed) => vec![rename(&DASHBOARDS, event, &renamed.name)],
        DashboardEvent::DescriptionChanged(changed) => {
            vec![describe(&DASHBOARDS, event, &changed.description)]
        }
        DashboardEvent::SlugChanged(changed) => {
            vec![update(
                &DASHBOARDS,
                event,
                vec![("slug", text(&changed.to))],
            )]
        }
        DashboardEvent::TileAdded(added) => vec![
            Change::Insert {
                table: &DASHBOARD_TILES,
                row: vec![
                    ("dashboard_id", Value::Uuid(event.stream_id)),
                    ("tile_id", Value::Uuid(added.tile_id)),
                    ("chart_id", Value::Uuid(added.chart_id)),
                    ("x", Value::Integer(added.cell.x)),
                    ("y", Value::Integer(added.cell.y)),
                    ("w", Value::Integer(added.cell.w)),
                    ("h", Value::Integer(added.cell.h)),
                ],
            },
            touch(&DASHBOARDS, event),
        ],
        DashboardEvent::TileRemoved(removed) => vec![
            Change::Delete {
                table: &DASHBOARD_TILES,
                key: vec![Value::Uuid(event.stream_id), Value::Uuid(removed.tile_id)],
            },
            touch(&DASHBOARDS, event),
        ],
        DashboardEvent::LayoutChanged(changed) => {
            let mut changes: Vec<Change> = changed
                .placements
                .iter()
                .map(|placement| Change::Update {
                    table: &DASHBOARD_TILES,
                    key: vec![Value::Uuid(event.stream_id), Value::Uuid(placement.tile_id)],
                    older_than: None,
                    set: vec![
                        ("x", Value::Integer(placement.cell.x)),
                        ("y", Value::Integer(placement.cell.y)),
                        ("w", Value::Integer(placement.cell.w)),
                        ("h", Value::Integer(placement.cell.h)),
                    ],
                })
                .collect();
            changes.push(touch(&DASHBOARDS, event));
            changes
        }
        DashboardEvent::FiltersChanged(changed) => vec![update(
            &DASHBOARDS,
            event,
            vec![("filters", Value::Json(json(&changed.filters)?))],
        )],
        DashboardEvent::Deleted(_) => vec![mark_deleted(&DASHBOARDS, event)],
        DashboardEvent::AccessGranted(_) | DashboardEvent::AccessRevoked(_) => {
            vec![touch(&DASHBOARDS, event)]
        }
    };
    Ok(Planned::changes(changes).stale(Stale::Dashboard(event.stream_id)))
}

/// Grants of every shareable resource, read from the `access_granted`, `access_revoked` and `deleted`
/// events that all of them share.
fn grants(event: &EventView<'_>) -> Result<Planned, ProjectionError> {
    let shareable = ["data_source", "dataset", "chart", "dashboard"];
    if !shareable.contains(&event.stream_type) {
        return Ok(Planned::nothing());
    }
    // A grant changes who sees a dashboard document: the dashboard's own, or every document showing the chart.
    let stale = match event.stream_type {
        "dashboard" => Some(Stale::Dashboard(event.stream_id)),
        "chart" => Some(Stale::DashboardsShowing(event.stream_id)),
        _ => None,
    };
    let with_stale = |planned: Planned| match stale {
        Some(stale) => planned.stale(stale),
        None => planned,
    };
    match event.event_type {
        "access_granted" => {
            let granted: AccessGranted = event.payload_as().map_err(|error| {
                ProjectionError::Inconsistent(format!("malformed access_granted: {error}"))
            })?;
            let (kind, grantee) = grantee_columns(&granted.grantee);
            Ok(with_stale(Planned::changes(vec![Change::Upsert {
                table: &GRANTS,
                row: vec![
                    ("resource_type", text(event.stream_type)),
                    ("resource_id", Value::Uuid(event.stream_id)),
                    ("grantee_kind", text(kind)),
                    ("grantee", Value::Text(grantee)),
                    ("access", text(granted.access.as_str())),
                ],
                update: &["access"],
            }])))
        }
        "access_revoked" => {
            let revoked: AccessRevoked = event.payload_as().map_err(|error| {
                ProjectionError::Inconsistent(format!("malformed access_revoked: {error}"))
            })?;
            let (kind, grantee) = grantee_columns(&revoked.grantee);
            Ok(with_stale(Planned::changes(vec![Change::Delete {
                table: &GRANTS,
                key: vec![
                    Value::Uuid(event.stream_id),
                    text(kind),
                    Value::Text(grantee),
                ],
            }])))
        }
        "deleted" => Ok(Planned::changes(vec![Change::Delete {
            table: &GRANTS,
            key: vec![Value::Uuid(event.stream_id)],
        }])),
        _ => Ok(Planned::nothing()),
    }
}

fn grantee_columns(grantee: &Grantee) -> (&'static str, String) {
    match grantee {
        Grantee::User { user_id } => ("user", user_id.to_string()),
        Grantee::Role { role } => ("role", role.as_str().to_owned()),
    }
}
