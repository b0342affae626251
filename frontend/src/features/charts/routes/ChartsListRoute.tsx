import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { useToast } from "../../../components/feedback/Toasts";
import { Badge } from "../../../components/ui/Badge";
import { Button, IconButton } from "../../../components/ui/Button";
import { ConfirmDialog } from "../../../components/ui/ConfirmDialog";
import { SelectField } from "../../../components/ui/Field";
import { Icon } from "../../../components/ui/Icon";
import { LoadMore } from "../../../components/ui/LoadMore";
import { PageHeader } from "../../../components/ui/PageHeader";
import { SearchInput } from "../../../components/ui/SearchInput";
import { EmptyState, ErrorState, LoadingState } from "../../../components/ui/States";
import { flattenPages, SORT_OPTIONS, type ListSort } from "../../../lib/api/pagination";
import type { Chart, ChartType } from "../../../lib/api/types";
import { canCreateContent, hasRole, useCurrentUser } from "../../../lib/auth/AuthProvider";
import { formatRelativeTime } from "../../../lib/format";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import { useChartList, useDatasetChoices, useDeleteChart } from "../api/charts";
import { CHART_TYPE_LABELS } from "../api/chart-draft";
import { CHART_TYPE_ICONS } from "../components/ChartTypePicker";

function sortFrom(value: string | null): ListSort {
  return SORT_OPTIONS.some((option) => option.value === value) ? (value as ListSort) : "-updated_at";
}

export function ChartsListRoute() {
  useDocumentTitle("Charts");
  const user = useCurrentUser();
  const navigate = useNavigate();
  const { notify } = useToast();
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.get("q") ?? "";
  const sort = sortFrom(searchParams.get("sort"));
  const list = useChartList(search, sort);
  const charts = flattenPages(list.data);
  const datasets = useDatasetChoices();
  const datasetNames = new Map((datasets.data?.items ?? []).map((dataset) => [dataset.id, dataset.name]));
  const remove = useDeleteChart();
  const [deleting, setDeleting] = useState<Chart | null>(null);

  const updateParams = (changes: Record<string, string>) => {
    const next = new URLSearchParams(searchParams);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setSearchParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Charts"
        description="Questions asked of a dataset, drawn as a chart."
        actions={
          canCreateContent(user) ? (
            <Button variant="primary" icon="plus" onClick={() => navigate("/charts/new")}>
              New chart
            </Button>
          ) : null
        }
      />
      <div className="toolbar">
        <SearchInput label="Search charts" value={search} onChange={(value) => updateParams({ q: value })} />
        <div style={{ width: 200 }}>
          <SelectField
            label="Sort by"
            hideLabel
            value={sort}
            options={SORT_OPTIONS}
            onChange={(event) => updateParams({ sort: event.target.value === "-updated_at" ? "" : event.target.value })}
          />
        </div>
      </div>
      {list.isPending ? (
        <LoadingState label="Loading charts…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : charts.length === 0 ? (
        <EmptyState
          icon="chart"
          title={search ? `No chart matches "${search}"` : "No charts yet"}
          description={search ? "Try another name." : "Charts draw a dataset's rows as bars, lines, numbers and more."}
          action={
            !search && canCreateContent(user) ? (
              <Button variant="primary" icon="plus" onClick={() => navigate("/charts/new")}>
                New chart
              </Button>
            ) : null
          }
        />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Charts</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Dataset</th>
                <th scope="col">Access</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {charts.map((chart) => {
                const type = chart.chart_type as ChartType;
                return (
                  <tr key={chart.id}>
                    <td>
                      <Link className="resource-link" to={`/charts/${chart.id}`}>
                        {chart.name}
                      </Link>
                      {chart.description ? <p className="muted small">{chart.description}</p> : null}
                    </td>
                    <td>
                      <span className="row">
                        {CHART_TYPE_ICONS[type] ? <Icon name={CHART_TYPE_ICONS[type]} /> : null}
                        {CHART_TYPE_LABELS[type] ?? chart.chart_type}
                      </span>
                    </td>
                    <td>
                      <Link to={`/datasets/${chart.dataset_id}`}>{datasetNames.get(chart.dataset_id) ?? "Dataset"}</Link>
                    </td>
                    <td>
                      <Badge tone={chart.access === "edit" ? "primary" : undefined}>
                        {chart.owner_id === user.id ? "Owner" : chart.access === "edit" ? "Can edit" : "Can view"}
                      </Badge>
                    </td>
                    <td title={chart.updated_at}>{formatRelativeTime(chart.updated_at)}</td>
                    <td className="row-actions">
                      {chart.owner_id === user.id || hasRole(user, "admin") ? (
                        <IconButton icon="trash" label={`Delete ${chart.name}`} onClick={() => setDeleting(chart)} />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
            shown={charts.length}
          />
        </div>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete chart?"
        confirmLabel="Delete chart"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => {
          remove.reset();
          setDeleting(null);
        }}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notify(`Deleted "${deleting.name}"`);
              setDeleting(null);
            },
          })
        }
      >
        <p>
          <strong>{deleting?.name}</strong> will be deleted. Dashboards that show it keep an empty tile in its place.
        </p>
      </ConfirmDialog>
    </>
  );
}
