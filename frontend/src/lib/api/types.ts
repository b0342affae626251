/**
 * Names for the API's types. Most come straight from the generated schema; the members that the
 * schema leaves free-form (a chart's spec, a dataset's source, filter values, result columns) get
 * precise types here, and src/lib/api/decoders.ts turns the server's JSON into them.
 */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Accepted = Schemas["Accepted"];
export type SessionTokens = Schemas["SessionTokens"];
export type SessionUser = Schemas["SessionUser"];
export type Grant = Schemas["Grant"];
export type FieldError = Schemas["FieldError"];

export type DashboardSummary = Schemas["Dashboard"];
export type DashboardView = Schemas["DashboardView"];
export type TileView = Schemas["TileView"];
export type TileChartView = Schemas["TileChartView"];
export type TileData = Schemas["TileData"];
export type Placement = Schemas["Placement"];

export type Chart = Schemas["Chart"];
export type ChartDetail = Schemas["ChartDetail"];
export type ChartDataResponse = Schemas["ChartDataResponse"];

export type Dataset = Schemas["Dataset"];
export type DatasetDetail = Schemas["DatasetDetail"];
export type DatasetVersion = Schemas["DatasetVersion"];

export type DataSource = Schemas["DataSource"];
export type DataSourceDetail = Schemas["DataSourceDetail"];
export type ConnectionDetails = Schemas["ConnectionDetails"];
export type ConnectionStatus = Schemas["ConnectionStatus"];

export type User = Schemas["User"];
export type DirectoryEntry = Schemas["DirectoryEntry"];
export type UserListItem = Schemas["UserListItem"];

export const ROLES = ["admin", "editor", "viewer", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export type Access = "view" | "edit";

/** The resources that can be shared, named as their URL segment. */
export type ShareableResource = "dashboards" | "charts" | "datasets" | "data-sources";

export const CHART_TYPES = [
  "bar",
  "line",
  "area",
  "pie",
  "donut",
  "scatter",
  "table",
  "big_number",
  "histogram",
  "heatmap",
  "pivot_table",
] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export const TIME_BUCKETS = ["minute", "hour", "day", "week", "month", "quarter", "year"] as const;
export type TimeBucket = (typeof TIME_BUCKETS)[number];

export const AGGREGATES = [
  "count",
  "count_distinct",
  "sum",
  "avg",
  "min",
  "max",
  "median",
  "p90",
  "p95",
  "p99",
] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const FILTER_OPERATORS = [
  "eq",
  "ne",
  "lt",
  "lte",
  "gt",
  "gte",
  "between",
  "in",
  "not_in",
  "contains",
  "is_null",
  "is_not_null",
  "last",
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const COLUMN_TYPES = ["boolean", "integer", "float", "date", "timestamp", "text"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export type Scalar = string | number | boolean;

/** A relative time window, as the `last` operator takes it. */
export interface RelativeWindow {
  count: number;
  unit: TimeBucket;
}

/** A filter operand; its shape depends on the operator (see `filterValueShape`). */
export type FilterValue = Scalar | Scalar[] | RelativeWindow | null;

export interface QueryFilter {
  column: string;
  op: FilterOperator;
  value: FilterValue;
}

export interface Dimension {
  column: string;
  time_bucket: TimeBucket | null;
  alias: string | null;
}

export interface Measure {
  aggregate: Aggregate;
  column: string | null;
  alias: string | null;
}

export interface SortKey {
  by: string;
  direction: "asc" | "desc";
}

export interface TopN {
  n: number;
  other_label: string | null;
}

export interface BuilderQuery {
  mode: "builder";
  dimensions: Dimension[];
  measures: Measure[];
  filters: QueryFilter[];
  sort: SortKey[];
  limit: number | null;
  top_n: TopN | null;
}

export interface SqlQuery {
  mode: "sql";
  sql: string;
}

export type ChartQuery = BuilderQuery | SqlQuery;

/**
 * Visual settings. The server stores them as they are and reads only `bins` (for histograms); the
 * rest are this application's own.
 */
export interface ChartOptions {
  bins?: number;
  horizontal?: boolean;
  stacked?: boolean;
  smooth?: boolean;
  show_legend?: boolean;
}

export interface ChartSpec {
  query: ChartQuery;
  options: ChartOptions;
}

export type CellValue = string | number | boolean | null;
export type ColumnRole = "dimension" | "measure" | "value";

export interface ResultColumn {
  name: string;
  data_type: string;
  role: ColumnRole;
  values: CellValue[];
}

export interface ChartData {
  chartId: string;
  chartType: string;
  datasetVersion: number;
  computedAt: string;
  computationMs: number;
  rowCount: number;
  truncated: boolean;
  columns: ResultColumn[];
  comparison: ResultColumn[] | null;
}

export interface DashboardFilter extends QueryFilter {
  filter_id: string | null;
  label: string;
}

export interface DatasetColumn {
  name: string;
  data_type: string;
  nullable: boolean;
}

export type DatasetSource =
  | { kind: "upload" }
  | { kind: "table"; data_source_id: string; schema: string | null; table: string }
  | { kind: "query"; data_source_id: string; sql: string };

export interface ColumnStatistics {
  name: string;
  data_type: string;
  nulls: number;
  distinct_estimate: number;
  min: CellValue;
  max: CellValue;
}

export interface DatasetStatistics {
  rowCount: number;
  datasetVersion: number;
  columns: ColumnStatistics[];
}

export interface DatasetPreview {
  rowCount: number;
  datasetVersion: number;
  columns: ResultColumn[];
}

export interface SourceTableColumn {
  name: string;
  data_type: string;
  nullable: boolean;
}

export interface SourceTable {
  schema: string | null;
  name: string;
  kind: "table" | "view";
  columns: SourceTableColumn[];
}
