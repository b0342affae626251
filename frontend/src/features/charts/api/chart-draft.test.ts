import { describe, expect, it } from "vitest";

import type { BuilderQuery } from "../../../lib/api/types";
import { draftProblems, emptyDraft, normalizedSpec, resultNames, shapeProblem } from "./chart-draft";

function query(dimensions: number, measures: number): BuilderQuery {
  return {
    mode: "builder",
    dimensions: Array.from({ length: dimensions }, (_, index) => ({ column: `d${index}`, time_bucket: null, alias: null })),
    measures: Array.from({ length: measures }, (_, index) => ({ aggregate: "sum" as const, column: `m${index}`, alias: null })),
    filters: [],
    sort: [],
    limit: null,
    top_n: null,
  };
}

describe("the shape a chart type needs", () => {
  it("matches what the server accepts", () => {
    expect(shapeProblem("pie", query(1, 1))).toBeNull();
    expect(shapeProblem("pie", query(2, 1))).toBe("A pie needs exactly one dimension and one measure.");
    expect(shapeProblem("big_number", query(0, 2))).toBe("A big number needs exactly one measure.");
    expect(shapeProblem("heatmap", query(2, 1))).toBeNull();
    expect(shapeProblem("scatter", query(0, 2))).toBeNull();
    expect(shapeProblem("scatter", query(1, 0))).not.toBeNull();
    expect(shapeProblem("line", query(1, 0))).toBe("A line chart needs at least one measure.");
    expect(shapeProblem("table", query(1, 0))).toBeNull();
  });
});

describe("a chart draft", () => {
  it("lists what is missing before it can be saved", () => {
    const draft = emptyDraft();
    draft.chartType = "pie";

    expect(draftProblems(draft)).toEqual([
      "Give the chart a name.",
      "Choose the dataset the chart draws from.",
      "A pie needs exactly one dimension and one measure.",
    ]);
  });

  it("names result columns as the server does, for sorting", () => {
    const builder = query(1, 1);
    builder.measures.push({ aggregate: "count", column: null, alias: null });
    builder.dimensions[0] = { column: "ordered_at", time_bucket: "month", alias: "month" };

    expect(resultNames(builder)).toEqual(["month", "sum_m0", "count"]);
  });

  it("sends empty labels as null so the server names the columns", () => {
    const builder = query(1, 1);
    builder.dimensions[0] = { column: "region", time_bucket: null, alias: "  " };
    builder.top_n = { n: 5, other_label: "" };

    const spec = normalizedSpec({ query: builder, options: {} });

    expect(spec.query).toMatchObject({
      dimensions: [{ column: "region", alias: null }],
      top_n: { n: 5, other_label: null },
    });
  });
});
