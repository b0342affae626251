use clap::Parser;
use vizpro_projector::{Cli, Command, Projector};

/// See the workspace manifest for why every binary allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    vizpro_http_edge::telemetry::init_tracing(
        "info,sqlx=warn,async_nats=warn",
        cli.config.log_json,
    );
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            Projector::build(cli.config)
                .await?
                .run_until_stopped()
                .await
        }
        Command::Rebuild { projection } => {
            let projector = Projector::build(cli.config).await?;
            for report in projector.rebuild(&projection).await? {
                tracing::info!(
                    projection = report.projection,
                    events = report.events,
                    seconds = report.seconds,
                    "rebuilt"
                );
            }
            Ok(())
        }
        Command::Verify { projection } => {
            let projector = Projector::build(cli.config).await?;
            let mismatches = projector.verify(&projection).await?;
            if mismatches.is_empty() {
                tracing::info!("every verified read model equals a rebuild from the event store");
                Ok(())
            } else {
                anyhow::bail!(
                    "read models differ from a rebuild: {}",
                    mismatches.join(", ")
                )
            }
        }
    }
}
