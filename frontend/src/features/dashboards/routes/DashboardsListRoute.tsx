import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { Badge } from "../../../components/ui/Badge";
import { Button, IconButton } from "../../../components/ui/Button";
import { SelectField } from "../../../components/ui/Field";
import { LoadMore } from "../../../components/ui/LoadMore";
import { PageHeader } from "../../../components/ui/PageHeader";
import { SearchInput } from "../../../components/ui/SearchInput";
import { EmptyState, ErrorState, LoadingState } from "../../../components/ui/States";
import { flattenPages, SORT_OPTIONS, type ListSort } from "../../../lib/api/pagination";
import type { DashboardSummary } from "../../../lib/api/types";
import { canCreateContent, hasRole, useCurrentUser } from "../../../lib/auth/AuthProvider";
import { formatRelativeTime } from "../../../lib/format";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import { useDashboardList } from "../api/dashboards";
import { CreateDashboardDialog, DeleteDashboardDialog, EditDashboardDialog } from "../components/DashboardDialogs";

function sortFrom(value: string | null): ListSort {
  return SORT_OPTIONS.some((option) => option.value === value) ? (value as ListSort) : "-updated_at";
}

export function DashboardsListRoute() {
  useDocumentTitle("Dashboards");
  const user = useCurrentUser();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.get("q") ?? "";
  const sort = sortFrom(searchParams.get("sort"));
  const list = useDashboardList(search, sort);
  const dashboards = flattenPages(list.data);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<DashboardSummary | null>(null);
  const [deleting, setDeleting] = useState<DashboardSummary | null>(null);

  const updateParams = (changes: Record<string, string>) => {
    const next = new URLSearchParams(searchParams);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setSearchParams(next, { replace: true });
  };

  const mayAdminister = (dashboard: DashboardSummary) => dashboard.owner_id === user.id || hasRole(user, "admin");

  return (
    <>
      <PageHeader
        title="Dashboards"
        description="Collections of charts, laid out for a purpose."
        actions={
          canCreateContent(user) ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              New dashboard
            </Button>
          ) : null
        }
      />
      <div className="toolbar">
        <SearchInput label="Search dashboards" value={search} onChange={(value) => updateParams({ q: value })} />
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
        <LoadingState label="Loading dashboards…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : dashboards.length === 0 ? (
        <EmptyState
          icon="dashboard"
          title={search ? `No dashboard matches "${search}"` : "No dashboards yet"}
          description={search ? "Try another name." : "Create a dashboard, then add charts to it."}
          action={
            !search && canCreateContent(user) ? (
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                New dashboard
              </Button>
            ) : null
          }
        />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Dashboards</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Short link</th>
                <th scope="col">Access</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {dashboards.map((dashboard) => (
                <tr key={dashboard.id}>
                  <td>
                    <Link className="resource-link" to={`/dashboards/${dashboard.id}`}>
                      {dashboard.name}
                    </Link>
                    {dashboard.description ? <p className="muted small">{dashboard.description}</p> : null}
                  </td>
                  <td>
                    <Link to={`/d/${dashboard.slug}`} className="mono">
                      /d/{dashboard.slug}
                    </Link>
                  </td>
                  <td>
                    <Badge tone={dashboard.access === "edit" ? "primary" : undefined}>
                      {dashboard.owner_id === user.id ? "Owner" : dashboard.access === "edit" ? "Can edit" : "Can view"}
                    </Badge>
                  </td>
                  <td title={dashboard.updated_at}>{formatRelativeTime(dashboard.updated_at)}</td>
                  <td className="row-actions">
                    {dashboard.access === "edit" ? (
                      <IconButton icon="edit" label={`Edit details of ${dashboard.name}`} onClick={() => setEditing(dashboard)} />
                    ) : null}
                    {mayAdminister(dashboard) ? (
                      <IconButton icon="trash" label={`Delete ${dashboard.name}`} onClick={() => setDeleting(dashboard)} />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
            shown={dashboards.length}
          />
        </div>
      )}

      <CreateDashboardDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(accepted) => navigate(`/dashboards/${accepted.id}`)}
      />
      <EditDashboardDialog dashboard={editing} onClose={() => setEditing(null)} />
      <DeleteDashboardDialog dashboard={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
