/**
 * Turns a chart's data, column by column as the API answers it, into what the page draws: an ECharts
 * option for plotted charts, or the parts of a big number, a table or a pivot table.
 */
import type { EChartsOption } from "echarts";

import type { CellValue, ChartData, ChartSpec, ResultColumn, TimeBucket } from "../../lib/api/types";
import { formatCell, formatCompactNumber, formatNumber, isNumericType } from "../../lib/format";

export interface BigNumberComparison {
  previous: number;
  /** The relative change from the previous period, `null` when the previous value is zero. */
  change: number | null;
}

export interface PivotTable {
  rowHeader: string;
  columnHeaders: string[];
  rows: { label: string; cells: (number | null)[] }[];
  measureLabel: string;
}

export type ChartPresentation =
  | { kind: "echarts"; option: EChartsOption; summary: string }
  | {
      kind: "big-number";
      value: number | null;
      formatted: string;
      label: string;
      comparison: BigNumberComparison | null;
    }
  | { kind: "table"; columns: ResultColumn[]; labels: string[] }
  | { kind: "pivot"; pivot: PivotTable }
  | { kind: "empty"; message: string };

/** The series colours: distinguishable for the common forms of colour blindness, and 3:1 on white. */
export const SERIES_COLORS = [
  "#2f5bea",
  "#e8833a",
  "#1a9e77",
  "#c0398f",
  "#7a5cd6",
  "#b58b00",
  "#2a8fbd",
  "#d1495b",
  "#5f7a2a",
  "#6b6f7d",
];

interface ColumnContext {
  /** The time bucket of each result column that is a bucketed time dimension. */
  buckets: Map<string, TimeBucket>;
  /** A readable name for each result column. */
  labels: Map<string, string>;
}

function humanize(name: string): string {
  const spaced = name.replace(/_/g, " ").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const AGGREGATE_LABELS: Record<string, string> = {
  count: "Count",
  count_distinct: "Distinct",
  sum: "Sum",
  avg: "Average",
  min: "Minimum",
  max: "Maximum",
  median: "Median",
  p90: "90th percentile",
  p95: "95th percentile",
  p99: "99th percentile",
};

/** The names the server gives result columns, and readable labels for them, from the chart's spec. */
function columnContext(spec: ChartSpec | null): ColumnContext {
  const buckets = new Map<string, TimeBucket>();
  const labels = new Map<string, string>();
  if (spec?.query.mode === "builder") {
    for (const dimension of spec.query.dimensions) {
      const name = dimension.alias ?? dimension.column;
      if (dimension.time_bucket) buckets.set(name, dimension.time_bucket);
      labels.set(name, dimension.alias ?? humanize(dimension.column));
    }
    for (const measure of spec.query.measures) {
      const aggregateLabel = AGGREGATE_LABELS[measure.aggregate] ?? humanize(measure.aggregate);
      const generatedName = measure.column ? `${measure.aggregate}_${measure.column}` : measure.aggregate;
      const label = measure.alias ?? (measure.column ? `${aggregateLabel} of ${measure.column}` : aggregateLabel);
      labels.set(measure.alias ?? generatedName, label);
    }
  }
  return { buckets, labels };
}

function labelOf(context: ColumnContext, column: ResultColumn): string {
  return context.labels.get(column.name) ?? humanize(column.name);
}

function toNumber(value: CellValue): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return null;
}

function categoryLabel(context: ColumnContext, column: ResultColumn, value: CellValue): string {
  if (value === null) return "(empty)";
  return formatCell(value, column.data_type, context.buckets.get(column.name) ?? null);
}

/**
 * Dimensions and measures of a result. Builder charts name them; a native SQL chart's columns are all
 * plain values, so numeric columns are taken as measures and the others as dimensions.
 */
