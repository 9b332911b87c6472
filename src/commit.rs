//! Group commit: many files written and renamed into place, made durable together. A sync
//! commits its recordings and records this way, a build its pages ([`Commit::hold`]).
//!
//! Writing each recording and record with its own fsyncs (file, rename, directory) costs a
//! journal commit each. A sync instead renames its recordings into place as they are done,
//! unsynced, and holds each record in a temp file. Every [`BATCH`] records, at the first
//! record saved once the oldest has waited [`BATCH_AGE`], and at [`finish`](Commit::finish),
//! the data of everything pending is synced together ([`durable::sync_files`]); only then
//! are the held records renamed into place, so no record ever names a recording whose bytes
//! a power loss could lose. At `finish` each touched directory is synced once, before the
//! feeds that name the files are written.
//!
//! Until then a power loss can lose a renamed file; the feeds on disk still name only what
//! the previous commit made durable, and the next sync notices a record whose file is missing
//! or short (or that does not parse) and pulls the episode again. A sync killed outright
//! loses the records held since the last batch: the next sync pulls those episodes again and
//! finds their recordings already in place.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tempfile::TempPath;

use crate::durable::{self, ToSync};
use crate::{Error, atomic};

/// Records held before a batch is made durable.
const BATCH: usize = 128;
/// How long the oldest held record waits before the next record saved starts a batch.
const BATCH_AGE: Duration = Duration::from_secs(2);

/// Files and folders waiting to be made durable.
#[derive(Debug)]
pub struct Commit {
    /// The archive's root: the files are all on its filesystem.
    root: PathBuf,
    pending: Mutex<Pending>,
    /// Held while a batch is made durable, so that a batch's records are renamed only after
    /// every earlier batch's files are synced.
    batch: Mutex<()>,
}

#[derive(Debug, Default)]
struct Pending {
    /// Files in place whose data is not synced yet.
    files: Vec<PathBuf>,
    /// Records written to temp files, renamed into place once the files before them are
    /// durable.
    held: Vec<Held>,
    /// Bytes of `files` and `held`.
    bytes: u64,
    /// When the oldest of `held` was written.
    since: Option<Instant>,
    /// Folders with renames not synced yet.
    dirs: BTreeSet<PathBuf>,
    /// The first batch that failed: its records were never renamed into place.
    failed: Option<Error>,
}

/// A record waiting in its temp file.
#[derive(Debug)]
struct Held {
    temp: TempPath,
    target: PathBuf,
}

