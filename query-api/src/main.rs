use clap::Parser;
use vizpro_query_api::Config;

/// See the workspace manifest for why every binary allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    vizpro_http_edge::telemetry::init_tracing("info,sqlx=warn", config.log_json);
    let application = vizpro_query_api::build(config).await?;
    tracing::info!(port = application.port(), "query API is listening");
    application.run_until_stopped().await?;
    Ok(())
}
