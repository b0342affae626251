//! Events of the chart aggregate (stream type "chart") and the chart specification they carry.
//!
//! The specification types live here rather than in the domain crate because they are part of the
//! stored contract: query services read them from events to build queries.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain_event_enum;
use crate::{AccessGranted, AccessRevoked};

domain_event_enum! {
    /// Everything that can happen to a chart.
    pub enum ChartEvent for stream "chart" {
        /// The chart was created.
        Created(Created) = "created" version 1,
        /// The chart was renamed.
        Renamed(Renamed) = "renamed" version 1,
        /// The description changed.
        DescriptionChanged(DescriptionChanged) = "description_changed" version 1,
        /// The chart type or specification changed.
        Reconfigured(Reconfigured) = "reconfigured" version 1,
        /// The chart was pinned to a dataset version, or unpinned to follow the latest.
        DatasetVersionPinned(DatasetVersionPinned) = "dataset_version_pinned" version 1,
        /// The chart was deleted.
        Deleted(Deleted) = "deleted" version 1,
        /// The chart was shared.
        AccessGranted(AccessGranted) = "access_granted" version 1,
        /// A grant was taken away.
        AccessRevoked(AccessRevoked) = "access_revoked" version 1,
    }
}

/// How a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartType {
    /// Vertical or horizontal bars.
    Bar,
    /// Lines.
    Line,
    /// Filled lines.
    Area,
    /// A pie.
    Pie,
    /// A pie with a hole.
    Donut,
    /// Points on two axes.
    Scatter,
    /// Plain rows.
    Table,
    /// One large number.
    BigNumber,
    /// Distribution of one numeric column.
    Histogram,
    /// Colour-coded grid of two dimensions.
    Heatmap,
    /// Cross-tabulation.
    PivotTable,
}

impl ChartType {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartType::Bar => "bar",
            ChartType::Line => "line",
            ChartType::Area => "area",
            ChartType::Pie => "pie",
            ChartType::Donut => "donut",
            ChartType::Scatter => "scatter",
            ChartType::Table => "table",
            ChartType::BigNumber => "big_number",
            ChartType::Histogram => "histogram",
            ChartType::Heatmap => "heatmap",
            ChartType::PivotTable => "pivot_table",
        }
    }
}

/// What a chart shows and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartSpec {
    /// Which data the chart shows.
    pub query: ChartQuery,
    /// Visual settings as a JSON object; the domain turns a missing value into `{}`.
    #[serde(default)]
    pub options: serde_json::Value,
}

/// Which data a chart shows: either built from parts, or hand-written SQL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum ChartQuery {
    /// A query assembled from dimensions, measures and filters.
    Builder {
        /// Columns to group by.
        #[serde(default)]
        dimensions: Vec<Dimension>,
        /// Aggregates to compute per group.
        #[serde(default)]
        measures: Vec<Measure>,
        /// Conditions rows must meet.
        #[serde(default)]
        filters: Vec<Filter>,
        /// Result ordering, by dimension or measure alias or column.
        #[serde(default)]
        sort: Vec<SortKey>,
        /// Maximum number of result rows.
        #[serde(default)]
        limit: Option<u32>,
        /// Keep only the largest groups and fold the rest into one.
        #[serde(default)]
        top_n: Option<TopN>,
    },
    /// A hand-written read-only query over the dataset.
    Sql {
        /// The query text.
        sql: String,
    },
}

/// A column to group by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    /// The column name.
    pub column: String,
    /// For time columns: the bucket to truncate to.
    #[serde(default)]
    pub time_bucket: Option<TimeBucket>,
    /// The name of the result column.
    #[serde(default)]
    pub alias: Option<String>,
}

/// A unit of time, used for truncating time columns and for relative filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBucket {
    /// One minute.
    Minute,
    /// One hour.
    Hour,
    /// One day.
    Day,
    /// One week.
    Week,
    /// One month.
    Month,
    /// One quarter.
    Quarter,
    /// One year.
    Year,
}

