//! The media types and caching of published files, the same for `serve` and `publish`.

use std::path::Path;

/// The media type of a published file, from its extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    // Recordings: the types their probed containers are published under.
    if let Some((_, audio)) = crate::probe::PUBLISHED_TYPES
        .iter()
        .find(|(known, _)| *known == extension)
    {
        return audio;
    }
    match extension.as_str() {
        "xml" => "application/rss+xml; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "srt" => "application/x-subrip",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        _ => "application/octet-stream",
    }
}

/// `Cache-Control` of a published file: what is under `media/` never changes (its name carries
/// a hash of its content); feeds and pages do.
pub fn cache_control(path: &Path) -> &'static str {
    if path.iter().any(|part| part == "media") {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_podcast_apps_expect() {
        assert_eq!(content_type(Path::new("media/x/a.m4a")), "audio/mp4");
        assert_eq!(content_type(Path::new("media/x/a.opus")), "audio/ogg");
        assert_eq!(content_type(Path::new("media/x/a.webm")), "audio/webm");
        assert_eq!(content_type(Path::new("media/x/a.aac")), "audio/aac");
        assert_eq!(
            content_type(Path::new("feeds/x.xml")),
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(
            cache_control(Path::new("media/x/a.vtt")),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control(Path::new("feeds/x.html")),
            "public, max-age=300"
        );
    }
}
