//! The published `media/` folder: where a pulled recording or a local asset goes, and its
//! public URL. File names carry a hash of their content, so the bytes behind a published URL
//! never change: a changed recording gets a new name (its GUID stays the same).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use url::Url;

use crate::catalog::{EpisodeId, FeedId};
use crate::{Error, atomic};

/// The folder of published files, relative to the archive root.
pub const MEDIA_DIR: &str = "media";

/// How many hex digits of the SHA-256 go into a published file name.
const HASH_DIGITS: usize = 12;

/// The folder a feed's files are published in, relative to the archive root.
pub fn feed_dir(feed: &FeedId) -> PathBuf {
    Path::new(MEDIA_DIR).join(feed.as_str())
}

/// The published path of an episode's recording: `media/<feed>/<episode>-<hash>.<ext>`.
pub fn recording_path(
    feed: &FeedId,
    episode: &EpisodeId,
    sha256: &str,
    extension: &str,
) -> PathBuf {
    let hash = &sha256[..HASH_DIGITS.min(sha256.len())];
    feed_dir(feed).join(format!("{episode}-{hash}.{extension}"))
}

/// The public URL of a published path (relative to the archive root).
pub fn public_url(base: &Url, path: &Path) -> Url {
    let relative: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut url = base.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend(relative);
    }
    url
}

/// Publishes a local file (cover art, a transcript) under `<dir>/<stem>-<hash>.<ext>`, copying
/// it only if that name does not exist yet and `write` is set. Returns the published path.
pub fn publish_asset(
    root: &Path,
    dir: &Path,
    source: &Path,
    write: bool,
) -> Result<PathBuf, Error> {
    let full = root.join(source);
    let bytes = std::fs::read(&full).map_err(|err| Error::Read {
        path: source.to_owned(),
        source: err,
    })?;
    let hash = hex::encode(Sha256::digest(&bytes));
    let stem = source
        .file_stem()
        .map_or_else(|| "asset".into(), |s| s.to_string_lossy().into_owned());
    let name = match source.extension() {
        Some(ext) => format!("{stem}-{}.{}", &hash[..HASH_DIGITS], ext.to_string_lossy()),
        None => format!("{stem}-{}", &hash[..HASH_DIGITS]),
    };
    let published = dir.join(name);
    if write && !root.join(&published).is_file() {
        atomic::write(&root.join(&published), &bytes)?;
    }
    Ok(published)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_join_the_base_path() {
        let base = Url::parse("https://example.org/archive/").unwrap();
        let url = public_url(&base, Path::new("media/talks/a-0123456789ab.mp3"));
        assert_eq!(
            url.as_str(),
            "https://example.org/archive/media/talks/a-0123456789ab.mp3"
        );
    }

    #[test]
    fn recording_names_carry_the_content_hash() {
        let feed = FeedId::parse("talks").unwrap();
        let episode = EpisodeId::parse("keynote").unwrap();
        let path = recording_path(&feed, &episode, "0123456789abcdef", "opus");
        assert_eq!(path, Path::new("media/talks/keynote-0123456789ab.opus"));
    }
}
