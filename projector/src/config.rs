//! The projector's configuration and command line.

use clap::{Parser, Subcommand};

/// Builds vizpro's read models from the event stream.
#[derive(Debug, Clone, Parser)]
#[command(name = "projector", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Consume the event stream and keep the read models current (the default).
    Run,
    /// Replay the event store into shadow tables and swap them in while the live projection keeps serving.
    Rebuild {
        /// A projection name (users, data_sources, datasets, charts, dashboards, grants) or `all`.
        projection: String,
    },
    /// Rebuild into shadow tables and compare them with the live read models, without swapping.
    Verify {
        /// A projection name or `all`.
        projection: String,
    },
}

/// Settings, as flags or `VIZPRO_*` environment variables.
#[derive(Debug, Clone, Parser)]
pub struct Config {
    /// PostgreSQL holding the event store and the read models.
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
    #[arg(long, env = "VIZPRO_PROJECTOR_MAX_CONNECTIONS", default_value_t = 8)]
    pub database_max_connections: u32,

    /// NATS server with JetStream.
    #[arg(long, env = "VIZPRO_NATS_URL", default_value = "nats://127.0.0.1:4222")]
    pub nats_url: String,

    /// The JetStream stream the relay publishes to.
    #[arg(long, env = "VIZPRO_NATS_STREAM", default_value = "VIZPRO_EVENTS")]
    pub nats_stream: String,

    /// Name of the projector's durable consumer on that stream.
    #[arg(
        long,
        env = "VIZPRO_PROJECTOR_CONSUMER",
        default_value = "vizpro-projector"
    )]
    pub consumer: String,

    /// Redis holding dashboard documents.
    #[arg(
        long,
        env = "VIZPRO_REDIS_URL",
        default_value = "redis://127.0.0.1:6379"
    )]
    pub redis_url: String,

    /// Prefix of every Redis key this deployment writes.
    #[arg(long, env = "VIZPRO_REDIS_KEY_PREFIX", default_value = "vizpro:")]
    pub redis_key_prefix: String,

    /// Messages fetched from JetStream at a time.
    #[arg(long, env = "VIZPRO_PROJECTOR_BATCH", default_value_t = 200)]
    pub batch: usize,

    /// Log as JSON lines (true) or as readable text (false).
    #[arg(long, env = "VIZPRO_LOG_JSON", default_value_t = true, action = clap::ArgAction::Set)]
    pub log_json: bool,
}
