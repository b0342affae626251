import { describe, expect, it } from "vitest";

import type { ChartData, ChartSpec, ResultColumn } from "../../lib/api/types";
import { presentChart, type ChartPresentation } from "./chart-presentation";

function data(columns: ResultColumn[], extra: Partial<ChartData> = {}): ChartData {
  return {
    chartId: "chart",
    chartType: "bar",
    datasetVersion: 1,
    computedAt: "2026-12-03T10:00:00Z",
    computationMs: 3,
    rowCount: columns[0]?.values.length ?? 0,
    truncated: false,
    columns,
    comparison: null,
    ...extra,
  };
}

function builderSpec(partial: Partial<Extract<ChartSpec["query"], { mode: "builder" }>>, options: ChartSpec["options"] = {}): ChartSpec {
  return {
    query: { mode: "builder", dimensions: [], measures: [], filters: [], sort: [], limit: null, top_n: null, ...partial },
    options,
  };
}

const REVENUE_BY_MONTH = data([
  { name: "ordered_at", data_type: "timestamp", role: "dimension", values: ["2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"] },
  { name: "revenue", data_type: "float", role: "measure", values: [100.5, 200, 150] },
]);

const MONTHLY_SPEC = builderSpec({
  dimensions: [{ column: "ordered_at", time_bucket: "month", alias: null }],
  measures: [{ aggregate: "sum", column: "amount", alias: "revenue" }],
});

function echartsOption(presentation: ChartPresentation) {
  if (presentation.kind !== "echarts") throw new Error(`expected an ECharts option, got ${presentation.kind}`);
  return presentation.option;
}

function seriesOf(presentation: ChartPresentation): Record<string, unknown>[] {
  const series = echartsOption(presentation).series;
  return (Array.isArray(series) ? series : [series]) as Record<string, unknown>[];
}

describe("bar, line and area charts", () => {
  it("put the dimension on a category axis and one series per measure", () => {
    const presentation = presentChart("bar", REVENUE_BY_MONTH, MONTHLY_SPEC);
    const option = echartsOption(presentation);

    expect(option.xAxis).toMatchObject({ type: "category", data: ["Jan 2026", "Feb 2026", "Mar 2026"] });
    expect(option.yAxis).toMatchObject({ type: "value" });
    expect(seriesOf(presentation)).toEqual([
      expect.objectContaining({ type: "bar", name: "revenue", data: [100.5, 200, 150] }),
    ]);
  });

  it("turn a horizontal bar chart on its side", () => {
    const option = echartsOption(presentChart("bar", REVENUE_BY_MONTH, { ...MONTHLY_SPEC, options: { horizontal: true } }));

    expect(option.xAxis).toMatchObject({ type: "value" });
    expect(option.yAxis).toMatchObject({ type: "category", data: ["Jan 2026", "Feb 2026", "Mar 2026"] });
  });

  it("draw lines, and filled lines for area charts", () => {
    const [line] = seriesOf(presentChart("line", REVENUE_BY_MONTH, MONTHLY_SPEC));
    const [area] = seriesOf(presentChart("area", REVENUE_BY_MONTH, MONTHLY_SPEC));

    expect(line).toMatchObject({ type: "line", data: [100.5, 200, 150], areaStyle: undefined });
    expect(area).toMatchObject({ type: "line", areaStyle: { opacity: 0.22 } });
  });

  it("split a second dimension into one series per value", () => {
    const byRegion = data([
      { name: "product", data_type: "text", role: "dimension", values: ["Books", "Books", "Garden"] },
      { name: "region", data_type: "text", role: "dimension", values: ["East", "West", "East"] },
      { name: "orders", data_type: "integer", role: "measure", values: [3, 4, 5] },
    ]);

    const presentation = presentChart("bar", byRegion, null);

    expect(echartsOption(presentation).xAxis).toMatchObject({ data: ["Books", "Garden"] });
    expect(seriesOf(presentation)).toEqual([
      expect.objectContaining({ name: "East", data: [3, 5] }),
      expect.objectContaining({ name: "West", data: [4, null] }),
    ]);
    expect(echartsOption(presentation).legend).toMatchObject({ show: true });
  });

  it("stack series when asked to", () => {
    const twoMeasures = data([
      { name: "region", data_type: "text", role: "dimension", values: ["East", "West"] },
      { name: "sum_amount", data_type: "float", role: "measure", values: [1, 2] },
      { name: "count", data_type: "integer", role: "measure", values: [3, 4] },
    ]);
    const series = seriesOf(presentChart("bar", twoMeasures, builderSpec({}, { stacked: true })));

    expect(series.map((entry) => entry.stack)).toEqual(["total", "total"]);
    expect(series.map((entry) => entry.name)).toEqual(["Sum amount", "Count"]);
  });

  it("read a native SQL result: text columns are categories, numeric columns are series", () => {
    const sqlResult = data([
      { name: "region", data_type: "text", role: "value", values: ["East", "West"] },
      { name: "total", data_type: "float", role: "value", values: [10, 20] },
    ]);

    const presentation = presentChart("line", sqlResult, { query: { mode: "sql", sql: "select 1" }, options: {} });

    expect(echartsOption(presentation).xAxis).toMatchObject({ data: ["East", "West"] });
    expect(seriesOf(presentation)).toEqual([expect.objectContaining({ name: "Total", data: [10, 20] })]);
  });
});

