//! Cleaning up after a run that was killed: temp files that never got renamed, and partial
//! downloads of episodes that are no longer in the catalog. Runs under the archive lock, so
//! no other process can be writing the files it removes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::atomic::TEMP_PREFIX;
use crate::catalog::Catalog;
use crate::confined::Root;
use crate::fetch::partial::PARTIAL_DIR;
use crate::media::MEDIA_DIR;
use crate::publish::MANIFEST_DIR;
use crate::state::STATE_DIR;

/// Removes leftovers and returns the paths removed.
pub fn sweep(root: &Path, catalog: &Catalog) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(archive) = Root::new(root) else {
        return removed;
    };
    // A symlinked folder is never swept: it could lead to files outside the archive.
    let real = |dir: &PathBuf| {
        dir.strip_prefix(root)
            .is_ok_and(|relative| archive.is_real_dir(relative))
    };
    let mut dirs = vec![root.join(".archive")];
    for parent in ["feeds", MEDIA_DIR, STATE_DIR, PARTIAL_DIR, MANIFEST_DIR] {
        dirs.push(root.join(parent));
        dirs.extend(subdirectories(&root.join(parent)));
    }
    // Pages and the search index have folders a level down (`feeds/search/<feed>/`,
    // `feeds/<feed>/events/`), written through temp files too.
    for dir in subdirectories(&root.join("feeds")) {
        dirs.extend(subdirectories(&dir));
    }
    for dir in dirs.iter().filter(|dir| real(dir)) {
        // By name first: the folders of a large archive's pages hold thousands of files.
        for (path, is_dir) in entries(dir) {
            let is_temp = path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(TEMP_PREFIX));
            if is_temp && !is_dir && std::fs::remove_file(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    let wanted: HashSet<(String, String)> = catalog
        .feeds
        .iter()
        .flat_map(|feed| {
            feed.episodes
                .iter()
                .map(|episode| (feed.id.to_string(), episode.id.to_string()))
        })
        .collect();
    for dir in subdirectories(&root.join(PARTIAL_DIR))
        .iter()
        .filter(|dir| real(dir))
    {
        let feed = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for path in files(dir) {
            let episode = path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !wanted.contains(&(feed.clone(), episode)) && std::fs::remove_file(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    removed
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter_map(|(path, is_dir)| is_dir.then_some(path))
        .collect()
}

/// Everything in `dir` but folders (a symlink is not followed, and its name is what counts).
fn files(dir: &Path) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter_map(|(path, is_dir)| (!is_dir).then_some(path))
        .collect()
}

/// The entries of `dir` and whether each is a real folder, from the listing itself (no
/// `stat` per entry: folders of thousands of recordings are listed on every run).
fn entries(dir: &Path) -> Vec<(PathBuf, bool)> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| {
                    let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
                    (entry.path(), is_dir)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build killed while writing event pages or the search's passages left temp files
    /// two folders under `feeds/`, which no run removed.
    #[test]
    fn temp_files_of_event_pages_and_passages_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let deep = [
            format!("feeds/talks/events/{TEMP_PREFIX}a"),
            format!("feeds/search/talks/{TEMP_PREFIX}b"),
            format!("feeds/talks/{TEMP_PREFIX}c"),
        ];
        for path in &deep {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, b"half").unwrap();
        }
        std::fs::write(root.join("feeds/talks/events/kept.html"), b"page").unwrap();
        let catalog = Catalog {
            speakers: std::collections::BTreeMap::new(),
            speaker_feeds: crate::catalog::SpeakerFeeds::default(),
            feeds: Vec::new(),
        };
        let mut removed = sweep(root, &catalog);
        removed.sort();
        let mut expected: Vec<PathBuf> = deep.iter().map(|path| root.join(path)).collect();
        expected.sort();
        assert_eq!(removed, expected);
        assert!(root.join("feeds/talks/events/kept.html").exists());
    }
}
