/**
 * Reading and changing datasets: CSV uploads and their versions, previews, statistics and column types.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, ifMatch, unwrap, uploadWithProgress, type UploadProgress } from "../../../lib/api/client";
import {
  decodeDatasetPreview,
  decodeDatasetSource,
  decodeDatasetStatistics,
  decodeSourceTables,
} from "../../../lib/api/decoders";
import { nextCursor, PAGE_SIZE, type ListSort } from "../../../lib/api/pagination";
import type { ColumnType, DatasetDetail, DatasetSource } from "../../../lib/api/types";

export const datasetKeys = {
  all: ["datasets"] as const,
  lists: () => ["datasets", "list"] as const,
  list: (search: string, sort: ListSort) => ["datasets", "list", { search, sort }] as const,
  detail: (id: string) => ["datasets", "detail", id] as const,
  preview: (id: string, version: number | null) => ["datasets", "preview", id, version] as const,
  statistics: (id: string, version: number | null) => ["datasets", "statistics", id, version] as const,
};

export function useDatasetList(search: string, sort: ListSort) {
  return useInfiniteQuery({
    queryKey: datasetKeys.list(search, sort),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/datasets", {
          params: { query: { q: search || undefined, sort, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
  });
}

export interface LoadedDataset {
  dataset: DatasetDetail;
  source: DatasetSource;
}

export function useDataset(id: string) {
  return useQuery({
    queryKey: datasetKeys.detail(id),
    queryFn: async (): Promise<LoadedDataset> => {
      const dataset = await unwrap(api.GET("/api/v1/datasets/{id}", { params: { path: { id } } }));
      return { dataset, source: decodeDatasetSource(dataset.source) };
    },
  });
}

export function useDatasetPreview(id: string, version: number | null, enabled: boolean) {
  return useQuery({
    queryKey: datasetKeys.preview(id, version),
    enabled,
    queryFn: async () =>
      decodeDatasetPreview(
        await unwrap(
          api.GET("/api/v1/datasets/{id}/preview", {
            params: { path: { id }, query: { version: version ?? undefined, limit: 100 } },
          }),
        ),
      ),
  });
}

export function useDatasetStatistics(id: string, version: number | null, enabled: boolean) {
  return useQuery({
    queryKey: datasetKeys.statistics(id, version),
    enabled,
    queryFn: async () =>
      decodeDatasetStatistics(
        await unwrap(
          api.GET("/api/v1/datasets/{id}/statistics", {
            params: { path: { id }, query: { version: version ?? undefined } },
          }),
        ),
      ),
  });
}

export type NewDatasetSource =
  | { kind: "upload" }
  | { kind: "table"; data_source_id: string; schema: string | null; table: string }
  | { kind: "query"; data_source_id: string; sql: string };

export function useCreateDataset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; description: string; source: NewDatasetSource }) =>
      unwrap(api.POST("/api/v1/datasets", { body: { name: input.name, description: input.description, source: input.source } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: datasetKeys.lists() }),
  });
}

export interface UploadOptions {
  delimiter?: string;
  has_header?: boolean;
  column_types?: Record<string, ColumnType>;
}

export function useUploadVersion(datasetId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      datasetId?: string;
      file: File;
      options: UploadOptions;
      onProgress: (progress: UploadProgress) => void;
    }) => {
      const target = input.datasetId ?? datasetId;
      if (!target) throw new Error("No dataset to upload into");
      const options: Record<string, unknown> = { ...input.options };
      return uploadWithProgress(target, input.file, options, input.onProgress);
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: datasetKeys.all }),
        queryClient.invalidateQueries({ queryKey: ["charts"] }),
        queryClient.invalidateQueries({ queryKey: ["dashboards"] }),
      ]),
  });
}

export function useChangeColumnTypes(datasetId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (columnTypes: Record<string, ColumnType>) =>
      unwrap(
        api.POST("/api/v1/datasets/{id}/column-types", {
          params: { path: { id: datasetId } },
          body: { column_types: columnTypes },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: datasetKeys.all }),
  });
}

export function useUpdateDataset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; version: number; name: string; description: string }) =>
      unwrap(
        api.PATCH("/api/v1/datasets/{id}", {
          params: { path: { id: input.id } },
          body: { name: input.name, description: input.description },
          headers: ifMatch(input.version),
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: datasetKeys.all }),
  });
}

export function useDeleteDataset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/datasets/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: datasetKeys.all }),
  });
}

/** The database data sources a dataset can read from. */
export function useDatabaseSources(enabled: boolean) {
  return useQuery({
    queryKey: ["data-sources", "databases"],
    enabled,
    queryFn: async () => {
      const page = await unwrap(api.GET("/api/v1/data-sources", { params: { query: { limit: 200, sort: "name" } } }));
      return page.items.filter((source) => source.kind !== "upload");
    },
  });
}

export function useSourceTables(dataSourceId: string) {
  return useQuery({
    queryKey: ["data-sources", "tables", dataSourceId],
    enabled: Boolean(dataSourceId),
    queryFn: async () =>
      decodeSourceTables(
        (await unwrap(api.GET("/api/v1/data-sources/{id}/tables", { params: { path: { id: dataSourceId } } }))).tables,
      ),
  });
}

/**
 * The column names of a CSV file, read from its first line, so types can be chosen before uploading.
 * Quoted names may contain the delimiter; a doubled quote is a quote.
 */
export function parseCsvHeader(firstLine: string, delimiter: string): string[] {
  const names: string[] = [];
  let current = "";
  let quoted = false;
  for (let index = 0; index < firstLine.length; index += 1) {
    const character = firstLine[index];
    if (quoted) {
      if (character === '"' && firstLine[index + 1] === '"') {
        current += '"';
        index += 1;
      } else if (character === '"') {
        quoted = false;
      } else {
        current += character;
      }
    } else if (character === '"') {
      quoted = true;
    } else if (character === delimiter) {
      names.push(current.trim());
      current = "";
    } else {
      current += character;
    }
  }
  names.push(current.trim());
  return names.filter((name) => name.length > 0);
}

/** The delimiter a header line most likely uses. */
export function guessDelimiter(firstLine: string): string {
  const candidates = [",", ";", "\t", "|"];
  let best = ",";
  let bestCount = 0;
  for (const candidate of candidates) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

export async function readFirstLine(file: File): Promise<string> {
  const head = await file.slice(0, 64 * 1024).text();
  return (head.split(/\r?\n/)[0] ?? "").replace(/^\uFEFF/, "");
}
