-- Least privilege: the services connect as a role that may append to and read the event history but never
-- rewrite it. Migrations run as the database's owner, which then calls this function for the service role.
--
-- * events: SELECT and INSERT only. Without UPDATE, DELETE or TRUNCATE the append-only triggers are a second
--   line, not the only one; without ownership the role cannot disable them, and as a non-superuser it
--   cannot set session_replication_role to skip them.
-- * Write-side tables (credentials, refresh tokens, reservations, idempotency keys, the relay checkpoint):
--   read and written row by row, never truncated.
-- * Read models and projection checkpoints: derived data that the projector rebuilds itself (shadow tables
--   swapped in by rename), so the service role owns them. The owner keeps reaching them through membership
--   in the service role.
create or replace function vizpro_grant_service_role(service name) returns void
language plpgsql as $$
declare
    item record;
begin
    if service = current_user then
        return;
    end if;
    execute format('grant usage, create on schema public to %I', service);
    for item in select tablename from pg_tables where schemaname = 'public' loop
        if item.tablename = 'events' then
            execute format('revoke all on table events from %I', service);
            execute format('grant select, insert on table events to %I', service);
        elsif item.tablename = '_sqlx_migrations' then
            execute format('revoke all on table _sqlx_migrations from %I', service);
            execute format('grant select on table _sqlx_migrations to %I', service);
        elsif item.tablename like 'rm\_%' or item.tablename like 'projection\_%' then
            execute format('alter table %I owner to %I', item.tablename, service);
        else
            execute format('revoke truncate, references, trigger on table %I from %I', item.tablename, service);
            execute format('grant select, insert, update, delete on table %I to %I', item.tablename, service);
        end if;
    end loop;
    for item in select sequencename from pg_sequences where schemaname = 'public' loop
        execute format('grant usage, select on sequence %I to %I', item.sequencename, service);
    end loop;
end
$$;
