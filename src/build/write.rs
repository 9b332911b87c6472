//! Putting a build's outputs on disk: rendered feeds and pages, and copies of local assets.
//! Every file is written atomically, and only when its bytes changed; rendered outputs are
//! written batch by batch as the build renders them ([`Writer`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::assets::{Assets, MAX_ASSET};
use crate::commit::Commit;
use crate::confined::{ArchivePath, Root};
use crate::feed::text::Pieces;
use crate::outputs::{Kind, Output, Outputs};
use crate::{Error, atomic};

/// Whether every one of `files` is on disk with its size, as [`present`] says. Each folder
/// is opened once and its files are looked up in it: a no-op build checks 30,000 outputs.
pub fn all_present(root: &Root, files: &[(Cow<'_, ArchivePath>, u64)]) -> bool {
    let mut folder: Option<(&str, std::fs::File)> = None;
    files.iter().all(|(path, size)| {
        let (parent, name) = path
            .as_str()
            .rsplit_once('/')
            .unwrap_or(("", path.as_str()));
        let open = match folder.take() {
            Some((open, dir)) if open == parent => (open, dir),
            _ => match std::fs::File::open(root.path().join(parent)) {
                Ok(dir) => (parent, dir),
                Err(_) => return false,
            },
        };
        let found = rustix::fs::statat(&open.1, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW);
        folder = Some(open);
        found.is_ok_and(|stat| {
            rustix::fs::FileType::from_raw_mode(stat.st_mode) == rustix::fs::FileType::RegularFile
                && u64::try_from(stat.st_size) == Ok(*size)
        })
    })
}

/// Whether the output at `path` is on disk with the size the manifest gives it.
pub fn present(root: &Root, path: &ArchivePath, size: u64) -> bool {
    std::fs::symlink_metadata(root.join(path)).is_ok_and(|m| m.is_file() && m.len() == size)
}

/// One rendered feed or page: where it goes, what it is, the fingerprint of its inputs, and
/// its text, in pieces written one after the other (a feed's items are not put together in
/// memory).
pub struct Rendered<'t> {
    pub path: ArchivePath,
    pub kind: Kind,
    pub print: String,
    pub text: Pieces<'t>,
}

impl Rendered<'_> {
    fn len(&self) -> u64 {
        self.text.iter().map(|piece| piece.len() as u64).sum()
    }

    fn sha256(&self) -> String {
        let mut hasher = Sha256::new();
        for piece in &self.text {
            hasher.update(piece.as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// Above this many files, a [`Writer`] makes them durable together.
const BATCH: usize = 32;

/// Puts a build's rendered outputs on disk as they come, batch by batch, each file only when
/// its bytes changed, and lists every one.
///
/// A few files are written one by one, each atomically. Many (the pages of every speech) go
/// to temp files beside their targets as they come, held by a [`Commit`]; [`Writer::finish`]
/// makes them durable together, renames them into place and fsyncs each folder once: the
/// same guarantee (old or new bytes, never torn) for a fraction of the time, and the text of
/// a batch is dropped once it is in its temp file. A build that stops before `finish` leaves
/// only temp files, which the next run sweeps.
pub struct Writer<'w> {
    root: &'w Root,
    previous: &'w Outputs,
    together: bool,
    /// The temp files written, until `finish`.
    commit: Commit,
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
            commit: Commit::new(root.path()),
            files: BTreeMap::new(),
            written: HashSet::new(),
        }
    }

    /// Writes the outputs of `batch` whose bytes differ from the last build's, spread over
    /// the cores.
    pub fn put(&mut self, batch: Vec<Rendered<'_>>) -> Result<(), Error> {
        let (root, previous, together) = (self.root, self.previous, self.together);
        let results = crate::parallel::map(&batch, |rendered| {
            let sha256 = rendered.sha256();
            let same = previous.files.get(&rendered.path).is_some_and(|old| {
                old.sha256 == sha256 && present(root, &rendered.path, rendered.len())
            });
            let target = root.join(&rendered.path);
            let temp = match (same, together) {
                (true, _) => None,
                (false, true) => Some((write_temp(&target, &rendered.text)?, target)),
                (false, false) => {
                    atomic::write(&target, rendered.text.concat().as_bytes())?;
                    None
                }
            };
            Ok::<_, Error>((sha256, !same, temp))
        })?;
        for (rendered, (sha256, wrote, temp)) in batch.into_iter().zip(results) {
            if let Some((temp, target)) = temp {
                self.commit.hold(temp, target, rendered.len());
            }
            if wrote {
                self.written.insert(rendered.path.clone());
            }
            let output = Output {
                kind: rendered.kind,
                size: rendered.len(),
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
        self.commit.finish()?;
        Ok((self.files, self.written))
    }
}

/// Writes `text` to a temp file beside `target`, not yet durable; a large one the kernel is
/// asked to start writing out, so the sync at the end mostly finds it on disk.
fn write_temp(target: &Path, text: &[Cow<'_, str>]) -> Result<tempfile::TempPath, Error> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let temp = atomic::temp_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(WRITE_BUFFER, temp);
    let written = text
        .iter()
        .try_for_each(|piece| out.write_all(piece.as_bytes()))
        .and_then(|()| {
            out.into_inner()
                .map_err(std::io::IntoInnerError::into_error)
        });
    let temp = written.map_err(|source| Error::Write {
        path: target.to_owned(),
        source,
    })?;
    let len = text.iter().map(|piece| piece.len() as u64).sum();
    atomic::start_writeback_if_large(temp.as_file(), len);
    Ok(temp.into_temp_path())
}

/// The buffer a text in pieces is written through.
const WRITE_BUFFER: usize = 256 * 1024;

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
