import { useState } from "react";

import { useToast } from "../../../components/feedback/Toasts";
import { Button } from "../../../components/ui/Button";
import { Dialog } from "../../../components/ui/Dialog";
import { SelectField, TextAreaField, TextField } from "../../../components/ui/Field";
import { Tabs } from "../../../components/ui/Tabs";
import { InlineError } from "../../../components/ui/States";
import type { UploadProgress } from "../../../lib/api/client";
import { fieldErrorsOf } from "../../../lib/api/problem";
import { useCreateDataset, useDatabaseSources, useSourceTables, useUploadVersion } from "../api/datasets";
import { CsvUploadFields, EMPTY_UPLOAD, UploadProgressBar, uploadOptionsOf, type CsvUploadState } from "./CsvUploadFields";

type SourceMode = "upload" | "database";

export function CreateDatasetDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (datasetId: string) => void;
}) {
  const create = useCreateDataset();
  const upload = useUploadVersion(null);
  const { notify, notifyError } = useToast();
  const [mode, setMode] = useState<SourceMode>("upload");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [csv, setCsv] = useState<CsvUploadState>(EMPTY_UPLOAD);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [dataSourceId, setDataSourceId] = useState("");
  const [readKind, setReadKind] = useState<"table" | "query">("table");
  const [table, setTable] = useState("");
  const [sql, setSql] = useState("");
  const sources = useDatabaseSources(open && mode === "database");
  const tables = useSourceTables(mode === "database" ? dataSourceId : "");
  const fieldErrors = fieldErrorsOf(create.error ?? upload.error);
  const busy = create.isPending || upload.isPending;

  const close = () => {
    if (busy) return;
    create.reset();
    upload.reset();
    setName("");
    setDescription("");
    setCsv(EMPTY_UPLOAD);
    setProgress(null);
    setDataSourceId("");
    setTable("");
    setSql("");
    onClose();
  };

  const ready =
    name.trim() !== "" &&
    (mode === "upload"
      ? csv.file !== null
      : dataSourceId !== "" && (readKind === "table" ? table !== "" : sql.trim() !== ""));

  const submit = async () => {
    if (!ready) return;
    const source =
      mode === "upload"
        ? ({ kind: "upload" } as const)
        : readKind === "table"
          ? (() => {
              const chosen = tables.data?.find((candidate) => `${candidate.schema ?? ""}.${candidate.name}` === table);
              return {
                kind: "table" as const,
                data_source_id: dataSourceId,
                schema: chosen?.schema ?? null,
                table: chosen?.name ?? table,
              };
            })()
          : ({ kind: "query", data_source_id: dataSourceId, sql: sql.trim() } as const);
    let datasetId: string;
    try {
      const accepted = await create.mutateAsync({ name: name.trim(), description: description.trim(), source });
      datasetId = accepted.id;
    } catch {
      return;
    }
    if (mode === "upload" && csv.file) {
      try {
        await upload.mutateAsync({ datasetId, file: csv.file, options: uploadOptionsOf(csv), onProgress: setProgress });
      } catch {
        // The dataset exists without rows; its page offers the upload again, with the reason.
        notifyError("The dataset was created, but the file could not be stored. Upload it again from the dataset's page.");
        onCreated(datasetId);
        return;
      }
    }
    notify(`Created "${name.trim()}"`);
    onCreated(datasetId);
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New dataset"
      wide
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!ready}>
            Create dataset
          </Button>
        </>
      }
    >
      <div className="form">
        <InlineError error={create.error && !fieldErrors.name ? create.error : upload.error} />
        <TextField
          label="Name"
          required
          autoFocus
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={fieldErrors.name}
        />
        <TextAreaField label="Description" rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />
        <Tabs
          label="Where the rows come from"
          selected={mode}
          onSelect={setMode}
          tabs={[
            { id: "upload", label: "Upload a CSV file" },
            { id: "database", label: "Read from a database" },
          ]}
        >
          {mode === "upload" ? (
            <div className="stack">
              <CsvUploadFields value={csv} onChange={setCsv} error={fieldErrors.file} />
              {progress && upload.isPending ? <UploadProgressBar loaded={progress.loaded} total={progress.total} /> : null}
            </div>
          ) : (
            <div className="stack">
              <SelectField
                label="Data source"
                value={dataSourceId}
                placeholder={sources.isLoading ? "Loading data sources…" : "Choose a database"}
                options={(sources.data ?? []).map((source) => ({ value: source.id, label: `${source.name} (${source.kind})` }))}
                onChange={(event) => {
                  setDataSourceId(event.target.value);
                  setTable("");
                }}
                hint={sources.data?.length === 0 ? "Connect a database under Data sources first." : undefined}
                error={fieldErrors["source.data_source_id"]}
              />
              <div className="segmented" role="radiogroup" aria-label="Read">
                <button type="button" role="radio" aria-checked={readKind === "table"} onClick={() => setReadKind("table")}>
                  A table
                </button>
                <button type="button" role="radio" aria-checked={readKind === "query"} onClick={() => setReadKind("query")}>
                  A query
                </button>
              </div>
              {readKind === "table" ? (
                <SelectField
                  label="Table"
                  value={table}
                  disabled={!dataSourceId}
                  placeholder={tables.isLoading ? "Loading tables…" : "Choose a table"}
                  options={(tables.data ?? []).map((candidate) => ({
                    value: `${candidate.schema ?? ""}.${candidate.name}`,
                    label: `${candidate.schema ? `${candidate.schema}.` : ""}${candidate.name}${candidate.kind === "view" ? " (view)" : ""}`,
                  }))}
                  onChange={(event) => setTable(event.target.value)}
                  error={tables.isError ? (tables.error instanceof Error ? tables.error.message : undefined) : fieldErrors["source.table"]}
                />
              ) : (
                <TextAreaField
                  label="SQL"
                  className="code"
                  rows={6}
                  spellCheck={false}
                  value={sql}
                  placeholder="select * from orders where status = 'paid'"
                  onChange={(event) => setSql(event.target.value)}
                  error={fieldErrors["source.sql"]}
                />
              )}
            </div>
          )}
        </Tabs>
      </div>
    </Dialog>
  );
}
