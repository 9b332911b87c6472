//! Putting one file into the store with its `Content-Type` and `Cache-Control`: in one request
//! when small, as a multipart upload with bounded concurrency and memory when large. A failed
//! multipart upload is aborted, leaving no parts behind. The store's client retries transient
//! failures of each request.

use std::path::Path;

use object_store::path::Path as Key;
use object_store::{
    Attribute, Attributes, PutMultipartOptions, PutOptions, PutPayload, PutResult, WriteMultipart,
};
use tokio::io::AsyncReadExt;

use super::PublishError;
use super::target::Target;
use crate::confined::{ArchivePath, Root};
use crate::mime::{cache_control, content_type};

/// Files larger than this go up in parts.
pub const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;
/// The size of each part.
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts in flight at once: with the part being filled, at most 5 parts in memory.
const PARTS_IN_FLIGHT: usize = 4;

/// Uploads the output `relative` of the archive at `root` to `key`: read through the archive's
/// root (never through a symlink out of it, never a device), and exactly `size` bytes, the
/// size the build recorded.
pub async fn upload(
    target: &Target,
    key: &Key,
    root: &Root,
    relative: &Path,
    size: u64,
) -> Result<PutResult, PublishError> {
    let read_error = |source| PublishError::Read {
        path: relative.to_owned(),
        source,
    };
    let path = ArchivePath::parse(&relative.to_string_lossy())
        .map_err(|err| read_error(std::io::Error::other(err)))?;
    let (file, meta) = root
        .open(&path)
        .map_err(|err| read_error(std::io::Error::other(err)))?;
    if meta.len() != size {
        return Err(read_error(std::io::Error::other(format!(
            "it has {} bytes, the build wrote {size}; run `archive build`",
            meta.len()
        ))));
    }
    let file = tokio::fs::File::from_std(file);
    let store = target.store.as_ref();
    let mut attributes = Attributes::new();
    if target.headers {
        attributes.insert(Attribute::ContentType, content_type(relative).into());
        attributes.insert(Attribute::CacheControl, cache_control(relative).into());
    }
    let failed = |err: object_store::Error| PublishError::Store {
        key: key.to_string(),
        reason: err.to_string(),
    };
    if size <= MULTIPART_THRESHOLD {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        file.take(size)
            .read_to_end(&mut bytes)
            .await
            .map_err(read_error)?;
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        return store
            .put_opts(key, PutPayload::from(bytes), options)
            .await
            .map_err(failed);
    }
    let options = PutMultipartOptions {
        attributes,
        ..PutMultipartOptions::default()
    };
    let multipart = store
        .put_multipart_opts(key, options)
        .await
        .map_err(failed)?;
    let mut writer = WriteMultipart::new_with_chunk_size(multipart, PART_SIZE);
    match fill(&mut writer, file, size, relative).await {
        Ok(()) => writer.finish().await.map_err(failed),
        Err(err) => {
            // Leave no parts behind; the error that matters is the first one.
            let _ = writer.abort().await;
            Err(err)
        }
    }
}

async fn fill(
    writer: &mut WriteMultipart,
    file: tokio::fs::File,
    size: u64,
    relative: &Path,
) -> Result<(), PublishError> {
    let read_error = |source| PublishError::Read {
        path: relative.to_owned(),
        source,
    };
    let mut input = file.take(size);
    let mut buffer = vec![0; 1024 * 1024];
    loop {
        let n = input.read(&mut buffer).await.map_err(read_error)?;
        if n == 0 {
            return Ok(());
        }
        writer
            .wait_for_capacity(PARTS_IN_FLIGHT)
            .await
            .map_err(|err| PublishError::Store {
                key: relative.display().to_string(),
                reason: err.to_string(),
            })?;
        writer.write(&buffer[..n]);
    }
}
