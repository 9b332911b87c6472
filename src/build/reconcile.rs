//! After a build the output folders hold exactly what its manifest lists: a feed or page the
//! catalog no longer produces (a renamed speaker, a removed feed), an asset or recording no
//! output names any more, is deleted. Only generated kinds of file are looked at in `feeds/`:
//! pages and feeds (`.html`, `.xml`) and the search's scripts (`feeds/search.js` and `.js`
//! under `feeds/search/`: a script of the user's elsewhere in `feeds/` is left alone). The
//! catalog's TOML files and any file it names are never touched; `media/` is generated as a
//! whole. Symlinks are removed as links, never followed.

use std::path::Path;

use crate::confined::{ArchivePath, Root};
use crate::media::MEDIA_DIR;
use crate::outputs::Outputs;
use crate::{Error, atomic};

/// Extensions of the files a build writes into `feeds/`.
const GENERATED: &[&str] = &["xml", "html"];

/// Deletes every file in the output folders that `outputs` does not list and `in_scope`
/// accepts; returns them, sorted.
pub fn delete_stale(
    root: &Root,
    previous: &Outputs,
    outputs: &Outputs,
    in_scope: impl Fn(&ArchivePath) -> bool,
) -> Result<Vec<ArchivePath>, Error> {
    let mut found = Vec::new();
    walk(root.path(), "feeds", &mut found);
    walk(root.path(), MEDIA_DIR, &mut found);
    found.extend(previous.files.keys().cloned());
    found.sort();
    found.dedup();
    let mut deleted = Vec::new();
    for path in found {
        let generated = path.is_under(MEDIA_DIR)
            || crate::search::is_search_file(&path)
            || path
                .extension()
                .is_some_and(|e| GENERATED.contains(&e.as_str()));
        // A file the catalog names (an HTML transcript kept in `feeds/`) is a source.
        let source = outputs.sources.contains_key(&path);
        if !generated || source || outputs.files.contains_key(&path) || !in_scope(&path) {
            continue;
        }
        let folder = path.parent().map(|dir| dir.as_path().to_owned());
        if !root.is_real_dir(&folder.unwrap_or_default()) {
            tracing::warn!("left `{path}` alone: its folder is a symlink");
            continue;
        }
        match std::fs::remove_file(root.join(&path)) {
            Ok(()) => deleted.push(path),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Write {
                    path: path.as_path().to_owned(),
                    source,
                });
            }
        }
    }
    for dir in deleted.iter().filter_map(ArchivePath::parent) {
        // A folder left empty (a removed feed's media) goes too; a folder in use stays.
        if std::fs::remove_dir(root.join(&dir)).is_ok()
            && let Some(parent) = dir.parent()
        {
            let _ = atomic::sync_dir(&root.join(&parent));
        }
    }
    Ok(deleted)
}

/// Every visible file under `dir` (not following symlinked folders), as archive paths.
fn walk(root: &Path, dir: &str, found: &mut Vec<ArchivePath>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Ok(path) = ArchivePath::parse(&format!("{dir}/{name}")) else {
            continue;
        };
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => walk(root, path.as_str(), found),
            Ok(_) => found.push(path),
            Err(_) => {}
        }
    }
}
