//! Sealing data-source connection details with AES-256-GCM.
//!
//! Each sealed value records the id of the key that sealed it, so keys can rotate: new details are sealed
//! with the active key while older keys stay configured to open what they sealed. The data source's id is
//! the associated data, so a sealed value copied onto another data source does not open.

use std::collections::HashMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vizpro_events::data_source::SealedConnection;

/// What a sealed connection holds once opened: how to reach a PostgreSQL or MySQL database.
#[derive(Clone, Deserialize, Serialize)]
pub struct OpenedConnection {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub username: String,
    pub password: String,
    /// `disable`, `prefer` or `require`; `prefer` when absent.
    #[serde(default)]
    pub ssl_mode: Option<String>,
}

impl std::fmt::Debug for OpenedConnection {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OpenedConnection")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &"***")
            .field("ssl_mode", &self.ssl_mode)
            .finish()
    }
}

/// Why a key ring could not be built or a value could not be sealed or opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealingError {
    #[error("connection keys must be `key-id:base64-of-32-bytes`, comma-separated: {0}")]
    MalformedKeys(String),
    #[error("the active connection key `{0}` is not among the configured keys")]
    UnknownActiveKey(String),
    #[error("no configured key has the id `{0}`")]
    UnknownKey(String),
    #[error("sealed connection details are corrupt or were sealed for another data source")]
    CannotOpen,
}

/// The configured keys.
pub struct ConnectionSealer {
    keys: HashMap<String, Aes256Gcm>,
    active_key_id: String,
}

impl std::fmt::Debug for ConnectionSealer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ConnectionSealer")
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .field("active_key_id", &self.active_key_id)
            .finish()
    }
}

impl ConnectionSealer {
    pub fn from_config(keys: &SecretString, active_key_id: &str) -> Result<Self, SealingError> {
        let mut ring = HashMap::new();
        for entry in keys
            .expose_secret()
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
        {
            let (key_id, encoded) = entry
                .split_once(':')
                .ok_or_else(|| SealingError::MalformedKeys("an entry has no `:`".to_owned()))?;
            let bytes = STANDARD.decode(encoded.trim()).map_err(|_| {
                SealingError::MalformedKeys(format!("key `{key_id}` is not base64"))
            })?;
            let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| {
                SealingError::MalformedKeys(format!("key `{key_id}` is not 32 bytes"))
            })?;
            ring.insert(key_id.trim().to_owned(), cipher);
        }
        if !ring.contains_key(active_key_id) {
            return Err(SealingError::UnknownActiveKey(active_key_id.to_owned()));
        }
        Ok(ConnectionSealer {
            keys: ring,
            active_key_id: active_key_id.to_owned(),
        })
    }

    /// Seals `plaintext` for the data source `data_source_id` with the active key and a fresh random nonce.
    pub fn seal(
        &self,
        data_source_id: Uuid,
        plaintext: &[u8],
    ) -> Result<SealedConnection, SealingError> {
        let cipher = self
            .keys
            .get(&self.active_key_id)
            .ok_or_else(|| SealingError::UnknownKey(self.active_key_id.clone()))?;
        let mut nonce = [0_u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: data_source_id.as_bytes(),
                },
            )
            .map_err(|_| SealingError::CannotOpen)?;
        Ok(SealedConnection {
            key_id: self.active_key_id.clone(),
            nonce: STANDARD.encode(nonce),
            ciphertext: STANDARD.encode(ciphertext),
        })
    }

    /// Opens what [`seal`](Self::seal) sealed for the same data source.
    pub fn open(
        &self,
        data_source_id: Uuid,
        sealed: &SealedConnection,
    ) -> Result<Vec<u8>, SealingError> {
        let cipher = self
            .keys
            .get(&sealed.key_id)
            .ok_or_else(|| SealingError::UnknownKey(sealed.key_id.clone()))?;
        let nonce = STANDARD
            .decode(&sealed.nonce)
            .map_err(|_| SealingError::CannotOpen)?;
        let ciphertext = STANDARD
            .decode(&sealed.ciphertext)
            .map_err(|_| SealingError::CannotOpen)?;
        if nonce.len() != 12 {
            return Err(SealingError::CannotOpen);
        }
        cipher
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: data_source_id.as_bytes(),
                },
            )
            .map_err(|_| SealingError::CannotOpen)
    }

    /// Opens a data source's sealed connection details.
    pub fn open_connection(
        &self,
        data_source_id: Uuid,
        sealed: &SealedConnection,
    ) -> Result<OpenedConnection, SealingError> {
        let plaintext = self.open(data_source_id, sealed)?;
        serde_json::from_slice(&plaintext).map_err(|_| SealingError::CannotOpen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> String {
        STANDARD.encode([byte; 32])
    }

    #[test]
    fn sealed_details_open_for_the_same_data_source_only() {
        let sealer =
            ConnectionSealer::from_config(&SecretString::from(format!("k1:{}", key(7))), "k1")
                .unwrap();
        let data_source_id = Uuid::now_v7();
        let sealed = sealer.seal(data_source_id, b"password=hunter2").unwrap();
        assert!(!sealed.ciphertext.contains("hunter2"));
        assert_eq!(
            sealer.open(data_source_id, &sealed).unwrap(),
            b"password=hunter2"
        );
        assert_eq!(
            sealer.open(Uuid::now_v7(), &sealed),
            Err(SealingError::CannotOpen)
        );
    }

    #[test]
    fn details_sealed_with_a_retired_key_still_open_after_rotation() {
        let old =
            ConnectionSealer::from_config(&SecretString::from(format!("k1:{}", key(1))), "k1")
                .unwrap();
        let id = Uuid::now_v7();
        let sealed = old.seal(id, b"secret").unwrap();
        let rotated = ConnectionSealer::from_config(
            &SecretString::from(format!("k1:{},k2:{}", key(1), key(2))),
            "k2",
        )
        .unwrap();
        assert_eq!(rotated.open(id, &sealed).unwrap(), b"secret");
        assert_eq!(rotated.seal(id, b"x").unwrap().key_id, "k2");
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        let error =
            ConnectionSealer::from_config(&SecretString::from("k1:c2hvcnQ="), "k1").unwrap_err();
        assert!(matches!(error, SealingError::MalformedKeys(_)));
    }
}
