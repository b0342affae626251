import { createBrowserRouter, Navigate, type RouteObject } from "react-router";

import { LoadingState } from "../components/ui/States";
import { LoginRoute } from "../features/auth/routes/LoginRoute";
import { RegisterRoute } from "../features/auth/routes/RegisterRoute";
import { RedirectIfSignedIn, RequireRole, RequireSession } from "./guards";
import { AppShell } from "./layout/AppShell";
import { NotFoundRoute } from "./NotFoundRoute";

/*
 * Feature pages are loaded on demand, so the sign-in page does not wait for the chart library and the
 * grid layout that only dashboards and charts need.
 */
const applicationRoutes: RouteObject[] = [
  {
    path: "/login",
    element: (
      <RedirectIfSignedIn>
        <LoginRoute />
      </RedirectIfSignedIn>
    ),
  },
  {
    path: "/register",
    element: (
      <RedirectIfSignedIn>
        <RegisterRoute />
      </RedirectIfSignedIn>
    ),
  },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <Navigate to="/dashboards" replace /> },
          {
            path: "dashboards",
            lazy: async () => ({
              Component: (await import("../features/dashboards/routes/DashboardsListRoute")).DashboardsListRoute,
            }),
          },
          {
            path: "dashboards/:dashboardId",
            lazy: async () => ({
              Component: (await import("../features/dashboards/routes/DashboardRoute")).DashboardByIdRoute,
            }),
          },
          {
            path: "d/:slug",
            lazy: async () => ({
              Component: (await import("../features/dashboards/routes/DashboardRoute")).DashboardBySlugRoute,
            }),
          },
          {
            path: "charts",
            lazy: async () => ({
              Component: (await import("../features/charts/routes/ChartsListRoute")).ChartsListRoute,
            }),
          },
          {
            path: "charts/new",
            lazy: async () => ({
              Component: (await import("../features/charts/routes/ChartEditorRoute")).NewChartRoute,
            }),
          },
          {
            path: "charts/:chartId",
            lazy: async () => ({
              Component: (await import("../features/charts/routes/ChartEditorRoute")).EditChartRoute,
            }),
          },
          {
            path: "datasets",
            lazy: async () => ({
              Component: (await import("../features/datasets/routes/DatasetsListRoute")).DatasetsListRoute,
            }),
          },
          {
            path: "datasets/:datasetId",
            lazy: async () => ({
              Component: (await import("../features/datasets/routes/DatasetRoute")).DatasetRoute,
            }),
          },
          {
            path: "data-sources",
            lazy: async () => ({
              Component: (await import("../features/data-sources/routes/DataSourcesListRoute"))
                .DataSourcesListRoute,
            }),
          },
          {
            path: "data-sources/:dataSourceId",
            lazy: async () => ({
              Component: (await import("../features/data-sources/routes/DataSourceRoute")).DataSourceRoute,
            }),
          },
          {
            path: "users",
            lazy: async () => {
              const { UsersRoute } = await import("../features/users/routes/UsersRoute");
              return {
                Component: () => (
                  <RequireRole roles={["admin"]}>
                    <UsersRoute />
                  </RequireRole>
                ),
              };
            },
          },
          { path: "*", element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];

export const routes: RouteObject[] = [
  {
    // Shown while the first page's code loads.
    hydrateFallbackElement: (
      <div className="full-page-state">
        <LoadingState />
      </div>
    ),
    children: applicationRoutes,
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
