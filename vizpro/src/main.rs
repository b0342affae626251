use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = vizpro::Cli::parse();
    vizpro_http_edge::telemetry::init_tracing("info,sqlx=warn,async_nats=warn", cli.log_json);
    vizpro::run(cli).await
}
