//! Events of the data source aggregate (stream type "data_source").
//!
//! Connection credentials are encrypted before they reach an event; events only carry the sealed form,
//! so neither NATS subscribers nor auditors ever see a password.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain_event_enum;
use crate::{AccessGranted, AccessRevoked};

domain_event_enum! {
    /// Everything that can happen to a data source.
    pub enum DataSourceEvent for stream "data_source" {
        /// The data source was created.
        Created(Created) = "created" version 1,
        /// The data source was renamed.
        Renamed(Renamed) = "renamed" version 1,
        /// The description changed.
        DescriptionChanged(DescriptionChanged) = "description_changed" version 1,
        /// The connection details changed.
        ConnectionChanged(ConnectionChanged) = "connection_changed" version 1,
        /// The data source was deleted.
        Deleted(Deleted) = "deleted" version 1,
        /// The data source was shared.
        AccessGranted(AccessGranted) = "access_granted" version 1,
        /// A grant was taken away.
        AccessRevoked(AccessRevoked) = "access_revoked" version 1,
    }
}

/// Where the data of a data source comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSourceKind {
    /// Files uploaded by users; there is no connection.
    Upload,
    /// A PostgreSQL database.
    Postgres,
    /// A MySQL database.
    Mysql,
}

impl DataSourceKind {
    /// Whether this kind of data source is reached over a database connection.
    pub fn needs_connection(self) -> bool {
        matches!(self, DataSourceKind::Postgres | DataSourceKind::Mysql)
    }
}

/// Connection details encrypted elsewhere; events only carry them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedConnection {
    /// Identifies the key that sealed the connection, so keys can be rotated.
    pub key_id: String,
    /// Base64 nonce.
    pub nonce: String,
    /// Base64 ciphertext of the connection details.
    pub ciphertext: String,
}

/// The data source was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Created {
    /// The new data source's id.
    pub data_source_id: Uuid,
    /// The user who created and owns it.
    pub owner_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description, possibly empty.
    pub description: String,
    /// Where its data comes from.
    pub kind: DataSourceKind,
    /// The sealed connection; present for database kinds only.
    pub connection: Option<SealedConnection>,
    /// A credential-free description of where the database is, e.g. "db.example.com:5432/sales".
    pub display_address: Option<String>,
}

/// The data source was renamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Renamed {
    /// The new name.
    pub name: String,
}

/// The description changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescriptionChanged {
    /// The new description, possibly empty.
    pub description: String,
}

/// The connection details changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionChanged {
    /// The new sealed connection.
    pub connection: SealedConnection,
    /// The new credential-free address.
    pub display_address: String,
}

/// The data source was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deleted {
    /// The user who deleted it.
    pub deleted_by: Uuid,
}
