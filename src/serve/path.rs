//! Which file a request path names: only under `feeds/` and `media/`, only published kinds of
//! file, never a hidden one, never outside the archive (`..`, encoded or not, backslashes,
//! drive letters, NUL, or a symlink that leads elsewhere).

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

/// The folders `serve` serves.
const SERVED: [&str; 2] = ["feeds", "media"];

/// Extensions of files `serve` hands out (catalog TOML and state are not among them).
const PUBLISHED: &[&str] = &[
    "xml", "html", "mp3", "m4a", "ogg", "opus", "flac", "wav", "vtt", "srt", "json", "txt", "png",
    "jpg", "jpeg", "webp", "gif",
];

/// The archive-relative path of a request path, if it is a published file name. Whether the
/// file exists (inside the archive) is [`contained`]'s question.
pub fn relative(request: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(request).decode_utf8().ok()?;
    let trimmed = decoded.strip_prefix('/')?;
    let trimmed = match trimmed {
        "feeds/" | "feeds" => "feeds/index.html",
        other => other,
    };
    if trimmed.contains(['\\', '\0', ':']) {
        return None;
    }
    let segments: Vec<&str> = trimmed.split('/').collect();
    if !SERVED.contains(&segments[0]) || segments.len() < 2 {
        return None;
    }
    if segments.iter().any(|s| s.is_empty() || s.starts_with('.')) {
        return None;
    }
    let extension = Path::new(segments[segments.len() - 1])
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    PUBLISHED
        .contains(&extension.as_str())
        .then(|| segments.iter().collect())
}

/// The real file behind `relative`, if it exists and, symlinks resolved, stays inside its
/// served folder.
pub fn contained(root: &Path, relative: &Path) -> Option<PathBuf> {
    let folder = relative.components().next()?;
    let allowed = root.join(folder).canonicalize().ok()?;
    let real = root.join(relative).canonicalize().ok()?;
    (real.starts_with(&allowed) && real.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_files_under_feeds_and_media() {
        assert_eq!(
            relative("/feeds/talks.xml"),
            Some(PathBuf::from("feeds/talks.xml"))
        );
        assert_eq!(relative("/feeds/"), Some(PathBuf::from("feeds/index.html")));
        assert_eq!(
            relative("/media/talks/a%20b-0123.mp3"),
            Some(PathBuf::from("media/talks/a b-0123.mp3"))
        );
        assert_eq!(
            relative("/feeds/speakers/x.html"),
            Some(PathBuf::from("feeds/speakers/x.html"))
        );
    }

    #[test]
    fn everything_else_is_refused() {
        for path in [
            "/feeds/../Cargo.toml",
            "/feeds/%2e%2e/secret.xml",
            "/media/..%2f..%2fetc/passwd.txt",
            "/media/x\\..\\y.mp3",
            "/media/C:/x.mp3",
            "/media/a%00.mp3",
            "/feeds/talks.toml",
            "/.archive/state/x.json",
            "/media/.archive-tmp-1.mp3",
            "/recordings/a.mp3",
            "/feeds//talks.xml",
            "//etc/passwd",
            "/etc/passwd",
            "/media",
        ] {
            assert_eq!(relative(path), None, "{path}");
        }
    }

    #[test]
    fn symlinks_out_of_the_archive_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("media/talks")).unwrap();
        std::fs::write(outside.path().join("secret.mp3"), b"secret").unwrap();
        std::fs::write(dir.path().join("media/talks/ok.mp3"), b"ok").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.mp3"),
            dir.path().join("media/talks/link.mp3"),
        )
        .unwrap();
        assert!(contained(dir.path(), Path::new("media/talks/ok.mp3")).is_some());
        assert!(contained(dir.path(), Path::new("media/talks/link.mp3")).is_none());
        assert!(contained(dir.path(), Path::new("media/talks/none.mp3")).is_none());
    }

    proptest! {
        /// Whatever the request, an accepted path stays under `feeds/` or `media/` and has no
        /// `..`, `.`-hidden or empty segment.
        #[test]
        fn accepted_paths_never_escape(path in "/[a-z./%2eEfF\\\\:]{0,40}(feeds|media)?/[a-z0-9./%\\\\:-]{0,40}\\.(mp3|xml|toml|json)") {
            if let Some(relative) = relative(&path) {
                let text = relative.to_string_lossy().into_owned();
                prop_assert!(text.starts_with("feeds/") || text.starts_with("media/"), "{text}");
                for component in relative.components() {
                    let part = component.as_os_str().to_string_lossy();
                    prop_assert!(matches!(component, std::path::Component::Normal(_)), "{text}");
                    prop_assert!(!part.starts_with('.') && !part.contains('\\'), "{text}");
                }
            }
        }

        /// Any percent-encoding of `..` is refused.
        #[test]
        fn encoded_dot_dot_is_refused(prefix in "(feeds|media)/[a-z]{1,8}", encoded in "(%2e|%2E|\\.)(%2e|%2E|\\.)(%2f|%2F|/)") {
            let path = format!("/{prefix}/{encoded}x.mp3");
            prop_assert_eq!(relative(&path), None);
        }
    }
}
