//! The stored files behind dataset versions.
//!
//! An uploaded CSV is read twice, streaming, never whole: once to detect its dialect, check every row
//! and infer each column's type, and once to convert it to Parquet in a local temporary file. Only a
//! file that converted completely is copied to the object store, so a bad upload leaves nothing behind.
//!
//! * [`csv_import`] sniffs the encoding, delimiter and header, infers [`ColumnType`]s (with overrides)
//!   and writes Parquet, naming the line of the first problem it meets.
//! * [`object_storage`] is the object store (a local directory or an S3-compatible bucket) and the URL
//!   under which the chart engine reads the same objects.
//!
//! This crate does no HTTP and knows nothing of events beyond the column schema it reports.

pub mod column_type;
pub mod csv_import;
pub mod error;
pub mod object_storage;

pub use column_type::ColumnType;
pub use csv_import::{ConvertedCsv, CsvOptions, Dialect, ImportLimits, convert_csv_to_parquet};
pub use error::ImportError;
pub use object_storage::ObjectStorage;
