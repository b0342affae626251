use std::io::Write as _;

use clap::Parser;

/// See the workspace manifest for why every binary allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = vizpro::Cli::parse();
    if cli.print_openapi {
        let document = serde_json::to_string_pretty(&vizpro::openapi_document())?;
        writeln!(std::io::stdout().lock(), "{document}")?;
        return Ok(());
    }
    vizpro_http_edge::telemetry::init_tracing("info,sqlx=warn,async_nats=warn", cli.log_json);
    vizpro::run(cli).await
}