describe("pie and donut charts", () => {
  const byRegion = data([
    { name: "region", data_type: "text", role: "dimension", values: ["East", "North", null] },
    { name: "sum_amount", data_type: "float", role: "measure", values: [82459.5, 76695.15, 10] },
  ]);

  it("make one slice per dimension value", () => {
    const [series] = seriesOf(presentChart("pie", byRegion, null));

    expect(series).toMatchObject({
      type: "pie",
      radius: "72%",
      data: [
        { name: "East", value: 82459.5 },
        { name: "North", value: 76695.15 },
        { name: "(empty)", value: 10 },
      ],
    });
  });

  it("give a donut its hole", () => {
    const [series] = seriesOf(presentChart("donut", byRegion, null));

    expect(series?.radius).toEqual(["45%", "72%"]);
  });
});

describe("other chart types", () => {
  it("plot a scatter of two measures", () => {
    const points = data([
      { name: "product", data_type: "text", role: "dimension", values: ["Books", "Garden"] },
      { name: "orders", data_type: "integer", role: "measure", values: [10, 20] },
      { name: "revenue", data_type: "float", role: "measure", values: [100, 400] },
    ]);

    const presentation = presentChart("scatter", points, null);

    expect(echartsOption(presentation).xAxis).toMatchObject({ type: "value", name: "Orders" });
    expect(seriesOf(presentation)[0]).toMatchObject({
      type: "scatter",
      data: [
        { value: [10, 100], name: "Books" },
        { value: [20, 400], name: "Garden" },
      ],
    });
  });

  it("label histogram bins by their range", () => {
    const bins = data([
      { name: "bin_start", data_type: "float", role: "dimension", values: [0, 50] },
      { name: "bin_end", data_type: "float", role: "dimension", values: [50, 100] },
      { name: "count", data_type: "integer", role: "measure", values: [7, 3] },
    ]);

    const presentation = presentChart("histogram", bins, null);

    expect(echartsOption(presentation).xAxis).toMatchObject({ data: ["0 – 50", "50 – 100"] });
    expect(seriesOf(presentation)[0]).toMatchObject({ type: "bar", data: [7, 3] });
  });

  it("place heatmap cells on two category axes with a colour scale", () => {
    const grid = data([
      { name: "region", data_type: "text", role: "dimension", values: ["East", "East", "West"] },
      { name: "product", data_type: "text", role: "dimension", values: ["Books", "Toys", "Books"] },
      { name: "orders", data_type: "integer", role: "measure", values: [1, 2, 3] },
    ]);

    const presentation = presentChart("heatmap", grid, null);
    const option = echartsOption(presentation);

    expect(option.xAxis).toMatchObject({ data: ["East", "West"] });
    expect(option.yAxis).toMatchObject({ data: ["Books", "Toys"] });
    expect(option.visualMap).toMatchObject({ min: 1, max: 3 });
    expect(seriesOf(presentation)[0]).toMatchObject({ data: [[0, 0, 1], [0, 1, 2], [1, 0, 3]] });
  });

  it("show a big number with its label and the change from the previous period", () => {
    const total = data(
      [{ name: "sum_amount", data_type: "float", role: "measure", values: [314464.18] }],
      { comparison: [{ name: "sum_amount", data_type: "float", role: "measure", values: [200000] }] },
    );

    const presentation = presentChart(
      "big_number",
      total,
      builderSpec({ measures: [{ aggregate: "sum", column: "amount", alias: null }] }),
    );

    expect(presentation).toMatchObject({
      kind: "big-number",
      value: 314464.18,
      label: "Sum of amount",
      comparison: { previous: 200000 },
    });
    if (presentation.kind !== "big-number") throw new Error("expected a big number");
    expect(presentation.formatted).toMatch(/314/);
    expect(presentation.comparison?.change).toBeCloseTo(0.5723, 3);
  });

  it("cross-tabulate a pivot table", () => {
    const cross = data([
      { name: "region", data_type: "text", role: "dimension", values: ["East", "East", "West"] },
      { name: "product", data_type: "text", role: "dimension", values: ["Books", "Toys", "Toys"] },
      { name: "orders", data_type: "integer", role: "measure", values: [1, 2, 3] },
    ]);

    expect(presentChart("pivot_table", cross, null)).toEqual({
      kind: "pivot",
      pivot: {
        rowHeader: "Region",
        columnHeaders: ["Books", "Toys"],
        rows: [
          { label: "East", cells: [1, 2] },
          { label: "West", cells: [null, 3] },
        ],
        measureLabel: "Orders",
      },
    });
  });

  it("show tables as rows, and an empty result as a message", () => {
    expect(presentChart("table", REVENUE_BY_MONTH, MONTHLY_SPEC)).toMatchObject({
      kind: "table",
      labels: ["Ordered at", "revenue"],
    });
    expect(presentChart("bar", data([{ name: "revenue", data_type: "float", role: "measure", values: [] }]), null)).toEqual({
      kind: "empty",
      message: "No rows match this chart's query and filters.",
    });
  });
});
