import type { QueryKey } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";

import { useSharing, useUserDirectory, type Grantee } from "../../lib/api/sharing";
import { ROLES, type Access, type Grant, type Role, type ShareableResource } from "../../lib/api/types";
import { useDebouncedValue } from "../../lib/hooks/useDebouncedValue";
import { useToast } from "../feedback/Toasts";
import { Badge } from "../ui/Badge";
import { Button, IconButton } from "../ui/Button";
import { Dialog } from "../ui/Dialog";
import { SelectField, TextField } from "../ui/Field";
import { EmptyState, InlineError, LoadingState } from "../ui/States";

export interface ShareDialogProps {
  open: boolean;
  onClose: () => void;
  resource: ShareableResource;
  resourceId: string;
  resourceName: string;
  /** The resource's grants; `null` when the caller may not see them (and so may not share). */
  grants: Grant[] | null | undefined;
  /** The query that loaded the resource, reloaded after every change to its grants. */
  resourceKey: QueryKey;
  /** The owner, who has full access already and so is not offered. */
  ownerId?: string;
}

const ROLE_LABELS: Record<Role, string> = {
  admin: "Everyone who is an admin",
  editor: "Everyone who is an editor",
  viewer: "Everyone who is a viewer",
  auditor: "Everyone who is an auditor",
};

const ACCESS_OPTIONS = [
  { value: "view", label: "Can view" },
  { value: "edit", label: "Can edit" },
];

export function ShareDialog({
  open,
  onClose,
  resource,
  resourceId,
  resourceName,
  grants,
  resourceKey,
  ownerId,
}: ShareDialogProps) {
  const { share, unshare } = useSharing(resource, resourceId, resourceKey);
  const { notify } = useToast();
  const [granteeKind, setGranteeKind] = useState<"user" | "role">("user");
  const [search, setSearch] = useState("");
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [access, setAccess] = useState<Access>("view");
  const debouncedSearch = useDebouncedValue(search, 250);
  // The directory is read only while the dialog is open.
  const directory = useUserDirectory(debouncedSearch, open);
  const everyone = useUserDirectory("", open);

  const namesById = useMemo(() => {
    const names = new Map<string, string>();
    for (const entry of [...(everyone.data ?? []), ...(directory.data ?? [])]) names.set(entry.id, entry.display_name);
    return names;
  }, [everyone.data, directory.data]);

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const grantee: Grantee | null =
      granteeKind === "role" ? { kind: "role", role } : userId ? { kind: "user", user_id: userId } : null;
    if (!grantee) return;
    share.mutate(
      { grantee, access },
      {
        onSuccess: () => {
          notify(`Shared "${resourceName}"`);
          setUserId("");
          setSearch("");
        },
      },
    );
  };

  const describeGrantee = (grant: Grant) =>
    grant.grantee_kind === "role"
      ? ROLE_LABELS[grant.grantee as Role] ?? `Role ${grant.grantee}`
      : namesById.get(grant.grantee) ?? `User ${grant.grantee.slice(0, 8)}…`;

  return (
    <Dialog open={open} onClose={onClose} title={`Share "${resourceName}"`} description="Give people or whole roles access." wide>
      {grants === null || grants === undefined ? (
        <EmptyState compact icon="lock" title="Only people who can edit this can share it" />
      ) : (
        <div className="stack" style={{ gap: 20 }}>
          <form className="form" onSubmit={handleSubmit} noValidate aria-label="Add access">
            <div className="segmented" role="radiogroup" aria-label="Share with">
              <button type="button" role="radio" aria-checked={granteeKind === "user"} onClick={() => setGranteeKind("user")}>
                A person
              </button>
              <button type="button" role="radio" aria-checked={granteeKind === "role"} onClick={() => setGranteeKind("role")}>
                A role
              </button>
            </div>
            <div className="grid-2">
              {granteeKind === "user" ? (
                <div className="stack" style={{ gap: 8 }}>
                  <TextField
                    label="Find a person"
                    type="search"
                    value={search}
                    placeholder="Type a name"
                    onChange={(event) => setSearch(event.target.value)}
                  />
                  <SelectField
                    label="Person"
                    value={userId}
                    onChange={(event) => setUserId(event.target.value)}
                    placeholder={directory.isLoading ? "Loading people…" : "Choose a person"}
                    options={(directory.data ?? [])
                      .filter((entry) => entry.id !== ownerId)
                      .map((entry) => ({ value: entry.id, label: entry.display_name }))}
                  />
                </div>
              ) : (
                <SelectField
                  label="Role"
                  value={role}
                  onChange={(event) => setRole(event.target.value as Role)}
                  options={ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }))}
                />
              )}
              <SelectField
                label="Access"
                value={access}
                onChange={(event) => setAccess(event.target.value as Access)}
                options={ACCESS_OPTIONS}
              />
            </div>
            <InlineError error={share.error} />
            <div className="form-actions">
              <Button type="submit" variant="primary" icon="share" busy={share.isPending} disabled={granteeKind === "user" && !userId}>
                Share
              </Button>
            </div>
          </form>

          <section aria-labelledby="current-access">
            <h3 id="current-access" style={{ marginBottom: 8 }}>
              Who has access
            </h3>
            <InlineError error={unshare.error} />
            {everyone.isLoading ? (
              <LoadingState compact label="Loading people…" />
            ) : grants.length === 0 ? (
              <p className="muted">Only the owner and admins. Share it to give others access.</p>
            ) : (
              <ul className="stack" style={{ listStyle: "none", margin: 0, padding: 0, gap: 6 }}>
                {grants.map((grant) => {
                  const key = `${grant.grantee_kind}:${grant.grantee}`;
                  return (
                    <li key={key} className="row" style={{ justifyContent: "space-between" }}>
                      <span>{describeGrantee(grant)}</span>
                      <span className="row">
                        <Badge tone={grant.access === "edit" ? "primary" : undefined}>
                          {grant.access === "edit" ? "Can edit" : "Can view"}
                        </Badge>
                        <IconButton
                          icon="trash"
                          label={`Remove access of ${describeGrantee(grant)}`}
                          disabled={unshare.isPending}
                          onClick={() =>
                            unshare.mutate(key, { onSuccess: () => notify(`Removed access of ${describeGrantee(grant)}`) })
                          }
                        />
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </div>
      )}
    </Dialog>
  );
}
