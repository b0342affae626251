//! One leader among several instances, for work that must run once at a time in commit order (the relay,
//! the projector).
//!
//! The leader holds a PostgreSQL session advisory lock on a connection of its own, detached from the pool,
//! so the lock lives exactly as long as that connection: if the leader dies or loses its connection, the
//! lock is released and a standby takes over. The leader checks the connection now and then and stops
//! leading when it fails.

use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection, PgPool};

/// Tries to become the leader for `role` (for example `relay:VIZPRO_EVENTS`). Returns the connection that
/// holds the lock, or `None` when another instance leads.
pub async fn try_acquire(pool: &PgPool, role: &str) -> Result<Option<PgConnection>, sqlx::Error> {
    let mut connection = pool.acquire().await?.detach();
    let acquired: bool = sqlx::query_scalar("select pg_try_advisory_lock($1)")
        .bind(lock_key(role))
        .fetch_one(&mut connection)
        .await?;
    if acquired {
        Ok(Some(connection))
    } else {
        drop(connection.close().await);
        Ok(None)
    }
}

/// A stable 64-bit lock key per role, so that roles (and deployments sharing a database) never collide.
fn lock_key(role: &str) -> i64 {
    let digest = Sha256::digest(format!("vizpro-leadership:{role}").as_bytes());
    let mut bytes = [0_u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_get_distinct_stable_keys() {
        assert_eq!(
            lock_key("relay:VIZPRO_EVENTS"),
            lock_key("relay:VIZPRO_EVENTS")
        );
        assert_ne!(
            lock_key("relay:VIZPRO_EVENTS"),
            lock_key("projector:vizpro-projector")
        );
    }
}
