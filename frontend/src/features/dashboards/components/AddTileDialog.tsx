import { useState } from "react";

import { useToast } from "../../../components/feedback/Toasts";
import { Button } from "../../../components/ui/Button";
import { Dialog } from "../../../components/ui/Dialog";
import { SearchInput } from "../../../components/ui/SearchInput";
import { EmptyState, ErrorState, InlineError, LoadingState } from "../../../components/ui/States";
import type { TileView } from "../../../lib/api/types";
import { useAddTile, useChartChoices } from "../api/dashboards";
import { nextFreeCell } from "../api/layout";

const WIDE_CHART_TYPES = new Set(["line", "area", "bar", "table", "pivot_table", "heatmap"]);

export function AddTileDialog({
  open,
  onClose,
  dashboardId,
  tiles,
}: {
  open: boolean;
  onClose: () => void;
  dashboardId: string;
  tiles: TileView[];
}) {
  const [search, setSearch] = useState("");
  const choices = useChartChoices(search, open);
  const addTile = useAddTile(dashboardId);
  const { notify } = useToast();
  const [chosen, setChosen] = useState<string | null>(null);

  const close = () => {
    addTile.reset();
    setChosen(null);
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} title="Add a chart" description="Pick a chart to place at the bottom of the dashboard." wide>
      <div className="stack">
        <SearchInput label="Search charts" value={search} onChange={setSearch} />
        <InlineError error={addTile.error} />
        {choices.isLoading ? (
          <LoadingState compact label="Loading charts…" />
        ) : choices.isError ? (
          <ErrorState compact error={choices.error} onRetry={() => void choices.refetch()} />
        ) : (choices.data?.items.length ?? 0) === 0 ? (
          <EmptyState
            compact
            icon="chart"
            title={search ? "No chart matches your search" : "There are no charts yet"}
            description="Create a chart first, then add it here."
          />
        ) : (
          <div className="table-wrap" style={{ maxHeight: 360 }}>
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Chart</th>
                  <th scope="col">Type</th>
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {choices.data?.items.map((chart) => (
                  <tr key={chart.id}>
                    <td className="row-title">{chart.name}</td>
                    <td>{chart.chart_type.replace("_", " ")}</td>
                    <td className="row-actions">
                      <Button
                        size="small"
                        variant="primary"
                        icon="plus"
                        busy={addTile.isPending && chosen === chart.id}
                        disabled={addTile.isPending}
                        onClick={() => {
                          setChosen(chart.id);
                          const cell = nextFreeCell(tiles, WIDE_CHART_TYPES.has(chart.chart_type) ? 12 : 6);
                          addTile.mutate(
                            { chartId: chart.id, ...cell },
                            {
                              onSuccess: () => {
                                notify(`Added "${chart.name}"`);
                                close();
                              },
                            },
                          );
                        }}
                      >
                        Add <span className="visually-hidden">{chart.name}</span>
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Dialog>
  );
}
