//! Making many written files durable at once: the build's pages before they are renamed into
//! place, and the records of a sync's group commit before any feed names them.
//!
//! An fsync of each file costs a disk flush each (a sync of 200 episodes writes 600 files);
//! one `syncfs` writes back the whole filesystem and flushes once. But it also writes back
//! what other programs left dirty there, reports errors reliably only from Linux 5.8, and
//! does not reach files on another filesystem or ask a FUSE or network server to flush.
//! So [`sync_files`] uses it only when all of that is fine, and otherwise fsyncs each file,
//! several at once.

use std::fs::File;
use std::path::Path;

use crate::Error;

/// Files fsynced at once when they are synced one by one (a journal commits concurrent
/// syncs together).
const SYNC_THREADS: usize = 16;

/// A file to make durable, and the path its errors name (the target of a temp file).
#[derive(Debug, Clone, Copy)]
pub struct ToSync<'a> {
    pub file: &'a Path,
    pub names: &'a Path,
}

impl<'a> ToSync<'a> {
    /// A file whose errors name itself.
    pub fn itself(file: &'a Path) -> Self {
        Self { file, names: file }
    }
}

/// Makes the data of every one of `files`, `bytes` in all, durable: one `syncfs` of the
/// filesystem that holds `root` when [`flush_together`] allows it, else an fsync each.
pub fn sync_files(root: &Path, files: &[ToSync<'_>], bytes: u64) -> Result<(), Error> {
    if files.is_empty() {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    if flush_together(root, files, bytes) {
        return sync_filesystem(root);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (root, bytes);
    let chunk = files.len().div_ceil(SYNC_THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|files| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || files.iter().try_for_each(sync_file))
                    .map_err(|source| Error::Write {
                        path: root.to_owned(),
                        source,
                    })
            })
            .collect();
        workers.into_iter().try_for_each(|worker| {
            worker?
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// Fsyncs the data of one file.
fn sync_file(to_sync: &ToSync<'_>) -> Result<(), Error> {
    File::open(to_sync.file)
        .and_then(|file| file.sync_data())
        .map_err(|source| Error::Write {
            path: to_sync.names.to_owned(),
            source,
        })
}

/// Above this many files, one `syncfs` may replace their fsyncs.
#[cfg(target_os = "linux")]
const FLUSH_TOGETHER: usize = 16;
/// What `syncfs` may also wait for, whoever wrote it: this much, or twice the files' bytes.
#[cfg(target_os = "linux")]
const LITTLE_DIRTY: u64 = 32 * 1024 * 1024;

/// Whether one `syncfs` of `root`'s filesystem makes `files` durable, and soon:
/// - more than [`FLUSH_TOGETHER`] files, all in folders on `root`'s filesystem;
/// - a local disk filesystem (ext4, XFS, btrfs), where `syncfs` flushes the disk;
/// - Linux 5.8 or later, where `syncfs` reports a failed writeback;
/// - at most [`LITTLE_DIRTY`] or twice `bytes` dirty or under writeback on the machine
///   (`/proc/meminfo`), so that it does not wait for someone else's gigabytes.
#[cfg(target_os = "linux")]
fn flush_together(root: &Path, files: &[ToSync<'_>], bytes: u64) -> bool {
    files.len() > FLUSH_TOGETHER
        && reports_errors()
        && local_disk(root)
        && on_device_of(root, files)
        && std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|meminfo| waiting_bytes(&meminfo))
            .is_some_and(|waiting| waiting <= LITTLE_DIRTY.max(bytes.saturating_mul(2)))
}

/// Whether the kernel is Linux 5.8 or later, whose `syncfs` returns writeback errors.
#[cfg(target_os = "linux")]
fn reports_errors() -> bool {
    let uname = rustix::system::uname();
    kernel_at_least(&uname.release().to_string_lossy(), (5, 8))
}

/// Whether a kernel release (`6.18.44-generic`) is at least `version` (major, minor).
#[cfg(any(target_os = "linux", test))]
fn kernel_at_least(release: &str, version: (u32, u32)) -> bool {
    let mut numbers = release
        .split(|c: char| !c.is_ascii_digit())
        .map(str::parse::<u32>);
    match (numbers.next(), numbers.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor) >= version,
        _ => false,
    }
}

/// Whether `root` is on a local disk filesystem whose `syncfs` flushes the disk.
#[cfg(target_os = "linux")]
fn local_disk(root: &Path) -> bool {
    const EXT4: i64 = 0xEF53;
    const XFS: i64 = 0x5846_5342;
    const BTRFS: i64 = 0x9123_683E;
    rustix::fs::statfs(root).is_ok_and(|fs| {
        // The field's integer type differs between architectures.
        #[allow(clippy::cast_possible_wrap, clippy::unnecessary_cast)]
        let kind = fs.f_type as i64;
        [EXT4, XFS, BTRFS].contains(&kind)
    })
}

/// Whether every file's folder is on the same filesystem as `root`: a mount point under the
/// archive is out of reach of `root`'s `syncfs`.
#[cfg(target_os = "linux")]
fn on_device_of(root: &Path, files: &[ToSync<'_>]) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let Ok(device) = std::fs::metadata(root).map(|meta| meta.dev()) else {
        return false;
    };
    let folders: std::collections::BTreeSet<&Path> =
        files.iter().filter_map(|f| f.file.parent()).collect();
    folders
        .into_iter()
        .all(|folder| std::fs::metadata(folder).is_ok_and(|meta| meta.dev() == device))
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

/// Writes back and flushes the filesystem that holds `root`.
#[cfg(target_os = "linux")]
fn sync_filesystem(root: &Path) -> Result<(), Error> {
    let error = |source| Error::Write {
        path: root.to_owned(),
        source,
    };
    let dir = File::open(root).map_err(error)?;
    rustix::fs::syncfs(&dir).map_err(|errno| error(errno.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// `syncfs` reports writeback errors from Linux 5.8.
    #[test]
    fn kernels_from_5_8_report_syncfs_errors() {
        assert!(kernel_at_least("6.18.44-fc-v595", (5, 8)));
        assert!(kernel_at_least("5.8.0", (5, 8)));
        assert!(kernel_at_least("5.10.0-28-amd64", (5, 8)));
        assert!(!kernel_at_least("5.4.0-150-generic", (5, 8)));
        assert!(!kernel_at_least("4.19.0", (5, 8)));
        assert!(!kernel_at_least("unknown", (5, 8)));
    }

    /// Many files (one `syncfs`, or an fsync each) and a few (an fsync each) are synced
    /// alike; a file that is gone is an error naming the path it stands for.
    #[test]
    fn many_and_few_files_are_synced_and_an_error_names_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<_> = (0..40)
            .map(|n| dir.path().join(format!("{n}.txt")))
            .collect();
        for path in &paths {
            std::fs::write(path, "x").unwrap();
        }
        let files: Vec<_> = paths.iter().map(|path| ToSync::itself(path)).collect();
        sync_files(dir.path(), &files, 40).unwrap();
        sync_files(dir.path(), &files[..3], 3).unwrap();
        let gone = dir.path().join(".archive-tmp-gone");
        let target = dir.path().join("page.html");
        let err = sync_files(
            dir.path(),
            &[ToSync {
                file: &gone,
                names: &target,
            }],
            1,
        )
        .unwrap_err();
        assert!(err.to_string().contains("page.html"), "{err}");
    }
}
