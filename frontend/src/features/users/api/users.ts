/**
 * Accounts, as administrators manage them: roles and deactivation.
 */
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../lib/api/client";
import { nextCursor, PAGE_SIZE } from "../../../lib/api/pagination";
import type { Role, User, UserListItem } from "../../../lib/api/types";

export const userKeys = {
  all: ["users"] as const,
  list: (search: string) => ["users", "list", search] as const,
};

/** Admins see every field of an account; the list answers directory entries for everyone else. */
export function isFullUser(item: UserListItem): item is User {
  return "email" in item && "role" in item;
}

export function useUserList(search: string) {
  return useInfiniteQuery({
    queryKey: userKeys.list(search),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/users", {
          params: { query: { q: search || undefined, sort: "name", limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
  });
}

export function useChangeRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { userId: string; role: Role }) =>
      unwrap(api.PUT("/api/v1/users/{id}/role", { params: { path: { id: input.userId } }, body: { role: input.role } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export function useDeactivateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => unwrap(api.DELETE("/api/v1/users/{id}", { params: { path: { id: userId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