impl Commit {
    /// A commit of files under `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            pending: Mutex::default(),
            batch: Mutex::default(),
        }
    }

    fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes `bytes` to a temp file beside `path`, renamed to `path` once every file
    /// published before it is durable (at the next batch). May make that batch durable now:
    /// blocking.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        let write_error = |source| Error::Write {
            path: path.to_owned(),
            source,
        };
        let mut temp = atomic::temp_in(atomic::parent(path))?;
        std::io::Write::write_all(&mut temp, bytes).map_err(write_error)?;
        let since = self.hold(temp.into_temp_path(), path.to_owned(), bytes.len() as u64);
        let due = {
            let pending = self.pending();
            pending.held.len() >= BATCH || since.elapsed() >= BATCH_AGE
        };
        if due { self.flush() } else { Ok(()) }
    }

    /// Holds the complete temp file `temp`, of `bytes` bytes, until the next batch (or
    /// [`finish`](Commit::finish)) syncs it and renames it to `target`; returns when the
    /// oldest record held was written. Never starts a batch itself: the build hands all its
    /// pages over, then finishes.
    pub fn hold(&self, temp: TempPath, target: PathBuf, bytes: u64) -> Instant {
        let mut pending = self.pending();
        pending.dirs.insert(atomic::parent(&target).to_owned());
        pending.held.push(Held { temp, target });
        pending.bytes += bytes;
        *pending.since.get_or_insert_with(Instant::now)
    }

    /// Renames the complete file `from`, of `bytes` bytes and not synced, to `to`; its data
    /// is synced with the next batch, and the rename is durable at [`finish`].
    ///
    /// [`finish`]: Commit::finish
    pub fn publish(&self, from: &Path, to: &Path, bytes: u64) -> Result<(), Error> {
        if rename(from, to)? {
            self.adopt(to, bytes);
        }
        Ok(())
    }

    /// Takes the file `path` of `bytes` bytes, already in place, into the next batch: a sync
    /// that finds the recording it pulled already published (by a run killed before its
    /// batch, say) must not write a record naming it before its data is known to be durable.
    /// Syncing a file that is already on disk costs next to nothing.
    pub fn adopt(&self, path: &Path, bytes: u64) {
        let mut pending = self.pending();
        pending.files.push(path.to_owned());
        pending.bytes += bytes;
        pending.dirs.insert(atomic::parent(path).to_owned());
    }

    /// Syncs the data of every pending file and held record, then renames the records into
    /// place. A batch that fails (or panics) leaves its records unrenamed (and deleted), and
    /// so does every batch after it: a file of the failed batch may never have reached the
    /// disk, and a later record may name it. [`finish`](Commit::finish) then fails too.
    fn flush(&self) -> Result<(), Error> {
        let _batch = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
        let (files, held, bytes, failed) = {
            let mut pending = self.pending();
            pending.since = None;
            (
                std::mem::take(&mut pending.files),
                std::mem::take(&mut pending.held),
                std::mem::take(&mut pending.bytes),
                pending.failed.as_ref().map(|err| echo(err, &self.root)),
            )
        };
        if let Some(failed) = failed {
            return Err(failed);
        }
        let unwinding = FailOnUnwind(self);
        let synced = {
            let to_sync: Vec<_> = (files.iter().map(|file| ToSync::itself(file)))
                .chain(held.iter().map(|held| ToSync {
                    file: &held.temp,
                    names: &held.target,
                }))
                .collect();
            durable::sync_files(&self.root, &to_sync, bytes)
        };
        let renamed = synced.and_then(|()| {
            held.into_iter().try_for_each(|Held { temp, target }| {
                temp.persist(&target).map_err(|err| Error::Write {
                    path: target,
                    source: err.error,
                })
            })
        });
        drop(unwinding);
        if let Err(err) = &renamed {
            self.pending()
                .failed
                .get_or_insert_with(|| echo(err, &self.root));
        }
        renamed
    }

    /// Makes every pending file, record and rename durable: one last batch, then each folder
    /// once. Fails if any batch failed.
    pub fn finish(&self) -> Result<(), Error> {
        self.flush()?;
        let (dirs, failed) = {
            let mut pending = self.pending();
            (std::mem::take(&mut pending.dirs), pending.failed.take())
        };
        if let Some(failed) = failed {
            return Err(failed);
        }
        for dir in dirs {
            atomic::sync_dir(&dir).map_err(|source| Error::Write { path: dir, source })?;
        }
        Ok(())
    }
}

/// Renames `from` to `to`; returns whether the rename (and the file's data) is pending:
/// across filesystems the file is copied, durable at once.
fn rename(from: &Path, to: &Path) -> Result<bool, Error> {
    let dir = atomic::parent(to);
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_owned(),
        source,
    })?;
    match std::fs::rename(from, to) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::CrossesDevices => {
            atomic::persist_path(from, to).map(|()| false)
        }
        Err(source) => Err(Error::Write {
            path: to.to_owned(),
            source,
        }),
    }
}

/// Marks the commit failed if a batch panics: the episode whose record started it reports
/// the panic, and the others of the batch, reported done already, must not be built on.
struct FailOnUnwind<'c>(&'c Commit);

impl Drop for FailOnUnwind<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        self.0.pending().failed.get_or_insert_with(|| Error::Write {
            path: self.0.root.clone(),
            source: std::io::Error::other("making a batch of the sync durable panicked"),
        });
    }
}

