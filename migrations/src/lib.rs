//! vizpro's SQL migrations, embedded in the binary so that every service can bring its database up to date
//! at start-up, and tests can prepare a fresh database of their own.

use sqlx::PgPool;
use sqlx::migrate::Migrator;

static MIGRATOR: Migrator = sqlx::migrate!("./sql");

/// Why migrating failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("could not apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Applies every migration that has not run yet. Concurrent callers are serialised by sqlx's advisory lock.
pub async fn run(pool: &PgPool) -> Result<(), MigrationError> {
    MIGRATOR.run(pool).await?;
    tracing::debug!("database migrations are up to date");
    Ok(())
}
