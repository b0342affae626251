/**
 * Sharing a dashboard, chart, dataset or data source with a user or with everyone who has a role.
 */
import { useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";

import { api, unwrap } from "./client";
import type { Access, DirectoryEntry, Role, ShareableResource } from "./types";

export type Grantee = { kind: "user"; user_id: string } | { kind: "role"; role: Role };

function grant(resource: ShareableResource, id: string, grantee: Grantee, access: Access) {
  const options = { params: { path: { id } }, body: { grantee, access } };
  switch (resource) {
    case "dashboards":
      return unwrap(api.POST("/api/v1/dashboards/{id}/grants", options));
    case "charts":
      return unwrap(api.POST("/api/v1/charts/{id}/grants", options));
    case "datasets":
      return unwrap(api.POST("/api/v1/datasets/{id}/grants", options));
    case "data-sources":
      return unwrap(api.POST("/api/v1/data-sources/{id}/grants", options));
  }
}

/** The path segment naming a grantee: `user:<uuid>` or `role:<role>`. */
export function granteeKey(grantee: Grantee): string {
  return grantee.kind === "user" ? `user:${grantee.user_id}` : `role:${grantee.role}`;
}

function revoke(resource: ShareableResource, id: string, grantee: string) {
  const options = { params: { path: { id, grantee } } };
  switch (resource) {
    case "dashboards":
      return unwrap(api.DELETE("/api/v1/dashboards/{id}/grants/{grantee}", options));
    case "charts":
      return unwrap(api.DELETE("/api/v1/charts/{id}/grants/{grantee}", options));
    case "datasets":
      return unwrap(api.DELETE("/api/v1/datasets/{id}/grants/{grantee}", options));
    case "data-sources":
      return unwrap(api.DELETE("/api/v1/data-sources/{id}/grants/{grantee}", options));
  }
}

/** Granting and withdrawing access; both reload `resourceKey` so the dialog shows the new grants. */
export function useSharing(resource: ShareableResource, id: string, resourceKey: QueryKey) {
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: resourceKey });
  const share = useMutation({
    mutationFn: ({ grantee, access }: { grantee: Grantee; access: Access }) => grant(resource, id, grantee, access),
    onSuccess: invalidate,
  });
  const unshare = useMutation({
    mutationFn: (grantee: string) => revoke(resource, id, grantee),
    onSuccess: invalidate,
  });
  return { share, unshare };
}

const DIRECTORY_SIZE = 200;

/**
 * People the caller can share with: the directory of active accounts (id and display name), searched
 * by display name.
 */
export function useUserDirectory(search: string, enabled = true) {
  return useQuery({
    queryKey: ["users", "directory", search],
    enabled,
    queryFn: async (): Promise<DirectoryEntry[]> => {
      const page = await unwrap(
        api.GET("/api/v1/users", {
          params: { query: { q: search || undefined, limit: DIRECTORY_SIZE, sort: "name" } },
        }),
      );
      return page.items.map((item) => ({ id: item.id, display_name: item.display_name }));
    },
    staleTime: 60_000,
  });
}
