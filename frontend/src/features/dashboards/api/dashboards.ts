/**
 * Reading and changing dashboards. Every change invalidates the dashboard reads; the API client sends
 * the change's position with the next reads, so they already include it.
 */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";

import { api, ifMatch, unwrap, unwrapWithResponse } from "../../../lib/api/client";
import { decodeChartData, decodeChartSpec, decodeDashboardFilters, decodeDatasetPreview } from "../../../lib/api/decoders";
import { nextCursor, PAGE_SIZE, type ListSort } from "../../../lib/api/pagination";
import { ApiProblem, problemFromBody } from "../../../lib/api/problem";
import type {
  ChartData,
  ChartSpec,
  DashboardFilter,
  DashboardView,
  Placement,
  QueryFilter,
} from "../../../lib/api/types";

export const dashboardKeys = {
  all: ["dashboards"] as const,
  lists: () => ["dashboards", "list"] as const,
  list: (search: string, sort: ListSort) => ["dashboards", "list", { search, sort }] as const,
  views: () => ["dashboards", "view"] as const,
  view: (reference: DashboardReference) => ["dashboards", "view", reference] as const,
  data: (dashboardId: string, filters: QueryFilter[]) => ["dashboards", "data", dashboardId, filters] as const,
};

export type DashboardReference = { id: string } | { slug: string };

export function useDashboardList(search: string, sort: ListSort) {
  return useInfiniteQuery({
    queryKey: dashboardKeys.list(search, sort),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/dashboards", {
          params: { query: { q: search || undefined, sort, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
  });
}

/** A dashboard as the page needs it: its tiles with decoded chart specs and its filters. */
export interface LoadedDashboard {
  view: DashboardView;
  filters: DashboardFilter[];
  specs: Map<string, ChartSpec>;
}

function loaded(view: DashboardView): LoadedDashboard {
  const specs = new Map<string, ChartSpec>();
  for (const tile of view.tiles) {
    if (tile.chart) specs.set(tile.tile_id, decodeChartSpec(tile.chart.spec));
  }
  return { view, filters: decodeDashboardFilters(view.filters), specs };
}

export function useDashboard(reference: DashboardReference) {
  return useQuery({
    queryKey: dashboardKeys.view(reference),
    queryFn: async () => {
      const view =
        "id" in reference
          ? await unwrap(api.GET("/api/v1/dashboards/{id}", { params: { path: { id: reference.id } } }))
          : await unwrap(
              api.GET("/api/v1/dashboards/by-slug/{slug}", { params: { path: { slug: reference.slug } } }),
            );
      return loaded(view);
    },
  });
}

export interface TileResult {
  data: ChartData | null;
  problem: ApiProblem | null;
}

export interface DashboardData {
  tiles: Map<string, TileResult>;
  cache: string | null;
}

/** Every tile's data at once; a tile that failed carries its problem while the others still answer. */
export function useDashboardData(dashboardId: string | undefined, filters: QueryFilter[]) {
  return useQuery({
    queryKey: dashboardKeys.data(dashboardId ?? "", filters),
    enabled: dashboardId !== undefined,
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<DashboardData> => {
      const { data, response } = await unwrapWithResponse(
        api.GET("/api/v1/dashboards/{id}/data", {
          params: {
            path: { id: dashboardId ?? "" },
            query: { filters: filters.length > 0 ? JSON.stringify(filters) : undefined },
          },
        }),
      );
      const tiles = new Map<string, TileResult>();
      for (const tile of data.tiles) {
        tiles.set(tile.tile_id, {
          data: decodeChartData(tile.data),
          problem: tile.error ? problemFromBody(tile.error, tile.error.status) : null,
        });
      }
      return { tiles, cache: response.headers.get("X-Cache") };
    },
  });
}

export function useCreateDashboard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; description: string; slug: string | null }) =>
      unwrap(
        api.POST("/api/v1/dashboards", {
          body: { name: input.name, description: input.description, slug: input.slug || null },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.lists() }),
  });
}

export function useUpdateDashboard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; version: number; name: string; description: string; slug: string }) =>
      unwrap(
        api.PATCH("/api/v1/dashboards/{id}", {
          params: { path: { id: input.id } },
          body: { name: input.name, description: input.description, slug: input.slug },
          headers: ifMatch(input.version),
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
  });
}

export function useDeleteDashboard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/dashboards/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
  });
}

export function saveLayout(dashboardId: string, placements: Placement[], version: number) {
  return unwrap(
    api.PUT("/api/v1/dashboards/{id}/layout", {
      params: { path: { id: dashboardId } },
      body: { placements },
      headers: ifMatch(version),
    }),
  );
}

export function useAddTile(dashboardId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { chartId: string; x: number; y: number; w: number; h: number }) =>
      unwrap(
        api.POST("/api/v1/dashboards/{id}/tiles", {
          params: { path: { id: dashboardId } },
          body: { chart_id: input.chartId, x: input.x, y: input.y, w: input.w, h: input.h },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
  });
}

export function useRemoveTile(dashboardId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tileId: string) =>
      unwrap(
        api.DELETE("/api/v1/dashboards/{id}/tiles/{tile_id}", {
          params: { path: { id: dashboardId, tile_id: tileId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
  });
}

export function useChangeFilters(dashboardId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { filters: DashboardFilter[]; version: number }) =>
      unwrap(
        api.PUT("/api/v1/dashboards/{id}/filters", {
          params: { path: { id: dashboardId } },
          body: {
            filters: input.filters.map((filter) => ({
              filter_id: filter.filter_id,
              label: filter.label,
              column: filter.column,
              op: filter.op,
              value: filter.value,
            })),
          },
          headers: ifMatch(input.version),
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all }),
  });
}

/** Charts that can be placed on a dashboard, searched by name. */
export function useChartChoices(search: string, enabled: boolean) {
  return useQuery({
    queryKey: ["charts", "choices", search],
    enabled,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/charts", {
          params: { query: { q: search || undefined, limit: 100, sort: "name" } },
        }),
      ),
  });
}

/** The columns a dashboard filter can use: those of the datasets its charts draw from. */
export function useFilterableColumns(datasetIds: string[]) {
  return useQuery({
    queryKey: ["datasets", "columns", [...datasetIds].sort()],
    enabled: datasetIds.length > 0,
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const columns = new Map<string, string>();
      const results = await Promise.allSettled(
        datasetIds.map((id) =>
          unwrap(api.GET("/api/v1/datasets/{id}/preview", { params: { path: { id }, query: { limit: 1 } } })),
        ),
      );
      for (const result of results) {
        if (result.status !== "fulfilled") continue;
        for (const column of decodeDatasetPreview(result.value).columns) columns.set(column.name, column.data_type);
      }
      return [...columns.entries()].map(([name, dataType]) => ({ name, dataType }));
    },
  });
}
