import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { Badge } from "../../../components/ui/Badge";
import { Button } from "../../../components/ui/Button";
import { SelectField } from "../../../components/ui/Field";
import { LoadMore } from "../../../components/ui/LoadMore";
import { PageHeader } from "../../../components/ui/PageHeader";
import { SearchInput } from "../../../components/ui/SearchInput";
import { EmptyState, ErrorState, LoadingState } from "../../../components/ui/States";
import { decodeDatasetSource } from "../../../lib/api/decoders";
import { flattenPages, SORT_OPTIONS, type ListSort } from "../../../lib/api/pagination";
import { canCreateContent, useCurrentUser } from "../../../lib/auth/AuthProvider";
import { formatRelativeTime } from "../../../lib/format";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import { useDatasetList } from "../api/datasets";
import { CreateDatasetDialog } from "../components/CreateDatasetDialog";
import { describeSource } from "../components/source";

function sortFrom(value: string | null): ListSort {
  return SORT_OPTIONS.some((option) => option.value === value) ? (value as ListSort) : "-updated_at";
}

export function DatasetsListRoute() {
  useDocumentTitle("Datasets");
  const user = useCurrentUser();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.get("q") ?? "";
  const sort = sortFrom(searchParams.get("sort"));
  const list = useDatasetList(search, sort);
  const datasets = flattenPages(list.data);
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
        title="Datasets"
        description="Tables of rows that charts are drawn from: uploaded CSV files, or tables and queries of a database."
        actions={
          canCreateContent(user) ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              New dataset
            </Button>
          ) : null
        }
      />
      <div className="toolbar">
        <SearchInput label="Search datasets" value={search} onChange={(value) => updateParams({ q: value })} />
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
        <LoadingState label="Loading datasets…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : datasets.length === 0 ? (
        <EmptyState
          icon="dataset"
          title={search ? `No dataset matches "${search}"` : "No datasets yet"}
          description={search ? "Try another name." : "Upload a CSV file or read a table from a database."}
          action={
            !search && canCreateContent(user) ? (
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                New dataset
              </Button>
            ) : null
          }
        />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Datasets</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Source</th>
                <th scope="col" className="numeric">
                  Version
                </th>
                <th scope="col">Access</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {datasets.map((dataset) => (
                <tr key={dataset.id}>
                  <td>
                    <Link className="resource-link" to={`/datasets/${dataset.id}`}>
                      {dataset.name}
                    </Link>
                    {dataset.description ? <p className="muted small">{dataset.description}</p> : null}
                  </td>
                  <td>{describeSource(decodeDatasetSource(dataset.source))}</td>
                  <td className="numeric">{dataset.latest_version > 0 ? dataset.latest_version : "—"}</td>
                  <td>
                    <Badge tone={dataset.access === "edit" ? "primary" : undefined}>
                      {dataset.owner_id === user.id ? "Owner" : dataset.access === "edit" ? "Can edit" : "Can view"}
                    </Badge>
                  </td>
                  <td title={dataset.updated_at}>{formatRelativeTime(dataset.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
            shown={datasets.length}
          />
        </div>
      )}
      <CreateDatasetDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(datasetId) => {
          setCreating(false);
          navigate(`/datasets/${datasetId}`);
        }}
      />
    </>
  );
}
