//! The query API's configuration: flags and `VIZPRO_*` environment variables from one struct.

use std::net::SocketAddr;

use clap::Parser;
use ipnet::IpNet;
use secrecy::SecretString;

/// vizpro's read side: lists, details and dashboards served from the read models.
#[derive(Debug, Clone, Parser)]
#[command(name = "query-api", version, about)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port (tests do this).
    #[arg(long, env = "VIZPRO_QUERY_LISTEN", default_value = "127.0.0.1:8082")]
    pub listen: SocketAddr,

    /// PostgreSQL holding the read models the projector builds. The query API only reads it and never
    /// runs migrations; the command API and the projector bring the schema up to date.
    #[arg(
        long,
        env = "VIZPRO_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/vizpro"
    )]
    pub database_url: String,

    /// Largest number of pooled database connections.
    #[arg(long, env = "VIZPRO_DATABASE_MAX_CONNECTIONS", default_value_t = 20)]
    pub database_max_connections: u32,

    /// Redis holding cached dashboard documents and the rate-limit counters shared by all instances.
    /// Reads fall back to PostgreSQL while it is unreachable.
    #[arg(
        long,
        env = "VIZPRO_REDIS_URL",
        default_value = "redis://127.0.0.1:6379"
    )]
    pub redis_url: String,

    /// Prefix of every Redis key this deployment reads and writes; it must match the projector's, which
    /// bumps the dashboard generations.
    #[arg(long, env = "VIZPRO_REDIS_KEY_PREFIX", default_value = "vizpro:")]
    pub redis_key_prefix: String,

    /// Secret that verifies access tokens (HS256); at least 32 bytes. The same secret as the command API's,
    /// which issues the tokens.
    #[arg(long, env = "VIZPRO_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: SecretString,

    /// Issuer that access tokens must name.
    #[arg(long, env = "VIZPRO_JWT_ISSUER", default_value = "vizpro")]
    pub jwt_issuer: String,

    /// Lifetime of an access token, in seconds. The query API issues no tokens; the value only completes
    /// the shared token keys.
    #[arg(long, env = "VIZPRO_ACCESS_TOKEN_SECONDS", default_value_t = 900)]
    pub access_token_seconds: u64,

    /// Browser origins allowed to call the API (comma-separated); empty means same origin only.
    #[arg(
        long,
        env = "VIZPRO_CORS_ORIGINS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub cors_origins: Vec<String>,

    /// Seconds a request may take before it is answered with 503.
    #[arg(long, env = "VIZPRO_REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u64,

    /// Requests per signed-in user per minute.
    #[arg(long, env = "VIZPRO_USER_RATE_PER_MINUTE", default_value_t = 1200)]
    pub user_rate_per_minute: u32,

    /// Requests per anonymous client address per minute.
    #[arg(long, env = "VIZPRO_ANONYMOUS_RATE_PER_MINUTE", default_value_t = 300)]
    pub anonymous_rate_per_minute: u32,

    /// Take the client address from the last `X-Forwarded-For` entry (only behind a trusted proxy).
    #[arg(long, env = "VIZPRO_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// Bearer token that `/metrics` requires. Without one, `/metrics` answers only clients on this
    /// machine (loopback); everyone else gets 404.
    #[arg(long, env = "VIZPRO_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<SecretString>,

    /// Milliseconds a read carrying `X-Min-Position` waits for the projections to apply that position
    /// before it is answered with 503 `projection-behind`.
    #[arg(long, env = "VIZPRO_MIN_POSITION_WAIT_MS", default_value_t = 2000)]
    pub min_position_wait_ms: u64,

    /// Where dataset versions are stored: the same `file://` directory or `s3://` bucket the command API
    /// writes uploads to.
    #[arg(
        long,
        env = "VIZPRO_OBJECT_STORE_URL",
        default_value = "file:///var/lib/vizpro/objects"
    )]
    pub object_store_url: String,

    /// Threads that compute chart data, apart from the threads that serve HTTP.
    #[arg(long, env = "VIZPRO_QUERY_THREADS", default_value_t = 2)]
    pub query_threads: usize,

    /// Memory one chart query may use, in MiB.
    #[arg(long, env = "VIZPRO_QUERY_MEMORY_MIB", default_value_t = 512)]
    pub query_memory_mib: usize,

    /// Seconds one chart query may run.
    #[arg(long, env = "VIZPRO_QUERY_TIMEOUT_SECONDS", default_value_t = 20)]
    pub query_timeout_seconds: u64,

    /// The most rows a chart's data may have; more are cut off and the answer says so.
    #[arg(long, env = "VIZPRO_QUERY_MAX_ROWS", default_value_t = 10_000)]
    pub query_max_rows: usize,

    /// Seconds computed chart data stays in Redis. Keys carry the versions the data depends on, so this
    /// only bounds memory, never freshness.
    #[arg(long, env = "VIZPRO_CHART_CACHE_SECONDS", default_value_t = 3600)]
    pub chart_cache_seconds: u64,

    /// The keys that seal data-source connection details, as the command API has them
    /// (`key-id:base64-of-32-bytes`, comma-separated). The query API opens connections with them to chart
    /// external tables and queries; it never seals.
    #[arg(long, env = "VIZPRO_CONNECTION_KEYS", hide_env_values = true)]
    pub connection_keys: SecretString,

    /// The key id that seals new details; listed here only so that both APIs read one configuration.
    #[arg(long, env = "VIZPRO_CONNECTION_KEY_ID")]
    pub connection_key_id: String,

    /// Seconds connecting and signing in to an external database may take before the chart says the
    /// source is unreachable.
    #[arg(
        long,
        env = "VIZPRO_EXTERNAL_CONNECT_TIMEOUT_SECONDS",
        default_value_t = 10
    )]
    pub external_connect_timeout_seconds: u64,

    /// Seconds the data of a chart over an external database stays cached. Such data has no version to
    /// key on, so this bounds how old it can be.
    #[arg(long, env = "VIZPRO_EXTERNAL_CACHE_SECONDS", default_value_t = 60)]
    pub external_cache_seconds: u64,

    /// Addresses and networks data sources may connect to even where they are denied below,
    /// comma-separated (`127.0.0.1,10.0.0.0/8`). Allowing loopback lets data sources read databases
    /// that listen only on this server, such as its own.
    #[arg(
        long,
        env = "VIZPRO_EXTERNAL_HOSTS_ALLOWED",
        value_delimiter = ',',
        value_parser = vizpro_chart_engine::parse_network
    )]
    pub external_hosts_allowed: Vec<IpNet>,

    /// Addresses and networks data sources may not connect to unless allowed above, comma-separated. By
    /// default loopback, link-local (where cloud metadata services answer) and unspecified addresses.
    #[arg(
        long,
        env = "VIZPRO_EXTERNAL_HOSTS_DENIED",
        value_delimiter = ',',
        value_parser = vizpro_chart_engine::parse_network,
        default_value = vizpro_chart_engine::DEFAULT_DENIED_NETWORKS
    )]
    pub external_hosts_denied: Vec<IpNet>,

    /// Log as JSON lines (true) or as readable text (false).
    #[arg(long, env = "VIZPRO_LOG_JSON", default_value_t = true, action = clap::ArgAction::Set)]
    pub log_json: bool,
}
