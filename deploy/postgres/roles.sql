-- The two roles vizpro runs with, for one database. Run as a superuser, connected to that database.
-- @owner@, @service@ and @database@ are replaced before it runs (scripts/database-roles.sh, the Docker
-- Compose init script and the tests do this); @service_password@ and @owner_password@ too, empty where
-- the server trusts local connections.
--
-- * @owner@ owns the database and runs the migrations (VIZPRO_MIGRATION_DATABASE_URL).
-- * @service@ is what the services connect as (VIZPRO_DATABASE_URL): after every migration run the owner
--   grants it SELECT and INSERT on the events table and nothing more there, so it can neither rewrite
--   history nor disable the append-only triggers, and as a non-superuser it cannot set
--   session_replication_role either.
set client_min_messages = warning;
do $roles$
begin
    if not exists (select from pg_roles where rolname = '@owner@') then
        create role "@owner@" login;
    end if;
    if not exists (select from pg_roles where rolname = '@service@') then
        create role "@service@" login;
    end if;
end
$roles$;
alter role "@owner@" nosuperuser nocreaterole nobypassrls;
alter role "@service@" nosuperuser nocreatedb nocreaterole nobypassrls;
do $passwords$
begin
    if '@owner_password@' <> '' then
        execute format('alter role %I password %L', '@owner@', '@owner_password@');
    end if;
    if '@service_password@' <> '' then
        execute format('alter role %I password %L', '@service@', '@service_password@');
    end if;
end
$passwords$;
-- The owner hands the read models (which the projector rebuilds by swapping tables) to the service role,
-- and keeps reaching them through this membership.
grant "@service@" to "@owner@";
-- To see how long other sessions' transactions have held the commit-order horizon (pg_stat_activity).
grant pg_read_all_stats to "@service@";
-- A transaction left open holds every commit-order reader back: end it, and bound every statement.
alter role "@service@" set idle_in_transaction_session_timeout = '10s';
alter role "@service@" set statement_timeout = '5min';
alter role "@owner@" set idle_in_transaction_session_timeout = '10min';
alter database "@database@" owner to "@owner@";
-- A database that earlier ran with one all-powerful role: hand its tables, sequences and functions to the
-- owner, so that its migrations and grants apply to them.
do $adopt$
declare
    item record;
begin
    for item in
        select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
           and pg_get_userbyid(c.relowner) not in ('@owner@', '@service@')
    loop
        execute format('alter table %I owner to %I', item.relname, '@owner@');
    end loop;
    for item in
        select p.oid::regprocedure as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and pg_get_userbyid(p.proowner) not in ('@owner@', '@service@')
    loop
        execute format('alter function %s owner to %I', item.signature, '@owner@');
    end loop;
end
$adopt$;
