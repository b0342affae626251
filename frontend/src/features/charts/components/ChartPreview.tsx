import { ChartView } from "../../../components/charts/ChartView";
import { Button } from "../../../components/ui/Button";
import { Alert, EmptyState, ErrorState, LoadingState } from "../../../components/ui/States";
import type { ChartSpec } from "../../../lib/api/types";
import { formatInteger, formatNumber, formatRelativeTime } from "../../../lib/format";
import { useChartData } from "../api/charts";

export interface ChartPreviewProps {
  chartId: string | undefined;
  chartName: string;
  chartType: string;
  spec: ChartSpec | null;
  dirty: boolean;
}

/** The saved chart drawn from its data, with how the data was computed. */
export function ChartPreview({ chartId, chartName, chartType, spec, dirty }: ChartPreviewProps) {
  const data = useChartData(chartId);

  return (
    <section className="card" aria-labelledby="preview-title">
      <div className="card-header">
        <h2 id="preview-title">Preview</h2>
        {chartId ? (
          <Button size="small" icon="refresh" onClick={() => void data.refetch()} busy={data.isFetching && !data.isPending}>
            Refresh
          </Button>
        ) : null}
      </div>
      <div className="card-body stack">
        {dirty && chartId ? (
          <Alert tone="info">The preview shows the saved chart. Save to see your changes.</Alert>
        ) : null}
        <div className="preview-area">
          {!chartId ? (
            <EmptyState
              icon="chart"
              title="Save the chart to see it"
              description="The preview draws the saved chart from its dataset."
            />
          ) : data.isPending ? (
            <LoadingState label="Computing the chart…" />
          ) : data.isError ? (
            <ErrorState title="This chart could not be computed" error={data.error} onRetry={() => void data.refetch()} />
          ) : data.data.data ? (
            <ChartView chartType={chartType} data={data.data.data} spec={spec} title={chartName} />
          ) : (
            <EmptyState title="No data" />
          )}
        </div>
        {data.data?.data ? (
          <div className="chart-meta">
            <span>{formatInteger(data.data.data.rowCount)} rows</span>
            <span>Dataset version {data.data.data.datasetVersion || "live"}</span>
            <span>Computed {formatRelativeTime(data.data.data.computedAt)}</span>
            <span>{formatNumber(data.data.data.computationMs)} ms</span>
            {data.data.cache ? <span>Cache: {data.data.cache}</span> : null}
            {data.data.data.truncated ? <span className="trend-down">Rows were cut off at the row limit</span> : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
