//! Events of the dataset aggregate (stream type "dataset").

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain_event_enum;
use crate::{AccessGranted, AccessRevoked};

domain_event_enum! {
    /// Everything that can happen to a dataset.
    pub enum DatasetEvent for stream "dataset" {
        /// The dataset was created.
        Created(Created) = "created" version 1,
        /// The dataset was renamed.
        Renamed(Renamed) = "renamed" version 1,
        /// The description changed.
        DescriptionChanged(DescriptionChanged) = "description_changed" version 1,
        /// A new materialised version of the data was stored.
        VersionAdded(VersionAdded) = "version_added" version 1,
        /// The dataset was deleted.
        Deleted(Deleted) = "deleted" version 1,
        /// The dataset was shared.
        AccessGranted(AccessGranted) = "access_granted" version 1,
        /// A grant was taken away.
        AccessRevoked(AccessRevoked) = "access_revoked" version 1,
    }
}

/// Where a dataset's rows come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DatasetSource {
    /// Rows uploaded as a file.
    Upload {},
    /// A table of a database data source.
    Table {
        /// The data source holding the table.
        data_source_id: Uuid,
        /// The schema, or the connection's default when absent.
        schema: Option<String>,
        /// The table name.
        table: String,
    },
    /// The result of a read-only query against a database data source.
    Query {
        /// The data source the query runs against.
        data_source_id: Uuid,
        /// The query text.
        sql: String,
    },
}

impl DatasetSource {
    /// The data source this dataset reads from, if it is not an upload.
    pub fn data_source_id(&self) -> Option<Uuid> {
        match self {
            DatasetSource::Upload {} => None,
            DatasetSource::Table { data_source_id, .. }
            | DatasetSource::Query { data_source_id, .. } => Some(*data_source_id),
        }
    }
}

/// One column of a stored dataset version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSchema {
    /// The column name.
    pub name: String,
    /// The storage engine's type name, e.g. "BIGINT" or "VARCHAR".
    pub data_type: String,
    /// Whether the column may hold nulls.
    pub nullable: bool,
}

/// The dataset was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Created {
    /// The new dataset's id.
    pub dataset_id: Uuid,
    /// The user who created and owns it.
    pub owner_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its description, possibly empty.
    pub description: String,
    /// Where its rows come from.
    pub source: DatasetSource,
}

/// The dataset was renamed.
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

/// A new materialised version of the data was stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionAdded {
    /// 1 for the first version, then 2, 3, …
    pub version: i32,
    /// Where the stored data lives, e.g. an object-store key.
    pub location: String,
    /// The columns of this version.
    pub columns: Vec<ColumnSchema>,
    /// Number of rows.
    pub row_count: i64,
    /// Size of the stored data in bytes.
    pub bytes: i64,
    /// Lowercase hexadecimal SHA-256 of the stored data.
    pub checksum_sha256: String,
}

/// The dataset was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deleted {
    /// The user who deleted it.
    pub deleted_by: Uuid,
}
