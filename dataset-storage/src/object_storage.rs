//! Where dataset versions' Parquet files are kept: a local directory by default, an S3-compatible bucket
//! when configured.

use std::sync::Arc;

use object_store::ObjectStore;
use object_store::ObjectStoreExt;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use tokio::io::AsyncWriteExt;
use url::Url;
use uuid::Uuid;

use crate::error::ImportError;

/// The URL under which the chart engine finds this store. The scheme is private to vizpro so that the
/// stored location in an event never depends on where the objects physically are.
pub const ENGINE_URL: &str = "vizpro-objects://datasets";

/// The object store holding every dataset version.
#[derive(Debug, Clone)]
pub struct ObjectStorage {
    store: Arc<dyn ObjectStore>,
    description: String,
}

impl ObjectStorage {
    /// `file:///var/lib/vizpro/objects` (created if missing) or `s3://bucket/optional/prefix`, with the
    /// usual `AWS_*` variables (`AWS_ENDPOINT` and `AWS_ALLOW_HTTP` for S3-compatible services).
    pub fn from_url(address: &str) -> Result<Self, ImportError> {
        let url = Url::parse(address)
            .map_err(|error| ImportError::Storage(format!("invalid object store URL: {error}")))?;
        let store: Arc<dyn ObjectStore> = match url.scheme() {
            "file" => {
                let directory = url.to_file_path().map_err(|()| {
                    ImportError::Storage("a file:// object store URL needs an absolute path".into())
                })?;
                std::fs::create_dir_all(&directory)?;
                Arc::new(LocalFileSystem::new_with_prefix(&directory)?)
            }
            "s3" => {
                let bucket = url.host_str().unwrap_or_default().to_owned();
                let prefix = url.path().trim_matches('/').to_owned();
                let s3 = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()?;
                if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix))
                }
            }
            other => {
                return Err(ImportError::Storage(format!(
                    "object store scheme \"{other}\" is not supported; use file:// or s3://"
                )));
            }
        };
        Ok(ObjectStorage {
            store,
            description: format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default()),
        })
    }

    /// The store itself, for the chart engine to register under [`ENGINE_URL`].
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// A credential-free description for logs.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// A fresh key for a version of a dataset. The random part keeps two concurrent uploads of the same
    /// version number from overwriting each other: only one can be recorded, and the other is deleted.
    pub fn new_version_key(dataset_id: Uuid, version: i32) -> String {
        format!(
            "datasets/{dataset_id}/v{version}-{}.parquet",
            Uuid::now_v7()
        )
    }

    /// Where the uploaded file a version was converted from is kept, beside the version itself, so that
    /// its columns can be given other types later without uploading it again.
    pub fn source_key(version_key: &str) -> String {
        let stem = version_key.strip_suffix(".parquet").unwrap_or(version_key);
        format!("{stem}.source.csv")
    }

    /// Where the import options a version was converted with are kept, beside its source file.
    pub fn options_key(version_key: &str) -> String {
        let stem = version_key.strip_suffix(".parquet").unwrap_or(version_key);
        format!("{stem}.options.json")
    }

    /// Stores a small value under `key` in one request.
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), ImportError> {
        let location = ObjectPath::parse(key)
            .map_err(|error| ImportError::Storage(format!("invalid object key: {error}")))?;
        self.store.put(&location, bytes.into()).await?;
        Ok(())
    }

    /// A small value stored under `key`, or `None` when there is none.
    pub async fn get_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let location = ObjectPath::parse(key)
            .map_err(|error| ImportError::Storage(format!("invalid object key: {error}")))?;
        match self.store.get(&location).await {
            Ok(result) => Ok(Some(result.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// Copies the object under `key` into a local file, streaming it in parts; `false` when there is
    /// no such object.
    pub async fn get_file(&self, key: &str, local: &std::path::Path) -> Result<bool, ImportError> {
        use futures::StreamExt;
        use tokio::io::AsyncWriteExt;
        let location = ObjectPath::parse(key)
            .map_err(|error| ImportError::Storage(format!("invalid object key: {error}")))?;
        let result = match self.store.get(&location).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(error) => return Err(error.into()),
        };
        let mut file = tokio::fs::File::create(local).await?;
        let mut chunks = result.into_stream();
        while let Some(chunk) = chunks.next().await {
            file.write_all(&chunk?).await?;
        }
        file.flush().await?;
        Ok(true)
    }

    /// Copies a local file into the store under `key`, streaming it in parts.
    pub async fn put_file(&self, key: &str, local: &std::path::Path) -> Result<(), ImportError> {
        let location = ObjectPath::parse(key)
            .map_err(|error| ImportError::Storage(format!("invalid object key: {error}")))?;
        let mut file = tokio::fs::File::open(local).await?;
        let mut writer = BufWriter::with_capacity(self.store.clone(), location, 8 * 1024 * 1024);
        let copied = tokio::io::copy(&mut file, &mut writer).await;
        match copied {
            Ok(_) => {
                if let Err(error) = writer.shutdown().await {
                    let _ = writer.abort().await;
                    return Err(error.into());
                }
                Ok(())
            }
            Err(error) => {
                let _ = writer.abort().await;
                Err(error.into())
            }
        }
    }

    /// Removes an object; a missing object is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), ImportError> {
        let location = ObjectPath::parse(key)
            .map_err(|error| ImportError::Storage(format!("invalid object key: {error}")))?;
        match self.store.delete(&location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Whether an object exists.
    pub async fn exists(&self, key: &str) -> Result<bool, ImportError> {
        let location = ObjectPath::parse(key)
            .map_err(|error| ImportError::Storage(format!("invalid object key: {error}")))?;
        match self.store.head(&location).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_put_into_a_local_store_can_be_found_and_deleted() {
        let directory = tempfile::tempdir().unwrap();
        let storage =
            ObjectStorage::from_url(&format!("file://{}/objects", directory.path().display()))
                .unwrap();
        let local = directory.path().join("data.bin");
        std::fs::write(&local, vec![7u8; 3 * 1024 * 1024]).unwrap();
        let key = ObjectStorage::new_version_key(Uuid::now_v7(), 1);
        storage.put_file(&key, &local).await.unwrap();
        assert!(storage.exists(&key).await.unwrap());
        let stored = directory.path().join("objects").join(&key);
        assert_eq!(std::fs::metadata(stored).unwrap().len(), 3 * 1024 * 1024);
        let copy = directory.path().join("copy.bin");
        assert!(storage.get_file(&key, &copy).await.unwrap());
        assert_eq!(std::fs::read(&copy).unwrap(), vec![7u8; 3 * 1024 * 1024]);
        storage.delete(&key).await.unwrap();
        assert!(!storage.exists(&key).await.unwrap());
        assert!(!storage.get_file(&key, &copy).await.unwrap());
        storage.delete(&key).await.unwrap();
    }

    #[test]
    fn a_versions_source_and_options_live_beside_it() {
        let key = "datasets/d/v3-0198.parquet";
        assert_eq!(
            ObjectStorage::source_key(key),
            "datasets/d/v3-0198.source.csv"
        );
        assert_eq!(
            ObjectStorage::options_key(key),
            "datasets/d/v3-0198.options.json"
        );
    }

    #[test]
    fn unsupported_schemes_are_refused() {
        let error = ObjectStorage::from_url("ftp://example.com/x").unwrap_err();
        assert!(error.to_string().contains("not supported"));
    }
}
