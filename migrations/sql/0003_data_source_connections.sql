-- The query API opens a data source's connection to chart its tables and queries. The read model keeps
-- the connection exactly as the event carries it, sealed (AES-256-GCM); it is never returned by the API.
alter table rm_data_sources add column sealed_connection jsonb;
