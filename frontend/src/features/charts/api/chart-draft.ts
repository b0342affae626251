/**
 * The chart being edited, and what it still lacks before it can be saved. The shape rules mirror the
 * server's, so the editor says what is missing before a round trip.
 */
import type { BuilderQuery, ChartSpec, ChartType } from "../../../lib/api/types";

export interface ChartDraft {
  name: string;
  description: string;
  datasetId: string;
  chartType: ChartType;
  spec: ChartSpec;
}

export const EMPTY_BUILDER_QUERY: BuilderQuery = {
  mode: "builder",
  dimensions: [],
  measures: [{ aggregate: "count", column: null, alias: null }],
  filters: [],
  sort: [],
  limit: null,
  top_n: null,
};

export function emptyDraft(): ChartDraft {
  return {
    name: "",
    description: "",
    datasetId: "",
    chartType: "bar",
    spec: { query: EMPTY_BUILDER_QUERY, options: {} },
  };
}

export const CHART_TYPE_LABELS: Record<ChartType, string> = {
  bar: "Bar",
  line: "Line",
  area: "Area",
  pie: "Pie",
  donut: "Donut",
  scatter: "Scatter",
  table: "Table",
  big_number: "Big number",
  histogram: "Histogram",
  heatmap: "Heatmap",
  pivot_table: "Pivot table",
};

/** What a chart type needs of a builder query, as a sentence; `null` when the query fits. */
export function shapeProblem(chartType: ChartType, query: BuilderQuery): string | null {
  const dimensions = query.dimensions.length;
  const measures = query.measures.length;
  switch (chartType) {
    case "table":
      return dimensions + measures === 0 ? "A table needs at least one dimension or measure." : null;
    case "histogram":
      return dimensions + measures === 0 ? "A histogram needs the numeric column to bin, as its first dimension." : null;
    case "big_number":
      return measures !== 1 ? "A big number needs exactly one measure." : null;
    case "pie":
    case "donut":
      return dimensions !== 1 || measures !== 1 ? "A pie needs exactly one dimension and one measure." : null;
    case "scatter":
      return measures >= 2 || (dimensions >= 1 && measures >= 1)
        ? null
        : "A scatter plot needs two measures, or a dimension and a measure.";
    case "heatmap":
      return dimensions !== 2 || measures !== 1 ? "A heatmap needs exactly two dimensions and one measure." : null;
    default:
      return measures === 0 ? `A ${CHART_TYPE_LABELS[chartType].toLowerCase()} chart needs at least one measure.` : null;
  }
}

/** Everything that keeps the draft from being saved. */
export function draftProblems(draft: ChartDraft): string[] {
  const problems: string[] = [];
  if (!draft.name.trim()) problems.push("Give the chart a name.");
  if (!draft.datasetId) problems.push("Choose the dataset the chart draws from.");
  const query = draft.spec.query;
  if (query.mode === "sql") {
    if (!query.sql.trim()) problems.push("Write the SQL query.");
    return problems;
  }
  query.dimensions.forEach((dimension, index) => {
    if (!dimension.column) problems.push(`Choose the column of dimension ${index + 1}.`);
  });
  query.measures.forEach((measure, index) => {
    if (!measure.column && measure.aggregate !== "count") problems.push(`Choose the column of measure ${index + 1}.`);
  });
  const shape = shapeProblem(draft.chartType, query);
  if (shape) problems.push(shape);
  return problems;
}

/** The name the server gives a result column, which sorting refers to. */
export function resultNames(query: BuilderQuery): string[] {
  return [
    ...query.dimensions.map((dimension) => dimension.alias || dimension.column),
    ...query.measures.map((measure) =>
      measure.alias || (measure.column ? `${measure.aggregate}_${measure.column}` : measure.aggregate),
    ),
  ].filter(Boolean);
}

/** The spec as it is sent: empty aliases become null, so the server names the result columns. */
export function normalizedSpec(spec: ChartSpec): ChartSpec {
  if (spec.query.mode === "sql") return spec;
  const query = spec.query;
  return {
    options: spec.options,
    query: {
      ...query,
      dimensions: query.dimensions.map((dimension) => ({ ...dimension, alias: dimension.alias?.trim() || null })),
      measures: query.measures.map((measure) => ({
        ...measure,
        column: measure.column || null,
        alias: measure.alias?.trim() || null,
      })),
      top_n: query.top_n
        ? { n: query.top_n.n, other_label: query.top_n.other_label?.trim() || null }
        : null,
    },
  };
}
