//! `POST /api/v1/datasets/{id}/versions`: a CSV upload becomes the next version of a dataset.
//!
//! The upload is streamed to a temporary file (never held in memory), converted to Parquet off the async
//! runtime, copied to the object store, and only then recorded by a `version_added` event. If anything
//! fails before the event is appended, the stored object is deleted again: a refused upload leaves
//! neither an event nor an object behind.

use std::path::{Path, PathBuf};

use axum::extract::State;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;
use uuid::Uuid;
use vizpro_dataset_storage::{CsvOptions, ImportError, ImportLimits, ObjectStorage};
use vizpro_domain::{DatasetCommand, Datasets, Need};
use vizpro_events::dataset::DatasetSource;
use vizpro_http_edge::extract::{JsonBody, PathParams};
use vizpro_http_edge::tokens::Caller;
use vizpro_http_edge::{Problem, ProblemDocument};

use super::{actor, load_state};
use crate::commands::{Accepted, CommandRun, RequestMeta, execute};
use crate::error::ApiError;
use crate::state::AppState;

/// The largest `options` part accepted.
const MAX_OPTIONS_BYTES: usize = 64 * 1024;

/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The CSV file.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Optional JSON: `{"delimiter": ";", "has_header": true, "encoding": "windows-1252",
    /// "column_types": {"zip": "text", "amount": "float"}}`. Whatever is left out is detected.
    #[schema(value_type = Option<String>)]
    pub options: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/datasets/{id}/versions", tag = "datasets", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dataset")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = Accepted, description = "The upload is stored and recorded as the next version"),
        (status = 400, body = ProblemDocument, content_type = "application/problem+json", description = "The form is malformed"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such dataset, or not visible"),
        (status = 409, body = ProblemDocument, content_type = "application/problem+json", description = "The dataset is not filled by uploads, or another upload won the race"),
        (status = 413, body = ProblemDocument, content_type = "application/problem+json", description = "The file is larger than uploads may be"),
        (status = 422, body = ProblemDocument, content_type = "application/problem+json", description = "The CSV is unusable; the problem names the line"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Accepted, ApiError> {
    let mut multipart = multipart.map_err(|rejection| {
        Problem::bad_request(
            "invalid-multipart",
            format!("An upload must be multipart/form-data with a `file` part: {rejection}"),
        )
    })?;
    // Refuse before reading a byte of the file if the caller may not add versions.
    let next_version = next_upload_version(&state, caller, id).await?;

    let directory = upload_directory(&state)?;
    let source = directory.path().join("upload.csv");
    let mut options = CsvOptions::default();
    let mut received_file = false;
    let mut received_options = false;
    // An upload has two parts at most, each once: a form of many parts is refused at the first extra one
    // rather than read on.
    while let Some(field) = multipart.next_field().await.map_err(multipart_problem)? {
        match field.name() {
            Some("file") if !received_file => {
                receive_file(field, &source, state.uploads.max_upload_bytes).await?;
                received_file = true;
            }
            Some("options") if !received_options => {
                options = receive_options(field).await?;
                received_options = true;
            }
            Some(name @ ("file" | "options")) => {
                return Err(Problem::invalid_field(
                    name.to_owned(),
                    "appears more than once; an upload has one `file` and at most one `options`",
                )
                .into());
            }
            Some(other) => {
                return Err(Problem::invalid_field(
                    other.to_owned(),
                    "unexpected form part; an upload has `file` and optionally `options`",
                )
                .into());
            }
            None => return Err(Problem::invalid_field("body", "a form part has no name").into()),
        }
    }
    if !received_file {
        return Err(Problem::invalid_field("file", "the form has no `file` part").into());
    }
    record_version(&state, caller, &meta, id, next_version, &source, options).await
}

/// New types for some columns of the newest version.
#[derive(Debug, serde::Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeColumnTypes {
    /// Column name to `boolean`, `integer`, `float`, `date`, `timestamp` or `text`. Columns left out keep
    /// the type they had.
    #[schema(value_type = Object, example = json!({"zip": "text", "amount": "float"}))]
    pub column_types: std::collections::BTreeMap<String, vizpro_dataset_storage::ColumnType>,
}

/// Converts the newest version's uploaded file again with other types for some columns, as the next
/// version: a wrongly inferred type is fixed without uploading the file again. Values that do not fit
/// the new type are refused with their line, and nothing is recorded.
#[utoipa::path(post, path = "/api/v1/datasets/{id}/column-types", tag = "datasets", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dataset")),
    request_body = ChangeColumnTypes,
    responses(
        (status = 201, body = Accepted, description = "The file was converted again and recorded as the next version"),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json", description = "No such dataset, or not visible"),
        (status = 409, body = ProblemDocument, content_type = "application/problem+json", description = "The dataset has no uploaded version, or is not filled by uploads"),
        (status = 422, body = ProblemDocument, content_type = "application/problem+json", description = "A column is unknown or a value does not fit its new type; the problem names it"),
    ))]
