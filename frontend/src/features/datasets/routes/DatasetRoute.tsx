import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { ResultTable } from "../../../components/charts/ResultTable";
import { useToast } from "../../../components/feedback/Toasts";
import { ShareDialog } from "../../../components/sharing/ShareDialog";
import { Button } from "../../../components/ui/Button";
import { ConfirmDialog } from "../../../components/ui/ConfirmDialog";
import { Dialog } from "../../../components/ui/Dialog";
import { SelectField, TextAreaField, TextField } from "../../../components/ui/Field";
import { PageHeader } from "../../../components/ui/PageHeader";
import { Alert, EmptyState, ErrorState, InlineError, LoadingState } from "../../../components/ui/States";
import { Tabs } from "../../../components/ui/Tabs";
import type { UploadProgress } from "../../../lib/api/client";
import { decodeDatasetColumns } from "../../../lib/api/decoders";
import { ApiProblem, fieldErrorsOf } from "../../../lib/api/problem";
import { COLUMN_TYPES, type ColumnType } from "../../../lib/api/types";
import { canCreateContent, hasRole, useCurrentUser } from "../../../lib/auth/AuthProvider";
import { formatBytes, formatCell, formatDateTime, formatInteger } from "../../../lib/format";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import {
  datasetKeys,
  useChangeColumnTypes,
  useDataset,
  useDatasetPreview,
  useDatasetStatistics,
  useDeleteDataset,
  useUpdateDataset,
  useUploadVersion,
  type LoadedDataset,
} from "../api/datasets";
import { CsvUploadFields, EMPTY_UPLOAD, UploadProgressBar, uploadOptionsOf, type CsvUploadState } from "../components/CsvUploadFields";
import { describeSource } from "../components/source";

type DatasetTab = "preview" | "columns" | "versions";

export function DatasetRoute() {
  const { datasetId = "" } = useParams();
  const dataset = useDataset(datasetId);
  useDocumentTitle(dataset.data?.dataset.name ?? "Dataset");
  if (dataset.isPending) return <LoadingState label="Loading dataset…" />;
  if (dataset.isError) {
    return dataset.error instanceof ApiProblem && dataset.error.status === 404 ? (
      <EmptyState
        icon="dataset"
        title="Dataset not found"
        description="It may have been deleted, or it is not shared with you."
        action={<Link to="/datasets">All datasets</Link>}
      />
    ) : (
      <ErrorState error={dataset.error} onRetry={() => void dataset.refetch()} />
    );
  }
  return <DatasetPage loaded={dataset.data} />;
}