/// The same error again, for [`Commit::finish`] to report after the episode that met it.
fn echo(err: &Error, root: &Path) -> Error {
    match err {
        Error::Write { path, source } => Error::Write {
            path: path.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        other => Error::Write {
            path: root.to_owned(),
            source: std::io::Error::other(other.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }

    /// Fills a batch of records under `dir/state/` whose first cannot be put in place (a
    /// folder with a file in it is in the way); returns the error of the record that started
    /// the batch.
    fn fail_a_batch(commit: &Commit, dir: &Path) -> String {
        let record = |n: usize| dir.join(format!("state/{n}.json"));
        commit.write(&record(0), b"{}").expect("a record");
        std::fs::create_dir_all(record(0).join("x")).expect("a folder in the way");
        let failed = (1..BATCH).try_for_each(|n| commit.write(&record(n), b"{}"));
        failed.expect_err("the batch fails").to_string()
    }

    /// A record stays in its temp file until its batch has synced the recording it names;
    /// `finish` puts it in place.
    #[test]
    fn a_record_is_put_in_place_only_with_its_batch() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let commit = Commit::new(dir.path());
        let part = dir.path().join("a.part");
        std::fs::write(&part, b"audio").expect("a download");
        let media = dir.path().join("media/a.mp3");
        commit.publish(&part, &media, 5).expect("a rename");
        assert_eq!(read(&media).as_deref(), Some("audio"));
        let record = dir.path().join("state/a.json");
        commit.write(&record, b"{}").expect("a record");
        assert_eq!(read(&record), None, "held until the batch");
        commit.finish().expect("the commit");
        assert_eq!(read(&record).as_deref(), Some("{}"));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("state"))
            .expect("the state folder")
            .map(|entry| entry.expect("an entry").file_name())
            .collect();
        assert_eq!(names, ["a.json"], "no temp file left");
    }

    /// The record that fills a batch puts the whole batch in place, without waiting for
    /// `finish`.
    #[test]
    fn a_full_batch_is_put_in_place_at_once() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let commit = Commit::new(dir.path());
        let record = |n: usize| dir.path().join(format!("state/{n}.json"));
        for n in 0..BATCH {
            assert_eq!(read(&record(0)), None, "before record {n}");
            commit.write(&record(n), b"{}").expect("a record");
        }
        assert!((0..BATCH).all(|n| read(&record(n)).is_some()));
    }

    /// A batch that fails fails the write that started it, and `finish` as well: the sync
    /// must not build feeds as if those records were saved.
    #[test]
    fn a_failed_batch_fails_the_finish_too() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let commit = Commit::new(dir.path());
        let error = fail_a_batch(&commit, dir.path());
        assert!(error.contains("0.json"), "{error}");
        let error = commit.finish().expect_err("finish fails").to_string();
        assert!(error.contains("0.json"), "{error}");
    }

    /// After a batch failed, no later record is put in place: it may name a file of the
    /// failed batch that never reached the disk.
    #[test]
    fn no_record_is_put_in_place_after_a_failed_batch() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let commit = Commit::new(dir.path());
        let part = dir.path().join("x.part");
        std::fs::write(&part, b"audio").expect("a download");
        commit
            .publish(&part, &dir.path().join("media/x.mp3"), 5)
            .expect("a rename");
        fail_a_batch(&commit, dir.path());
        let record = dir.path().join("state/x.json");
        commit.write(&record, b"{}").expect("held");
        assert!(commit.finish().is_err());
        assert_eq!(read(&record), None);
    }

    /// A recording found already in place is synced with the batch of the record that names
    /// it (one that cannot be synced fails the batch, naming it).
    #[test]
    fn an_adopted_file_is_synced_with_the_batch() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let commit = Commit::new(dir.path());
        commit.adopt(&dir.path().join("media/gone.mp3"), 5);
        let record = dir.path().join("state/gone.json");
        commit.write(&record, b"{}").expect("held");
        let error = commit.finish().expect_err("the sync fails").to_string();
        assert!(error.contains("gone.mp3"), "{error}");
        assert_eq!(read(&record), None);
    }
}
