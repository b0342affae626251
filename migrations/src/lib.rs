//! vizpro's SQL migrations, embedded in the binary so that every service can bring its database up to date
//! at start-up, and tests can prepare a fresh database of their own.
//!
//! Two ways to run them:
//! * [`run`] through the service's own pool, where one role owns everything (a developer's database).
//! * [`run_as_owner`] through the database owner's connection, after which the role the service connects
//!   as is granted exactly what it needs (`vizpro_grant_service_role`): it can append to and read the
//!   events table but not update, delete or truncate it, nor disable its triggers.

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;

static MIGRATOR: Migrator = sqlx::migrate!("./sql");

/// Why migrating failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("could not apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not connect as the database owner to migrate: {0}")]
    OwnerConnection(#[source] sqlx::Error),
    #[error("could not grant the service role its privileges: {0}")]
    Grant(#[source] sqlx::Error),
}

/// Brings the database up to date: as its owner when the owner's address is given (granting the role
/// `pool` connects as its least privileges), otherwise as that role itself.
pub async fn migrate(pool: &PgPool, owner_url: Option<&str>) -> Result<(), MigrationError> {
    match owner_url.filter(|url| !url.trim().is_empty()) {
        Some(owner_url) => run_as_owner(owner_url, pool).await,
        None => run(pool).await,
    }
}

/// Applies every migration that has not run yet. Concurrent callers are serialised by sqlx's advisory lock.
pub async fn run(pool: &PgPool) -> Result<(), MigrationError> {
    MIGRATOR.run(pool).await?;
    tracing::debug!("database migrations are up to date");
    Ok(())
}

/// Applies every migration as the database owner (`owner_url`), then grants the role that `service`
/// connects as what the services need, and no more. Granting again after every run covers tables that
/// new migrations added.
pub async fn run_as_owner(owner_url: &str, service: &PgPool) -> Result<(), MigrationError> {
    // A pool of one rather than a bare connection: the migrator's future is then `Send` for callers that
    // spawn it.
    let owner = PgPoolOptions::new()
        .max_connections(1)
        .connect(owner_url)
        .await
        .map_err(MigrationError::OwnerConnection)?;
    MIGRATOR.run(&owner).await?;
    let service_role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(service)
        .await
        .map_err(MigrationError::Grant)?;
    sqlx::query("select vizpro_grant_service_role($1)")
        .bind(&service_role)
        .execute(&owner)
        .await
        .map_err(MigrationError::Grant)?;
    owner.close().await;
    tracing::debug!(service_role = %service_role, "database migrations are up to date and the service role's privileges granted");
    Ok(())
}
