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

/// Above this many files, [`sync_files`] flushes the whole filesystem at once when little
/// else is waiting to be written.
#[cfg(target_os = "linux")]
const FLUSH_TOGETHER: usize = 16;
/// Above this many files, [`sync_files`] always flushes the whole filesystem at once: the
/// files themselves are most of what is waiting (a first build of a large archive).
#[cfg(target_os = "linux")]
const FLUSH_ALWAYS: usize = 2048;
/// "Little else waiting": the machine's dirty and under-writeback page cache, at most this.
#[cfg(target_os = "linux")]
const LITTLE_DIRTY: u64 = 32 * 1024 * 1024;
/// Files fsynced at once when they are synced one by one.
const SYNC_THREADS: usize = 16;

/// Makes the data of every one of `files`, on the filesystem that holds `root`, durable.
///
/// One `syncfs` costs a few milliseconds where an fsync each costs a disk flush each (a
/// sync of 200 episodes writes 600 files). But `syncfs` also writes back what other
/// programs left dirty on the filesystem: a sync must not wait for the writeback of
/// someone else's gigabytes. So it is used when the machine has little waiting to be
/// written (`/proc/meminfo`), or when the files are so many that they are most of it.
/// Otherwise each file is fsynced, several at once (a journal commits concurrent syncs
/// together).
pub fn sync_files<P: AsRef<Path> + Sync>(root: &Path, files: &[P]) -> Result<(), Error> {
    if files.is_empty() {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    if files.len() > FLUSH_ALWAYS || (files.len() > FLUSH_TOGETHER && little_dirty()) {
        return sync_filesystem(root);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = root;
    let chunk = files.len().div_ceil(SYNC_THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|files| scope.spawn(move || files.iter().try_for_each(sync_file)))
            .collect();
        workers.into_iter().try_for_each(|worker| {
            worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// Fsyncs the data of the file at `path`.
fn sync_file(path: impl AsRef<Path>) -> Result<(), Error> {
    let path = path.as_ref();
    File::open(path)
        .and_then(|file| file.sync_data())
        .map_err(|source| Error::Write {
            path: path.to_owned(),
            source,
        })
}

/// Whether the machine's page cache holds little that is not on disk yet.
#[cfg(target_os = "linux")]
fn little_dirty() -> bool {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|meminfo| waiting_bytes(&meminfo))
        .is_some_and(|bytes| bytes <= LITTLE_DIRTY)
}

/// The bytes `/proc/meminfo` says are dirty or being written back.
#[cfg(any(target_os = "linux", test))]
fn waiting_bytes(meminfo: &str) -> Option<u64> {
    ["Dirty:", "Writeback:"]
        .iter()
        .map(|field| {
            let line = meminfo.lines().find(|line| line.starts_with(field))?;
            let kib = line[field.len()..].trim().strip_suffix("kB")?.trim();
            kib.parse::<u64>().ok()?.checked_mul(1024)
        })
        .sum()
}

/// Flushes every written file of the filesystem that holds `root` to disk.
#[cfg(target_os = "linux")]
fn sync_filesystem(root: &Path) -> Result<(), Error> {
    use std::os::fd::AsRawFd as _;
    let error = |source| Error::Write {
        path: root.to_owned(),
        source,
    };
    let dir = File::open(root).map_err(error)?;
    // SAFETY: `dir` is an open file descriptor for the duration of the call.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
        return Err(error(std::io::Error::last_os_error()));
    }
    Ok(())
}

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

    /// The page cache waiting to be written is read from `/proc/meminfo`'s two lines; a
    /// text without them is "unknown" (then every file is fsynced on its own).
    #[test]
    fn the_bytes_waiting_to_be_written_are_dirty_plus_writeback() {
        let meminfo = "MemTotal:        8000000 kB\nDirty:              1536 kB\n\
                       Writeback:           512 kB\nWritebackTmp:          7 kB\n";
        assert_eq!(waiting_bytes(meminfo), Some(2048 * 1024));
        assert_eq!(waiting_bytes("MemTotal: 8000000 kB\nDirty: 12 kB\n"), None);
        assert_eq!(waiting_bytes("Dirty: many kB\nWriteback: 0 kB\n"), None);
    }

    /// Many files (one `syncfs`, or an fsync each when much is dirty) and a few (an fsync
    /// each) are synced alike; a file that is gone is an error naming it.
    #[test]
    fn sync_files_syncs_many_and_few_and_names_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<_> = (0..40)
            .map(|n| dir.path().join(format!("{n}.txt")))
            .collect();
        for path in &paths {
            std::fs::write(path, "x").unwrap();
        }
        sync_files(dir.path(), &paths).unwrap();
        sync_files(dir.path(), &paths[..3]).unwrap();
        let gone = dir.path().join("gone.txt");
        let err = sync_files(dir.path(), &[&gone]).unwrap_err();
        assert!(err.to_string().contains("gone.txt"), "{err}");
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
