//! Local sources: a recording under the archive root, copied into `media/`.
//!
//! It is copied, not linked: a hard link would let an in-place edit of the source change the
//! bytes behind a published URL.

use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

use super::{FetchError, Pulled, PulledFile};
use crate::confined::{ArchivePath, OpenError, Root};
use crate::probe::{StreamProbe, sniff};
use crate::state::Validators;

/// The validators of a local file: size and modification time.
pub fn validators(root: &Root, path: &ArchivePath) -> Result<Validators, FetchError> {
    let metadata = root.metadata(path).map_err(open_error)?;
    let modified_ns = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Ok(Validators::Local {
        size: metadata.len(),
        modified_ns,
    })
}

/// A missing local recording is like a 404; a symlink out of the archive is refused.
fn open_error(err: OpenError) -> FetchError {
    match err {
        OpenError::Missing(path) => FetchError::MissingLocal(path.to_string()),
        other => FetchError::Local(other.to_string()),
    }
}

/// Copies `path` into a temp file in `dir`, hashing it on the way.
pub fn copy(root: &Root, path: &ArchivePath, dir: &Path) -> Result<Pulled, FetchError> {
    let read_error = |source| FetchError::Read {
        path: path.to_string(),
        source,
    };
    let write_error = |source| FetchError::Write {
        path: dir.display().to_string(),
        source,
    };
    let (mut input, _) = root.open(path).map_err(open_error)?;
    let temp =
        crate::atomic::temp_in(dir).map_err(|err| write_error(std::io::Error::other(err)))?;
    let mut output = BufWriter::new(temp.as_file());
    let mut hasher = Sha256::new();
    let mut probe = StreamProbe::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buffer).map_err(read_error)?;
        if n == 0 {
            break;
        }
        if size == 0 {
            sniff::looks_like_audio(&buffer[..n.min(sniff::SNIFF_LEN)])
                .map_err(FetchError::NotAudio)?;
        }
        hasher.update(&buffer[..n]);
        probe.feed(&buffer[..n]);
        output.write_all(&buffer[..n]).map_err(write_error)?;
        size += n as u64;
    }
    output.flush().map_err(write_error)?;
    drop(output);
    if size == 0 {
        return Err(FetchError::Empty);
    }
    let sha256 = hex::encode(hasher.finalize());
    Ok(Pulled::new(PulledFile::Temp(temp), size, sha256, probe))
}