function DatasetPage({ loaded }: { loaded: LoadedDataset }) {
  const { dataset, source } = loaded;
  const user = useCurrentUser();
  const navigate = useNavigate();
  const { notify } = useToast();
  const [tab, setTab] = useState<DatasetTab>("preview");
  const [version, setVersion] = useState<number | null>(null);
  const [uploading, setUploading] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const remove = useDeleteDataset();
  const canEdit = dataset.access === "edit";
  const mayAdminister = dataset.owner_id === user.id || hasRole(user, "admin");
  const isUpload = source.kind === "upload";
  const hasRows = !isUpload || dataset.latest_version > 0;

  return (
    <>
      <PageHeader
        breadcrumb={<Link to="/datasets">Datasets</Link>}
        title={dataset.name}
        description={dataset.description || describeSource(source)}
        actions={
          <>
            {canCreateContent(user) && hasRows ? (
              <Button icon="chart" onClick={() => navigate(`/charts/new?dataset=${dataset.id}`)}>
                New chart
              </Button>
            ) : null}
            {isUpload && canEdit ? (
              <Button icon="upload" onClick={() => setUploading(true)}>
                Upload new version
              </Button>
            ) : null}
            {dataset.grants ? (
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
        <dt>Source</dt>
        <dd>{describeSource(source)}</dd>
        {source.kind === "query" ? (
          <>
            <dt>Query</dt>
            <dd>
              <pre style={{ margin: 0, whiteSpace: "pre-wrap" }}>{source.sql}</pre>
            </dd>
          </>
        ) : null}
        {source.kind !== "upload" ? (
          <>
            <dt>Data source</dt>
            <dd>
              <Link to={`/data-sources/${source.data_source_id}`}>Open the data source</Link>
            </dd>
          </>
        ) : null}
        <dt>Newest version</dt>
        <dd>{isUpload ? (dataset.latest_version > 0 ? dataset.latest_version : "No file uploaded yet") : "Read live from the database"}</dd>
        <dt>Updated</dt>
        <dd>{formatDateTime(dataset.updated_at)}</dd>
      </dl>

      {!hasRows ? (
        <EmptyState
          icon="upload"
          title="No rows yet"
          description="Upload a CSV file to fill this dataset."
          action={
            canEdit ? (
              <Button variant="primary" icon="upload" onClick={() => setUploading(true)}>
                Upload a CSV file
              </Button>
            ) : null
          }
        />
      ) : (
        <Tabs
          label="Dataset"
          selected={tab}
          onSelect={setTab}
          tabs={[
            { id: "preview", label: "Preview" },
            { id: "columns", label: "Columns" },
            ...(isUpload ? [{ id: "versions" as const, label: `Versions (${dataset.versions.length})` }] : []),
          ]}
        >
          {isUpload && tab !== "versions" && dataset.versions.length > 1 ? (
            <div style={{ maxWidth: 260, marginBottom: 12 }}>
              <SelectField
                label="Version"
                value={version === null ? "" : String(version)}
                placeholder={`Newest (${dataset.latest_version})`}
                options={dataset.versions.map((entry) => ({
                  value: String(entry.dataset_version),
                  label: `Version ${entry.dataset_version} · ${formatDateTime(entry.added_at)}`,
                }))}
                onChange={(event) => setVersion(event.target.value ? Number(event.target.value) : null)}
              />
            </div>
          ) : null}
          {tab === "preview" ? <PreviewPanel datasetId={dataset.id} version={version} /> : null}
          {tab === "columns" ? (
            <ColumnsPanel loaded={loaded} version={version} canRetype={isUpload && canEdit && version === null} />
          ) : null}
          {tab === "versions" ? <VersionsPanel loaded={loaded} /> : null}
        </Tabs>
      )}

      <UploadVersionDialog open={uploading} onClose={() => setUploading(false)} datasetId={dataset.id} />
      <ShareDialog
        open={sharing}
        onClose={() => setSharing(false)}
        resource="datasets"
        resourceId={dataset.id}
        resourceName={dataset.name}
        grants={dataset.grants}
        ownerId={dataset.owner_id}
        resourceKey={datasetKeys.detail(dataset.id)}
      />
      {editing ? <EditDatasetDialog loaded={loaded} onClose={() => setEditing(false)} /> : null}
      <ConfirmDialog
        open={deleting}
        title="Delete dataset?"
        confirmLabel="Delete dataset"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => {
          remove.reset();
          setDeleting(false);
        }}
        onConfirm={() =>
          remove.mutate(dataset.id, {
            onSuccess: () => {
              notify(`Deleted "${dataset.name}"`);
              navigate("/datasets", { replace: true });
            },
          })
        }
      >
        <p>
          <strong>{dataset.name}</strong> and all its versions will be deleted. Charts drawn from it will no longer show data.
        </p>
      </ConfirmDialog>
    </>
  );
}

function PreviewPanel({ datasetId, version }: { datasetId: string; version: number | null }) {
  const preview = useDatasetPreview(datasetId, version, true);
  if (preview.isPending) return <LoadingState label="Loading the first rows…" />;
  if (preview.isError) return <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />;
  if (preview.data.columns.length === 0) return <EmptyState title="No rows" />;
  return (
    <div className="stack">
      <p className="muted small">
        The first {formatInteger(preview.data.rowCount)} rows
        {preview.data.datasetVersion ? ` of version ${preview.data.datasetVersion}` : ""}.
      </p>
      <div className="table-wrap" style={{ maxHeight: 560 }}>
        <ResultTable columns={preview.data.columns} caption="Preview of the dataset" />
      </div>
    </div>
  );
}

function ColumnsPanel({ loaded, version, canRetype }: { loaded: LoadedDataset; version: number | null; canRetype: boolean }) {
  const { dataset } = loaded;
  const statistics = useDatasetStatistics(dataset.id, version, true);
  const retype = useChangeColumnTypes(dataset.id);
  const { notify } = useToast();
  const currentTypes = useMemo(() => {
    const newest = dataset.versions.find((entry) => entry.dataset_version === (version ?? dataset.latest_version));
    return new Map(decodeDatasetColumns(newest?.columns).map((column) => [column.name, column.data_type]));
  }, [dataset, version]);
  const [types, setTypes] = useState<Record<string, ColumnType>>({});
  useEffect(() => setTypes({}), [dataset.latest_version]);
  const changed = Object.entries(types).filter(([name, type]) => currentTypes.get(name) !== type);

  if (statistics.isPending) return <LoadingState label="Computing column statistics…" />;
  if (statistics.isError) return <ErrorState error={statistics.error} onRetry={() => void statistics.refetch()} />;

  return (
    <div className="stack">
      <p className="muted small">
        {formatInteger(statistics.data.rowCount)} rows. Distinct counts are estimates.
        {canRetype ? " Change a type to convert the newest version again, as the next version." : ""}
      </p>
      <InlineError error={retype.error} title="The types were not changed" />
      <div className="table-wrap">
        <table className="table table-compact">
          <caption className="visually-hidden">Columns and their statistics</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col" className="numeric">Empty</th>
              <th scope="col" className="numeric">Distinct</th>
              <th scope="col">Minimum</th>
              <th scope="col">Maximum</th>
            </tr>
          </thead>
          <tbody>
            {statistics.data.columns.map((column) => (
              <tr key={column.name}>
                <th scope="row" className="mono">
                  {column.name}
                </th>
                <td style={{ minWidth: 140 }}>
                  {canRetype ? (
                    <SelectField
                      label={`Type of ${column.name}`}
                      hideLabel
                      value={types[column.name] ?? column.data_type}
                      options={COLUMN_TYPES.map((type) => ({ value: type, label: type }))}
                      onChange={(event) => setTypes({ ...types, [column.name]: event.target.value as ColumnType })}
                    />
                  ) : (
                    column.data_type
                  )}
                </td>
                <td className="numeric">{formatInteger(column.nulls)}</td>
                <td className="numeric">{formatInteger(column.distinct_estimate)}</td>
                <td>{formatCell(column.min, column.data_type)}</td>
                <td>{formatCell(column.max, column.data_type)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canRetype ? (
        <div className="form-actions">
          <Button disabled={changed.length === 0 || retype.isPending} onClick={() => setTypes({})}>
            Reset
          </Button>
          <Button
            variant="primary"
            busy={retype.isPending}
            disabled={changed.length === 0}
            onClick={() =>
              retype.mutate(Object.fromEntries(changed), {
                onSuccess: () => {
                  notify("Column types changed; the converted rows are the newest version");
                  setTypes({});
                },
              })
            }
          >
            Apply {changed.length > 0 ? changed.length : ""} type {changed.length === 1 ? "change" : "changes"}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function VersionsPanel({ loaded }: { loaded: LoadedDataset }) {
  const { dataset } = loaded;
  if (dataset.versions.length === 0) return <EmptyState title="No versions yet" />;
  return (
    <div className="table-wrap">
      <table className="table table-compact">
        <caption className="visually-hidden">Versions</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Added</th>
            <th scope="col" className="numeric">Rows</th>
            <th scope="col" className="numeric">Size</th>
            <th scope="col">Columns</th>
            <th scope="col">Checksum (SHA-256)</th>
          </tr>
        </thead>
        <tbody>
          {dataset.versions.map((entry) => (
            <tr key={entry.dataset_version}>
              <th scope="row">
                {entry.dataset_version}
                {entry.dataset_version === dataset.latest_version ? " (newest)" : ""}
              </th>
              <td>{formatDateTime(entry.added_at)}</td>
              <td className="numeric">{formatInteger(entry.row_count)}</td>
              <td className="numeric">{formatBytes(entry.bytes)}</td>
              <td>{decodeDatasetColumns(entry.columns).length}</td>
              <td className="mono" title={entry.checksum_sha256}>
                {entry.checksum_sha256.slice(0, 12)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UploadVersionDialog({ open, onClose, datasetId }: { open: boolean; onClose: () => void; datasetId: string }) {
  const upload = useUploadVersion(datasetId);
  const { notify } = useToast();
  const [csv, setCsv] = useState<CsvUploadState>(EMPTY_UPLOAD);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const close = () => {
    if (upload.isPending) return;
    upload.reset();
    setCsv(EMPTY_UPLOAD);
    setProgress(null);
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Upload a new version"
      description="The file becomes the dataset's newest version; charts that follow the newest version show it at once."
      wide
      onSubmit={() => {
        if (!csv.file) return;
        upload.mutate(
          { file: csv.file, options: uploadOptionsOf(csv), onProgress: setProgress },
          {
            onSuccess: () => {
              notify("New version stored");
              upload.reset();
              setCsv(EMPTY_UPLOAD);
              setProgress(null);
              onClose();
            },
          },
        );
      }}
      footer={
        <>
          <Button onClick={close} disabled={upload.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" icon="upload" busy={upload.isPending} disabled={!csv.file}>
            Upload
          </Button>
        </>
      }
    >
      <div className="stack">
        <InlineError error={upload.error} title="The file was not stored" />
        <CsvUploadFields value={csv} onChange={setCsv} />
        {progress && upload.isPending ? <UploadProgressBar loaded={progress.loaded} total={progress.total} /> : null}
      </div>
    </Dialog>
  );
}

function EditDatasetDialog({ loaded, onClose }: { loaded: LoadedDataset; onClose: () => void }) {
  const { dataset } = loaded;
  const update = useUpdateDataset();
  const { notify } = useToast();
  const [name, setName] = useState(dataset.name);
  const [description, setDescription] = useState(dataset.description);
  const fieldErrors = fieldErrorsOf(update.error);
  return (
    <Dialog
      open
      onClose={onClose}
      title="Dataset details"
      onSubmit={() =>
        update.mutate(
          { id: dataset.id, version: dataset.version, name: name.trim(), description: description.trim() },
          {
            onSuccess: () => {
              notify("Dataset saved");
              onClose();
            },
          },
        )
      }
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={update.isPending} disabled={!name.trim()}>
            Save
          </Button>
        </>
      }
    >
      <div className="form">
        {update.error instanceof ApiProblem && update.error.status === 412 ? (
          <Alert tone="warning">Someone else changed this dataset. Close this dialog to see their changes, then try again.</Alert>
        ) : (
          <InlineError error={Object.keys(fieldErrors).length ? null : update.error} />
        )}
        <TextField label="Name" required value={name} onChange={(event) => setName(event.target.value)} error={fieldErrors.name} />
        <TextAreaField
          label="Description"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          error={fieldErrors.description}
        />
      </div>
    </Dialog>
  );
}
