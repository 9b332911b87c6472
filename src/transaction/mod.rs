//! Changing several files as a whole: after an error or a crash at any moment, either every
//! file of a [`Transaction`] has its new content or every file has its old one.
//!
//! Each file is read through the transaction, which remembers a hash of what it read. A
//! commit then
//! 1. writes each new content to a fsynced temp file (`.archive-tmp-*`) beside its target,
//!    and fsyncs the directories,
//! 2. re-reads every file it read and refuses if one changed on disk meanwhile,
//! 3. writes the [`journal`] of temp → target renames and fsyncs it: from
//!    here on the edit is committed,
//! 4. renames every temp file into place, fsyncs the directories and deletes the journal.
//!
//! A crash before step 3 leaves the old files and temp files that the next sync sweeps away;
//! a crash after it leaves a journal that the next writing command rolls forward (see
//! [`roll_forward`]) before anything else.
//!
//! The file operations go through a [`Disk`], so that tests can make any one of them fail.

mod journal;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;
use journal::{Journal, Rename};

pub use journal::{JOURNAL_FILE, roll_forward};

/// The file operations of a commit.
pub trait Disk {
    /// Writes `bytes` to a new temp file beside `target`, fsyncs it, and returns its path.
    fn write_temp(&self, target: &Path, bytes: &[u8]) -> std::io::Result<PathBuf>;
    /// Renames `from` to `to`, replacing `to`.
    fn rename(&self, from: &Path, to: &Path) -> std::io::Result<()>;
    /// Fsyncs a directory, so that renames in it survive a power loss.
    fn sync_dir(&self, dir: &Path) -> std::io::Result<()>;
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealDisk;

impl Disk for RealDisk {
    fn write_temp(&self, target: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let dir = parent(target);
        std::fs::create_dir_all(dir)?;
        let mut temp = crate::atomic::builder().tempfile_in(dir)?;
        if let Ok(existing) = std::fs::metadata(target) {
            temp.as_file().set_permissions(existing.permissions())?;
        }
        temp.write_all(bytes)?;
        temp.as_file().sync_all()?;
        temp.into_temp_path()
            .keep()
            .map_err(|err| std::io::Error::other(err.to_string()))
    }

    fn rename(&self, from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::rename(from, to)
    }

    fn sync_dir(&self, dir: &Path) -> std::io::Result<()> {
        crate::atomic::sync_dir(dir)
    }
}

/// Files read and new contents staged, to be written together by [`Transaction::commit`].
#[derive(Debug)]
pub struct Transaction {
    root: PathBuf,
    /// Every file read, relative to the root, with the hash of its content (`None`: absent).
    read: Vec<(PathBuf, Option<Hash>)>,
    /// New contents, in the order they were staged.
    staged: Vec<(PathBuf, Vec<u8>)>,
}

type Hash = [u8; 32];

impl Transaction {
    /// A transaction on files of the archive at `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            read: Vec::new(),
            staged: Vec::new(),
        }
    }

    /// Reads the file at `relative` (to the root); `None` if it does not exist. The commit
    /// refuses to go on if the file is different by then.
    pub fn read(&mut self, relative: &Path) -> Result<Option<String>, Error> {
        let bytes = read_bytes(&self.root, relative)?;
        self.remember(relative, bytes.as_deref());
        bytes
            .map(|bytes| {
                String::from_utf8(bytes).map_err(|_| Error::Read {
                    path: relative.to_owned(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "the file is not UTF-8 text",
                    ),
                })
            })
            .transpose()
    }

    /// Sets the new content of the file at `relative`. A file not read before is read now,
    /// so that a change made to it before the commit is still detected.
    pub fn stage(&mut self, relative: &Path, bytes: Vec<u8>) -> Result<(), Error> {
        if !self.read.iter().any(|(path, _)| path == relative) {
            let current = read_bytes(&self.root, relative)?;
            self.remember(relative, current.as_deref());
        }
        self.staged.retain(|(path, _)| path != relative);
        self.staged.push((relative.to_owned(), bytes));
        Ok(())
    }

    /// Writes every staged file, all or none; returns the files written.
    pub fn commit(self) -> Result<Vec<PathBuf>, Error> {
        self.commit_on(&RealDisk)
    }

    /// [`commit`](Self::commit) through `disk`.
    pub fn commit_on(self, disk: &dyn Disk) -> Result<Vec<PathBuf>, Error> {
        if self.staged.is_empty() {
            return Ok(Vec::new());
        }
        let mut temps = Temps(Vec::new());
        let mut renames = Vec::new();
        for (target, bytes) in &self.staged {
            let temp = disk
                .write_temp(&self.root.join(target), bytes)
                .map_err(|source| Error::Write {
                    path: target.clone(),
                    source,
                })?;
            let name = temp.file_name().map(ToOwned::to_owned).unwrap_or_default();
            temps.0.push(temp);
            renames.push(Rename {
                temp: parent(target).join(name),
                target: target.clone(),
            });
        }
        // The journal may only name temp files that a power loss cannot take away.
        let dirs: BTreeSet<&Path> = self
            .staged
            .iter()
            .map(|(target, _)| parent(target))
            .collect();
        for dir in dirs {
            disk.sync_dir(&self.root.join(dir))
                .map_err(|source| Error::Write {
                    path: dir.to_owned(),
                    source,
                })?;
        }
        self.check_unchanged()?;
        let journal = Journal { renames };
        journal::write(&self.root, &journal, disk)?;
        // Committed: the temp files now belong to the journal.
        temps.0.clear();
        journal::apply(&self.root, &journal, disk)
            .map_err(|err| Error::Unfinished(Box::new(err)))?;
        Ok(journal.renames.into_iter().map(|r| r.target).collect())
    }

    /// Fails if a file read by this transaction is not what it was.
    fn check_unchanged(&self) -> Result<(), Error> {
        for (path, hash) in &self.read {
            let now = read_bytes(&self.root, path)?;
            if now.as_deref().map(hash_of) != *hash {
                return Err(Error::ChangedOnDisk { path: path.clone() });
            }
        }
        Ok(())
    }

    fn remember(&mut self, relative: &Path, bytes: Option<&[u8]>) {
        self.read.retain(|(path, _)| path != relative);
        self.read.push((relative.to_owned(), bytes.map(hash_of)));
    }
}

/// Temp files written before the journal; removed if the commit stops before it.
struct Temps(Vec<PathBuf>);

impl Drop for Temps {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn read_bytes(root: &Path, relative: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::read(root.join(relative)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: relative.to_owned(),
            source,
        }),
    }
}

fn hash_of(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// The directory of `path`, `.` for a bare file name.
pub(crate) fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests;
