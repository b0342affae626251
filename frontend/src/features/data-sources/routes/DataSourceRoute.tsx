import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { useToast } from "../../../components/feedback/Toasts";
import { ShareDialog } from "../../../components/sharing/ShareDialog";
import { Button } from "../../../components/ui/Button";
import { ConfirmDialog } from "../../../components/ui/ConfirmDialog";
import { PageHeader } from "../../../components/ui/PageHeader";
import { Alert, EmptyState, ErrorState, InlineError, LoadingState } from "../../../components/ui/States";
import { ApiProblem } from "../../../lib/api/problem";
import type { DataSourceDetail } from "../../../lib/api/types";
import { hasRole, useCurrentUser } from "../../../lib/auth/AuthProvider";
import { formatDateTime, formatNumber, pluralize } from "../../../lib/format";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import {
  dataSourceKeys,
  KIND_LABELS,
  useConnectionStatus,
  useDataSource,
  useDeleteDataSource,
  useSourceTables,
} from "../api/data-sources";
import { EditDataSourceDialog } from "../components/DataSourceDialogs";

export function DataSourceRoute() {
  const { dataSourceId = "" } = useParams();
  const source = useDataSource(dataSourceId);
  useDocumentTitle(source.data?.name ?? "Data source");
  if (source.isPending) return <LoadingState label="Loading data source…" />;
  if (source.isError) {
    return source.error instanceof ApiProblem && source.error.status === 404 ? (
      <EmptyState
        icon="source"
        title="Data source not found"
        description="It may have been deleted, or it is not shared with you."
        action={<Link to="/data-sources">All data sources</Link>}
      />
    ) : (
      <ErrorState error={source.error} onRetry={() => void source.refetch()} />
    );
  }
  return <DataSourcePage source={source.data} />;
}

function DataSourcePage({ source }: { source: DataSourceDetail }) {
  const user = useCurrentUser();
  const navigate = useNavigate();
  const { notify } = useToast();
  const isDatabase = source.kind !== "upload";
  const status = useConnectionStatus(source.id);
  const [browsing, setBrowsing] = useState(false);
  const tables = useSourceTables(source.id, isDatabase && browsing);
  const [sharing, setSharing] = useState(false);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const remove = useDeleteDataSource();
  const canEdit = source.access === "edit";
  const mayAdminister = source.owner_id === user.id || hasRole(user, "admin");

  return (
    <>
      <PageHeader
        breadcrumb={<Link to="/data-sources">Data sources</Link>}
        title={source.name}
        description={source.description || undefined}
        actions={
          <>
            {source.grants ? (
              <Button icon="share" onClick={() => setSharing(true)}>
                Share
              </Button>
            ) : null}
            {canEdit ? (
              <Button icon="edit" onClick={() => setEditing(true)}>
                Details
              </Button>
            ) : null}
            {mayAdminister ? (
              <Button icon="trash" onClick={() => setDeleting(true)}>
                Delete
              </Button>
            ) : null}
          </>
        }
      />
      <dl className="details-list card card-body section">
        <dt>Kind</dt>
        <dd>{KIND_LABELS[source.kind] ?? source.kind}</dd>
        {isDatabase ? (
          <>
            <dt>Address</dt>
            <dd className="mono">{source.display_address ?? "—"}</dd>
            <dt>Password</dt>
            <dd>Stored encrypted; it is never shown.</dd>
          </>
        ) : null}
        <dt>Updated</dt>
        <dd>{formatDateTime(source.updated_at)}</dd>
      </dl>

      {isDatabase ? (
        <>
          <section className="section card" aria-labelledby="connection-title">
            <div className="card-header">
              <h2 id="connection-title">Connection</h2>
              <Button icon="refresh" busy={status.isFetching} onClick={() => void status.refetch()}>
                Check connection
              </Button>
            </div>
            <div className="card-body" aria-live="polite">
              {status.isFetching ? (
                <LoadingState compact label="Connecting to the database…" />
              ) : status.isError ? (
                <InlineError title="The database did not answer" error={status.error} />
              ) : status.data ? (
                <Alert tone="success" title="Connected">
                  Signed in and ran a query in {formatNumber(status.data.latency_ms)} ms.
                </Alert>
              ) : (
                <p className="muted">Check that vizpro can reach the database and sign in.</p>
              )}
            </div>
          </section>

          <section className="section card" aria-labelledby="tables-title">
            <div className="card-header">
              <h2 id="tables-title">Tables</h2>
              {browsing ? (
                <Button size="small" icon="refresh" busy={tables.isFetching} onClick={() => void tables.refetch()}>
                  Reload
                </Button>
              ) : (
                <Button size="small" icon="table" onClick={() => setBrowsing(true)}>
                  Browse tables
                </Button>
              )}
            </div>
            {!browsing ? (
              <div className="card-body">
                <p className="muted">List the tables and views a dataset over this database can read.</p>
              </div>
            ) : tables.isPending ? (
              <LoadingState compact label="Reading the database's tables…" />
            ) : tables.isError ? (
              <div className="card-body">
                <InlineError title="The tables could not be listed" error={tables.error} />
              </div>
            ) : tables.data.length === 0 ? (
              <EmptyState compact title="No tables" description="The database has no tables or views the user can read." />
            ) : (
              <ul className="table-browser">
                {tables.data.map((table) => {
                  const qualified = `${table.schema ? `${table.schema}.` : ""}${table.name}`;
                  return (
                    <li key={qualified}>
                      <details>
                        <summary>
                          <span className="mono">{qualified}</span>
                          <span className="badge">{table.kind}</span>
                          <span className="muted small">{pluralize(table.columns.length, "column")}</span>
                        </summary>
                        <div className="table-wrap">
                          <table className="table table-compact">
                            <caption className="visually-hidden">Columns of {qualified}</caption>
                            <thead>
                              <tr>
                                <th scope="col">Column</th>
                                <th scope="col">Type</th>
                                <th scope="col">Nullable</th>
                              </tr>
                            </thead>
                            <tbody>
                              {table.columns.map((column) => (
                                <tr key={column.name}>
                                  <td className="mono">{column.name}</td>
                                  <td>{column.data_type}</td>
                                  <td>{column.nullable ? "yes" : "no"}</td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        </div>
                      </details>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </>
      ) : (
        <Alert tone="info">
          Uploaded CSV files are kept here. Create a dataset under <Link to="/datasets">Datasets</Link> to upload one.
        </Alert>
      )}

      <ShareDialog
        open={sharing}
        onClose={() => setSharing(false)}
        resource="data-sources"
        resourceId={source.id}
        resourceName={source.name}
        grants={source.grants}
        ownerId={source.owner_id}
        resourceKey={dataSourceKeys.detail(source.id)}
      />
      {editing ? <EditDataSourceDialog source={source} onClose={() => setEditing(false)} /> : null}
      <ConfirmDialog
        open={deleting}
        title="Delete data source?"
        confirmLabel="Delete data source"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => {
          remove.reset();
          setDeleting(false);
        }}
        onConfirm={() =>
          remove.mutate(source.id, {
            onSuccess: () => {
              notify(`Deleted "${source.name}"`);
              navigate("/data-sources", { replace: true });
            },
          })
        }
      >
        <p>
          <strong>{source.name}</strong> will be deleted. Datasets that read from it will no longer load.
        </p>
      </ConfirmDialog>
    </>
  );
}
