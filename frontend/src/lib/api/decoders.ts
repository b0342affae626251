/**
 * Decoders for the members the API documents as free-form JSON. They are lenient: a missing or
 * malformed member becomes an empty or default value instead of an exception, so one odd chart does
 * not take a whole dashboard down.
 */
import {
  AGGREGATES,
  FILTER_OPERATORS,
  TIME_BUCKETS,
  type Aggregate,
  type CellValue,
  type ChartData,
  type ChartOptions,
  type ChartQuery,
  type ChartSpec,
  type ColumnRole,
  type ColumnStatistics,
  type DashboardFilter,
  type DatasetColumn,
  type DatasetPreview,
  type DatasetSource,
  type DatasetStatistics,
  type Dimension,
  type FilterOperator,
  type FilterValue,
  type Measure,
  type QueryFilter,
  type ResultColumn,
  type Scalar,
  type SortKey,
  type SourceTable,
  type TimeBucket,
  type TopN,
} from "./types";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asString(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function asNullableString(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function asNumber(value: unknown, fallback = 0): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function asNullableNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | null {
  return typeof value === "string" && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : null;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function asCell(value: unknown): CellValue {
  return isScalar(value) ? value : null;
}

export function decodeFilterValue(value: unknown): FilterValue {
  if (value === null || value === undefined) return null;
  if (isScalar(value)) return value;
  if (Array.isArray(value)) return value.filter(isScalar);
  if (isRecord(value)) {
    const unit = oneOf<TimeBucket>(TIME_BUCKETS, value.unit);
    if (unit) return { count: asNumber(value.count, 1), unit };
  }
  return null;
}

export function decodeQueryFilter(raw: unknown): QueryFilter | null {
  if (!isRecord(raw)) return null;
  const op = oneOf<FilterOperator>(FILTER_OPERATORS, raw.op);
  if (!op) return null;
  return { column: asString(raw.column), op, value: decodeFilterValue(raw.value) };
}

function decodeDimension(raw: unknown): Dimension | null {
  if (!isRecord(raw)) return null;
  return {
    column: asString(raw.column),
    time_bucket: oneOf<TimeBucket>(TIME_BUCKETS, raw.time_bucket),
    alias: asNullableString(raw.alias),
  };
}

function decodeMeasure(raw: unknown): Measure | null {
  if (!isRecord(raw)) return null;
  const aggregate = oneOf<Aggregate>(AGGREGATES, raw.aggregate);
  if (!aggregate) return null;
  return { aggregate, column: asNullableString(raw.column), alias: asNullableString(raw.alias) };
}

function decodeSortKey(raw: unknown): SortKey | null {
  if (!isRecord(raw) || typeof raw.by !== "string") return null;
  return { by: raw.by, direction: raw.direction === "desc" ? "desc" : "asc" };
}

function decodeTopN(raw: unknown): TopN | null {
  if (!isRecord(raw) || typeof raw.n !== "number") return null;
  return { n: raw.n, other_label: asNullableString(raw.other_label) };
}

function notNull<T>(value: T | null): value is T {
  return value !== null;
}

export function decodeChartQuery(raw: unknown): ChartQuery {
  if (isRecord(raw) && raw.mode === "sql") {
    return { mode: "sql", sql: asString(raw.sql) };
  }
  const query = isRecord(raw) ? raw : {};
  return {
    mode: "builder",
    dimensions: asArray(query.dimensions).map(decodeDimension).filter(notNull),
    measures: asArray(query.measures).map(decodeMeasure).filter(notNull),
    filters: asArray(query.filters).map(decodeQueryFilter).filter(notNull),
    sort: asArray(query.sort).map(decodeSortKey).filter(notNull),
    limit: asNullableNumber(query.limit),
    top_n: decodeTopN(query.top_n),
  };
}

export function decodeChartOptions(raw: unknown): ChartOptions {
  if (!isRecord(raw)) return {};
  const options: ChartOptions = {};
  if (typeof raw.bins === "number") options.bins = raw.bins;
  if (typeof raw.horizontal === "boolean") options.horizontal = raw.horizontal;
  if (typeof raw.stacked === "boolean") options.stacked = raw.stacked;
  if (typeof raw.smooth === "boolean") options.smooth = raw.smooth;
  if (typeof raw.show_legend === "boolean") options.show_legend = raw.show_legend;
  return options;
}

export function decodeChartSpec(raw: unknown): ChartSpec {
  const spec = isRecord(raw) ? raw : {};
  return { query: decodeChartQuery(spec.query), options: decodeChartOptions(spec.options) };
}

function decodeRole(value: unknown): ColumnRole {
  return value === "dimension" || value === "measure" ? value : "value";
}

export function decodeResultColumns(raw: unknown): ResultColumn[] {
  return asArray(raw)
    .filter(isRecord)
    .map((column) => ({
      name: asString(column.name),
      data_type: asString(column.data_type, "text"),
      role: decodeRole(column.role),
      values: asArray(column.values).map(asCell),
    }));
}

/** Turns a chart's data (from a chart or a dashboard tile) into `ChartData`; `null` when absent. */
export function decodeChartData(raw: unknown): ChartData | null {
  if (!isRecord(raw)) return null;
  return {
    chartId: asString(raw.chart_id),
    chartType: asString(raw.chart_type),
    datasetVersion: asNumber(raw.dataset_version),
    computedAt: asString(raw.computed_at),
    computationMs: asNumber(raw.computation_ms),
    rowCount: asNumber(raw.row_count),
    truncated: raw.truncated === true,
    columns: decodeResultColumns(raw.columns),
    comparison: Array.isArray(raw.comparison) ? decodeResultColumns(raw.comparison) : null,
  };
}

export function decodeDashboardFilters(raw: unknown): DashboardFilter[] {
  return asArray(raw)
    .map((item): DashboardFilter | null => {
      const filter = decodeQueryFilter(item);
      if (!filter || !isRecord(item)) return null;
      return {
        ...filter,
        filter_id: asNullableString(item.filter_id),
        label: asString(item.label, filter.column),
      };
    })
    .filter(notNull);
}

export function decodeDatasetColumns(raw: unknown): DatasetColumn[] {
  // The schema calls this an object; the server sends an array of columns. Both are accepted.
  if (isRecord(raw)) {
    return Object.entries(raw).map(([name, type]) => ({
      name,
      data_type: asString(type, "text"),
      nullable: true,
    }));
  }
  return asArray(raw)
    .filter(isRecord)
    .map((column) => ({
      name: asString(column.name),
      data_type: asString(column.data_type, "text"),
      nullable: column.nullable !== false,
    }));
}

export function decodeDatasetSource(raw: unknown): DatasetSource {
  if (isRecord(raw)) {
    if (raw.kind === "table") {
      return {
        kind: "table",
        data_source_id: asString(raw.data_source_id),
        schema: asNullableString(raw.schema),
        table: asString(raw.table),
      };
    }
    if (raw.kind === "query") {
      return { kind: "query", data_source_id: asString(raw.data_source_id), sql: asString(raw.sql) };
    }
  }
  return { kind: "upload" };
}

export function decodeDatasetPreview(raw: unknown): DatasetPreview {
  const preview = isRecord(raw) ? raw : {};
  return {
    rowCount: asNumber(preview.row_count),
    datasetVersion: asNumber(preview.dataset_version),
    columns: decodeResultColumns(preview.columns),
  };
}

export function decodeDatasetStatistics(raw: unknown): DatasetStatistics {
  const statistics = isRecord(raw) ? raw : {};
  return {
    rowCount: asNumber(statistics.row_count),
    datasetVersion: asNumber(statistics.dataset_version),
    columns: asArray(statistics.columns)
      .filter(isRecord)
      .map(
        (column): ColumnStatistics => ({
          name: asString(column.name),
          data_type: asString(column.data_type, "text"),
          nulls: asNumber(column.nulls),
          distinct_estimate: asNumber(column.distinct_estimate),
          min: asCell(column.min),
          max: asCell(column.max),
        }),
      ),
  };
}

export function decodeSourceTables(raw: unknown): SourceTable[] {
  return asArray(raw)
    .filter(isRecord)
    .map((table) => ({
      schema: asNullableString(table.schema),
      name: asString(table.name),
      kind: table.kind === "view" ? ("view" as const) : ("table" as const),
      columns: asArray(table.columns)
        .filter(isRecord)
        .map((column) => ({
          name: asString(column.name),
          data_type: asString(column.data_type, "text"),
          nullable: column.nullable !== false,
        })),
    }));
}
