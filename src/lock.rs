//! One writer at a time: every command that writes to an archive holds an exclusive lock on
//! `.archive/lock` until it exits. The operating system releases it when the process dies,
//! so a killed run never leaves a stale lock.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::Error;

/// The lock file, relative to the archive root.
pub const LOCK_FILE: &str = ".archive/lock";

/// Held while a command writes to the archive; released on drop.
#[derive(Debug)]
pub struct ArchiveLock {
    _file: File,
}

/// Takes the archive's lock. If another process holds it, either fails at once
/// (`wait == false`) or calls `waiting` and blocks until the lock is free.
pub fn acquire(root: &Path, wait: bool, waiting: impl FnOnce(&Path)) -> Result<ArchiveLock, Error> {
    let path = root.join(LOCK_FILE);
    let io_error = |source| Error::Write {
        path: path.clone(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_error)?;
    }
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    // Never through a symlink (which could create a file outside the archive), and never
    // blocking on a FIFO planted there.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NOFOLLOW | libc::O_NONBLOCK,
    );
    let file = options.open(&path).map_err(io_error)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) if !wait => return Err(Error::Locked(shown(root))),
        Err(TryLockError::WouldBlock) => {
            waiting(&shown(root));
            file.lock().map_err(io_error)?;
        }
        Err(TryLockError::Error(err)) => return Err(io_error(err)),
    }
    Ok(ArchiveLock { _file: file })
}

fn shown(root: &Path) -> PathBuf {
    root.join(LOCK_FILE)
}
