use clap::Parser;
use vizpro_command_api::Config;

/// See the workspace manifest for why every binary allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    vizpro_http_edge::telemetry::init_tracing("info,sqlx=warn,async_nats=warn", config.log_json);
    let application = vizpro_command_api::build(config).await?;
    tracing::info!(port = application.port(), "command API is listening");
    application.run_until_stopped().await?;
    Ok(())
}
