//! Putting a build's outputs on disk: rendered feeds and pages, and copies of local assets.
//! Every file is written atomically, and only when its bytes changed.

use std::collections::{BTreeMap, HashSet};

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
        if !same {
            atomic::write(&root.join(path), text.as_bytes())?;
        }
        let output = Output {
            kind: *kind,
            size,
            sha256,
            inputs: Some(print.clone()),
        };
        Ok::<_, Error>((path.clone(), output, !same))
    })?;
    let mut written = HashSet::new();
    for (path, output, wrote) in results {
        if wrote {
            written.insert(path.clone());
        }
        files.insert(path, output);
    }
    Ok(written)
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
