import { useMemo } from "react";

import type { ChartData, ChartSpec } from "../../lib/api/types";
import { formatNumber, formatPercent } from "../../lib/format";
import { EmptyState } from "../ui/States";
import { presentChart, type BigNumberComparison, type PivotTable } from "./chart-presentation";
import { EChart } from "./EChart";
import { ResultTable } from "./ResultTable";

export interface ChartViewProps {
  chartType: string;
  data: ChartData;
  spec: ChartSpec | null;
  title: string;
}

/** Draws a chart's data the way its chart type calls for. */
export function ChartView({ chartType, data, spec, title }: ChartViewProps) {
  const presentation = useMemo(() => presentChart(chartType, data, spec), [chartType, data, spec]);
  switch (presentation.kind) {
    case "echarts":
      return <EChart option={presentation.option} summary={`${title}: ${presentation.summary}`} />;
    case "big-number":
      return (
        <BigNumber
          formatted={presentation.formatted}
          exact={presentation.value}
          label={presentation.label}
          comparison={presentation.comparison}
        />
      );
    case "table":
      return (
        <div className="data-table-frame">
          <ResultTable columns={presentation.columns} labels={presentation.labels} caption={title} />
        </div>
      );
    case "pivot":
      return <PivotView pivot={presentation.pivot} caption={title} />;
    case "empty":
      return <EmptyState compact title="Nothing to show" description={presentation.message} />;
  }
}

function BigNumber({
  formatted,
  exact,
  label,
  comparison,
}: {
  formatted: string;
  exact: number | null;
  label: string;
  comparison: BigNumberComparison | null;
}) {
  return (
    <div className="big-number">
      <span className="big-number-value" title={exact === null ? undefined : formatNumber(exact)}>
        {formatted}
      </span>
      <span className="big-number-label">{label}</span>
      {comparison && comparison.change !== null ? (
        <span className={comparison.change >= 0 ? "trend-up" : "trend-down"}>
          {comparison.change >= 0 ? "▲" : "▼"} {formatPercent(comparison.change)}{" "}
          <span className="muted">vs. previous period ({formatNumber(comparison.previous)})</span>
        </span>
      ) : null}
    </div>
  );
}

function PivotView({ pivot, caption }: { pivot: PivotTable; caption: string }) {
  return (
    <div className="data-table-frame">
      <table className="table table-compact">
        <caption className="visually-hidden">
          {caption}: {pivot.measureLabel}
        </caption>
        <thead>
          <tr>
            <th scope="col">{pivot.rowHeader}</th>
            {pivot.columnHeaders.map((header) => (
              <th key={header} scope="col" className="numeric">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {pivot.rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {row.cells.map((cell, index) => (
                <td key={pivot.columnHeaders[index]} className="numeric">
                  {cell === null ? "—" : formatNumber(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
