//! The journal of a committed transaction: `.archive/journal.json` lists the temp files to
//! rename onto their targets.
//!
//! It is written (to a temp file, fsynced, renamed, its directory fsynced) only once every
//! temp file it names is complete, so its presence means "this edit is committed". It is
//! deleted once every rename is done. A journal left by a killed process is rolled forward
//! by the next command that writes to the archive, under the archive lock and before
//! leftover temp files are swept.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Disk, RealDisk, parent};
use crate::Error;
use crate::atomic::TEMP_PREFIX;

/// The journal, relative to the archive root.
pub const JOURNAL_FILE: &str = ".archive/journal.json";

/// The renames that complete a committed transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Journal {
    pub renames: Vec<Rename>,
}

/// One temp file and the file it replaces, both relative to the archive root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Rename {
    pub temp: PathBuf,
    pub target: PathBuf,
}

/// Writes the journal durably: once this returns, the transaction is committed.
pub(super) fn write(root: &Path, journal: &Journal, disk: &dyn Disk) -> Result<(), Error> {
    let path = root.join(JOURNAL_FILE);
    let write_error = |source| Error::Write {
        path: PathBuf::from(JOURNAL_FILE),
        source,
    };
    let bytes = serde_json::to_vec_pretty(journal)
        .map_err(|err| write_error(std::io::Error::other(err)))?;
    let temp = disk.write_temp(&path, &bytes).map_err(write_error)?;
    if let Err(err) = disk.rename(&temp, &path) {
        let _ = std::fs::remove_file(&temp);
        return Err(write_error(err));
    }
    if let Err(err) = disk.sync_dir(parent(&path)) {
        // Not known to be durable: take it back, the commit fails as a whole.
        let _ = std::fs::remove_file(&path);
        return Err(write_error(err));
    }
    Ok(())
}

/// Renames every temp file of `journal` that is still there onto its target, fsyncs the
/// directories and deletes the journal. Doing it twice does no harm.
pub(super) fn apply(root: &Path, journal: &Journal, disk: &dyn Disk) -> Result<(), Error> {
    let mut dirs = BTreeSet::new();
    for rename in &journal.renames {
        let (temp, target) = (root.join(&rename.temp), root.join(&rename.target));
        let write_error = |source| Error::Write {
            path: rename.target.clone(),
            source,
        };
        // A temp file that is gone was renamed before the previous run stopped.
        if std::fs::symlink_metadata(&temp).is_ok() {
            disk.rename(&temp, &target).map_err(write_error)?;
        }
        dirs.insert(parent(&target).to_owned());
    }
    for dir in &dirs {
        disk.sync_dir(dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
    }
    let path = root.join(JOURNAL_FILE);
    let journal_error = |source| Error::Write {
        path: PathBuf::from(JOURNAL_FILE),
        source,
    };
    std::fs::remove_file(&path).map_err(journal_error)?;
    disk.sync_dir(parent(&path)).map_err(journal_error)
}

/// Completes the transaction that a killed process committed but did not finish, if any;
/// returns the files it put in place. Call it under the archive lock, before anything
/// removes leftover temp files.
pub fn roll_forward(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let bytes = match crate::confined::read_own(&root.join(JOURNAL_FILE), 64 * 1024 * 1024) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: PathBuf::from(JOURNAL_FILE),
                source,
            });
        }
    };
    let corrupt = |reason: String| Error::CorruptJournal {
        path: PathBuf::from(JOURNAL_FILE),
        reason,
    };
    let journal: Journal =
        serde_json::from_slice(&bytes).map_err(|err| corrupt(err.to_string()))?;
    for rename in &journal.renames {
        check(rename).map_err(corrupt)?;
    }
    apply(root, &journal, &RealDisk)?;
    Ok(journal.renames.into_iter().map(|r| r.target).collect())
}

/// A journal entry may only rename a temp file of ours onto a file beside it, inside the
/// archive.
fn check(rename: &Rename) -> Result<(), String> {
    let inside = |path: &Path| {
        !path.as_os_str().is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
    };
    let is_temp = rename
        .temp
        .file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with(TEMP_PREFIX));
    if inside(&rename.temp)
        && inside(&rename.target)
        && is_temp
        && rename.temp.parent() == rename.target.parent()
    {
        Ok(())
    } else {
        Err(format!(
            "it renames `{}` to `{}`",
            rename.temp.display(),
            rename.target.display()
        ))
    }
}
