import { useState } from "react";
import { useSearchParams } from "react-router";

import { useToast } from "../../../components/feedback/Toasts";
import { Badge } from "../../../components/ui/Badge";
import { Button } from "../../../components/ui/Button";
import { ConfirmDialog } from "../../../components/ui/ConfirmDialog";
import { SelectField } from "../../../components/ui/Field";
import { LoadMore } from "../../../components/ui/LoadMore";
import { PageHeader } from "../../../components/ui/PageHeader";
import { SearchInput } from "../../../components/ui/SearchInput";
import { EmptyState, ErrorState, InlineError, LoadingState } from "../../../components/ui/States";
import { flattenPages } from "../../../lib/api/pagination";
import { ROLES, type Role, type User } from "../../../lib/api/types";
import { useCurrentUser } from "../../../lib/auth/AuthProvider";
import { formatDate, formatRelativeTime } from "../../../lib/format";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import { isFullUser, useChangeRole, useDeactivateUser, useUserList } from "../api/users";

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Admin",
  editor: "Editor",
  viewer: "Viewer",
  auditor: "Auditor",
};

export function UsersRoute() {
  useDocumentTitle("Users");
  const me = useCurrentUser();
  const { notify } = useToast();
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.get("q") ?? "";
  const list = useUserList(search);
  const users = flattenPages(list.data).filter(isFullUser);
  const changeRole = useChangeRole();
  const deactivate = useDeactivateUser();
  const [deactivating, setDeactivating] = useState<User | null>(null);

  return (
    <>
      <PageHeader title="Users" description="Everyone with an account. Roles decide what people may create and see." />
      <div className="toolbar">
        <SearchInput
          label="Search people by name"
          value={search}
          onChange={(value) => setSearchParams(value ? { q: value } : {}, { replace: true })}
        />
      </div>
      <InlineError error={changeRole.error} title="The role was not changed" />
      {list.isPending ? (
        <LoadingState label="Loading users…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : users.length === 0 ? (
        <EmptyState icon="users" title={search ? `Nobody is called "${search}"` : "No users"} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => {
                const isMe = user.id === me.id;
                return (
                  <tr key={user.id}>
                    <td>
                      <span className="row-title">{user.display_name}</span>
                      {isMe ? <span className="muted"> (you)</span> : null}
                      <p className="muted small">{user.email}</p>
                    </td>
                    <td style={{ minWidth: 150 }}>
                      <SelectField
                        label={`Role of ${user.display_name}`}
                        hideLabel
                        value={user.role}
                        disabled={isMe || user.deactivated || changeRole.isPending}
                        options={ROLES.map((role) => ({ value: role, label: ROLE_DESCRIPTIONS[role] }))}
                        onChange={(event) =>
                          changeRole.mutate(
                            { userId: user.id, role: event.target.value as Role },
                            { onSuccess: () => notify(`${user.display_name} is now ${event.target.value}`) },
                          )
                        }
                      />
                    </td>
                    <td>
                      {user.deactivated ? <Badge tone="danger">Deactivated</Badge> : <Badge tone="success">Active</Badge>}
                    </td>
                    <td title={user.last_sign_in ?? undefined}>{formatRelativeTime(user.last_sign_in)}</td>
                    <td>{formatDate(user.created_at)}</td>
                    <td className="row-actions">
                      {!isMe && !user.deactivated ? (
                        <Button size="small" variant="ghost" onClick={() => setDeactivating(user)}>
                          Deactivate
                        </Button>
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
            shown={users.length}
          />
        </div>
      )}
      <ConfirmDialog
        open={deactivating !== null}
        title="Deactivate this account?"
        confirmLabel="Deactivate"
        busy={deactivate.isPending}
        error={deactivate.error}
        onCancel={() => {
          deactivate.reset();
          setDeactivating(null);
        }}
        onConfirm={() =>
          deactivating &&
          deactivate.mutate(deactivating.id, {
            onSuccess: () => {
              notify(`${deactivating.display_name} was deactivated`);
              setDeactivating(null);
            },
          })
        }
      >
        <p>
          <strong>{deactivating?.display_name}</strong> ({deactivating?.email}) is signed out everywhere and can no longer
          sign in. What they made stays.
        </p>
      </ConfirmDialog>
    </>
  );
}
