import { Link } from "react-router";

import { ChartView } from "../../../components/charts/ChartView";
import { IconButton } from "../../../components/ui/Button";
import { Icon } from "../../../components/ui/Icon";
import { EmptyState, ErrorState, Skeleton } from "../../../components/ui/States";
import type { ChartSpec, TileView } from "../../../lib/api/types";
import type { TileResult } from "../api/dashboards";

export interface DashboardTileProps {
  tile: TileView;
  spec: ChartSpec | null;
  result: TileResult | undefined;
  loading: boolean;
  editing: boolean;
  onRemove: (tile: TileView) => void;
}

/** One chart on a dashboard, or why it cannot be shown. */
export function DashboardTile({ tile, spec, result, loading, editing, onRemove }: DashboardTileProps) {
  const chart = tile.chart ?? null;
  const title = chart?.name ?? "Chart not available";
  return (
    <article className={editing ? "tile tile-editing" : "tile"} aria-label={title} data-testid="dashboard-tile">
      <header className="tile-header">
        {editing ? (
          <span className="tile-drag-handle" title="Drag to move" aria-hidden="true">
            <Icon name="drag" />
          </span>
        ) : null}
        <h2 className="tile-title">
          {chart ? <Link to={`/charts/${chart.id}`}>{chart.name}</Link> : title}
        </h2>
        {editing ? (
          <IconButton icon="trash" label={`Remove ${title} from the dashboard`} onClick={() => onRemove(tile)} />
        ) : null}
      </header>
      <div className="tile-body">
        <TileContent chartType={chart?.chart_type ?? null} title={title} spec={spec} result={result} loading={loading} />
      </div>
    </article>
  );
}

function TileContent({
  chartType,
  title,
  spec,
  result,
  loading,
}: {
  chartType: string | null;
  title: string;
  spec: ChartSpec | null;
  result: TileResult | undefined;
  loading: boolean;
}) {
  if (chartType === null) {
    return (
      <EmptyState
        compact
        icon="lock"
        title="No access to this chart"
        description="The chart was deleted, or it is not shared with you."
      />
    );
  }
  if (result?.problem) {
    return <ErrorState compact title="This chart could not be drawn" error={result.problem} />;
  }
  if (result?.data) {
    return <ChartView chartType={chartType} data={result.data} spec={spec} title={title} />;
  }
  if (loading) {
    return (
      <div className="stack" role="status" aria-label={`Loading ${title}`} style={{ height: "100%" }}>
        <Skeleton height="100%" />
      </div>
    );
  }
  return <EmptyState compact title="No data" description="This chart returned nothing to show." />;
}
