-- Read models: tables shaped for the queries the UI makes, written only by the projector.
-- Every row keeps the version of the stream it was built from; the projector applies an event only when
-- it is the next version of its stream, so a redelivered or replayed event changes nothing.

create extension if not exists pg_trgm;

create table rm_users (
    user_id       uuid primary key,
    email         text        not null,
    display_name  text        not null,
    role          text        not null,
    deactivated   boolean     not null default false,
    last_sign_in  timestamptz,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    version       integer     not null
);
create index rm_users_name_trgm on rm_users using gin (display_name gin_trgm_ops);

create table rm_data_sources (
    id              uuid primary key,
    owner_id        uuid        not null,
    name            text        not null,
    description     text        not null,
    kind            text        not null,
    display_address text,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    version         integer     not null,
    deleted         boolean     not null default false
);

create table rm_datasets (
    id              uuid primary key,
    owner_id        uuid        not null,
    name            text        not null,
    description     text        not null,
    source          jsonb       not null,
    latest_version  integer     not null default 0,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    version         integer     not null,
    deleted         boolean     not null default false
);

create table rm_dataset_versions (
    dataset_id       uuid        not null,
    dataset_version  integer     not null,
    location         text        not null,
    columns          jsonb       not null,
    row_count        bigint      not null,
    bytes            bigint      not null,
    checksum_sha256  text        not null,
    added_at         timestamptz not null,
    primary key (dataset_id, dataset_version)
);

create table rm_charts (
    id                      uuid primary key,
    owner_id                uuid        not null,
    dataset_id              uuid        not null,
    name                    text        not null,
    description             text        not null,
    chart_type              text        not null,
    spec                    jsonb       not null,
    pinned_dataset_version  integer,
    created_at              timestamptz not null,
    updated_at              timestamptz not null,
    version                 integer     not null,
    deleted                 boolean     not null default false
);
create index rm_charts_dataset_idx on rm_charts (dataset_id);

create table rm_dashboards (
    id           uuid primary key,
    owner_id     uuid        not null,
    name         text        not null,
    description  text        not null,
    slug         text        not null,
    filters      jsonb       not null default '[]'::jsonb,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    version      integer     not null,
    deleted      boolean     not null default false
);
create index rm_dashboards_slug_idx on rm_dashboards (slug);

create table rm_dashboard_tiles (
    dashboard_id uuid    not null,
    tile_id      uuid    not null,
    chart_id     uuid    not null,
    x            integer not null,
    y            integer not null,
    w            integer not null,
    h            integer not null,
    primary key (dashboard_id, tile_id)
);
create index rm_dashboard_tiles_chart_idx on rm_dashboard_tiles (chart_id);

-- Who may see what: one row per grant, for every kind of shareable resource.
create table rm_grants (
    resource_type text not null,
    resource_id   uuid not null,
    grantee_kind  text not null check (grantee_kind in ('user', 'role')),
    grantee       text not null,
    access        text not null check (access in ('view', 'edit')),
    primary key (resource_id, grantee_kind, grantee)
);
create index rm_grants_grantee_idx on rm_grants (grantee_kind, grantee);

-- Trigram indexes serve the lists' search by name.
create index rm_data_sources_name_trgm on rm_data_sources using gin (name gin_trgm_ops);
create index rm_datasets_name_trgm on rm_datasets using gin (name gin_trgm_ops);
create index rm_charts_name_trgm on rm_charts using gin (name gin_trgm_ops);
create index rm_dashboards_name_trgm on rm_dashboards using gin (name gin_trgm_ops);

-- How far each projection has applied the event stream, in commit order.
create table projection_checkpoints (
    projection     text primary key,
    transaction_id bigint      not null default 0,
    position       bigint      not null default 0,
    events_applied bigint      not null default 0,
    last_event_at  timestamptz,
    updated_at     timestamptz not null default now()
);

-- Events a projection could not apply, with the reason; the projection moves on.
create table projection_dead_letters (
    projection   text        not null,
    event_id     uuid        not null,
    position     bigint      not null,
    event_type   text        not null,
    reason       text        not null,
    recorded_at  timestamptz not null default now(),
    primary key (projection, event_id)
);
