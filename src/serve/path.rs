//! What a request names: the archive path of its URL path, and the host it was sent to.
//! Whether the path is something `serve` hands out is the site's question ([`super::site`]):
//! only what the build wrote or would write.

use crate::confined::ArchivePath;

/// The archive path a request path names: `/feeds/` is the index page; everything else is
/// decoded once and checked as any path from outside is ([`ArchivePath::from_url_path`]).
pub fn requested(path: &str) -> Option<ArchivePath> {
    let path = match path {
        "/feeds" | "/feeds/" => "/feeds/index.html",
        other => other,
    };
    ArchivePath::from_url_path(path).ok()
}

/// The `Host` a request was sent to, if it is a valid authority: a name or address and an
/// optional port, nothing that could end a URL or an attribute it is written into.
pub fn host(value: &str) -> Option<&str> {
    let valid = !value.is_empty()
        && value.len() <= 255
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        && value.parse::<hyper::http::uri::Authority>().is_ok()
        // A URL can be made of it: a host that is not empty, a port that fits in 16 bits.
        && url::Url::parse(&format!("http://{value}/"))
            .is_ok_and(|url| url.host_str().is_some_and(|host| !host.is_empty()));
    valid.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_index_and_published_paths() {
        let path = |text| requested(text).map(|p| p.to_string());
        assert_eq!(path("/feeds/"), Some("feeds/index.html".into()));
        assert_eq!(path("/feeds/talks.xml"), Some("feeds/talks.xml".into()));
        assert_eq!(
            path("/media/talks/a%20b-0123.mp3"),
            Some("media/talks/a b-0123.mp3".into())
        );
    }

    #[test]
    fn paths_out_of_the_archive_are_refused() {
        for path in [
            "/feeds/../Cargo.toml",
            "/feeds/%2e%2e/secret.xml",
            "/media/..%2f..%2fetc/passwd.txt",
            "/media/x\\..\\y.mp3",
            "/C:/x.mp3",
            "/media/a%00.mp3",
            "/.archive/state/x.json",
            "/media/.archive-tmp-1.mp3",
            "//etc/passwd/..",
        ] {
            assert_eq!(requested(path), None, "{path}");
        }
    }

    #[test]
    fn hosts_must_be_authorities() {
        for good in [
            "127.0.0.1:8080",
            "localhost",
            "[::1]:8080",
            "phone.lan",
            "a-b.example.org",
        ] {
            assert_eq!(host(good), Some(good));
        }
        for bad in [
            "",
            "\"><script>",
            "a b",
            "x/y",
            "user@host",
            "host?x",
            "host#x",
            "ex%41mple.org",
            "[]",
            ":80",
            "1.2.3.4:99999",
        ] {
            assert_eq!(host(bad), None, "{bad}");
        }
    }

    proptest! {
        /// Whatever the request, an accepted path has only plain segments.
        #[test]
        fn requested_paths_never_escape(path in "/[a-z./%2eEfF\\\\:]{0,40}(feeds|media)?/[a-z0-9./%\\\\:-]{0,40}") {
            if let Some(relative) = requested(&path) {
                for segment in relative.segments() {
                    prop_assert!(segment != ".." && !segment.starts_with('.'), "{relative}");
                    prop_assert!(!segment.contains('\\') && !segment.is_empty(), "{relative}");
                }
            }
        }
    }
}
