//! Where `archive publish` uploads to: `--to`, or `[publish]` of `archive.toml` at the archive
//! root. `s3://bucket[/prefix]` (AWS, or any S3-compatible store through `endpoint`),
//! `file:///path` (a folder, for a web server's document root). Credentials come only from
//! the standard environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, …).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use serde::Deserialize;

use super::PublishError;
use crate::catalog::SourceText;

/// The archive's settings file, relative to its root.
pub const SETTINGS_FILE: &str = "archive.toml";

/// `archive.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    publish: Option<PublishSettings>,
}

/// `[publish]` of `archive.toml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishSettings {
    /// `s3://bucket[/prefix]` or `file:///path`.
    pub to: Option<String>,
    /// The S3 endpoint of a store that is not AWS (Garage, `MinIO`…).
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Path-style requests (`endpoint/bucket/key`), as self-hosted stores want.
    #[serde(default)]
    pub path_style: bool,
    /// Allow a plain-http endpoint (a store on loopback, say).
    #[serde(default)]
    pub allow_http: bool,
    /// How long an unreferenced media object stays before `--prune` removes it.
    pub grace: Option<String>,
}

impl PublishSettings {
    /// The grace period of `--prune`: the setting, else 30 days.
    pub fn grace(&self) -> Result<Duration, PublishError> {
        match &self.grace {
            None => Ok(Duration::from_secs(30 * 24 * 3600)),
            Some(text) => humantime::parse_duration(text)
                .map_err(|err| PublishError::Settings(format!("`grace = \"{text}\"`: {err}"))),
        }
    }
}

/// Reads `[publish]` of `archive.toml` (all defaults when the file does not exist).
pub fn settings(root: &Path) -> Result<PublishSettings, PublishError> {
    let text = match std::fs::read_to_string(root.join(SETTINGS_FILE)) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(PublishSettings::default());
        }
        Err(err) => {
            return Err(PublishError::Settings(format!(
                "failed to read `{SETTINGS_FILE}`: {err}"
            )));
        }
    };
    let file: SettingsFile = toml::from_str(&text).map_err(|err| {
        let source = SourceText::new(SETTINGS_FILE, text.clone());
        let message = err.message().trim_end().replace('\n', " ");
        let diagnostic = match err.span() {
            Some(span) => source.error(span, message).to_string(),
            None => format!("{SETTINGS_FILE}: {message}"),
        };
        PublishError::Settings(diagnostic)
    })?;
    Ok(file.publish.unwrap_or_default())
}

/// An open destination.
pub struct Target {
    pub store: Arc<dyn ObjectStore>,
    /// Prefix of every key (may be empty).
    pub prefix: Key,
    /// The destination as given, for messages.
    pub shown: String,
    /// A file name for the local manifest of this destination.
    pub manifest_name: String,
    /// Whether objects carry their own `Content-Type` and `Cache-Control` (a folder does
    /// not: its web server sets them).
    pub headers: bool,
}

impl Target {
    /// The key of an archive-relative path.
    pub fn key(&self, relative: &Path) -> Key {
        let mut key = self.prefix.clone();
        for part in relative {
            key = key.join(part.to_string_lossy().as_ref());
        }
        key
    }

    /// The archive-relative path of a key under the prefix.
    pub fn relative(&self, key: &Key) -> Option<PathBuf> {
        let parts: Vec<String> = key
            .prefix_match(&self.prefix)?
            .map(|part| part.as_ref().to_owned())
            .collect();
        Some(parts.iter().collect())
    }
}

/// Opens the destination `to` with `settings`.
pub fn open(to: &str, settings: &PublishSettings) -> Result<Target, PublishError> {
    let bad = |why: &str| PublishError::Settings(format!("cannot publish to `{to}`: {why}"));
    let url = url::Url::parse(to).map_err(|_| bad("use s3://bucket/prefix or file:///path"))?;
    let prefix = Key::from(url.path().trim_matches('/'));
    let store: Arc<dyn ObjectStore> = match url.scheme() {
        "s3" => {
            let bucket = url.host_str().ok_or_else(|| bad("no bucket"))?;
            let mut builder = AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .with_allow_http(settings.allow_http)
                .with_virtual_hosted_style_request(!settings.path_style);
            if let Some(endpoint) = &settings.endpoint {
                builder = builder.with_endpoint(endpoint);
            }
            if let Some(region) = &settings.region {
                builder = builder.with_region(region);
            }
            for variable in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
                if std::env::var_os(variable).is_none() {
                    return Err(PublishError::Credentials(format!(
                        "`{variable}` is not set: credentials for `{to}` come from the environment"
                    )));
                }
            }
            Arc::new(builder.build().map_err(|err| bad(&err.to_string()))?)
        }
        "file" => {
            let folder = url.to_file_path().map_err(|()| bad("not a local path"))?;
            std::fs::create_dir_all(&folder).map_err(|err| bad(&err.to_string()))?;
            Arc::new(
                LocalFileSystem::new_with_prefix(&folder).map_err(|err| bad(&err.to_string()))?,
            )
        }
        _ => return Err(bad("use s3://bucket/prefix or file:///path")),
    };
    let (store, prefix) = match url.scheme() {
        "file" => (store, Key::default()),
        _ => (store, prefix),
    };
    let manifest_name: String = to
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok(Target {
        headers: url.scheme() == "s3",
        store,
        prefix,
        shown: to.to_owned(),
        manifest_name: format!("{}.json", manifest_name.trim_matches('-')),
    })
}
