//! Putting a build's outputs on disk: rendered feeds and pages, and copies of local assets.
//! Every file is written atomically, and only when its bytes changed.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;

use sha2::{Digest, Sha256};

use crate::assets::{Assets, MAX_ASSET};
use crate::confined::{ArchivePath, Root};
use crate::outputs::{Kind, Output, Outputs};
use crate::{Error, atomic};

/// Whether the output at `path` is on disk with the size the manifest gives it.
pub fn present(root: &Root, path: &ArchivePath, size: u64) -> bool {
    std::fs::symlink_metadata(root.join(path)).is_ok_and(|m| m.is_file() && m.len() == size)
}

/// Writes each rendered file whose bytes differ from the last build's, and lists every one
/// in `files`. Returns the paths written.
pub fn rendered(
    root: &Root,
    previous: &Outputs,
    rendered: &[(ArchivePath, Kind, String, String)],
    files: &mut BTreeMap<ArchivePath, Output>,
) -> Result<HashSet<ArchivePath>, Error> {
    let results = crate::parallel::map(rendered, |(path, kind, print, text)| {
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        let size = text.len() as u64;
        let same = previous
            .files
            .get(path)
            .is_some_and(|old| old.sha256 == sha256 && present(root, path, size));
        let output = Output {
            kind: *kind,
            size,
            sha256,
            inputs: Some(print.clone()),
        };
        Ok::<_, Error>((path.clone(), output, !same))
    })?;
    let changed: Vec<(&ArchivePath, &str)> = results
        .iter()
        .zip(rendered)
        .filter(|((_, _, wrote), _)| *wrote)
        .map(|((path, _, _), (_, _, _, text))| (path, text.as_str()))
        .collect();
    write_all(root, &changed)?;
    let mut written = HashSet::new();
    for (path, output, wrote) in results {
        if wrote {
            written.insert(path.clone());
        }
        files.insert(path, output);
    }
    Ok(written)
}

/// Above this many files, [`write_all`] makes them durable together.
const BATCH: usize = 32;

/// Puts `files` in place, each atomically. A few are written one by one; many (the pages of
/// every speech) go to temp files first, are made durable with one `syncfs` instead of an
/// fsync each, renamed into place, and each folder is fsynced once: the same guarantee
/// (old or new bytes, never torn) for a fraction of the time.
fn write_all(root: &Root, files: &[(&ArchivePath, &str)]) -> Result<(), Error> {
    if files.len() <= BATCH || !cfg!(target_os = "linux") {
        crate::parallel::map(files, |(path, text)| {
            atomic::write(&root.join(path), text.as_bytes())
        })?;
        return Ok(());
    }
    let temps = crate::parallel::map(files, |(path, text)| {
        let target = root.join(path);
        let dir = target.parent().unwrap_or(root.path());
        let mut temp = atomic::temp_in(dir)?;
        temp.write_all(text.as_bytes())
            .map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
        Ok::<_, Error>((temp.into_temp_path(), target))
    })?;
    sync_filesystem(root.path())?;
    let mut dirs = std::collections::BTreeSet::new();
    for (temp, target) in temps {
        temp.persist(&target).map_err(|err| Error::Write {
            path: target.clone(),
            source: err.error,
        })?;
        dirs.extend(target.parent().map(std::path::Path::to_owned));
    }
    for dir in dirs {
        atomic::sync_dir(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
    }
    Ok(())
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
