import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";

import { useToast } from "../../../components/feedback/Toasts";
import { ShareDialog } from "../../../components/sharing/ShareDialog";
import { Button } from "../../../components/ui/Button";
import { ConfirmDialog } from "../../../components/ui/ConfirmDialog";
import { PageHeader } from "../../../components/ui/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../../../components/ui/States";
import { decodeQueryFilter } from "../../../lib/api/decoders";
import { ApiProblem, errorMessage } from "../../../lib/api/problem";
import type { DashboardFilter, QueryFilter, TileView } from "../../../lib/api/types";
import { hasRole, useCurrentUser } from "../../../lib/auth/AuthProvider";
import { formatRelativeTime } from "../../../lib/format";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import {
  dashboardKeys,
  saveLayout,
  useChangeFilters,
  useDashboard,
  useDashboardData,
  useFilterableColumns,
  useRemoveTile,
  type DashboardReference,
  type LoadedDashboard,
} from "../api/dashboards";
import { LayoutSaver, layoutChanged, placementsFor, type GridItem } from "../api/layout";
import { AddTileDialog } from "../components/AddTileDialog";
import { DashboardGrid } from "../components/DashboardGrid";
import { DeleteDashboardDialog, EditDashboardDialog } from "../components/DashboardDialogs";
import { FiltersBar } from "../components/FiltersBar";

const LAYOUT_SAVE_DELAY_MS = 600;

export function DashboardByIdRoute() {
  const { dashboardId = "" } = useParams();
  return <DashboardPage reference={{ id: dashboardId }} />;
}

export function DashboardBySlugRoute() {
  const { slug = "" } = useParams();
  return <DashboardPage reference={{ slug }} />;
}

function viewFiltersFrom(raw: string | null): QueryFilter[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed)
      ? parsed.map(decodeQueryFilter).filter((filter): filter is QueryFilter => filter !== null)
      : [];
  } catch {
    return [];
  }
}

function DashboardPage({ reference }: { reference: DashboardReference }) {
  const dashboard = useDashboard(reference);
  useDocumentTitle(dashboard.data?.view.name ?? "Dashboard");

  if (dashboard.isPending) return <LoadingState label="Loading dashboard…" />;
  if (dashboard.isError) {
    const notFound = dashboard.error instanceof ApiProblem && dashboard.error.status === 404;
    return notFound ? (
      <EmptyState
        icon="dashboard"
        title="Dashboard not found"
        description="It may have been deleted, or it is not shared with you."
        action={<Link to="/dashboards">All dashboards</Link>}
      />
    ) : (
      <ErrorState error={dashboard.error} onRetry={() => void dashboard.refetch()} />
    );
  }
  return <LoadedDashboardPage key={dashboard.data.view.id} reference={reference} dashboard={dashboard.data} />;
}

