import { useState } from "react";

import { useToast } from "../../../components/feedback/Toasts";
import { Button } from "../../../components/ui/Button";
import { ConfirmDialog } from "../../../components/ui/ConfirmDialog";
import { Dialog } from "../../../components/ui/Dialog";
import { TextAreaField, TextField } from "../../../components/ui/Field";
import { InlineError } from "../../../components/ui/States";
import { fieldErrorsOf } from "../../../lib/api/problem";
import type { Accepted, DashboardSummary } from "../../../lib/api/types";
import { useCreateDashboard, useDeleteDashboard, useUpdateDashboard } from "../api/dashboards";

export function CreateDashboardDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (accepted: Accepted) => void;
}) {
  const create = useCreateDashboard();
  const { notify } = useToast();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [slug, setSlug] = useState("");
  const fieldErrors = fieldErrorsOf(create.error);

  const close = () => {
    create.reset();
    setName("");
    setDescription("");
    setSlug("");
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New dashboard"
      onSubmit={() => {
        if (!name.trim()) return;
        create.mutate(
          { name: name.trim(), description: description.trim(), slug: slug.trim() || null },
          {
            onSuccess: (accepted) => {
              notify(`Created "${name.trim()}"`);
              close();
              onCreated(accepted);
            },
          },
        );
      }}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!name.trim()}>
            Create dashboard
          </Button>
        </>
      }
    >
      <div className="form">
        <InlineError error={Object.keys(fieldErrors).length ? null : create.error} />
        <TextField
          label="Name"
          required
          autoFocus
          maxLength={200}
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={fieldErrors.name}
        />
        <TextAreaField
          label="Description"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          error={fieldErrors.description}
        />
        <TextField
          label="Address"
          value={slug}
          placeholder="made from the name when left empty"
          hint="Used in the short link /d/address. Lowercase letters, digits and hyphens."
          onChange={(event) => setSlug(event.target.value)}
          error={fieldErrors.slug}
        />
      </div>
    </Dialog>
  );
}

export function EditDashboardDialog({
  dashboard,
  onClose,
}: {
  dashboard: Pick<DashboardSummary, "id" | "name" | "description" | "slug" | "version"> | null;
  onClose: () => void;
}) {
  return dashboard ? <EditDashboardForm key={dashboard.id} dashboard={dashboard} onClose={onClose} /> : null;
}

function EditDashboardForm({
  dashboard,
  onClose,
}: {
  dashboard: Pick<DashboardSummary, "id" | "name" | "description" | "slug" | "version">;
  onClose: () => void;
}) {
  const update = useUpdateDashboard();
  const { notify } = useToast();
  const [name, setName] = useState(dashboard.name);
  const [description, setDescription] = useState(dashboard.description);
  const [slug, setSlug] = useState(dashboard.slug);
  const fieldErrors = fieldErrorsOf(update.error);

  return (
    <Dialog
      open
      onClose={onClose}
      title="Dashboard details"
      onSubmit={() => {
        if (!name.trim()) return;
        update.mutate(
          {
            id: dashboard.id,
            version: dashboard.version,
            name: name.trim(),
            description: description.trim(),
            slug: slug.trim(),
          },
          {
            onSuccess: () => {
              notify("Dashboard saved");
              onClose();
            },
          },
        );
      }}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={update.isPending} disabled={!name.trim() || !slug.trim()}>
            Save
          </Button>
        </>
      }
    >
      <div className="form">
        <InlineError error={Object.keys(fieldErrors).length ? null : update.error} />
        <TextField
          label="Name"
          required
          autoFocus
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={fieldErrors.name}
        />
        <TextAreaField
          label="Description"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          error={fieldErrors.description}
        />
        <TextField
          label="Address"
          value={slug}
          hint="Used in the short link /d/address."
          onChange={(event) => setSlug(event.target.value)}
          error={fieldErrors.slug}
        />
      </div>
    </Dialog>
  );
}

export function DeleteDashboardDialog({
  dashboard,
  onClose,
  onDeleted,
}: {
  dashboard: Pick<DashboardSummary, "id" | "name"> | null;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const remove = useDeleteDashboard();
  const { notify } = useToast();
  return (
    <ConfirmDialog
      open={dashboard !== null}
      title="Delete dashboard?"
      confirmLabel="Delete dashboard"
      busy={remove.isPending}
      error={remove.error}
      onCancel={() => {
        remove.reset();
        onClose();
      }}
      onConfirm={() => {
        if (!dashboard) return;
        remove.mutate(dashboard.id, {
          onSuccess: () => {
            notify(`Deleted "${dashboard.name}"`);
            onClose();
            onDeleted?.();
          },
        });
      }}
    >
      <p>
        <strong>{dashboard?.name}</strong> will be deleted for everyone it is shared with. Its charts stay.
      </p>
    </ConfirmDialog>
  );
}