pub async fn change_column_types(
    State(state): State<AppState>,
    caller: Caller,
    meta: RequestMeta,
    PathParams(id): PathParams<Uuid>,
    JsonBody(request): JsonBody<ChangeColumnTypes>,
) -> Result<Accepted, ApiError> {
    let next_version = next_upload_version(&state, caller, id).await?;
    let dataset = load_state::<Datasets>(&state, id).await?;
    let newest = dataset
        .active()
        .and_then(|current| current.latest.clone())
        .ok_or_else(|| {
            ApiError::from(Problem::new(
                StatusCode::CONFLICT,
                "dataset-has-no-data",
                "The dataset has no data yet",
                "There is no uploaded version whose columns could change type; upload a file first.",
            ))
        })?;
    let storage = &state.uploads.storage;
    let directory = upload_directory(&state)?;
    let source = directory.path().join("upload.csv");
    if !storage
        .get_file(&ObjectStorage::source_key(&newest.location), &source)
        .await
        .map_err(import_problem)?
    {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "source-file-missing",
            "The uploaded file is not kept",
            "The newest version's uploaded file is not in the store, so it cannot be converted again; upload it again with `column_types` in its options.",
        )
        .into());
    }
    let mut options: CsvOptions = match storage
        .get_bytes(&ObjectStorage::options_key(&newest.location))
        .await
        .map_err(import_problem)?
    {
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|error| anyhow::anyhow!("stored import options cannot be read: {error}"))?,
        None => CsvOptions::default(),
    };
    options.column_types.extend(request.column_types);
    record_version(&state, caller, &meta, id, next_version, &source, options).await
}

/// The version number the next upload of a dataset the caller may edit gets.
async fn next_upload_version(state: &AppState, caller: Caller, id: Uuid) -> Result<i32, ApiError> {
    let dataset = load_state::<Datasets>(state, id).await?;
    let current = dataset.authorize(&actor(caller), Need::Edit)?;
    if !matches!(current.source, DatasetSource::Upload {}) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "not-an-upload-dataset",
            "The dataset is not filled by uploads",
            "This dataset reads a table or query of a data source; only upload datasets take CSV files.",
        )
        .into());
    }
    Ok(current.latest_version.saturating_add(1))
}

/// A temporary directory for one upload; it goes, with whatever is in it, when dropped.
fn upload_directory(state: &AppState) -> Result<tempfile::TempDir, ApiError> {
    Ok(tempfile::Builder::new()
        .prefix("vizpro-upload-")
        .tempdir_in(&state.uploads.temp_dir)
        .map_err(|error| anyhow::anyhow!("cannot create an upload directory: {error}"))?)
}

/// Converts `source` to Parquet off the async runtime, stores it with the source file and the options
/// beside it, and records it as version `next_version`. If anything fails before the event is appended,
/// the stored objects are deleted again.
async fn record_version(
    state: &AppState,
    caller: Caller,
    meta: &RequestMeta,
    id: Uuid,
    next_version: i32,
    source: &Path,
    options: CsvOptions,
) -> Result<Accepted, ApiError> {
    let destination = source.with_file_name("converted.parquet");
    let limits = state.uploads.limits;
    let conversion_options = options.clone();
    let converted = {
        let (source, destination) = (source.to_path_buf(), destination.clone());
        tokio::task::spawn_blocking(move || {
            vizpro_dataset_storage::convert_csv_to_parquet(
                &source,
                &destination,
                &conversion_options,
                &limits,
            )
        })
        .await
        .map_err(|error| anyhow::anyhow!("the conversion task failed: {error}"))?
        .map_err(import_problem)?
    };

    let key = ObjectStorage::new_version_key(id, next_version);
    let stored = store_objects(state, &key, source, &destination, &options).await;
    if let Err(error) = stored {
        delete_objects(state, &key).await;
        return Err(error);
    }
    let fingerprint = serde_json::json!({
        "checksum_sha256": converted.checksum_sha256,
        "options": options,
    });
    let outcome = execute::<Datasets>(
        state,
        CommandRun::change(
            id,
            vec![DatasetCommand::AddVersion {
                actor: actor(caller),
                version: next_version,
                location: key.clone(),
                columns: converted.columns.clone(),
                row_count: converted.row_count,
                bytes: converted.bytes,
                checksum_sha256: converted.checksum_sha256.clone(),
            }],
            caller.user_id,
            meta,
            fingerprint,
        ),
    )
    .await;
    match outcome {
        Ok(accepted) => {
            // A retry under the same idempotency key answers with the first upload's result; the object
            // this attempt stored is then not the recorded one, and goes.
            cleanup_if_unrecorded(state, id, &key).await;
            Ok(Accepted {
                created: true,
                ..accepted
            })
        }
        Err(error) => {
            delete_objects(state, &key).await;
            Err(error)
        }
    }
}