function LoadedDashboardPage({ reference, dashboard }: { reference: DashboardReference; dashboard: LoadedDashboard }) {
  const { view, specs } = dashboard;
  const user = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { notify, notifyError } = useToast();
  const [searchParams, setSearchParams] = useSearchParams();
  const viewFilters = useMemo(() => viewFiltersFrom(searchParams.get("filters")), [searchParams]);
  const data = useDashboardData(view.id, viewFilters);
  const canEdit = view.access === "edit";
  const mayAdminister = view.owner_id === user.id || hasRole(user, "admin");

  const [editing, setEditing] = useState(false);
  const [addingTile, setAddingTile] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [editingDetails, setEditingDetails] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [removingTile, setRemovingTile] = useState<TileView | null>(null);
  const [saveState, setSaveState] = useState<"idle" | "saving" | "saved" | "failed">("idle");
  const removeTile = useRemoveTile(view.id);
  const changeFilters = useChangeFilters(view.id);
  const versionRef = useRef(view.version);
  versionRef.current = Math.max(versionRef.current, view.version);

  const datasetIds = useMemo(
    () => [...new Set(view.tiles.flatMap((tile) => (tile.chart ? [tile.chart.dataset_id] : [])))],
    [view.tiles],
  );
  const columns = useFilterableColumns(datasetIds);
  const columnChoices = useMemo(
    () => (columns.data ?? []).map((column) => ({ name: column.name, dataType: column.dataType })),
    [columns.data],
  );

  const reloadDashboard = useCallback(
    () => queryClient.invalidateQueries({ queryKey: dashboardKeys.views() }),
    [queryClient],
  );

  const saverRef = useRef<LayoutSaver | null>(null);
  if (saverRef.current === null) {
    saverRef.current = new LayoutSaver({
      delayMs: LAYOUT_SAVE_DELAY_MS,
      version: view.version,
      save: (placements, version) => {
        setSaveState("saving");
        return saveLayout(view.id, placements, version);
      },
      onSaved: (accepted) => {
        versionRef.current = Math.max(versionRef.current, accepted.version);
        setSaveState("saved");
        void reloadDashboard();
      },
      onError: (error) => {
        setSaveState("failed");
        notifyError(
          error instanceof ApiProblem && error.status === 412
            ? "Someone else changed this dashboard. Their latest layout is shown; make your change again."
            : `The layout could not be saved. ${errorMessage(error)}`,
        );
        void reloadDashboard();
      },
    });
  }
  const saver = saverRef.current;
  saver.observeVersion(view.version);

  // A layout change still waiting to be saved is saved when the page is left.
  useEffect(() => () => void saver.flush(), [saver]);

  const handleLayoutChange = (layout: GridItem[]) => {
    const placements = placementsFor(view.tiles, layout);
    if (!layoutChanged(view.tiles, placements)) return;
    // The grid shows the new layout at once; the saved layout follows.
    queryClient.setQueryData<LoadedDashboard>(dashboardKeys.view(reference), (current) =>
      current
        ? {
            ...current,
            view: {
              ...current.view,
              tiles: current.view.tiles.map((tile) => {
                const placement = placements.find((candidate) => candidate.tile_id === tile.tile_id);
                return placement ? { ...tile, ...placement } : tile;
              }),
            },
          }
        : current,
    );
    setSaveState("saving");
    saver.schedule(placements);
  };

  const setViewFilters = (filters: QueryFilter[]) => {
    const next = new URLSearchParams(searchParams);
    if (filters.length > 0) next.set("filters", JSON.stringify(filters));
    else next.delete("filters");
    setSearchParams(next, { replace: true });
  };

  const saveFilters = (filters: DashboardFilter[]) => {
    changeFilters.mutate(
      { filters, version: versionRef.current },
      {
        onSuccess: (accepted) => {
          versionRef.current = Math.max(versionRef.current, accepted.version);
          notify("Dashboard filters saved");
        },
      },
    );
  };

  return (
    <>
      <PageHeader
        breadcrumb={<Link to="/dashboards">Dashboards</Link>}
        title={view.name}
        description={view.description || undefined}
        actions={
          <>
            <Button icon="refresh" onClick={() => void data.refetch()} busy={data.isFetching && !data.isPending}>
              Refresh
            </Button>
            {view.grants ? (
              <Button icon="share" onClick={() => setSharing(true)}>
                Share
              </Button>
            ) : null}
            {canEdit ? (
              <Button icon="edit" onClick={() => setEditingDetails(true)}>
                Details
              </Button>
            ) : null}
            {mayAdminister ? (
              <Button icon="trash" onClick={() => setDeleting(true)}>
                Delete
              </Button>
            ) : null}
            {canEdit ? (
              <Button
                variant={editing ? "secondary" : "primary"}
                icon={editing ? "check" : "dashboard"}
                aria-pressed={editing}
                onClick={() => {
                  if (editing) void saver.flush();
                  setEditing(!editing);
                }}
              >
                {editing ? "Done editing" : "Edit layout"}
              </Button>
            ) : null}
          </>
        }
      />

      {editing ? (
        <div className="edit-banner" role="region" aria-label="Layout editing">
          <span>
            Drag tiles by their handle and resize them from the lower right corner. Changes are saved automatically.
          </span>
          <span className="row">
            <span className="small" role="status" aria-live="polite">
              {saveState === "saving" ? "Saving…" : saveState === "saved" ? "All changes saved" : saveState === "failed" ? "Not saved" : ""}
            </span>
            <Button
              size="small"
              variant="primary"
              icon="plus"
              onClick={() => {
                // The new tile must be placed after any layout still waiting, or that layout would miss it.
                void saver.flush();
                setAddingTile(true);
              }}
            >
              Add chart
            </Button>
          </span>
        </div>
      ) : null}

      <FiltersBar
        saved={dashboard.filters}
        viewFilters={viewFilters}
        columns={columnChoices}
        canEdit={canEdit}
        saving={changeFilters.isPending}
        saveError={changeFilters.error}
        onChangeViewFilters={setViewFilters}
        onChangeSaved={saveFilters}
      />

      {data.isError ? <ErrorState compact error={data.error} title="The charts could not be loaded" onRetry={() => void data.refetch()} /> : null}

      {view.tiles.length === 0 ? (
        <EmptyState
          icon="chart"
          title="This dashboard has no charts yet"
          description={canEdit ? "Add charts to lay them out here." : "Its owner has not added any charts yet."}
          action={
            canEdit ? (
              <Button
                variant="primary"
                icon="plus"
                onClick={() => {
                  setEditing(true);
                  setAddingTile(true);
                }}
              >
                Add chart
              </Button>
            ) : null
          }
        />
      ) : (
        <DashboardGrid
          tiles={view.tiles}
          specs={specs}
          data={data.data}
          loading={data.isFetching}
          editing={editing}
          onLayoutChange={handleLayoutChange}
          onRemoveTile={(tile) => {
            void saver.flush();
            setRemovingTile(tile);
          }}
        />
      )}

      {data.data ? (
        <p className="chart-meta" style={{ marginTop: 16 }}>
          <span>Updated {formatRelativeTime(new Date(data.dataUpdatedAt).toISOString())}</span>
          {data.data.cache ? <span>Cache: {data.data.cache}</span> : null}
        </p>
      ) : null}

      <AddTileDialog open={addingTile} onClose={() => setAddingTile(false)} dashboardId={view.id} tiles={view.tiles} />
      <ShareDialog
        open={sharing}
        onClose={() => setSharing(false)}
        resource="dashboards"
        resourceId={view.id}
        resourceName={view.name}
        grants={view.grants}
        ownerId={view.owner_id}
        resourceKey={dashboardKeys.views()}
      />
      <EditDashboardDialog
        dashboard={editingDetails ? { ...view, version: versionRef.current } : null}
        onClose={() => setEditingDetails(false)}
      />
      <DeleteDashboardDialog
        dashboard={deleting ? view : null}
        onClose={() => setDeleting(false)}
        onDeleted={() => navigate("/dashboards", { replace: true })}
      />
      <ConfirmDialog
        open={removingTile !== null}
        title="Remove this chart from the dashboard?"
        confirmLabel="Remove chart"
        busy={removeTile.isPending}
        error={removeTile.error}
        onCancel={() => {
          removeTile.reset();
          setRemovingTile(null);
        }}
        onConfirm={() => {
          if (!removingTile) return;
          removeTile.mutate(removingTile.tile_id, {
            onSuccess: () => {
              notify("Chart removed from the dashboard");
              setRemovingTile(null);
            },
          });
        }}
      >
        <p>
          <strong>{removingTile?.chart?.name ?? "This chart"}</strong> is removed from this dashboard only; the chart
          itself stays.
        </p>
      </ConfirmDialog>
    </>
  );
}
