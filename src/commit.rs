//! Group commit: many files written and renamed into place, made durable together.
//!
//! Writing each recording and record with its own fsyncs (file, rename, directory) costs a
//! journal commit each. A sync instead renames its files into place as they are done and
//! makes them durable once, before the feeds that name them are written: every pending
//! file's data is synced together ([`durable::sync_files`]), then each touched directory
//! once. Until then a power loss can lose a renamed file or leave a record torn; the feeds
//! on disk still name only what the previous commit made durable, and the next sync notices
//! a record whose file is missing or short (or that does not parse) and pulls the episode
//! again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::durable::{self, ToSync};
use crate::{Error, atomic};

/// Files and folders waiting to be made durable.
#[derive(Debug)]
pub struct Commit {
    /// The archive's root: the files are all on its filesystem.
    root: PathBuf,
    pending: Mutex<Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    /// Files whose data is not synced yet.
    files: Vec<PathBuf>,
    /// Their bytes.
    bytes: u64,
    /// Folders with renames not synced yet.
    dirs: BTreeSet<PathBuf>,
}

impl Commit {
    /// A commit of files under `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            pending: Mutex::default(),
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes `bytes` to `path` through a temp file and a rename; durable at [`finish`].
    ///
    /// [`finish`]: Commit::finish
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        let write_error = |source| Error::Write {
            path: path.to_owned(),
            source,
        };
        let dir = atomic::parent(path);
        let mut temp = atomic::temp_in(dir)?;
        std::io::Write::write_all(&mut temp, bytes).map_err(write_error)?;
        // Start the writeback now, so that `finish` mostly finds the bytes on disk.
        atomic::start_writeback(temp.as_file(), 0, 0);
        temp.persist(path).map_err(|err| write_error(err.error))?;
        let mut pending = self.pending();
        pending.files.push(path.to_owned());
        pending.bytes += bytes.len() as u64;
        pending.dirs.insert(dir.to_owned());
        Ok(())
    }

    /// Renames the complete file `from`, whose data is already synced, to `to`; the rename is
    /// durable at [`finish`](Commit::finish).
    pub fn rename(&self, from: &Path, to: &Path) -> Result<(), Error> {
        let dir = atomic::parent(to);
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_owned(),
            source,
        })?;
        match std::fs::rename(from, to) {
            Ok(()) => {
                self.pending().dirs.insert(dir.to_owned());
                Ok(())
            }
            // Across filesystems: a copy, durable at once.
            Err(err) if err.kind() == std::io::ErrorKind::CrossesDevices => {
                atomic::persist_path(from, to)
            }
            Err(source) => Err(Error::Write {
                path: to.to_owned(),
                source,
            }),
        }
    }

    /// Makes every pending file and rename durable: the files' data first
    /// ([`durable::sync_files`]), then each folder once.
    pub fn finish(&self) -> Result<(), Error> {
        let Pending { files, bytes, dirs } = std::mem::take(&mut *self.pending());
        let files: Vec<_> = files.iter().map(|file| ToSync::itself(file)).collect();
        durable::sync_files(&self.root, &files, bytes)?;
        for dir in dirs {
            atomic::sync_dir(&dir).map_err(|source| Error::Write { path: dir, source })?;
        }
        Ok(())
    }
}
