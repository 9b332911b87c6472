//! Writing files so that a crash leaves the old file or the new one, never a torn one:
//! write to a temp file in the same directory, fsync it, rename it into place, fsync the
//! directory.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use tempfile::NamedTempFile;

use crate::Error;

/// Prefix of every temp file the tool creates, so that leftovers are recognisable.
pub const TEMP_PREFIX: &str = ".archive-tmp-";

/// A new temp file in `dir` (created if missing), to be filled and then [`persist`]ed.
pub fn temp_in(dir: &Path) -> Result<NamedTempFile, Error> {
    let write_error = |source| Error::Write {
        path: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(write_error)?;
    builder().tempfile_in(dir).map_err(write_error)
}

/// Temp files named with [`TEMP_PREFIX`] and readable by all (`0644` less the umask), as the
/// files they become are published: a web server must be able to read them.
pub fn builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder
}

/// Gives `temp` the permissions of the file it replaces, if there is one.
fn keep_permissions(temp: &NamedTempFile, path: &Path) {
    if let Ok(existing) = std::fs::metadata(path) {
        let _ = temp.as_file().set_permissions(existing.permissions());
    }
}

/// Replaces `path` with `bytes` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = parent(path);
    let mut temp = temp_in(dir)?;
    temp.write_all(bytes).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })?;
    persist(temp, path)
}

/// Writes `bytes` to `path` unless it already holds exactly them; returns whether it wrote.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, Error> {
    match std::fs::read(path) {
        Ok(existing) if existing == bytes => Ok(false),
        _ => write(path, bytes).map(|()| true),
    }
}

/// Fsyncs `temp`, renames it to `path` and fsyncs the directory.
pub fn persist(temp: NamedTempFile, path: &Path) -> Result<(), Error> {
    let write_error = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    keep_permissions(&temp, path);
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path).map_err(|err| write_error(err.error))?;
    sync_dir(parent(path)).map_err(write_error)
}

/// Fsyncs the file at `from` and renames it to `to`, fsyncing `to`'s directory. Across
/// filesystems, where a rename cannot work, it is copied through a temp file beside `to`.
pub fn persist_path(from: &Path, to: &Path) -> Result<(), Error> {
    let write_error = |source| Error::Write {
        path: to.to_owned(),
        source,
    };
    File::open(from)
        .and_then(|file| file.sync_all())
        .map_err(write_error)?;
    std::fs::create_dir_all(parent(to)).map_err(write_error)?;
    match std::fs::rename(from, to) {
        Ok(()) => sync_dir(parent(to)).map_err(write_error),
        Err(err) if err.kind() == std::io::ErrorKind::CrossesDevices => {
            let mut temp = temp_in(parent(to))?;
            let mut source = File::open(from).map_err(write_error)?;
            std::io::copy(&mut source, temp.as_file_mut()).map_err(write_error)?;
            persist(temp, to)?;
            std::fs::remove_file(from).map_err(write_error)
        }
        Err(err) => Err(write_error(err)),
    }
}

/// Asks the kernel to start writing `len` bytes at `offset` of `file` to disk, without
/// waiting: a long download is then mostly on disk by the time it is synced (Linux only;
/// elsewhere the final sync does all the work).
#[cfg(target_os = "linux")]
pub fn start_writeback(file: &impl std::os::fd::AsRawFd, offset: u64, len: u64) {
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: `sync_file_range` only reads its integer arguments; a stale or bad descriptor
    // makes it fail with EBADF, which is ignored like any other failure of this hint.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

/// Without `sync_file_range`, the final sync does all the work.
#[cfg(not(target_os = "linux"))]
pub fn start_writeback<T>(_file: &T, _offset: u64, _len: u64) {}

/// Below this size a file just written is left to the sync that makes it durable: asking
/// the kernel to write each small file out on its own costs more than one sync of them all.
const EARLY_WRITEBACK: u64 = 1024 * 1024;

/// Starts writing a file of `len` bytes just written to disk, when it is large enough to be
/// worth it ([`start_writeback`]).
#[cfg(target_os = "linux")]
pub fn start_writeback_if_large(file: &impl std::os::fd::AsRawFd, len: u64) {
    if len >= EARLY_WRITEBACK {
        start_writeback(file, 0, 0);
    }
}

/// Without `sync_file_range`, the final sync does all the work.
#[cfg(not(target_os = "linux"))]
pub fn start_writeback_if_large<T>(_file: &T, _len: u64) {}

/// Fsyncs a directory, so that a rename in it survives a power loss.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The folder of `path` (`.` for a bare file name).
pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_replaces_the_file_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/feed.xml");
        write(&path, b"old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_all_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let published = dir.path().join("feed.xml");
        write(&published, b"new").unwrap();
        assert_eq!(mode(&published) & 0o444, 0o444, "readable by a web server");
        let private = dir.path().join("catalog.toml");
        std::fs::write(&private, "x").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write(&private, b"y").unwrap();
        assert_eq!(mode(&private), 0o600);
    }

    #[test]
    fn write_if_changed_keeps_identical_files_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.xml");
        assert!(write_if_changed(&path, b"same").unwrap());
        assert!(!write_if_changed(&path, b"same").unwrap());
        assert!(write_if_changed(&path, b"other").unwrap());
    }
}
