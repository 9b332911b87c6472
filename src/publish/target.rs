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
use crate::confined::{ArchivePath, OpenError};

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
    let failed =
        |why: String| PublishError::Settings(format!("failed to read `{SETTINGS_FILE}`: {why}"));
    // Through the archive's root: a symlink out of the archive is never read, nor quoted in
    // an error message.
    let file = ArchivePath::parse(SETTINGS_FILE).map_err(|err| failed(err.to_string()))?;
    let text = match crate::confined::read(root, &file, 1024 * 1024) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|err| failed(err.to_string()))?,
        Err(OpenError::Missing(_)) => return Ok(PublishSettings::default()),
        Err(err) => return Err(failed(err.to_string())),
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
    /// Credentials written into the destination or endpoint URL, never shown.
    pub(super) secrets: Vec<String>,
}

impl Target {
    /// `text` with every credential replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        redact(text, &self.secrets)
    }

    /// `err` with every credential in its text replaced by `***`.
    pub fn redact_error(&self, err: PublishError) -> PublishError {
        let clean = |text: String| self.redact(&text);
        match err {
            PublishError::Settings(text) => PublishError::Settings(clean(text)),
            PublishError::Credentials(text) => PublishError::Credentials(clean(text)),
            PublishError::Manifest(text) => PublishError::Manifest(clean(text)),
            PublishError::List {
                destination,
                reason,
            } => PublishError::List {
                destination: clean(destination),
                reason: clean(reason),
            },
            PublishError::Store { key, reason } => PublishError::Store {
                key,
                reason: clean(reason),
            },
            other => other,
        }
    }

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

/// The credentials written into a URL (`user:password@`), to keep out of every message.
fn userinfo(text: &str) -> Vec<String> {
    let Ok(url) = url::Url::parse(text) else {
        return Vec::new();
    };
    let mut found: Vec<String> = [url.username(), url.password().unwrap_or_default()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect();
    // Decoded too: a message may show either form.
    let decoded: Vec<String> = found
        .iter()
        .map(|part| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    found.extend(decoded);
    found
}

/// `text` with every secret replaced by `***`.
fn redact(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|secret| secret.len() >= 3) {
        text = text.replace(secret.as_str(), "***");
    }
    text
}

/// Opens the destination `to` with `settings`. Unless `dry_run`, the staging files a killed
/// upload to a folder left are removed.
pub fn open(to: &str, settings: &PublishSettings, dry_run: bool) -> Result<Target, PublishError> {
    let mut secrets = userinfo(to);
    secrets.extend(
        settings
            .endpoint
            .as_deref()
            .map(userinfo)
            .unwrap_or_default(),
    );
    for variable in ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] {
        secrets.extend(std::env::var(variable).ok());
    }
    let shown = redact(to, &secrets);
    let bad = |why: &str| {
        PublishError::Settings(redact(
            &format!("cannot publish to `{to}`: {why}"),
            &secrets,
        ))
    };
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
            if !dry_run {
                sweep_staging(&folder);
            }
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
    // Named after the destination as shown: credentials never go into a file name.
    let manifest_name: String = shown
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok(Target {
        headers: url.scheme() == "s3",
        store,
        prefix,
        shown,
        secrets,
        manifest_name: format!("{}.json", manifest_name.trim_matches('-')),
    })
}

/// Removes the staging files a killed upload left in `folder`, only in `feeds/` and `media/`
/// where publish writes: the other files of a web root are not ours to remove.
fn sweep_staging(folder: &Path) {
    for dir in ["feeds", crate::media::MEDIA_DIR] {
        for leftover in staging_leftovers(&folder.join(dir)) {
            tracing::info!("removed `{}`, left by a killed publish", leftover.display());
        }
    }
}

/// Removes the files a killed upload to a folder left: `object_store` writes each object to
/// `<name>#<n>` and renames it into place.
fn staging_leftovers(folder: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return removed;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => removed.extend(staging_leftovers(&path)),
            Ok(kind) if kind.is_file() => {
                let name = entry.file_name();
                let staged = name
                    .to_str()
                    .and_then(|name| name.rsplit_once('#'))
                    .is_some_and(|(stem, n)| {
                        !stem.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                    });
                if staged && std::fs::remove_file(&path).is_ok() {
                    removed.push(path);
                }
            }
            _ => {}
        }
    }
    removed
}
