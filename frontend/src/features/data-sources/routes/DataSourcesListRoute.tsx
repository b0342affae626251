import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { Badge } from "../../../components/ui/Badge";
import { Button } from "../../../components/ui/Button";
import { SelectField } from "../../../components/ui/Field";
import { LoadMore } from "../../../components/ui/LoadMore";
import { PageHeader } from "../../../components/ui/PageHeader";
import { SearchInput } from "../../../components/ui/SearchInput";
import { EmptyState, ErrorState, LoadingState } from "../../../components/ui/States";
import { flattenPages, SORT_OPTIONS, type ListSort } from "../../../lib/api/pagination";
import { canCreateContent, useCurrentUser } from "../../../lib/auth/AuthProvider";
import { formatRelativeTime } from "../../../lib/format";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import { KIND_LABELS, useDataSourceList } from "../api/data-sources";
import { CreateDataSourceDialog } from "../components/DataSourceDialogs";

function sortFrom(value: string | null): ListSort {
  return SORT_OPTIONS.some((option) => option.value === value) ? (value as ListSort) : "-updated_at";
}

export function DataSourcesListRoute() {
  useDocumentTitle("Data sources");
  const user = useCurrentUser();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.get("q") ?? "";
  const sort = sortFrom(searchParams.get("sort"));
  const list = useDataSourceList(search, sort);
  const sources = flattenPages(list.data);
  const [creating, setCreating] = useState(false);

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
        title="Data sources"
        description="The databases vizpro reads from, and the place uploaded files are kept."
        actions={
          canCreateContent(user) ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              New data source
            </Button>
          ) : null
        }
      />
      <div className="toolbar">
        <SearchInput label="Search data sources" value={search} onChange={(value) => updateParams({ q: value })} />
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
        <LoadingState label="Loading data sources…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : sources.length === 0 ? (
        <EmptyState
          icon="source"
          title={search ? `No data source matches "${search}"` : "No data sources yet"}
          description={search ? "Try another name." : "Connect a PostgreSQL or MySQL database to chart its tables."}
          action={
            !search && canCreateContent(user) ? (
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                New data source
              </Button>
            ) : null
          }
        />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Data sources</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Address</th>
                <th scope="col">Access</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((source) => (
                <tr key={source.id}>
                  <td>
                    <Link className="resource-link" to={`/data-sources/${source.id}`}>
                      {source.name}
                    </Link>
                    {source.description ? <p className="muted small">{source.description}</p> : null}
                  </td>
                  <td>{KIND_LABELS[source.kind] ?? source.kind}</td>
                  <td className="mono">{source.display_address ?? "—"}</td>
                  <td>
                    <Badge tone={source.access === "edit" ? "primary" : undefined}>
                      {source.owner_id === user.id ? "Owner" : source.access === "edit" ? "Can edit" : "Can view"}
                    </Badge>
                  </td>
                  <td title={source.updated_at}>{formatRelativeTime(source.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
            shown={sources.length}
          />
        </div>
      )}
      <CreateDataSourceDialog open={creating} onClose={() => setCreating(false)} onCreated={(id) => navigate(`/data-sources/${id}`)} />
    </>
  );
}