/// Stores a version's Parquet file, the file it was converted from and the options it was converted with.
async fn store_objects(
    state: &AppState,
    key: &str,
    source: &Path,
    converted: &Path,
    options: &CsvOptions,
) -> Result<(), ApiError> {
    let storage = &state.uploads.storage;
    storage
        .put_file(key, converted)
        .await
        .map_err(import_problem)?;
    storage
        .put_file(&ObjectStorage::source_key(key), source)
        .await
        .map_err(import_problem)?;
    let options = serde_json::to_vec(options)
        .map_err(|error| anyhow::anyhow!("import options cannot be serialised: {error}"))?;
    storage
        .put_bytes(&ObjectStorage::options_key(key), options)
        .await
        .map_err(import_problem)?;
    Ok(())
}

/// Deletes a version's objects; a failure is logged, since the answer is already an error.
async fn delete_objects(state: &AppState, key: &str) {
    for object in [
        key.to_owned(),
        ObjectStorage::source_key(key),
        ObjectStorage::options_key(key),
    ] {
        if let Err(error) = state.uploads.storage.delete(&object).await {
            tracing::error!(error = %error, key = object, "a refused upload's object could not be deleted");
        }
    }
}

/// Deletes `key` unless the newest version of the dataset is stored under it.
async fn cleanup_if_unrecorded(state: &AppState, id: Uuid, key: &str) {
    let recorded = load_state::<Datasets>(state, id)
        .await
        .ok()
        .and_then(|dataset| dataset.active().and_then(|current| current.latest.clone()))
        .map(|latest| latest.location == key);
    if recorded == Some(false) {
        delete_objects(state, key).await;
    }
}

async fn receive_file(mut field: Field<'_>, path: &Path, limit: u64) -> Result<(), ApiError> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|error| anyhow::anyhow!("cannot create the upload file: {error}"))?;
    let mut received: u64 = 0;
    let mut hasher = Sha256::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_problem)? {
        received += chunk.len() as u64;
        if received > limit {
            return Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "upload-too-large",
                "The file is too large",
                format!("Uploads may be at most {limit} bytes."),
            )
            .into());
        }
        hasher.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|error| anyhow::anyhow!("cannot write the upload file: {error}"))?;
    }
    file.flush()
        .await
        .map_err(|error| anyhow::anyhow!("cannot write the upload file: {error}"))?;
    tracing::info!(bytes = received, sha256 = %hex::encode(hasher.finalize()), "upload received");
    Ok(())
}

/// Reads the `options` part chunk by chunk and refuses it as soon as it grows past its limit, so that a
/// huge part is never held in memory.
async fn receive_options(mut field: Field<'_>) -> Result<CsvOptions, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_problem)? {
        if bytes.len() + chunk.len() > MAX_OPTIONS_BYTES {
            return Err(Problem::invalid_field("options", "is larger than 64 KiB").into());
        }
        bytes.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&bytes)
        .map_err(|error| Problem::invalid_field("options", error.to_string()).into())
}

fn multipart_problem(error: axum::extract::multipart::MultipartError) -> ApiError {
    let status = error.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return Problem::new(
            status,
            "upload-too-large",
            "The file is too large",
            "The upload exceeds the size uploads may have.",
        )
        .into();
    }
    Problem::bad_request(
        "invalid-multipart",
        format!("The upload form is malformed: {error}"),
    )
    .into()
}

/// The uploader's mistakes become 422 naming the line; the service's own failures stay 500s.
fn import_problem(error: ImportError) -> ApiError {
    if !error.is_the_uploaders_fault() {
        return ApiError::Internal(anyhow::anyhow!("storing an upload failed: {error}"));
    }
    let field = match &error {
        ImportError::UnknownOverrideColumn { name } => format!("options.column_types.{name}"),
        ImportError::UnknownEncoding { .. } => "options.encoding".to_owned(),
        _ => "file".to_owned(),
    };
    let mut problem = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-csv",
        "The file cannot be used as a dataset",
        error.to_string(),
    )
    .with_extension("field", field);
    if let Some(line) = error.line() {
        problem = problem.with_extension("line", line);
    }
    problem.into()
}

/// Where uploads go, and how large they may be.
#[derive(Debug)]
pub struct Uploads {
    pub storage: ObjectStorage,
    pub temp_dir: PathBuf,
    pub max_upload_bytes: u64,
    pub limits: ImportLimits,
}
