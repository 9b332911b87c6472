//! Paths inside the archive, and the only way to read a file named by untrusted text.
//!
//! Catalog text, imported pages, sync records, request paths and manifests all name files of
//! the archive. Every such name becomes an [`ArchivePath`] first: relative, `/`-separated,
//! normalised, without `..`, hidden segments, backslashes, drive letters, NUL or control
//! characters. A [`Root`] then opens it without following a symlink out of the archive, and
//! refuses anything that is not a regular file (a FIFO, `/dev/zero`). No other code joins
//! untrusted text onto a path.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

/// A file or folder inside the archive, relative to its root: `media/talks/a-0123.mp3`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ArchivePath(String);

/// Why a text is not a path inside the archive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("`{0}` is not a file path inside the archive")]
    Empty(String),
    #[error("path `{0}` must stay inside the archive (relative, without `..`)")]
    Escapes(String),
    #[error("path `{0}` names a hidden file; hidden files are never published")]
    Hidden(String),
    #[error(
        "path `{0}` has a character a portable path cannot have (`\\`, a drive letter, NUL or a control character)"
    )]
    Character(String),
    #[error("`{0}` is not valid percent-encoded UTF-8")]
    Encoding(String),
}

impl ArchivePath {
    /// A path as written in catalog text or a manifest: `./` and doubled `/` are dropped;
    /// `..`, an absolute path, a hidden segment or a forbidden character is refused. Nothing
    /// is percent-decoded.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let refuse = |make: fn(String) -> PathError| Err(make(text.to_owned()));
        if text.starts_with('/') {
            return refuse(PathError::Escapes);
        }
        let drive = text
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':'));
        if drive || text.chars().any(|c| c == '\\' || c.is_control()) {
            return refuse(PathError::Character);
        }
        let mut segments = Vec::new();
        let mut dropped = false;
        for segment in text.split('/') {
            match segment {
                "" | "." => dropped = true,
                ".." => return refuse(PathError::Escapes),
                hidden if hidden.starts_with('.') => return refuse(PathError::Hidden),
                normal => segments.push(normal),
            }
        }
        if segments.is_empty() {
            return refuse(PathError::Empty);
        }
        // Most paths (every one a manifest lists) are already as they would be written.
        if !dropped {
            return Ok(Self(text.to_owned()));
        }
        Ok(Self(segments.join("/")))
    }

    /// The archive path of a URL path such as a request's (`/media/a%20b.mp3`): decoded once,
    /// then checked as [`ArchivePath::parse`] does, so `%2e%2e` is `..` and refused, and
    /// `%252e` stays the literal text `%2e`.
    pub fn from_url_path(path: &str) -> Result<Self, PathError> {
        let decoded = percent_decode_str(path)
            .decode_utf8()
            .map_err(|_| PathError::Encoding(path.to_owned()))?;
        Self::parse(decoded.strip_prefix('/').unwrap_or(&decoded))
    }

    /// `self/name`, where `name` is one or more segments, checked like any other path.
    pub fn join(&self, name: &str) -> Result<Self, PathError> {
        Self::parse(&format!("{}/{name}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn as_path(&self) -> &Path {
        Path::new(&self.0)
    }

    /// The segments, first to last.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// Whether the first segments are `prefix`'s (`media/talks` is under `media`, not
    /// `media-old`).
    pub fn is_under(&self, prefix: &str) -> bool {
        self.0
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
    }

    /// The last segment.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The extension of the last segment, lowercase.
    pub fn extension(&self) -> Option<String> {
        let name = self.file_name();
        let (stem, extension) = name.rsplit_once('.')?;
        (!stem.is_empty()).then(|| extension.to_ascii_lowercase())
    }

    /// The folder holding it, if it is not at the root.
    pub fn parent(&self) -> Option<Self> {
        self.0
            .rsplit_once('/')
            .map(|(parent, _)| Self(parent.to_owned()))
    }
}

impl fmt::Display for ArchivePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ArchivePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl TryFrom<String> for ArchivePath {
    type Error = PathError;
    fn try_from(text: String) -> Result<Self, PathError> {
        Self::parse(&text)
    }
}

impl From<ArchivePath> for String {
    fn from(path: ArchivePath) -> Self {
        path.0
    }
}

impl AsRef<Path> for ArchivePath {
    fn as_ref(&self) -> &Path {
        self.as_path()
    }
}

/// Why a file of the archive could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no file `{0}` in the archive")]
    Missing(ArchivePath),
    #[error(
        "`{0}` leads outside the archive (through a symlink); copy the file into the archive instead"
    )]
    Outside(ArchivePath),
    #[error("`{0}` is not a regular file")]
    NotAFile(ArchivePath),
    #[error("`{path}` is larger than {limit} bytes")]
    TooLarge { path: ArchivePath, limit: u64 },
    #[error("failed to read `{path}`: {source}")]
    Io {
        path: ArchivePath,
        #[source]
        source: std::io::Error,
    },
}

/// The root folder of an archive, resolved once.
#[derive(Debug, Clone)]
pub struct Root {
    /// As given on the command line: what messages show.
    path: PathBuf,
    /// With every symlink resolved: what containment is checked against.
    real: PathBuf,
}

