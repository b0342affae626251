import { useState } from "react";

import { useToast } from "../../../components/feedback/Toasts";
import { Button } from "../../../components/ui/Button";
import { Dialog } from "../../../components/ui/Dialog";
import { Checkbox, SelectField, TextAreaField, TextField } from "../../../components/ui/Field";
import { Alert, InlineError } from "../../../components/ui/States";
import { ApiProblem, fieldErrorsOf } from "../../../lib/api/problem";
import type { DataSourceDetail } from "../../../lib/api/types";
import {
  DEFAULT_PORTS,
  KIND_LABELS,
  useCreateDataSource,
  useUpdateDataSource,
  type DataSourceKind,
} from "../api/data-sources";
import { ConnectionFields, connectionComplete, connectionOf, EMPTY_CONNECTION, type ConnectionDraft } from "./ConnectionFields";

function hasOwnFieldError(fieldErrors: Record<string, string>): boolean {
  return Object.keys(fieldErrors).length > 0;
}

export function CreateDataSourceDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const create = useCreateDataSource();
  const { notify } = useToast();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [kind, setKind] = useState<DataSourceKind>("postgres");
  const [connection, setConnection] = useState<ConnectionDraft>(EMPTY_CONNECTION);
  const fieldErrors = fieldErrorsOf(create.error);
  const isDatabase = kind !== "upload";
  const ready = name.trim() !== "" && (!isDatabase || connectionComplete(connection));

  const close = () => {
    create.reset();
    setName("");
    setDescription("");
    setKind("postgres");
    setConnection(EMPTY_CONNECTION);
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New data source"
      description="Connect a PostgreSQL or MySQL database, or keep uploaded files together."
      wide
      onSubmit={() => {
        if (!ready) return;
        create.mutate(
          {
            name: name.trim(),
            description: description.trim(),
            kind,
            connection: kind === "upload" ? null : connectionOf(kind, connection, DEFAULT_PORTS[kind]),
          },
          {
            onSuccess: (accepted) => {
              notify(`Created "${name.trim()}"`);
              close();
              onCreated(accepted.id);
            },
          },
        );
      }}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!ready}>
            Create data source
          </Button>
        </>
      }
    >
      <div className="form">
        <InlineError error={hasOwnFieldError(fieldErrors) ? null : create.error} />
        <div className="grid-2">
          <TextField
            label="Name"
            required
            autoFocus
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={fieldErrors.name}
          />
          <SelectField
            label="Kind"
            value={kind}
            options={(["postgres", "mysql", "upload"] as const).map((value) => ({ value, label: KIND_LABELS[value] ?? value }))}
            onChange={(event) => setKind(event.target.value as DataSourceKind)}
            error={fieldErrors.kind}
          />
        </div>
        <TextAreaField label="Description" rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />
        {kind === "upload" ? null : (
          <ConnectionFields
            kind={kind}
            value={connection}
            onChange={setConnection}
            fieldErrors={fieldErrors}
            defaultPort={DEFAULT_PORTS[kind]}
          />
        )}
      </div>
    </Dialog>
  );
}

export function EditDataSourceDialog({ source, onClose }: { source: DataSourceDetail; onClose: () => void }) {
  const update = useUpdateDataSource();
  const { notify } = useToast();
  const [name, setName] = useState(source.name);
  const [description, setDescription] = useState(source.description);
  const [changeConnection, setChangeConnection] = useState(false);
  const [connection, setConnection] = useState<ConnectionDraft>(EMPTY_CONNECTION);
  const fieldErrors = fieldErrorsOf(update.error);
  const kind = source.kind === "postgres" || source.kind === "mysql" ? source.kind : null;
  const ready = name.trim() !== "" && (!changeConnection || connectionComplete(connection));

  return (
    <Dialog
      open
      onClose={onClose}
      title="Data source details"
      wide
      onSubmit={() => {
        if (!ready) return;
        update.mutate(
          {
            id: source.id,
            version: source.version,
            name: name.trim(),
            description: description.trim(),
            connection: changeConnection && kind ? connectionOf(kind, connection, DEFAULT_PORTS[kind]) : null,
          },
          {
            onSuccess: () => {
              notify("Data source saved");
              onClose();
            },
          },
        );
      }}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={update.isPending} disabled={!ready}>
            Save
          </Button>
        </>
      }
    >
      <div className="form">
        {update.error instanceof ApiProblem && update.error.status === 412 ? (
          <Alert tone="warning">Someone else changed this data source. Close this dialog to see their changes, then try again.</Alert>
        ) : (
          <InlineError error={hasOwnFieldError(fieldErrors) ? null : update.error} />
        )}
        <TextField label="Name" required value={name} onChange={(event) => setName(event.target.value)} error={fieldErrors.name} />
        <TextAreaField
          label="Description"
          rows={2}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          error={fieldErrors.description}
        />
        {kind ? (
          <>
            <Checkbox
              label="Change the connection (the password must be entered again)"
              checked={changeConnection}
              onChange={(event) => setChangeConnection(event.target.checked)}
            />
            {changeConnection ? (
              <ConnectionFields
                kind={kind}
                value={connection}
                onChange={setConnection}
                fieldErrors={fieldErrors}
                defaultPort={DEFAULT_PORTS[kind]}
              />
            ) : null}
          </>
        ) : null}
      </div>
    </Dialog>
  );
}
