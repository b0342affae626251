-- Epochs: the PostgreSQL clusters the event history has lived in.
--
-- Commit-order readers order events by (transaction_id, position) and keep that pair as their checkpoint.
-- Transaction ids belong to a cluster: after a dump and restore into a new cluster they start again lower,
-- and a checkpoint taken in the old cluster would skip every new event. So every cluster the events table
-- has lived in is an epoch, numbered in the order it was first seen (known by its system identifier), and
-- it holds the positions after `first_position` (up to the next epoch's). Within an epoch events are read
-- by (transaction_id, position); the epochs themselves follow each other.
--
-- Checkpoints carry the epoch in a commit key: (epoch << 48) + transaction_id, so a checkpoint of an
-- earlier epoch sorts before every event of a later one, and a reader whose epoch is behind finishes it by
-- its own transaction ids, then continues with the next epoch from its first position.
create table event_store_epochs (
    epoch             integer     primary key,
    system_identifier bigint      not null unique,
    first_position    bigint      not null,
    registered_at     timestamptz not null default now()
);
insert into event_store_epochs (epoch, system_identifier, first_position)
select 1, system_identifier, 0 from pg_control_system();

-- The epoch of the cluster this runs in; null until vizpro_event_store_epochs() has registered it.
create function vizpro_event_store_current_epoch() returns integer
language sql stable as $$
    select epoch from event_store_epochs
     where system_identifier = (select system_identifier from pg_control_system())
$$;

-- Every epoch in order, the one of this cluster marked, registering this cluster first when it is new
-- (the first call after a restore). Registration waits for appends in flight and holds new ones back until
-- it commits, so that every event of the new cluster has a position above the epoch's first position.
-- Security definer: the services' role may only read the events table, and locking it needs more.
create function vizpro_event_store_epochs()
returns table (epoch integer, first_position bigint, is_current boolean)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    here bigint := (select system_identifier from pg_control_system());
begin
    if not exists (select 1 from event_store_epochs known where known.system_identifier = here) then
        lock table events in share mode;
        lock table event_store_epochs in exclusive mode;
        if not exists (select 1 from event_store_epochs known where known.system_identifier = here) then
            insert into event_store_epochs (epoch, system_identifier, first_position)
            select coalesce(max(known.epoch), 0) + 1, here,
                   (select coalesce(max(position), 0) from events)
              from event_store_epochs known;
        end if;
    end if;
    return query
        select known.epoch, known.first_position, known.system_identifier = here
          from event_store_epochs known
         order by known.epoch;
end
$$;

-- The commit key of one event, for single-event look-ups (read-your-writes); readers of many events add
-- the epoch per range instead.
create function vizpro_commit_key(event_position bigint, event_transaction_id xid8) returns bigint
language sql stable as $$
    select (coalesce((select max(epoch) from event_store_epochs where first_position < event_position), 1)::bigint << 48)
           + event_transaction_id::text::bigint
$$;

-- Checkpoints taken before epochs existed belong to the first.
update relay_checkpoints
   set transaction_id = ((transaction_id::text::bigint) + (1::bigint << 48))::text::xid8
 where transaction_id::text::bigint < (1::bigint << 48);
update projection_checkpoints
   set transaction_id = transaction_id + (1::bigint << 48)
 where transaction_id > 0 and transaction_id < (1::bigint << 48);