impl Root {
    /// The archive at `path`, which must exist.
    pub fn new(path: &Path) -> std::io::Result<Self> {
        Ok(Self {
            path: path.to_owned(),
            real: path.canonicalize()?,
        })
    }

    /// The root as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where `relative` is, to create or replace it. Files the tool writes are always named by
    /// an [`ArchivePath`], so they land inside the archive; reading goes through [`Root::open`].
    pub fn join(&self, relative: &ArchivePath) -> PathBuf {
        self.path.join(relative.as_path())
    }

    /// The real location of `relative`: it must exist, be a regular file, and stay inside the
    /// archive with every symlink resolved.
    pub fn resolve(&self, relative: &ArchivePath) -> Result<PathBuf, OpenError> {
        let real = match self.join(relative).canonicalize() {
            Ok(real) => real,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(OpenError::Missing(relative.clone()));
            }
            Err(source) => {
                return Err(OpenError::Io {
                    path: relative.clone(),
                    source,
                });
            }
        };
        if !real.starts_with(&self.real) {
            return Err(OpenError::Outside(relative.clone()));
        }
        Ok(real)
    }

    /// Opens `relative` for reading: never through a symlink out of the archive, never a
    /// device or FIFO.
    pub fn open(&self, relative: &ArchivePath) -> Result<(File, Metadata), OpenError> {
        let real = self.resolve(relative)?;
        let io = |source| OpenError::Io {
            path: relative.clone(),
            source,
        };
        // The resolved path has no symlink left; one swapped in since for its last part is
        // not followed, and one swapped in for a folder on the way is caught by where the
        // kernel says the opened file is.
        let file = open_no_follow(&real).map_err(io)?;
        if !opened_inside(&file, &self.real) {
            return Err(OpenError::Outside(relative.clone()));
        }
        let metadata = file.metadata().map_err(io)?;
        if !metadata.is_file() {
            return Err(OpenError::NotAFile(relative.clone()));
        }
        Ok((file, metadata))
    }

    /// Whether the folder `relative` is where it seems to be: inside the archive with no
    /// symlink on the way. Files are deleted only in such folders; through a symlinked folder
    /// a delete would reach files outside the archive.
    pub fn is_real_dir(&self, relative: &Path) -> bool {
        self.path
            .join(relative)
            .canonicalize()
            .is_ok_and(|real| real == self.real.join(relative))
    }

    /// The metadata of a regular file inside the archive.
    pub fn metadata(&self, relative: &ArchivePath) -> Result<Metadata, OpenError> {
        self.open(relative).map(|(_, metadata)| metadata)
    }

    /// Reads a whole file of at most `limit` bytes.
    pub fn read(&self, relative: &ArchivePath, limit: u64) -> Result<Vec<u8>, OpenError> {
        let (file, metadata) = self.open(relative)?;
        if metadata.len() > limit {
            return Err(OpenError::TooLarge {
                path: relative.clone(),
                limit,
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| OpenError::Io {
                path: relative.clone(),
                source,
            })?;
        if bytes.len() as u64 > limit {
            return Err(OpenError::TooLarge {
                path: relative.clone(),
                limit,
            });
        }
        Ok(bytes)
    }
}

/// Whether `relative` is a regular file inside the archive at `root`.
pub fn check_file(root: &Path, relative: &ArchivePath) -> Result<(), OpenError> {
    let root = Root::new(root).map_err(|source| OpenError::Io {
        path: relative.clone(),
        source,
    })?;
    root.metadata(relative).map(drop)
}

/// Reads a file of at most `limit` bytes inside the archive at `root`.
pub fn read(root: &Path, relative: &ArchivePath, limit: u64) -> Result<Vec<u8>, OpenError> {
    let root = Root::new(root).map_err(|source| OpenError::Io {
        path: relative.clone(),
        source,
    })?;
    root.read(relative, limit)
}

/// Reads a file the tool keeps for itself (a manifest or record under `.archive/`) of at most
/// `limit` bytes: never through a symlink, never a FIFO or a device, which could block or
/// never end.
pub fn read_own(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = open_no_follow(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() || metadata.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not a regular file of at most {limit} bytes"),
        ));
    }
    // Sized from the metadata (one read, no regrowing); a file that grew still ends at `limit`.
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).map_or(0, |n| n + 1));
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Opens a file a user named (on the command line, say) for reading, and its metadata;
/// symlinks are followed, but a FIFO, a device or a folder is refused without blocking.
pub fn open_regular(path: &Path) -> std::io::Result<(File, Metadata)> {
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        File::options()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?
    };
    #[cfg(not(unix))]
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok((file, metadata))
}

/// Whether the kernel's path of the open `file` (`/proc/self/fd`) is inside `real`. Where
/// there is no such path to ask for (no `/proc`), the resolved path's check stands alone.
#[cfg(target_os = "linux")]
fn opened_inside(file: &File, real: &Path) -> bool {
    use std::os::fd::AsRawFd as _;
    std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()))
        .map_or(true, |actual| actual.starts_with(real))
}

#[cfg(not(target_os = "linux"))]
fn opened_inside(_file: &File, _real: &Path) -> bool {
    true
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests;
