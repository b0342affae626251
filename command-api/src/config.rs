//! The command API's configuration: flags and `VIZPRO_*` environment variables from one struct.

use std::net::SocketAddr;

use clap::Parser;
use secrecy::SecretString;
use vizpro_events::Role;

/// vizpro's write side: authentication, commands and the relay to NATS JetStream.
#[derive(Debug, Clone, Parser)]
#[command(name = "command-api", version, about)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port (tests do this).
    #[arg(long, env = "VIZPRO_COMMAND_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,

    /// PostgreSQL holding the event store and the write-side tables.
    #[arg(
        long,
        env = "VIZPRO_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/vizpro"
    )]
    pub database_url: String,

    /// PostgreSQL as the database's owner, to run migrations with at start-up. When set, the role of
    /// `database_url` is then granted only what the services need (it can append to the events table but
    /// never rewrite it); when empty, migrations run as the role of `database_url`.
    #[arg(long, env = "VIZPRO_MIGRATION_DATABASE_URL", hide_env_values = true)]
    pub migration_database_url: Option<String>,

    /// Largest number of pooled database connections.
    #[arg(long, env = "VIZPRO_DATABASE_MAX_CONNECTIONS", default_value_t = 20)]
    pub database_max_connections: u32,

    /// NATS server with JetStream enabled.
    #[arg(long, env = "VIZPRO_NATS_URL", default_value = "nats://127.0.0.1:4222")]
    pub nats_url: String,

    /// JetStream stream the relay publishes to.
    #[arg(long, env = "VIZPRO_NATS_STREAM", default_value = "VIZPRO_EVENTS")]
    pub nats_stream: String,

    /// Subject prefix; events go to `<prefix>.<stream_type>.<event_type>`.
    #[arg(
        long,
        env = "VIZPRO_NATS_SUBJECT_PREFIX",
        default_value = "vizpro.events"
    )]
    pub nats_subject_prefix: String,

    /// Redis for rate-limit counters shared by all instances.
    #[arg(
        long,
        env = "VIZPRO_REDIS_URL",
        default_value = "redis://127.0.0.1:6379"
    )]
    pub redis_url: String,

    /// Prefix of every Redis key this deployment writes.
    #[arg(long, env = "VIZPRO_REDIS_KEY_PREFIX", default_value = "vizpro:")]
    pub redis_key_prefix: String,

    /// Secret that signs access tokens (HS256); at least 32 bytes. Shared with the query API.
    #[arg(long, env = "VIZPRO_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: SecretString,

    /// Issuer named in access tokens.
    #[arg(long, env = "VIZPRO_JWT_ISSUER", default_value = "vizpro")]
    pub jwt_issuer: String,

    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "VIZPRO_ACCESS_TOKEN_SECONDS", default_value_t = 900)]
    pub access_token_seconds: u64,

    /// Lifetime of a refresh token, in days; each use rotates it.
    #[arg(long, env = "VIZPRO_REFRESH_TOKEN_DAYS", default_value_t = 30)]
    pub refresh_token_days: i64,

    /// Emails that become admins when they register (comma-separated).
    #[arg(
        long,
        env = "VIZPRO_ADMIN_EMAILS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub admin_emails: Vec<String>,

    /// Role of everyone else who registers.
    #[arg(long, env = "VIZPRO_DEFAULT_ROLE", default_value = "editor", value_parser = parse_role)]
    pub default_role: Role,

    /// Keys that seal data-source connection details (AES-256-GCM), as `key-id:base64-of-32-bytes`,
    /// comma-separated. Old keys stay listed so that sealed details can still be opened after a rotation.
    #[arg(long, env = "VIZPRO_CONNECTION_KEYS", hide_env_values = true)]
    pub connection_keys: SecretString,

    /// Which of the connection keys seals new details.
    #[arg(long, env = "VIZPRO_CONNECTION_KEY_ID")]
    pub connection_key_id: String,

    /// Browser origins allowed to call the API (comma-separated); empty means same origin only.
    #[arg(
        long,
        env = "VIZPRO_CORS_ORIGINS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub cors_origins: Vec<String>,

    /// Largest accepted request body, in bytes (uploads excepted: they stream). At most the event
    /// payload maximum (262144), since a body any larger could never be recorded as an event.
    #[arg(long, env = "VIZPRO_BODY_LIMIT_BYTES", default_value_t = vizpro_events::MAX_PAYLOAD_BYTES)]
    pub body_limit_bytes: usize,

    /// Seconds a request may take before it is answered with 503.
    #[arg(long, env = "VIZPRO_REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u64,

    /// Sign-in, registration and refresh attempts per client address per minute.
    #[arg(long, env = "VIZPRO_AUTH_RATE_PER_MINUTE", default_value_t = 20)]
    pub auth_rate_per_minute: u32,

    /// Requests per signed-in user per minute.
    #[arg(long, env = "VIZPRO_USER_RATE_PER_MINUTE", default_value_t = 1200)]
    pub user_rate_per_minute: u32,

    /// Requests per anonymous client address per minute (other than sign-in).
    #[arg(long, env = "VIZPRO_ANONYMOUS_RATE_PER_MINUTE", default_value_t = 300)]
    pub anonymous_rate_per_minute: u32,

    /// Take the client address from the last `X-Forwarded-For` entry (only behind a trusted proxy).
    #[arg(long, env = "VIZPRO_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// Bearer token that `/metrics` requires. Without one, `/metrics` answers only clients on this
    /// machine (loopback); everyone else gets 404.
    #[arg(long, env = "VIZPRO_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<SecretString>,

    /// Mark the refresh-token cookie `Secure` (browsers still accept it on http://localhost).
    #[arg(long, env = "VIZPRO_SECURE_COOKIES", default_value_t = true, action = clap::ArgAction::Set)]
    pub secure_cookies: bool,

    /// Run the relay that publishes committed events to JetStream in this process. Only one relay is
    /// active at a time across instances (a PostgreSQL advisory lock); the others wait as standbys.
    #[arg(long, env = "VIZPRO_RELAY", default_value_t = true, action = clap::ArgAction::Set)]
    pub relay: bool,

    /// Events the relay reads and publishes per batch.
    #[arg(long, env = "VIZPRO_RELAY_BATCH", default_value_t = 500)]
    pub relay_batch: i64,

    /// Seconds the event stream keeps an event before JetStream drops it; 0 keeps every event forever.
    /// The event store keeps everything regardless: a subscriber that falls further behind than this
    /// reads the rest from the API.
    #[arg(long, env = "VIZPRO_NATS_STREAM_MAX_AGE_SECONDS", default_value_t = 0)]
    pub nats_stream_max_age_seconds: u64,

    /// Bytes the event stream keeps before JetStream drops its oldest events; 0 keeps everything.
    #[arg(long, env = "VIZPRO_NATS_STREAM_MAX_BYTES", default_value_t = 0)]
    pub nats_stream_max_bytes: u64,

    /// Milliseconds the relay waits before polling again when it found nothing new.
    #[arg(long, env = "VIZPRO_RELAY_IDLE_MS", default_value_t = 5)]
    pub relay_idle_ms: u64,

    /// Where dataset versions are stored: `file:///absolute/directory` or `s3://bucket/prefix` (with the
    /// usual `AWS_*` variables; `AWS_ENDPOINT` and `AWS_ALLOW_HTTP` for S3-compatible services). The query
    /// API must be given the same store.
    #[arg(
        long,
        env = "VIZPRO_OBJECT_STORE_URL",
        default_value = "file:///var/lib/vizpro/objects"
    )]
    pub object_store_url: String,

    /// Directory for uploads while they are checked and converted; the system's temporary directory
    /// when empty.
    #[arg(long, env = "VIZPRO_UPLOAD_TEMP_DIR", default_value = "")]
    pub upload_temp_dir: String,

    /// Largest CSV upload, in bytes.
    #[arg(long, env = "VIZPRO_MAX_UPLOAD_BYTES", default_value_t = 2 * 1024 * 1024 * 1024)]
    pub max_upload_bytes: u64,

    /// Largest single CSV field, in bytes; a longer one is refused naming its line.
    #[arg(long, env = "VIZPRO_MAX_CSV_FIELD_BYTES", default_value_t = 1024 * 1024)]
    pub max_csv_field_bytes: usize,

    /// Seconds an upload may take, receiving and converting included.
    #[arg(long, env = "VIZPRO_UPLOAD_TIMEOUT_SECONDS", default_value_t = 900)]
    pub upload_timeout_seconds: u64,

    /// Log as JSON lines (true) or as readable text (false).
    #[arg(long, env = "VIZPRO_LOG_JSON", default_value_t = true, action = clap::ArgAction::Set)]
    pub log_json: bool,
}

fn parse_role(raw: &str) -> Result<Role, String> {
    raw.parse::<Role>()
        .map_err(|_| format!("`{raw}` is not a role (admin, editor, viewer, auditor)"))
}
