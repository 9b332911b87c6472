//! The published `media/` folder: where a pulled recording or a local asset goes, and its
//! public URL. File names carry a hash of their content, so the bytes behind a published URL
//! never change: a changed recording gets a new name (its GUID stays the same). Every name is
//! an [`ArchivePath`].

use url::Url;

use crate::catalog::{EpisodeId, FeedId};
use crate::confined::ArchivePath;

/// The folder of published files, relative to the archive root.
pub const MEDIA_DIR: &str = "media";

/// How many hex digits of the SHA-256 go into a published file name.
const HASH_DIGITS: usize = 12;

/// The folder a feed's files are published in: `media/<feed>`.
pub fn feed_dir(feed: &FeedId) -> ArchivePath {
    folder(feed.as_str())
}

/// The folder of the speaker feeds' own files: `media/speakers`.
pub fn speakers_dir() -> ArchivePath {
    folder("speakers")
}

fn folder(name: &str) -> ArchivePath {
    ArchivePath::parse(&format!("{MEDIA_DIR}/{name}")).expect("ids are valid path segments")
}

/// The published path of an episode's recording: `media/<feed>/<episode>-<hash>.<ext>`.
pub fn recording_path(
    feed: &FeedId,
    episode: &EpisodeId,
    sha256: &str,
    extension: &str,
) -> ArchivePath {
    let hash = &sha256[..HASH_DIGITS.min(sha256.len())];
    feed_dir(feed)
        .join(&format!("{episode}-{hash}.{extension}"))
        .expect("ids, hashes and extensions are valid path segments")
}

/// The published path of a local asset: `<dir>/<stem>-<hash>.<ext>`.
pub fn asset_path(dir: &ArchivePath, source: &ArchivePath, sha256: &str) -> ArchivePath {
    let hash = &sha256[..HASH_DIGITS.min(sha256.len())];
    let name = source.file_name();
    let name = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{stem}-{hash}.{extension}"),
        _ => format!("{name}-{hash}"),
    };
    dir.join(&name)
        .expect("the file name of an archive path is a valid segment")
}

/// The public URL of a published path.
pub fn public_url(base: &Url, path: &ArchivePath) -> Url {
    let mut url = base.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend(path.segments());
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_join_the_base_path() {
        let base = Url::parse("https://example.org/archive/").unwrap();
        let path = ArchivePath::parse("media/talks/a-0123456789ab.mp3").unwrap();
        let url = public_url(&base, &path);
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
        assert_eq!(path.as_str(), "media/talks/keynote-0123456789ab.opus");
    }
}
