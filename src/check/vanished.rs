//! Feed URLs that disappear: a feed the archive built or published before (a renamed
//! speaker's, a removed feed's) that the catalog no longer produces. Its subscribers would
//! silently stop getting episodes, so it is worth a warning and a way out.

use std::collections::BTreeSet;
use std::path::Path;

use super::{Findings, Severity};
use crate::archive::Archive;
use crate::feed::Document;
use crate::outputs::Kind;

/// Warns about every feed in the last build's manifest or a publish manifest that
/// `documents` no longer include.
pub fn check(archive: &Archive, documents: &[Document<'_>], findings: &mut Findings) {
    let now: BTreeSet<&str> = documents.iter().map(|d| d.path.as_str()).collect();
    let mut before: BTreeSet<String> = archive
        .outputs()
        .of_kind(Kind::Feed)
        .map(|(path, _)| path.to_string())
        .collect();
    before.extend(published_feeds(archive.root().path()));
    for path in before.iter().filter(|path| !now.contains(path.as_str())) {
        let message = format!(
            "`{path}` was built or published before and is no longer produced by the catalog (a renamed speaker or a removed feed?): its subscribers stop getting episodes; redirect its URL (HTTP 301) to the feed that replaces it"
        );
        findings.add(
            Severity::Warning,
            "feed-vanished",
            (Path::new(path), None),
            message,
        );
    }
}

/// The feeds of every publish manifest, as archive paths (`feeds/….xml`).
fn published_feeds(root: &Path) -> Vec<String> {
    crate::publish::published_keys(root)
        .into_iter()
        .filter_map(|key| key.find("feeds/").map(|at| key[at..].to_owned()))
        .filter(|path| {
            std::path::Path::new(path)
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("xml"))
        })
        .collect()
}
