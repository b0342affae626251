/**
 * Generated from openapi.json by scripts/generate-api.mjs (`npm run generate:api`).
 * Do not edit by hand.
 */

export interface paths {
    "/api/v1/admin/projections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The lag of every projection (admins and auditors only). Also sets the Prometheus gauges
         *     `vizpro_projection_lag_events` and `vizpro_projection_lag_seconds`.
         */
        get: operations["get_projection_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Signs in with email and password. */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ends the session of the refresh cookie and clears it. */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchanges the refresh cookie for a new access token and a new refresh cookie. */
        post: operations["refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Creates an account. Emails listed in the configuration become admins; everyone else gets the
         *     configured default role.
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/charts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The charts the caller may see, optionally only those drawn from one dataset. */
        get: operations["list_charts"];
        put?: never;
        post: operations["charts_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/charts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One chart, with its grants when the caller may edit it. */
        get: operations["get_chart"];
        put?: never;
        post?: never;
        delete: operations["charts_delete"];
        options?: never;
        head?: never;
        patch: operations["charts_update"];
        trace?: never;
    };
    "/api/v1/charts/{id}/data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The data of one chart, computed from the dataset version it reads. */
        get: operations["get_chart_data"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/charts/{id}/dataset-version": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["pin_dataset_version"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/charts/{id}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Grants a user, or everyone with a role, view or edit access. Owners and admins only. */
        post: operations["charts_share"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/charts/{id}/grants/{grantee}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Withdraws a grant. Owners and admins only. */
        delete: operations["charts_unshare"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The dashboards the caller may see, without their tiles. */
        get: operations["list_dashboards"];
        put?: never;
        post: operations["dashboards_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/by-slug/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dashboard, found by its slug, with its tiles and their charts. */
        get: operations["get_dashboard_by_slug"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dashboard with its tiles and their charts. */
        get: operations["get_dashboard"];
        put?: never;
        post?: never;
        delete: operations["dashboards_delete"];
        options?: never;
        head?: never;
        patch: operations["dashboards_update"];
        trace?: never;
    };
    "/api/v1/dashboards/{id}/data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The data of every chart on a dashboard, with the dashboard's saved filters and the given ones applied.
         *     A tile whose chart cannot be computed carries its problem instead; the others are still answered.
         */
        get: operations["get_dashboard_data"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/{id}/filters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["change_filters"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/{id}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Grants a user, or everyone with a role, view or edit access. Owners and admins only. */
        post: operations["dashboards_share"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/{id}/grants/{grantee}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Withdraws a grant. Owners and admins only. */
        delete: operations["dashboards_unshare"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/{id}/layout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replaces the layout after a drag or resize. */
        put: operations["change_layout"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/{id}/tiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Places a chart the caller can see on the dashboard. */
        post: operations["add_tile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/{id}/tiles/{tile_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["remove_tile"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/data-sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The data sources the caller may see. */
        get: operations["list_data_sources"];
        put?: never;
        post: operations["data_sources_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/data-sources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One data source, with its grants when the caller may edit it. */
        get: operations["get_data_source"];
        put?: never;
        post?: never;
        delete: operations["data_sources_delete"];
        options?: never;
        head?: never;
        patch: operations["data_sources_update"];
        trace?: never;
    };
    "/api/v1/data-sources/{id}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Grants a user, or everyone with a role, view or edit access. Owners and admins only. */
        post: operations["data_sources_share"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/data-sources/{id}/grants/{grantee}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Withdraws a grant. Owners and admins only. */
        delete: operations["data_sources_unshare"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/data-sources/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Connects to the data source's database, signs in and runs a trivial query. */
        get: operations["data_source_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/data-sources/{id}/tables": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lists the tables and views of the data source's database with their columns, system schemas left
         *     out: what a dataset over the source can read.
         */
        get: operations["data_source_tables"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The datasets the caller may see. */
        get: operations["list_datasets"];
        put?: never;
        post: operations["datasets_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dataset with its versions, and its grants when the caller may edit it. */
        get: operations["get_dataset"];
        put?: never;
        post?: never;
        delete: operations["datasets_delete"];
        options?: never;
        head?: never;
        patch: operations["datasets_update"];
        trace?: never;
    };
    "/api/v1/datasets/{id}/column-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Converts the newest version's uploaded file again with other types for some columns, as the next
         *     version: a wrongly inferred type is fixed without uploading the file again. Values that do not fit
         *     the new type are refused with their line, and nothing is recorded.
         */
        post: operations["change_column_types"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Grants a user, or everyone with a role, view or edit access. Owners and admins only. */
        post: operations["datasets_share"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}/grants/{grantee}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Withdraws a grant. Owners and admins only. */
        delete: operations["datasets_unshare"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The first rows of a dataset version. */
        get: operations["preview_dataset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}/statistics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Nulls, distinct estimate, minimum and maximum of every column of a dataset version. */
        get: operations["dataset_statistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/datasets/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every account for admins; for everyone else, the directory of active accounts (id and display name). */
        get: operations["list_users"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's own account. */
        get: operations["get_current_user"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Deactivates an account (admins only) and ends its sessions. */
        delete: operations["deactivate"];
        options?: never;
        head?: never;
        patch: operations["users_update"];
        trace?: never;
    };
    "/api/v1/users/{id}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Changes a password and ends every session of the user. Users must confirm their current password;
         *     admins resetting someone else's do not.
         */
        put: operations["change_password"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/role": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Admins change other users' roles. The new role is in the user's next access token. */
        put: operations["change_role"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The answer to an accepted command. */
        Accepted: {
            /**
             * Format: uuid
             * @description The resource the command was about.
             */
            id: string;
            /**
             * Format: int64
             * @description The global position of the last event appended, for read-your-writes (`X-Min-Position`).
             *     Absent when the command changed nothing.
             */
            position?: number | null;
            /**
             * Format: uuid
             * @description The tile a tile command created or changed.
             */
            tile_id?: string | null;
            /**
             * Format: int32
             * @description The resource's version after the command; send it back as `If-Match` to guard the next change.
             */
            version: number;
        };
        AddTile: components["schemas"]["Cell"] & {
            /** Format: uuid */
            chart_id: string;
        };
        /** @description A cell of the 12-column grid. */
        Cell: {
            /** Format: int32 */
            h: number;
            /** Format: int32 */
            w: number;
            /** Format: int32 */
            x: number;
            /** Format: int32 */
            y: number;
        };
        /** @description New types for some columns of the newest version. */
        ChangeColumnTypes: {
            /**
             * @description Column name to `boolean`, `integer`, `float`, `date`, `timestamp` or `text`. Columns left out keep
             *     the type they had.
             */
            column_types: unknown;
        };
        /** @description The dashboard's filters, applied on top of every tile's own. */
        ChangeFilters: {
            filters: components["schemas"]["FilterInput"][];
        };
        /** @description The whole layout: every tile exactly once. */
        ChangeLayout: {
            placements: components["schemas"]["Placement"][];
        };
        ChangePassword: {
            /** @description Required when changing one's own password. */
            current_password?: string | null;
            new_password: string;
        };
        ChangeRole: {
            /**
             * @description admin, editor, viewer or auditor.
             * @example viewer
             */
            role: string;
        };
        /** @description A chart as its readers see it. */
        Chart: {
            /**
             * @description What the caller may do with it: `edit` or `view`.
             * @example edit
             */
            access: string;
            /** @example bar */
            chart_type: string;
            /** Format: date-time */
            created_at: string;
            /**
             * Format: uuid
             * @description The dataset the chart draws from.
             */
            dataset_id: string;
            description: string;
            /** Format: uuid */
            id: string;
            /** @example Revenue by month */
            name: string;
            /** Format: uuid */
            owner_id: string;
            /**
             * Format: int32
             * @description The dataset version the chart reads; `null` follows the latest version.
             */
            pinned_dataset_version?: number | null;
            /** @description The query and the visual options. */
            spec: unknown;
            /** Format: date-time */
            updated_at: string;
            /**
             * Format: int32
             * @description The version of the chart's stream; it changes with every change.
             */
            version: number;
        };
        /** @description A chart's data, as the chart library takes it. */
        ChartDataResponse: {
            /** Format: uuid */
            chart_id: string;
            chart_type: string;
            /**
             * Format: int32
             * @description The chart version the data was computed for.
             */
            chart_version: number;
            /** @description Columns: `{"name", "data_type", "role": "dimension" | "measure" | "value", "values": […]}`. */
            columns: unknown[];
            /** @description For a big number over "the last n units": the same measures over the n units before. */
            comparison?: unknown[] | null;
            /**
             * Format: double
             * @description Milliseconds the engine took (when it was computed, not when it was served from the cache).
             */
            computation_ms: number;
            /** Format: date-time */
            computed_at: string;
            /** Format: uuid */
            dataset_id: string;
            /**
             * Format: int32
             * @description The dataset version the data was computed from; 0 for a dataset read live from a database.
             */
            dataset_version: number;
            row_count: number;
            /** @description Whether rows were cut off at the row limit. */
            truncated: boolean;
        };
        /** @description A chart with its grants, which only those who may edit it are shown. */
        ChartDetail: components["schemas"]["Chart"] & {
            /** @description Present only when the caller may edit the chart. */
            grants?: components["schemas"]["Grant"][] | null;
        };
        /** @description How to reach a PostgreSQL or MySQL database. Sealed with AES-256-GCM at once; never returned or logged. */
        ConnectionDetails: {
            /** @example analytics */
            database: string;
            /** @example db.internal */
            host: string;
            /** @description Write-only. */
            password: string;
            /**
             * Format: int32
             * @example 5432
             */
            port: number;
            /** @description For PostgreSQL: `disable`, `prefer` or `require` (default `prefer`). */
            ssl_mode?: string | null;
            /** @example reporting */
            username: string;
        };
        /** @description A connection that answered. */
        ConnectionStatus: {
            /** Format: uuid */
            data_source_id: string;
            /**
             * Format: double
             * @description Milliseconds connecting, signing in and running a trivial query took.
             */
            latency_ms: number;
            /** @description Always true: a connection that fails answers with a problem instead. */
            reachable: boolean;
        };
        CreateChart: {
            /**
             * @description bar, line, area, pie, donut, scatter, table, big_number, histogram, heatmap or pivot_table.
             * @example bar
             */
            chart_type: string;
            /** Format: uuid */
            dataset_id: string;
            description?: string;
            /** @example Revenue by month */
            name: string;
            /**
             * @description `{"query": {"mode": "builder", "dimensions": […], "measures": […], "filters": […], "sort": […], "limit": 100}, "options": {…}}`
             *     or `{"query": {"mode": "sql", "sql": "select …"}}`.
             */
            spec: unknown;
        };
        CreateDashboard: {
            description?: string;
            /** @example Sales overview */
            name: string;
            /**
             * @description Unique across dashboards; derived from the name when absent.
             * @example sales-overview
             */
            slug?: string | null;
        };
        CreateDataSource: {
            connection?: null | components["schemas"]["ConnectionDetails"];
            description?: string;
            /**
             * @description `upload` (CSV files), `postgres` or `mysql`.
             * @example postgres
             */
            kind: string;
            /** @example Sales warehouse */
            name: string;
        };
        CreateDataset: {
            description?: string;
            /** @example Orders 2026 */
            name: string;
            /**
             * @description `{"kind": "upload"}` (CSV versions uploaded later), `{"kind": "table", "data_source_id": …, "schema": …, "table": …}`
             *     or `{"kind": "query", "data_source_id": …, "sql": "select …"}`.
             */
            source: unknown;
        };
        /** @description A dashboard in a list (without its tiles). */
        Dashboard: {
            /**
             * @description What the caller may do with it: `edit` or `view`.
             * @example view
             */
            access: string;
            /** Format: date-time */
            created_at: string;
            description: string;
            /** @description The dashboard's filters. */
            filters: unknown;
            /** Format: uuid */
            id: string;
            /** @example Sales overview */
            name: string;
            /** Format: uuid */
            owner_id: string;
            /** @example sales-overview */
            slug: string;
            /** Format: date-time */
            updated_at: string;
            /**
             * Format: int32
             * @description The version of the dashboard's stream; it changes with every change to the dashboard itself.
             */
            version: number;
        };
        /** @description The data of every tile of a dashboard. */
        DashboardData: {
            /** Format: uuid */
            dashboard_id: string;
            tiles: components["schemas"]["TileData"][];
        };
        /** @description A dashboard with its tiles and their charts. */
        DashboardView: {
            /**
             * @description What the caller may do with it: `edit` or `view`.
             * @example edit
             */
            access: string;
            /** Format: date-time */
            created_at: string;
            description: string;
            filters: unknown;
            /** @description Present only when the caller may edit the dashboard. */
            grants?: components["schemas"]["Grant"][] | null;
            /** Format: uuid */
            id: string;
            name: string;
            /** Format: uuid */
            owner_id: string;
            slug: string;
            /** @description In reading order: top to bottom, then left to right. */
            tiles: components["schemas"]["TileView"][];
            /** Format: date-time */
            updated_at: string;
            /** Format: int32 */
            version: number;
        };
        /** @description A data source as its readers see it. */
        DataSource: {
            /**
             * @description What the caller may do with it: `edit` or `view`.
             * @example edit
             */
            access: string;
            /** Format: date-time */
            created_at: string;
            description: string;
            /** @description Where the data source points, without credentials (for example `db.example.com:5432/sales`). */
            display_address?: string | null;
            /** Format: uuid */
            id: string;
            /**
             * @description `postgres`, `mysql`, `upload` and the like.
             * @example postgres
             */
            kind: string;
            /** @example Warehouse */
            name: string;
            /** Format: uuid */
            owner_id: string;
            /** Format: date-time */
            updated_at: string;
            /**
             * Format: int32
             * @description The version of the data source's stream; it changes with every change.
             */
            version: number;
        };
        /** @description A data source with its grants, which only those who may edit it are shown. */
        DataSourceDetail: components["schemas"]["DataSource"] & {
            /** @description Present only when the caller may edit the data source. */
            grants?: components["schemas"]["Grant"][] | null;
        };
        /** @description A dataset as its readers see it. */
        Dataset: {
            /**
             * @description What the caller may do with it: `edit` or `view`.
             * @example view
             */
            access: string;
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            id: string;
            /**
             * Format: int32
             * @description The newest uploaded version; 0 before the first.
             */
            latest_version: number;
            /** @example Orders */
            name: string;
            /** Format: uuid */
            owner_id: string;
            /**
             * @description Where the rows come from: `{"kind": "upload"}`, `{"kind": "table", "data_source_id": …, "table": …}`
             *     or `{"kind": "query", "data_source_id": …, "sql": …}`.
             */
            source: unknown;
            /** Format: date-time */
            updated_at: string;
            /**
             * Format: int32
             * @description The version of the dataset's stream; it changes with every change.
             */
            version: number;
        };
        /** @description A dataset with its versions (newest first) and, for those who may edit it, its grants. */
        DatasetDetail: components["schemas"]["Dataset"] & {
            /** @description Present only when the caller may edit the dataset. */
            grants?: components["schemas"]["Grant"][] | null;
            versions: components["schemas"]["DatasetVersion"][];
        };
        /** @description One uploaded version of a dataset's rows. */
        DatasetVersion: {
            /** Format: date-time */
            added_at: string;
            /** Format: int64 */
            bytes: number;
            checksum_sha256: string;
            /** @description The columns and their types. */
            columns: unknown;
            /** Format: int32 */
            dataset_version: number;
            /** @description Where the stored rows are. */
            location: string;
            /** Format: int64 */
            row_count: number;
        };
        /** @description An account as the directory shows it to users who are not admins. */
        DirectoryEntry: {
            /** @example Ada Lovelace */
            display_name: string;
            /** Format: uuid */
            id: string;
        };
        /** @description One offending field of a request. */
        FieldError: {
            /** @description Where in the request the problem is, as a path such as `spec.query.measures[0].column`. */
            field: string;
            /** @description What is wrong with it. */
            message: string;
        };
        FilterInput: {
            column: string;
            /**
             * Format: uuid
             * @description Kept when given (so saved filter values survive edits), assigned otherwise.
             */
            filter_id?: string | null;
            label: string;
            /**
             * @description eq, ne, lt, lte, gt, gte, between, in, not_in, contains, is_null, is_not_null, last.
             * @example eq
             */
            op: string;
            value?: unknown;
        };
        /** @description One grant on a resource, shown to those who may edit it (and so may change its grants). */
        Grant: {
            /**
             * @description `view` or `edit`.
             * @example view
             */
            access: string;
            /**
             * @description A user's id or a role's name.
             * @example 0190a1b2-0000-7000-8000-000000000000
             */
            grantee: string;
            /**
             * @description `user` or `role`.
             * @example user
             */
            grantee_kind: string;
        };
        /** @description Credentials. */
        LoginRequest: {
            email: string;
            password: string;
        };
        /** @description One page of a list. */
        Page_Chart: {
            items: {
                /**
                 * @description What the caller may do with it: `edit` or `view`.
                 * @example edit
                 */
                access: string;
                /** @example bar */
                chart_type: string;
                /** Format: date-time */
                created_at: string;
                /**
                 * Format: uuid
                 * @description The dataset the chart draws from.
                 */
                dataset_id: string;
                description: string;
                /** Format: uuid */
                id: string;
                /** @example Revenue by month */
                name: string;
                /** Format: uuid */
                owner_id: string;
                /**
                 * Format: int32
                 * @description The dataset version the chart reads; `null` follows the latest version.
                 */
                pinned_dataset_version?: number | null;
                /** @description The query and the visual options. */
                spec: unknown;
                /** Format: date-time */
                updated_at: string;
                /**
                 * Format: int32
                 * @description The version of the chart's stream; it changes with every change.
                 */
                version: number;
            }[];
            /** @description Send as `cursor` to read the next page; `null` on the last page. */
            next_cursor: string | null;
        };
        /** @description One page of a list. */
        Page_Dashboard: {
            items: {
                /**
                 * @description What the caller may do with it: `edit` or `view`.
                 * @example view
                 */
                access: string;
                /** Format: date-time */
                created_at: string;
                description: string;
                /** @description The dashboard's filters. */
                filters: unknown;
                /** Format: uuid */
                id: string;
                /** @example Sales overview */
                name: string;
                /** Format: uuid */
                owner_id: string;
                /** @example sales-overview */
                slug: string;
                /** Format: date-time */
                updated_at: string;
                /**
                 * Format: int32
                 * @description The version of the dashboard's stream; it changes with every change to the dashboard itself.
                 */
                version: number;
            }[];
            /** @description Send as `cursor` to read the next page; `null` on the last page. */
            next_cursor: string | null;
        };
        /** @description One page of a list. */
        Page_DataSource: {
            items: {
                /**
                 * @description What the caller may do with it: `edit` or `view`.
                 * @example edit
                 */
                access: string;
                /** Format: date-time */
                created_at: string;
                description: string;
                /** @description Where the data source points, without credentials (for example `db.example.com:5432/sales`). */
                display_address?: string | null;
                /** Format: uuid */
                id: string;
                /**
                 * @description `postgres`, `mysql`, `upload` and the like.
                 * @example postgres
                 */
                kind: string;
                /** @example Warehouse */
                name: string;
                /** Format: uuid */
                owner_id: string;
                /** Format: date-time */
                updated_at: string;
                /**
                 * Format: int32
                 * @description The version of the data source's stream; it changes with every change.
                 */
                version: number;
            }[];
            /** @description Send as `cursor` to read the next page; `null` on the last page. */
            next_cursor: string | null;
        };
        /** @description One page of a list. */
        Page_Dataset: {
            items: {
                /**
                 * @description What the caller may do with it: `edit` or `view`.
                 * @example view
                 */
                access: string;
                /** Format: date-time */
                created_at: string;
                description: string;
                /** Format: uuid */
                id: string;
                /**
                 * Format: int32
                 * @description The newest uploaded version; 0 before the first.
                 */
                latest_version: number;
                /** @example Orders */
                name: string;
                /** Format: uuid */
                owner_id: string;
                /**
                 * @description Where the rows come from: `{"kind": "upload"}`, `{"kind": "table", "data_source_id": …, "table": …}`
                 *     or `{"kind": "query", "data_source_id": …, "sql": …}`.
                 */
                source: unknown;
                /** Format: date-time */
                updated_at: string;
                /**
                 * Format: int32
                 * @description The version of the dataset's stream; it changes with every change.
                 */
                version: number;
            }[];
            /** @description Send as `cursor` to read the next page; `null` on the last page. */
            next_cursor: string | null;
        };
        /** @description One page of a list. */
        Page_UserListItem: {
            items: (components["schemas"]["User"] | components["schemas"]["DirectoryEntry"])[];
            /** @description Send as `cursor` to read the next page; `null` on the last page. */
            next_cursor: string | null;
        };
        /** @description Which dataset version the chart reads. */
        PinDatasetVersion: {
            /**
             * Format: int32
             * @description A version number to pin, or null to follow the latest version.
             */
            version?: number | null;
        };
        Placement: components["schemas"]["Cell"] & {
            /** Format: uuid */
            tile_id: string;
        };
        /** @description The body of an error response (RFC 9457). */
        ProblemDocument: unknown & {
            /** @description What went wrong with this request. */
            detail: string;
            /** @description The offending fields, for validation problems. */
            errors?: components["schemas"]["FieldError"][];
            /**
             * Format: int32
             * @description The HTTP status code.
             */
            status: number;
            /** @description A short human summary of the kind of problem. */
            title: string;
            /** @description A stable identifier of the kind of problem, e.g. `urn:vizpro:problem:validation-failed`. */
            type: string;
        };
        /** @description One projection's progress. */
        ProjectionStatus: {
            /**
             * Format: int64
             * @description The position of the last event the projection applied (0 before the first).
             */
            checkpoint_position: number;
            /**
             * Format: int64
             * @description Events the projection could not apply and set aside.
             */
            dead_letters: number;
            /** Format: int64 */
            events_applied: number;
            /**
             * Format: int64
             * @description Events committed after the checkpoint, in commit order; counting stops at 1 000 000.
             */
            lag_events: number;
            /**
             * Format: double
             * @description How long ago the oldest unapplied event was recorded, in seconds; 0 when none is waiting.
             */
            lag_seconds: number;
            /** @example dashboards */
            name: string;
        };
        /** @description Every projection's progress, in the order the projector applies an event to them. */
        ProjectionsReport: {
            projections: components["schemas"]["ProjectionStatus"][];
        };
        /** @description A new account. */
        RegisterRequest: {
            /**
             * @description The name others see, 1 to 100 characters.
             * @example Ada Lovelace
             */
            display_name: string;
            /**
             * @description The sign-in email; compared case-insensitively.
             * @example ada@example.com
             */
            email: string;
            /**
             * @description 12 to 256 characters.
             * @example correct horse battery staple
             */
            password: string;
        };
        /** @description A fresh access token. The refresh token travels only in the `vizpro_refresh` cookie. */
        SessionTokens: {
            /** @description Send as `Authorization: Bearer <access_token>`. */
            access_token: string;
            /**
             * Format: int64
             * @description Seconds until the access token expires.
             */
            expires_in: number;
            /** @example Bearer */
            token_type: string;
            user: components["schemas"]["SessionUser"];
        };
        /** @description The signed-in user. */
        SessionUser: {
            display_name: string;
            email: string;
            /** Format: uuid */
            id: string;
            /**
             * @description `admin`, `editor`, `viewer` or `auditor`.
             * @example editor
             */
            role: string;
        };
        /** @description Sharing a resource with a user or with everyone who has a role. */
        ShareRequest: {
            /**
             * @description `view` or `edit`.
             * @example view
             */
            access: string;
            /** @description `{"kind": "user", "user_id": "…"}` or `{"kind": "role", "role": "viewer"}`. */
            grantee: unknown;
        };
        /** @description The tables and views of a data source's database. */
        SourceTables: {
            /** Format: uuid */
            data_source_id: string;
            /** @description `{"schema", "name", "kind": "table" | "view", "columns": [{"name", "data_type", "nullable"}]}`. */
            tables: unknown[];
        };
        /** @description A chart as a dashboard tile shows it. */
        TileChartView: {
            /** @example bar */
            chart_type: string;
            /** Format: uuid */
            dataset_id: string;
            description: string;
            /** Format: uuid */
            id: string;
            name: string;
            /** Format: int32 */
            pinned_dataset_version?: number | null;
            spec: unknown;
            /** Format: int32 */
            version: number;
        };
        /** @description One tile's data, or the problem that kept it from being computed. */
        TileData: {
            /** Format: uuid */
            chart_id: string;
            data?: unknown;
            error?: null | components["schemas"]["ProblemDocument"];
            /** Format: uuid */
            tile_id: string;
        };
        /** @description One tile: where it sits and the chart it shows. */
        TileView: {
            chart?: null | components["schemas"]["TileChartView"];
            /** Format: uuid */
            chart_id: string;
            /** Format: int32 */
            h: number;
            /** Format: uuid */
            tile_id: string;
            /** Format: int32 */
            w: number;
            /** Format: int32 */
            x: number;
            /** Format: int32 */
            y: number;
        };
        UpdateChart: {
            /** @description Changes together with `spec`. */
            chart_type?: string | null;
            description?: string | null;
            name?: string | null;
            spec?: unknown;
        };
        UpdateDashboard: {
            description?: string | null;
            name?: string | null;
            slug?: string | null;
        };
        UpdateDataSource: {
            connection?: null | components["schemas"]["ConnectionDetails"];
            description?: string | null;
            name?: string | null;
        };
        UpdateDataset: {
            description?: string | null;
            name?: string | null;
        };
        UpdateUser: {
            /** @example Ada Lovelace */
            display_name: string;
        };
        /** @description The multipart form of an upload. */
        UploadForm: {
            /**
             * Format: binary
             * @description The CSV file.
             */
            file: string;
            /**
             * @description Optional JSON: `{"delimiter": ";", "has_header": true, "encoding": "windows-1252",
             *     "column_types": {"zip": "text", "amount": "float"}}`. Whatever is left out is detected.
             */
            options?: string | null;
        };
        /** @description An account as its owner and admins see it. */
        User: {
            /** Format: date-time */
            created_at: string;
            deactivated: boolean;
            /** @example Ada Lovelace */
            display_name: string;
            /** @example ada@example.com */
            email: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            last_sign_in?: string | null;
            /**
             * @description `admin`, `editor`, `viewer` or `auditor`.
             * @example editor
             */
            role: string;
        };
        /** @description An item of the user list: every field for admins, the directory entry for everyone else. */
        UserListItem: components["schemas"]["User"] | components["schemas"]["DirectoryEntry"];
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    get_projection_status: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every projection's checkpoint and lag */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectionsReport"];
                };
            };
            /** @description The report has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The caller is neither an admin nor an auditor */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Signed in; sets the refresh cookie */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionTokens"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionTokens"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            /** @description Email taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    list_charts: {
        parameters: {
            query?: {
                /** @description Items per page, 1 to 200; 50 when absent. */
                limit?: number;
                /** @description The `next_cursor` of the previous page, to read the page after it. */
                cursor?: string;
                /**
                 * @description `name`, `-name`, `created_at`, `-created_at`, `updated_at` or `-updated_at` (the default).
                 * @example -updated_at
                 */
                sort?: string;
                /** @description Text the name must contain, ignoring case; `%` and `_` match themselves. At most 200 characters. */
                q?: string;
                /**
                 * @description `me` (the caller's own), `others` (shared with the caller) or `any` (the default).
                 * @example any
                 */
                owner?: string;
                /** @description Only charts drawn from this dataset. */
                dataset_id?: string;
            };
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the charts the caller may see */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Chart"];
                };
            };
            /** @description The page has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A query parameter, the cursor or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    charts_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateChart"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    get_chart: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path: {
                /** @description The chart */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The chart */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChartDetail"];
                };
            };
            /** @description The chart has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The id or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description No such chart, deleted, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    charts_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The chart */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    charts_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The chart */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateChart"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    get_chart_data: {
        parameters: {
            query?: {
                /**
                 * @description Filters applied on top of the chart's own, as a JSON array of
                 *     `{"column": …, "op": …, "value": …}` (URL-encoded). A filter on a column a chart's dataset lacks
                 *     does not apply to that chart.
                 */
                filters?: string;
            };
            header?: never;
            path: {
                /** @description The chart */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The chart's data, column by column */
            200: {
                headers: {
                    /** @description hit or miss */
                    "X-Cache"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChartDataResponse"];
                };
            };
            /** @description The filters parameter is malformed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The chart's dataset is not visible to the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description No such chart, or not visible */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The dataset has no stored version yet */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The chart or a filter does not fit the data; `field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The query took too long */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    pin_dataset_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The chart */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PinDatasetVersion"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    charts_share: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShareRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    charts_unshare: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource */
                id: string;
                /** @description `user:<uuid>` or `role:<role>` */
                grantee: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    list_dashboards: {
        parameters: {
            query?: {
                /** @description Items per page, 1 to 200; 50 when absent. */
                limit?: number;
                /** @description The `next_cursor` of the previous page, to read the page after it. */
                cursor?: string;
                /**
                 * @description `name`, `-name`, `created_at`, `-created_at`, `updated_at` or `-updated_at` (the default).
                 * @example -updated_at
                 */
                sort?: string;
                /** @description Text the name must contain, ignoring case; `%` and `_` match themselves. At most 200 characters. */
                q?: string;
                /**
                 * @description `me` (the caller's own), `others` (shared with the caller) or `any` (the default).
                 * @example any
                 */
                owner?: string;
            };
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the dashboards the caller may see */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Dashboard"];
                };
            };
            /** @description The page has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A query parameter, the cursor or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    dashboards_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDashboard"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            /** @description Slug taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    get_dashboard_by_slug: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path: {
                /** @description The dashboard's slug */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The dashboard; `X-Cache` says whether it came from the cache (`hit`), was rebuilt (`miss`) or was built without the cache (`bypass`) */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    /** @description `hit`, `miss` or `bypass` */
                    "X-Cache"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DashboardView"];
                };
            };
            /** @description The dashboard has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description No dashboard with this slug is visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    get_dashboard: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path: {
                /** @description The dashboard */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The dashboard; `X-Cache` says whether it came from the cache (`hit`), was rebuilt (`miss`) or was built without the cache (`bypass`) */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    /** @description `hit`, `miss` or `bypass` */
                    "X-Cache"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DashboardView"];
                };
            };
            /** @description The dashboard has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The id or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description No such dashboard, deleted, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    dashboards_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dashboard */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    dashboards_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dashboard */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateDashboard"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    get_dashboard_data: {
        parameters: {
            query?: {
                /**
                 * @description Filters applied on top of the chart's own, as a JSON array of
                 *     `{"column": …, "op": …, "value": …}` (URL-encoded). A filter on a column a chart's dataset lacks
                 *     does not apply to that chart.
                 */
                filters?: string;
            };
            header?: never;
            path: {
                /** @description The dashboard */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Each tile's data or problem */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DashboardData"];
                };
            };
            /** @description The filters parameter is malformed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description No such dashboard, or not visible */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    change_filters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dashboard */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeFilters"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    dashboards_share: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShareRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    dashboards_unshare: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource */
                id: string;
                /** @description `user:<uuid>` or `role:<role>` */
                grantee: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    change_layout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dashboard */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeLayout"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    add_tile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dashboard */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddTile"];
            };
        };
        responses: {
            /** @description `tile_id` names the new tile */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    remove_tile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dashboard */
                id: string;
                /** @description The tile */
                tile_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    list_data_sources: {
        parameters: {
            query?: {
                /** @description Items per page, 1 to 200; 50 when absent. */
                limit?: number;
                /** @description The `next_cursor` of the previous page, to read the page after it. */
                cursor?: string;
                /**
                 * @description `name`, `-name`, `created_at`, `-created_at`, `updated_at` or `-updated_at` (the default).
                 * @example -updated_at
                 */
                sort?: string;
                /** @description Text the name must contain, ignoring case; `%` and `_` match themselves. At most 200 characters. */
                q?: string;
                /**
                 * @description `me` (the caller's own), `others` (shared with the caller) or `any` (the default).
                 * @example any
                 */
                owner?: string;
            };
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the data sources the caller may see */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_DataSource"];
                };
            };
            /** @description The page has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A query parameter, the cursor or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    data_sources_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDataSource"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    get_data_source: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path: {
                /** @description The data source */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The data source */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DataSourceDetail"];
                };
            };
            /** @description The data source has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The id or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description No such data source, deleted, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    data_sources_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The data source */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    data_sources_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The data source */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateDataSource"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    data_sources_share: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShareRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    data_sources_unshare: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource */
                id: string;
                /** @description `user:<uuid>` or `role:<role>` */
                grantee: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    data_source_status: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The data source */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database answered */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionStatus"];
                };
            };
            /** @description No such data source, or not visible */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The data source is not a database */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The database refused the user name, password or database name; `field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The database cannot be reached */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The database did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    data_source_tables: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The data source */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Tables and views with their columns */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SourceTables"];
                };
            };
            /** @description No such data source, or not visible */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The data source is not a database */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The database cannot be reached */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The database did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    list_datasets: {
        parameters: {
            query?: {
                /** @description Items per page, 1 to 200; 50 when absent. */
                limit?: number;
                /** @description The `next_cursor` of the previous page, to read the page after it. */
                cursor?: string;
                /**
                 * @description `name`, `-name`, `created_at`, `-created_at`, `updated_at` or `-updated_at` (the default).
                 * @example -updated_at
                 */
                sort?: string;
                /** @description Text the name must contain, ignoring case; `%` and `_` match themselves. At most 200 characters. */
                q?: string;
                /**
                 * @description `me` (the caller's own), `others` (shared with the caller) or `any` (the default).
                 * @example any
                 */
                owner?: string;
            };
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the datasets the caller may see */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Dataset"];
                };
            };
            /** @description The page has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A query parameter, the cursor or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    datasets_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDataset"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    get_dataset: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path: {
                /** @description The dataset */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The dataset */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetDetail"];
                };
            };
            /** @description The dataset has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The id or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description No such dataset, deleted, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    datasets_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dataset */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    datasets_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dataset */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateDataset"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    change_column_types: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dataset */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeColumnTypes"];
            };
        };
        responses: {
            /** @description The file was converted again and recorded as the next version */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            /** @description No such dataset, or not visible */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The dataset has no uploaded version, or is not filled by uploads */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description A column is unknown or a value does not fit its new type; the problem names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    datasets_share: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShareRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    datasets_unshare: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource */
                id: string;
                /** @description `user:<uuid>` or `role:<role>` */
                grantee: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    preview_dataset: {
        parameters: {
            query?: {
                /** @description The dataset version; the newest when left out. */
                version?: number;
                /** @description How many rows, 1 to 1000; 100 when left out. */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The dataset */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Columns with their first values */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description No such dataset or version, or not visible */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    dataset_statistics: {
        parameters: {
            query?: {
                /** @description The dataset version; the newest when left out. */
                version?: number;
            };
            header?: never;
            path: {
                /** @description The dataset */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Per-column statistics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description No such dataset or version, or not visible */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    upload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dataset */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["UploadForm"];
            };
        };
        responses: {
            /** @description The upload is stored and recorded as the next version */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            /** @description The form is malformed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description No such dataset, or not visible */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The dataset is not filled by uploads, or another upload won the race */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The file is larger than uploads may be */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The CSV is unusable; the problem names the line */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    list_users: {
        parameters: {
            query?: {
                /** @description Items per page, 1 to 200; 50 when absent. */
                limit?: number;
                /** @description The `next_cursor` of the previous page, to read the page after it. */
                cursor?: string;
                /**
                 * @description `name` (the display name), `-name`, `created_at`, `-created_at`, `updated_at` or `-updated_at`
                 *     (the default).
                 * @example name
                 */
                sort?: string;
                /** @description Text the display name must contain, ignoring case; `%` and `_` match themselves. */
                q?: string;
            };
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of users; `name` sorts and `q` searches by display name */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_UserListItem"];
                };
            };
            /** @description The page has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A query parameter, the cursor or X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    get_current_user: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The position a command answered with (its `X-Position`). The read is answered only once every
                 *     projection has applied that event, so it includes the caller's own write; 503 `projection-behind`
                 *     when they do not catch up in time, 400 `unknown-position` when no event has that position.
                 */
                "X-Min-Position"?: number | null;
                /** @description The `ETag` of a previous answer; 304 without a body when it is still current. */
                "If-None-Match"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's account */
            200: {
                headers: {
                    /** @description Send it back as If-None-Match to revalidate */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description The account has not changed since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description X-Min-Position is invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The access token is missing, malformed or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The account is not in the read models (yet) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description Too many requests; retry after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
            /** @description The read models have not applied X-Min-Position in time */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    deactivate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    users_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUser"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    change_password: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePassword"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
    change_role: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeRole"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDocument"];
                };
            };
        };
    };
}