export function splitColumns(columns: ResultColumn[]): { dimensions: ResultColumn[]; measures: ResultColumn[] } {
  const dimensions = columns.filter((column) => column.role === "dimension");
  const measures = columns.filter((column) => column.role === "measure");
  if (dimensions.length > 0 || measures.length > 0) return { dimensions, measures };
  const numeric = columns.filter((column) => isNumericType(column.data_type));
  const other = columns.filter((column) => !isNumericType(column.data_type));
  if (other.length === 0 && numeric.length > 1) {
    return { dimensions: numeric.slice(0, 1), measures: numeric.slice(1) };
  }
  return { dimensions: other, measures: numeric };
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

const TOOLTIP_VALUE_FORMATTER = (value: unknown) =>
  typeof value === "number" ? formatNumber(value) : String(value ?? "—");

function legendFor(seriesCount: number, showLegend: boolean | undefined): EChartsOption["legend"] {
  const show = showLegend ?? seriesCount > 1;
  return { show, type: "scroll", top: 0 };
}

function cartesian(
  chartType: "bar" | "line" | "area",
  data: ChartData,
  spec: ChartSpec | null,
  context: ColumnContext,
): ChartPresentation {
  const { dimensions, measures } = splitColumns(data.columns);
  if (measures.length === 0) {
    return { kind: "empty", message: "This chart has no measure to plot." };
  }
  const options = spec?.options ?? {};
  const xColumn = dimensions[0];
  const rowCount = measures[0]?.values.length ?? 0;
  const rowLabels = xColumn
    ? xColumn.values.map((value) => categoryLabel(context, xColumn, value))
    : Array.from({ length: rowCount }, () => "Total");

  let categories: string[];
  let series: { name: string; values: (number | null)[] }[];
  const seriesColumn = dimensions[1];
  const firstMeasure = measures[0];
  if (seriesColumn && firstMeasure && measures.length === 1) {
    // Two dimensions and one measure: the second dimension becomes one series per value.
    categories = distinct(rowLabels);
    const seriesLabels = seriesColumn.values.map((value) => categoryLabel(context, seriesColumn, value));
    series = distinct(seriesLabels).map((name) => {
      const values: (number | null)[] = categories.map(() => null);
      seriesLabels.forEach((label, row) => {
        if (label !== name) return;
        const index = categories.indexOf(rowLabels[row] ?? "");
        if (index >= 0) values[index] = toNumber(firstMeasure.values[row] ?? null);
      });
      return { name, values };
    });
  } else {
    categories = rowLabels;
    series = measures.map((measure) => ({
      name: labelOf(context, measure),
      values: measure.values.map(toNumber),
    }));
  }

  const horizontal = chartType === "bar" && options.horizontal === true;
  const stacked = options.stacked === true;
  const categoryAxis = {
    type: "category" as const,
    data: categories,
    name: xColumn ? labelOf(context, xColumn) : undefined,
    nameLocation: "middle" as const,
    nameGap: horizontal ? 56 : 30,
    axisLabel: { hideOverlap: true },
  };
  const valueAxis = {
    type: "value" as const,
    axisLabel: { formatter: (value: number) => formatCompactNumber(value) },
  };

  const option: EChartsOption = {
    color: SERIES_COLORS,
    aria: { enabled: true },
    tooltip: { trigger: "axis", valueFormatter: TOOLTIP_VALUE_FORMATTER },
    legend: legendFor(series.length, options.show_legend),
    grid: { left: 8, right: 16, top: series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: series.map((entry) =>
      chartType === "bar"
        ? { type: "bar", name: entry.name, data: entry.values, stack: stacked ? "total" : undefined }
        : {
            type: "line",
            name: entry.name,
            data: entry.values,
            smooth: options.smooth === true,
            showSymbol: categories.length <= 40,
            // Hundreds of points are thinned for drawing, keeping the shape of the line.
            sampling: categories.length > 200 ? "lttb" : undefined,
            stack: stacked ? "total" : undefined,
            areaStyle: chartType === "area" ? { opacity: 0.22 } : undefined,
          },
    ),
  };
  const what = series.map((entry) => entry.name).join(", ");
  return {
    kind: "echarts",
    option,
    summary: `${chartType} chart of ${what}${xColumn ? ` by ${labelOf(context, xColumn)}` : ""}, ${categories.length} points`,
  };
}

function pie(data: ChartData, donut: boolean, spec: ChartSpec | null, context: ColumnContext): ChartPresentation {
  const { dimensions, measures } = splitColumns(data.columns);
  const nameColumn = dimensions[0];
  const valueColumn = measures[0];
  if (!nameColumn || !valueColumn) {
    return { kind: "empty", message: "A pie needs one dimension and one measure." };
  }
  const slices = nameColumn.values.map((value, row) => ({
    name: categoryLabel(context, nameColumn, value),
    value: toNumber(valueColumn.values[row] ?? null) ?? 0,
  }));
  const option: EChartsOption = {
    color: SERIES_COLORS,
    aria: { enabled: true },
    tooltip: { trigger: "item", valueFormatter: TOOLTIP_VALUE_FORMATTER },
    legend: { show: spec?.options.show_legend ?? true, type: "scroll", bottom: 0 },
    series: [
      {
        type: "pie",
        name: labelOf(context, valueColumn),
        radius: donut ? ["45%", "72%"] : "72%",
        center: ["50%", "46%"],
        data: slices,
        label: { formatter: "{b}: {d}%" },
        avoidLabelOverlap: true,
      },
    ],
  };
  return {
    kind: "echarts",
    option,
    summary: `${donut ? "Donut" : "Pie"} chart of ${labelOf(context, valueColumn)} by ${labelOf(context, nameColumn)}, ${slices.length} slices`,
  };
}

function valueAxisFor(column: ResultColumn, context: ColumnContext) {
  return isNumericType(column.data_type)
    ? { type: "value" as const, name: labelOf(context, column), nameLocation: "middle" as const, nameGap: 30, scale: true }
    : {
        type: "category" as const,
        name: labelOf(context, column),
        nameLocation: "middle" as const,
        nameGap: 30,
        data: distinct(column.values.map((value) => categoryLabel(context, column, value))),
      };
}

function axisValue(column: ResultColumn, context: ColumnContext, value: CellValue): number | string | null {
  return isNumericType(column.data_type) ? toNumber(value) : categoryLabel(context, column, value);
}

function scatter(data: ChartData, context: ColumnContext): ChartPresentation {
  const { dimensions, measures } = splitColumns(data.columns);
  let xColumn: ResultColumn | undefined;
  let yColumn: ResultColumn | undefined;
  let labelColumn: ResultColumn | undefined;
  if (measures.length >= 2) {
    [xColumn, yColumn] = measures;
    labelColumn = dimensions[0];
  } else if (measures.length === 1) {
    xColumn = dimensions[0];
    yColumn = measures[0];
  } else {
    [xColumn, yColumn] = dimensions;
  }
  if (!xColumn || !yColumn) {
    return { kind: "empty", message: "A scatter plot needs two columns to place its points." };
  }
  const x = xColumn;
  const y = yColumn;
  const points = x.values.map((value, row) => ({
    value: [axisValue(x, context, value), axisValue(y, context, y.values[row] ?? null)],
    name: labelColumn ? categoryLabel(context, labelColumn, labelColumn.values[row] ?? null) : undefined,
  }));
  const option: EChartsOption = {
    color: SERIES_COLORS,
    aria: { enabled: true },
    tooltip: { trigger: "item" },
    grid: { left: 16, right: 24, top: 16, bottom: 24, containLabel: true },
    xAxis: valueAxisFor(x, context),
    yAxis: valueAxisFor(y, context),
    series: [{ type: "scatter", name: labelOf(context, y), data: points, symbolSize: 9 }],
  };
  return {
    kind: "echarts",
    option,
    summary: `Scatter plot of ${labelOf(context, y)} against ${labelOf(context, x)}, ${points.length} points`,
  };
}

function histogram(data: ChartData, spec: ChartSpec | null, context: ColumnContext): ChartPresentation {
  const starts = data.columns.find((column) => column.name === "bin_start");
  const ends = data.columns.find((column) => column.name === "bin_end");
  const counts = data.columns.find((column) => column.name === "count");
  if (!starts || !ends || !counts) return cartesian("bar", data, spec, context);
  const categories = starts.values.map((start, row) => {
    const low = toNumber(start);
    const high = toNumber(ends.values[row] ?? null);
    return low === null || high === null ? "—" : `${formatCompactNumber(low)} – ${formatCompactNumber(high)}`;
  });
  const option: EChartsOption = {
    color: SERIES_COLORS,
    aria: { enabled: true },
    tooltip: { trigger: "axis", valueFormatter: TOOLTIP_VALUE_FORMATTER },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: categories, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: "Rows", axisLabel: { formatter: (value: number) => formatCompactNumber(value) } },
    series: [{ type: "bar", name: "Rows", data: counts.values.map(toNumber), barCategoryGap: "4%" }],
  };
  return { kind: "echarts", option, summary: `Histogram with ${categories.length} bins` };
}

function heatmap(data: ChartData, context: ColumnContext): ChartPresentation {
  const { dimensions, measures } = splitColumns(data.columns);
  const [xColumn, yColumn] = dimensions;
  const valueColumn = measures[0];
  if (!xColumn || !yColumn || !valueColumn) {
    return { kind: "empty", message: "A heatmap needs two dimensions and one measure." };
  }
  const xLabels = xColumn.values.map((value) => categoryLabel(context, xColumn, value));
  const yLabels = yColumn.values.map((value) => categoryLabel(context, yColumn, value));
  const xCategories = distinct(xLabels);
  const yCategories = distinct(yLabels);
  const cells = valueColumn.values.map((value, row) => [
    xCategories.indexOf(xLabels[row] ?? ""),
    yCategories.indexOf(yLabels[row] ?? ""),
    toNumber(value),
  ]);
  const numbers = cells.map((cell) => cell[2]).filter((value): value is number => typeof value === "number");
  const option: EChartsOption = {
    aria: { enabled: true },
    tooltip: { position: "top", valueFormatter: TOOLTIP_VALUE_FORMATTER },
    grid: { left: 8, right: 16, top: 28, bottom: 56, containLabel: true },
    xAxis: { type: "category", data: xCategories, name: labelOf(context, xColumn), splitArea: { show: true } },
    yAxis: { type: "category", data: yCategories, name: labelOf(context, yColumn), splitArea: { show: true } },
    visualMap: {
      min: numbers.length ? Math.min(...numbers) : 0,
      max: numbers.length ? Math.max(...numbers) : 1,
      calculable: true,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      inRange: { color: ["#eef3fe", "#2f5bea", "#14296e"] },
    },
    series: [{ type: "heatmap", name: labelOf(context, valueColumn), data: cells }],
  };
  return {
    kind: "echarts",
    option,
    summary: `Heatmap of ${labelOf(context, valueColumn)} by ${labelOf(context, xColumn)} and ${labelOf(context, yColumn)}`,
  };
}

function bigNumber(data: ChartData, context: ColumnContext): ChartPresentation {
  const { measures } = splitColumns(data.columns);
  const column = measures[0] ?? data.columns.find((candidate) => isNumericType(candidate.data_type));
  if (!column) return { kind: "empty", message: "A big number needs one measure." };
  const value = toNumber(column.values[0] ?? null);
  const previousColumn = data.comparison?.find((candidate) => candidate.name === column.name);
  const previous = previousColumn ? toNumber(previousColumn.values[0] ?? null) : null;
  const comparison =
    previous === null || value === null
      ? null
      : { previous, change: previous === 0 ? null : (value - previous) / Math.abs(previous) };
  return {
    kind: "big-number",
    value,
    formatted: value === null ? "—" : formatCompactNumber(value),
    label: labelOf(context, column),
    comparison,
  };
}

function pivot(data: ChartData, context: ColumnContext): ChartPresentation {
  const { dimensions, measures } = splitColumns(data.columns);
  const [rowColumn, pivotColumn] = dimensions;
  const valueColumn = measures[0];
  if (!rowColumn || !pivotColumn || !valueColumn) {
    return { kind: "table", columns: data.columns, labels: data.columns.map((column) => labelOf(context, column)) };
  }
  const rowLabels = rowColumn.values.map((value) => categoryLabel(context, rowColumn, value));
  const columnLabels = pivotColumn.values.map((value) => categoryLabel(context, pivotColumn, value));
  const columnHeaders = distinct(columnLabels);
  const rows = distinct(rowLabels).map((label) => ({
    label,
    cells: columnHeaders.map((): number | null => null),
  }));
  valueColumn.values.forEach((value, row) => {
    const target = rows.find((candidate) => candidate.label === rowLabels[row]);
    const index = columnHeaders.indexOf(columnLabels[row] ?? "");
    if (target && index >= 0) target.cells[index] = toNumber(value);
  });
  return {
    kind: "pivot",
    pivot: {
      rowHeader: labelOf(context, rowColumn),
      columnHeaders,
      rows,
      measureLabel: labelOf(context, valueColumn),
    },
  };
}

/** What to draw for a chart of `chartType` with this data. */
export function presentChart(chartType: string, data: ChartData, spec: ChartSpec | null): ChartPresentation {
  const context = columnContext(spec);
  if (data.columns.length === 0 || (data.rowCount === 0 && chartType !== "big_number")) {
    return { kind: "empty", message: "No rows match this chart's query and filters." };
  }
  switch (chartType) {
    case "bar":
    case "line":
    case "area":
      return cartesian(chartType, data, spec, context);
    case "pie":
      return pie(data, false, spec, context);
    case "donut":
      return pie(data, true, spec, context);
    case "scatter":
      return scatter(data, context);
    case "histogram":
      return histogram(data, spec, context);
    case "heatmap":
      return heatmap(data, context);
    case "big_number":
      return bigNumber(data, context);
    case "pivot_table":
      return pivot(data, context);
    default:
      return { kind: "table", columns: data.columns, labels: data.columns.map((column) => labelOf(context, column)) };
  }
}
