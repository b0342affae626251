-- The event store: one append-only table that is the source of truth and the relay's outbox.

create table events (
    -- Global position: handed out at insert, so it is neither gap-free nor commit-ordered.
    position        bigint generated always as identity,
    -- Readers order by (transaction_id, position) below the snapshot xmin; see ARCHITECTURE.md.
    transaction_id  xid8        not null default pg_current_xact_id(),
    event_id        uuid        primary key,
    stream_type     text        not null,
    stream_id       uuid        not null,
    version         integer     not null check (version >= 1),
    event_type      text        not null,
    schema_version  integer     not null check (schema_version >= 1),
    payload         jsonb       not null,
    metadata        jsonb       not null default '{}'::jsonb,
    recorded_at     timestamptz not null default clock_timestamp(),
    prev_hash       bytea,
    hash            bytea       not null,
    constraint events_stream_version_unique unique (stream_id, version)
);

create unique index events_position_idx on events (position);
create index events_commit_order_idx on events (transaction_id, position);

-- The hash of one event, chained to its predecessor in the stream. Every field that states the fact is
-- covered; the payload and metadata use jsonb's canonical text so that a verifier reading the table gets
-- the same bytes. The append statement computes it (an immutable SQL function is inlined there, which is
-- far cheaper than a row trigger), and vizpro_verify_stream recomputes it.
create function vizpro_event_digest(
    prev_hash bytea, event_id uuid, stream_type text, stream_id uuid, version integer,
    event_type text, schema_version integer, payload jsonb, metadata jsonb, recorded_at timestamptz
) returns bytea
-- Stable, not immutable: extract() from a timestamptz is stable, and PostgreSQL inlines a SQL function only
-- when its body is no more volatile than declared. Inlined, the hash costs almost nothing per append;
-- called as a function it halves append throughput. The result does not depend on the time zone.
language sql stable parallel safe as $$
    select sha256(
        coalesce(prev_hash, '\x'::bytea)
        || convert_to(
            event_id::text || E'\n' || stream_type || E'\n' || stream_id::text || E'\n' || version::text
            || E'\n' || event_type || E'\n' || schema_version::text || E'\n' || payload::text
            || E'\n' || metadata::text || E'\n'
            || (extract(epoch from recorded_at) * 1000000)::bigint::text,
            'UTF8')
    )
$$;

-- History is immutable: updates and deletes are refused for everyone who goes through the table's triggers.
create function vizpro_events_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'the event store is append-only' using errcode = 'VZ003';
end
$$;

create trigger events_append_only before update or delete on events
    for each row execute function vizpro_events_refuse_change();
create trigger events_no_truncate before truncate on events
    for each statement execute function vizpro_events_refuse_change();

-- Verifies one stream's hash chain; returns the first version whose stored hash does not match, or null.
create function vizpro_verify_stream(target uuid) returns integer
language sql stable as $$
    with ordered as (
        select e.*, lag(e.hash) over (order by e.version) as expected_prev
          from events e where e.stream_id = target
    )
    select min(version) from ordered
     where prev_hash is distinct from expected_prev
        or hash <> vizpro_event_digest(prev_hash, event_id, stream_type, stream_id, version, event_type,
                                       schema_version, payload, metadata, recorded_at)
$$;

-- Idempotency keys: a retried command with the same key gets the first answer and appends nothing.
create table idempotency_keys (
    actor_key       text        not null,
    idempotency_key text        not null,
    request_hash    bytea       not null,
    status          smallint    not null,
    response        jsonb       not null,
    created_at      timestamptz not null default now(),
    primary key (actor_key, idempotency_key)
);

-- Set-based rules cannot be decided from one stream: the key is reserved in the append's transaction.
create table email_reservations (
    email   text primary key,
    user_id uuid not null unique
);

create table slug_reservations (
    slug         text primary key,
    dashboard_id uuid not null
);
create index slug_reservations_dashboard_idx on slug_reservations (dashboard_id);

-- Credentials are not domain facts and must never travel on the event stream.
create table user_credentials (
    user_id       uuid primary key,
    password_hash text        not null,
    updated_at    timestamptz not null default now()
);

-- Refresh-token families are session state. Only a SHA-256 of each token is stored.
create table refresh_tokens (
    token_hash  bytea primary key,
    family_id   uuid        not null,
    user_id     uuid        not null,
    issued_at   timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz
);
create index refresh_tokens_family_idx on refresh_tokens (family_id);

-- Relay checkpoint: the (transaction_id, position) of the last event published.
create table relay_checkpoints (
    name            text primary key,
    transaction_id  xid8   not null,
    position        bigint not null,
    updated_at      timestamptz not null default now()
);
