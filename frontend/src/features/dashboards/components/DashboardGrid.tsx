import { useMemo } from "react";
import ReactGridLayout, { useContainerWidth, type Layout } from "react-grid-layout";
import "react-grid-layout/css/styles.css";

import type { ChartSpec, TileView } from "../../../lib/api/types";
import type { DashboardData } from "../api/dashboards";
import { GRID_COLUMNS, type GridItem } from "../api/layout";
import { DashboardTile } from "./DashboardTile";

const ROW_HEIGHT = 80;
const MARGIN: [number, number] = [16, 16];
/** Below this width tiles are stacked in reading order instead of placed on the grid. */
const STACK_BELOW_WIDTH = 720;

export interface DashboardGridProps {
  tiles: TileView[];
  specs: Map<string, ChartSpec>;
  data: DashboardData | undefined;
  loading: boolean;
  editing: boolean;
  onLayoutChange: (layout: GridItem[]) => void;
  onRemoveTile: (tile: TileView) => void;
}

export function DashboardGrid({ tiles, specs, data, loading, editing, onLayoutChange, onRemoveTile }: DashboardGridProps) {
  const { width, containerRef, mounted } = useContainerWidth();
  const layout = useMemo<GridItem[]>(
    () => tiles.map((tile) => ({ i: tile.tile_id, x: tile.x, y: tile.y, w: tile.w, h: tile.h })),
    [tiles],
  );

  const renderTile = (tile: TileView) => (
    <DashboardTile
      tile={tile}
      spec={specs.get(tile.tile_id) ?? null}
      result={data?.tiles.get(tile.tile_id)}
      loading={loading}
      editing={editing}
      onRemove={onRemoveTile}
    />
  );

  // Drags and resizes report the whole layout when they end; that is what gets saved.
  const reportLayout = (next: Layout) =>
    onLayoutChange(next.map((item) => ({ i: item.i, x: item.x, y: item.y, w: item.w, h: item.h })));

  const stacked = mounted && width < STACK_BELOW_WIDTH;
  return (
    <div ref={containerRef} className="dashboard-grid">
      {!mounted ? null : stacked ? (
        <div className="dashboard-stack" style={{ margin: "0 8px" }}>
          {tiles.map((tile) => (
            <div key={tile.tile_id}>{renderTile(tile)}</div>
          ))}
        </div>
      ) : (
        <ReactGridLayout
          width={width}
          layout={layout}
          gridConfig={{ cols: GRID_COLUMNS, rowHeight: ROW_HEIGHT, margin: MARGIN, containerPadding: [8, 0] }}
          dragConfig={{ enabled: editing, handle: ".tile-drag-handle" }}
          resizeConfig={{ enabled: editing, handles: ["se"] }}
          onDragStop={reportLayout}
          onResizeStop={reportLayout}
        >
          {tiles.map((tile) => (
            <div key={tile.tile_id}>{renderTile(tile)}</div>
          ))}
        </ReactGridLayout>
      )}
    </div>
  );
}
