//! Putting a build's outputs on disk: rendered feeds and pages, and copies of local assets.
//! Every file is written atomically, and only when its bytes changed; rendered outputs are
//! written batch by batch as the build renders them ([`Writer`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::assets::{Assets, MAX_ASSET};
use crate::confined::{ArchivePath, Root};
use crate::outputs::{Kind, Output, Outputs};
use crate::{Error, atomic};

/// Whether the output at `path` is on disk with the size the manifest gives it.
pub fn present(root: &Root, path: &ArchivePath, size: u64) -> bool {
    std::fs::symlink_metadata(root.join(path)).is_ok_and(|m| m.is_file() && m.len() == size)
}

/// One rendered feed or page: where it goes, what it is, the fingerprint of its inputs, and
/// its text.
pub struct Rendered {
    pub path: ArchivePath,
    pub kind: Kind,
    pub print: String,
    pub text: String,
}

/// Above this many files, a [`Writer`] makes them durable together.
const BATCH: usize = 32;

/// Up to this many temp files are fsynced one by one (in parallel) rather than with `syncfs`,
/// which also flushes what other programs wrote to the filesystem: a sync of a few hundred
/// episodes (a page and a passages file each) must not wait for the writeback of someone
/// else's gigabytes. A first build of a large archive (30,000 files for 10,000 episodes)
/// is faster with one `syncfs`.
const SYNC_EACH: usize = 2048;

/// Puts a build's rendered outputs on disk as they come, batch by batch, each file only when
/// its bytes changed, and lists every one.
///
/// A few files are written one by one, each atomically. Many (the pages of every speech) go
/// to temp files beside their targets as they come; [`Writer::finish`] makes them durable
/// together (an fsync each, in parallel, or one `syncfs` above [`SYNC_EACH`]), renames them
/// into place and fsyncs each folder once: the same guarantee (old or new bytes, never torn)
/// for a fraction of the time, and the text of a batch is dropped once it is in its temp
/// file. A build that stops before `finish` leaves only temp files, which the next run
/// sweeps.
pub struct Writer<'w> {
    root: &'w Root,
    previous: &'w Outputs,
    together: bool,
    temps: Vec<(tempfile::TempPath, PathBuf)>,
    /// Every output put, written or already current.
    pub files: BTreeMap<ArchivePath, Output>,
    /// The outputs whose bytes changed.
    pub written: HashSet<ArchivePath>,
}

impl<'w> Writer<'w> {
    /// A writer for about `expected` outputs.
    pub fn new(root: &'w Root, previous: &'w Outputs, expected: usize) -> Self {
        Self {
            root,
            previous,
            together: expected > BATCH && cfg!(target_os = "linux"),
            temps: Vec::new(),
            files: BTreeMap::new(),
            written: HashSet::new(),
        }
    }

    /// Writes the outputs of `batch` whose bytes differ from the last build's, spread over
    /// the cores.
    pub fn put(&mut self, batch: Vec<Rendered>) -> Result<(), Error> {
        let (root, previous, together) = (self.root, self.previous, self.together);
        let results = crate::parallel::map(&batch, |rendered| {
            let text = rendered.text.as_bytes();
            let sha256 = hex::encode(Sha256::digest(text));
            let same = previous.files.get(&rendered.path).is_some_and(|old| {
                old.sha256 == sha256 && present(root, &rendered.path, text.len() as u64)
            });
            let target = root.join(&rendered.path);
            let temp = match (same, together) {
                (true, _) => None,
                (false, true) => Some((write_temp(&target, text)?, target)),
                (false, false) => {
                    atomic::write(&target, text)?;
                    None
                }
            };
            Ok::<_, Error>((sha256, !same, temp))
        })?;
        for (rendered, (sha256, wrote, temp)) in batch.into_iter().zip(results) {
            self.temps.extend(temp);
            if wrote {
                self.written.insert(rendered.path.clone());
            }
            let output = Output {
                kind: rendered.kind,
                size: rendered.text.len() as u64,
                sha256,
                inputs: Some(rendered.print),
            };
            self.files.insert(rendered.path, output);
        }
        Ok(())
    }

    /// Makes every file written durable and puts it in place; returns the outputs put and
    /// those written.
    pub fn finish(self) -> Result<(BTreeMap<ArchivePath, Output>, HashSet<ArchivePath>), Error> {
        if !self.temps.is_empty() {
            // Often only a few of the outputs planned have new bytes (a change to one
            // episode): an fsync each then, rather than flushing the whole filesystem.
            if self.temps.len() > SYNC_EACH {
                sync_filesystem(self.root.path())?;
            } else {
                crate::parallel::map(&self.temps, |(temp, target)| {
                    sync_file(temp).map_err(|source| Error::Write {
                        path: target.clone(),
                        source,
                    })
                })?;
            }
            let mut dirs = BTreeSet::new();
            for (temp, target) in self.temps {
                temp.persist(&target).map_err(|err| Error::Write {
                    path: target.clone(),
                    source: err.error,
                })?;
                dirs.extend(target.parent().map(Path::to_owned));
            }
            for dir in dirs {
                atomic::sync_dir(&dir).map_err(|source| Error::Write {
                    path: dir.clone(),
                    source,
                })?;
            }
        }
        Ok((self.files, self.written))
    }
}

/// Flushes the file at `path` to disk.
fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.sync_all()
}

/// Writes `text` to a temp file beside `target`, not yet durable, and asks the kernel to
/// start writing it out, so the fsync at the end mostly finds it on disk.
fn write_temp(target: &Path, text: &[u8]) -> Result<tempfile::TempPath, Error> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut temp = atomic::temp_in(dir)?;
    temp.write_all(text).map_err(|source| Error::Write {
        path: target.to_owned(),
        source,
    })?;
    atomic::start_writeback(temp.as_file(), 0, 0);
    Ok(temp.into_temp_path())
}

/// Flushes every written file of the filesystem that holds `root` to disk.
fn sync_filesystem(root: &std::path::Path) -> Result<(), Error> {
    let error = |source| Error::Write {
        path: root.to_owned(),
        source,
    };
    let dir = std::fs::File::open(root).map_err(error)?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd as _;
        // SAFETY: `dir` is an open file descriptor for the duration of the call.
        if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
            return Err(error(std::io::Error::last_os_error()));
        }
    }
    #[cfg(not(target_os = "linux"))]
    drop(dir);
    Ok(())
}

/// Copies every asset named during the build that is not in place yet, and lists every one
/// in `files`. Returns how many were copied.
pub fn assets(
    root: &Root,
    assets: &Assets<'_>,
    files: &mut BTreeMap<ArchivePath, Output>,
) -> Result<usize, Error> {
    let named: Vec<_> = assets.named().into_iter().collect();
    let copied = crate::parallel::map(&named, |(published, source)| {
        let hashed = assets.hash(source)?;
        let output = Output {
            kind: Kind::Asset,
            size: hashed.size,
            sha256: hashed.sha256.clone(),
            inputs: None,
        };
        if present(root, published, hashed.size) {
            return Ok::<_, Error>((published.clone(), output, false));
        }
        let bytes = root.read(source, MAX_ASSET)?;
        if hex::encode(Sha256::digest(&bytes)) != hashed.sha256 {
            return Err(Error::ChangedOnDisk {
                path: source.as_path().to_owned(),
            });
        }
        atomic::write(&root.join(published), &bytes)?;
        Ok((published.clone(), output, true))
    })?;
    let mut count = 0;
    for (path, output, copied) in copied {
        count += usize::from(copied);
        files.insert(path, output);
    }
    Ok(count)
}
