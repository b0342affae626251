//! A Redis connection that is made in the background.
//!
//! Services must start and answer while Redis is down (reads fall back to PostgreSQL, rate limits to local
//! counting), so the connection lives in a slot that is empty until Redis answers. The connection manager
//! then reconnects by itself.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::sync::RwLock;

/// A connection that may not exist yet.
pub type RedisSlot = Arc<RwLock<Option<ConnectionManager>>>;

/// How long one Redis command may take before the caller treats Redis as unavailable.
pub const REDIS_COMMAND_TIMEOUT: Duration = Duration::from_millis(250);

/// Starts connecting to `url` and returns the slot the connection will appear in.
pub fn connect_in_background(url: &str) -> RedisSlot {
    let slot: RedisSlot = Arc::new(RwLock::new(None));
    let client = match redis::Client::open(url) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(error = %error, "the Redis address is invalid; running without Redis");
            return slot;
        }
    };
    let target = slot.clone();
    tokio::spawn(async move {
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_millis(500)));
        let mut delay = Duration::from_millis(200);
        loop {
            match ConnectionManager::new_with_config(client.clone(), config.clone()).await {
                Ok(manager) => {
                    *target.write().await = Some(manager);
                    return;
                }
                Err(error) => {
                    tracing::warn!(error = %error, "cannot reach Redis yet; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
    });
    slot
}

/// The connection, if Redis has been reached.
pub async fn connection(slot: &RedisSlot) -> Option<ConnectionManager> {
    slot.read().await.clone()
}
