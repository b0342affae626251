import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";

import { ApiProblem } from "../../../lib/api/problem";
import type { TileView } from "../../../lib/api/types";
import { DashboardTile } from "./DashboardTile";

const CHART = {
  id: "0190a1b2-0000-7000-8000-0000000000c1",
  name: "Total revenue",
  description: "",
  chart_type: "big_number",
  dataset_id: "0190a1b2-0000-7000-8000-0000000000a1",
  spec: {},
  version: 1,
};

const TILE: TileView = { tile_id: "tile-1", chart_id: CHART.id, x: 0, y: 0, w: 6, h: 4, chart: CHART };

function renderTile(props: Partial<Parameters<typeof DashboardTile>[0]>) {
  render(
    <MemoryRouter>
      <DashboardTile tile={TILE} spec={null} result={undefined} loading={false} editing={false} onRemove={vi.fn()} {...props} />
    </MemoryRouter>,
  );
}

describe("a dashboard tile", () => {
  it("shows the problem that kept its chart from being computed", () => {
    renderTile({
      result: {
        data: null,
        problem: new ApiProblem({
          status: 422,
          title: "The chart does not fit the data",
          detail: 'Column "amount" does not exist in this dataset.',
        }),
      },
    });

    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("This chart could not be drawn");
    expect(alert).toHaveTextContent('Column "amount" does not exist in this dataset.');
    expect(screen.getByRole("link", { name: "Total revenue" })).toHaveAttribute("href", `/charts/${CHART.id}`);
  });

  it("says so when the chart is not visible to the viewer", () => {
    renderTile({ tile: { ...TILE, chart: null } });

    expect(screen.getByText("No access to this chart")).toBeInTheDocument();
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
  });

  it("draws its data", () => {
    renderTile({
      result: {
        problem: null,
        data: {
          chartId: CHART.id,
          chartType: "big_number",
          datasetVersion: 1,
          computedAt: "2026-12-03T10:00:00Z",
          computationMs: 2,
          rowCount: 1,
          truncated: false,
          columns: [{ name: "sum_amount", data_type: "float", role: "measure", values: [1234.5] }],
          comparison: null,
        },
      },
    });

    expect(screen.getByText("1,234.5")).toBeInTheDocument();
    expect(screen.getByText("Sum amount")).toBeInTheDocument();
  });

  it("offers removal only while the layout is edited", () => {
    const onRemove = vi.fn();
    renderTile({ editing: true, onRemove });

    screen.getByRole("button", { name: "Remove Total revenue from the dashboard" }).click();
    expect(onRemove).toHaveBeenCalledWith(TILE);
  });
});