impl TimeBucket {
    /// Every bucket, from the smallest to the largest.
    pub const ALL: [TimeBucket; 7] = [
        TimeBucket::Minute,
        TimeBucket::Hour,
        TimeBucket::Day,
        TimeBucket::Week,
        TimeBucket::Month,
        TimeBucket::Quarter,
        TimeBucket::Year,
    ];

    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeBucket::Minute => "minute",
            TimeBucket::Hour => "hour",
            TimeBucket::Day => "day",
            TimeBucket::Week => "week",
            TimeBucket::Month => "month",
            TimeBucket::Quarter => "quarter",
            TimeBucket::Year => "year",
        }
    }
}

/// An aggregate computed per group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// The aggregate function.
    pub aggregate: Aggregate,
    /// The column it applies to; only `Count` may leave it out (counting rows).
    #[serde(default)]
    pub column: Option<String>,
    /// The name of the result column.
    #[serde(default)]
    pub alias: Option<String>,
}

/// Aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Number of rows, or of non-null values of a column.
    Count,
    /// Number of distinct values.
    CountDistinct,
    /// Sum.
    Sum,
    /// Arithmetic mean.
    Avg,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
    /// 50th percentile.
    Median,
    /// 90th percentile.
    P90,
    /// 95th percentile.
    P95,
    /// 99th percentile.
    P99,
}

impl Aggregate {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregate::Count => "count",
            Aggregate::CountDistinct => "count_distinct",
            Aggregate::Sum => "sum",
            Aggregate::Avg => "avg",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::Median => "median",
            Aggregate::P90 => "p90",
            Aggregate::P95 => "p95",
            Aggregate::P99 => "p99",
        }
    }
}

/// A condition rows must meet.
///
/// The shape of `value` depends on `op`: `between` takes `[low, high]`; `in` and `not_in` take a
/// non-empty array; `is_null` and `is_not_null` take `null`; `last` takes
/// `{"count": n, "unit": "day"}` with n > 0; `contains` takes a string; comparisons take a scalar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// The column tested.
    pub column: String,
    /// The comparison.
    pub op: FilterOp,
    /// The operand, shaped according to `op`.
    #[serde(default)]
    pub value: serde_json::Value,
}

/// Filter comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Inclusive range.
    Between,
    /// One of a list.
    In,
    /// None of a list.
    NotIn,
    /// Contains a substring.
    Contains,
    /// Is null.
    IsNull,
    /// Is not null.
    IsNotNull,
    /// Within the last n units of time.
    Last,
}

impl FilterOp {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Lt => "lt",
            FilterOp::Lte => "lte",
            FilterOp::Gt => "gt",
            FilterOp::Gte => "gte",
            FilterOp::Between => "between",
            FilterOp::In => "in",
            FilterOp::NotIn => "not_in",
            FilterOp::Contains => "contains",
            FilterOp::IsNull => "is_null",
            FilterOp::IsNotNull => "is_not_null",
            FilterOp::Last => "last",
        }
    }
}

/// One result ordering key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortKey {
    /// A dimension or measure alias, or a column name.
    pub by: String,
    /// Ascending or descending.
    pub direction: SortDirection,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// Keep only the n largest groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopN {
    /// How many groups to keep.
    pub n: u32,
    /// If set, the remaining groups are folded into one group with this label.
    #[serde(default)]
    pub other_label: Option<String>,
}

/// The chart was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Created {
    /// The new chart's id.
    pub chart_id: Uuid,
    /// The user who created and owns it.
    pub owner_id: Uuid,
    /// The dataset it draws from.
    pub dataset_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description, possibly empty.
    pub description: String,
    /// How it is drawn.
    pub chart_type: ChartType,
    /// What it shows.
    pub spec: ChartSpec,
    /// The dataset version it is pinned to; `None` follows the latest version.
    pub pinned_dataset_version: Option<i32>,
}

/// The chart was renamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Renamed {
    /// The new name.
    pub name: String,
}

/// The description changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescriptionChanged {
    /// The new description, possibly empty.
    pub description: String,
}

/// The chart type or specification changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reconfigured {
    /// The new chart type.
    pub chart_type: ChartType,
    /// The new specification.
    pub spec: ChartSpec,
}

/// The chart was pinned to a dataset version, or unpinned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetVersionPinned {
    /// The pinned version; `None` means follow the latest version.
    pub version: Option<i32>,
}

/// The chart was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deleted {
    /// The user who deleted it.
    pub deleted_by: Uuid,
}
