/**
 * Reading and changing charts, and what the chart editor needs to know about datasets.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, ifMatch, unwrap, unwrapWithResponse } from "../../../lib/api/client";
import { decodeChartData, decodeChartSpec, decodeDatasetColumns, decodeDatasetPreview } from "../../../lib/api/decoders";
import { nextCursor, PAGE_SIZE, type ListSort } from "../../../lib/api/pagination";
import type { ChartDetail, ChartSpec, ChartType, DatasetColumn } from "../../../lib/api/types";

export const chartKeys = {
  all: ["charts"] as const,
  lists: () => ["charts", "list"] as const,
  list: (search: string, sort: ListSort) => ["charts", "list", { search, sort }] as const,
  details: () => ["charts", "detail"] as const,
  detail: (id: string) => ["charts", "detail", id] as const,
  data: (id: string) => ["charts", "data", id] as const,
};

export function useChartList(search: string, sort: ListSort) {
  return useInfiniteQuery({
    queryKey: chartKeys.list(search, sort),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/charts", {
          params: { query: { q: search || undefined, sort, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
  });
}

export interface LoadedChart {
  chart: ChartDetail;
  spec: ChartSpec;
}

export function useChart(id: string | undefined) {
  return useQuery({
    queryKey: chartKeys.detail(id ?? ""),
    enabled: id !== undefined,
    queryFn: async (): Promise<LoadedChart> => {
      const chart = await unwrap(api.GET("/api/v1/charts/{id}", { params: { path: { id: id ?? "" } } }));
      return { chart, spec: decodeChartSpec(chart.spec) };
    },
  });
}

export function useChartData(id: string | undefined) {
  return useQuery({
    queryKey: chartKeys.data(id ?? ""),
    enabled: id !== undefined,
    queryFn: async () => {
      const { data, response } = await unwrapWithResponse(
        api.GET("/api/v1/charts/{id}/data", { params: { path: { id: id ?? "" } } }),
      );
      return { data: decodeChartData(data), cache: response.headers.get("X-Cache") };
    },
  });
}

export interface ChartInput {
  datasetId: string;
  name: string;
  description: string;
  chartType: ChartType;
  spec: ChartSpec;
}

export function useCreateChart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChartInput) =>
      unwrap(
        api.POST("/api/v1/charts", {
          body: {
            dataset_id: input.datasetId,
            name: input.name,
            description: input.description,
            chart_type: input.chartType,
            spec: input.spec,
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chartKeys.lists() }),
  });
}

export function useUpdateChart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Omit<ChartInput, "datasetId"> & { id: string; version: number }) =>
      unwrap(
        api.PATCH("/api/v1/charts/{id}", {
          params: { path: { id: input.id } },
          body: {
            name: input.name,
            description: input.description,
            chart_type: input.chartType,
            spec: input.spec,
          },
          headers: ifMatch(input.version),
        }),
      ),
    // Dashboards show charts too, so their reads are refreshed as well.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: chartKeys.all }),
        queryClient.invalidateQueries({ queryKey: ["dashboards"] }),
      ]),
  });
}

export function useDeleteChart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/charts/{id}", { params: { path: { id } } })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: chartKeys.all }),
        queryClient.invalidateQueries({ queryKey: ["dashboards"] }),
      ]),
  });
}

/** The datasets a chart can draw from. */
export function useDatasetChoices() {
  return useQuery({
    queryKey: ["datasets", "choices"],
    queryFn: () => unwrap(api.GET("/api/v1/datasets", { params: { query: { limit: 200, sort: "name" } } })),
  });
}

/**
 * A dataset's columns: those of its newest stored version, or, for a dataset read live from a
 * database (which has no stored versions), those of a one-row preview.
 */
export function useDatasetColumns(datasetId: string | undefined) {
  return useQuery({
    queryKey: ["datasets", "columns-of", datasetId ?? ""],
    enabled: Boolean(datasetId),
    staleTime: 60_000,
    queryFn: async (): Promise<DatasetColumn[]> => {
      const dataset = await unwrap(api.GET("/api/v1/datasets/{id}", { params: { path: { id: datasetId ?? "" } } }));
      const newest = dataset.versions[0];
      if (newest) return decodeDatasetColumns(newest.columns);
      const preview = await unwrap(
        api.GET("/api/v1/datasets/{id}/preview", { params: { path: { id: datasetId ?? "" }, query: { limit: 1 } } }),
      );
      return decodeDatasetPreview(preview).columns.map((column) => ({
        name: column.name,
        data_type: column.data_type,
        nullable: true,
      }));
    },
  });
}
