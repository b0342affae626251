/**
 * Reading and changing data sources: database connections (whose password is write-only) and the
 * source of uploaded files.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, ifMatch, unwrap } from "../../../lib/api/client";
import { decodeSourceTables } from "../../../lib/api/decoders";
import { nextCursor, PAGE_SIZE, type ListSort } from "../../../lib/api/pagination";
import type { ConnectionDetails } from "../../../lib/api/types";

export const dataSourceKeys = {
  all: ["data-sources"] as const,
  lists: () => ["data-sources", "list"] as const,
  list: (search: string, sort: ListSort) => ["data-sources", "list", { search, sort }] as const,
  detail: (id: string) => ["data-sources", "detail", id] as const,
  status: (id: string) => ["data-sources", "status", id] as const,
  tables: (id: string) => ["data-sources", "tables", id] as const,
};

export type DataSourceKind = "postgres" | "mysql" | "upload";

export const KIND_LABELS: Record<string, string> = {
  postgres: "PostgreSQL",
  mysql: "MySQL",
  upload: "Uploaded files",
};

export const DEFAULT_PORTS: Record<"postgres" | "mysql", number> = { postgres: 5432, mysql: 3306 };

export function useDataSourceList(search: string, sort: ListSort) {
  return useInfiniteQuery({
    queryKey: dataSourceKeys.list(search, sort),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/data-sources", {
          params: { query: { q: search || undefined, sort, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
  });
}

export function useDataSource(id: string) {
  return useQuery({
    queryKey: dataSourceKeys.detail(id),
    queryFn: () => unwrap(api.GET("/api/v1/data-sources/{id}", { params: { path: { id } } })),
  });
}

/** Connects to the database on request; a failure is the answer, so it is not retried. */
export function useConnectionStatus(id: string) {
  return useQuery({
    queryKey: dataSourceKeys.status(id),
    enabled: false,
    retry: false,
    gcTime: 0,
    queryFn: () => unwrap(api.GET("/api/v1/data-sources/{id}/status", { params: { path: { id } } })),
  });
}

export function useSourceTables(id: string, enabled: boolean) {
  return useQuery({
    queryKey: dataSourceKeys.tables(id),
    enabled,
    retry: false,
    queryFn: async () =>
      decodeSourceTables((await unwrap(api.GET("/api/v1/data-sources/{id}/tables", { params: { path: { id } } }))).tables),
  });
}

export interface DataSourceInput {
  name: string;
  description: string;
  kind: DataSourceKind;
  connection: ConnectionDetails | null;
}

export function useCreateDataSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DataSourceInput) =>
      unwrap(
        api.POST("/api/v1/data-sources", {
          body: { name: input.name, description: input.description, kind: input.kind, connection: input.connection },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dataSourceKeys.all }),
  });
}

export function useUpdateDataSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      id: string;
      version: number;
      name: string;
      description: string;
      connection: ConnectionDetails | null;
    }) =>
      unwrap(
        api.PATCH("/api/v1/data-sources/{id}", {
          params: { path: { id: input.id } },
          body: {
            name: input.name,
            description: input.description,
            ...(input.connection ? { connection: input.connection } : {}),
          },
          headers: ifMatch(input.version),
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dataSourceKeys.all }),
  });
}

export function useDeleteDataSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/data-sources/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dataSourceKeys.all }),
  });
}
