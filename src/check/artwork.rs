//! Artwork as Apple Podcasts wants it: JPEG or PNG, square, 1400 to 3000 pixels a side, with
//! an extension that matches its content.

use std::path::Path;

use super::Severity;
use crate::catalog::Source;

/// Largest artwork read.
const MAX_ARTWORK: u64 = 64 * 1024 * 1024;

/// Problems with the artwork at `source`; a URL cannot be checked offline and is noted.
pub fn problems(root: &Path, source: &Source) -> Vec<(Severity, String)> {
    let path = match source {
        Source::Remote(url) => {
            let note = format!("artwork `{url}` is remote and was not checked");
            return vec![(Severity::Note, note)];
        }
        Source::Local(path) => path,
    };
    let shown = path;
    let bytes = match crate::confined::read(root, path, MAX_ARTWORK) {
        Ok(bytes) => bytes,
        Err(err) => {
            return vec![(Severity::Error, format!("artwork: {err}"))];
        }
    };
    let kind = match imagesize::image_type(&bytes) {
        Ok(imagesize::ImageType::Jpeg) => "jpeg",
        Ok(imagesize::ImageType::Png) => "png",
        _ => {
            return vec![(
                Severity::Error,
                format!("artwork `{shown}` is not a JPEG or PNG image"),
            )];
        }
    };
    let mut found = Vec::new();
    let extension = path.extension().unwrap_or_default();
    let matches = match kind {
        "jpeg" => matches!(extension.as_str(), "jpg" | "jpeg"),
        _ => extension == "png",
    };
    if !matches {
        found.push((
            Severity::Error,
            format!("artwork `{shown}` is a {kind} image but its extension says `.{extension}`"),
        ));
    }
    if let Ok(size) = imagesize::blob_size(&bytes) {
        let (width, height) = (size.width, size.height);
        if width != height {
            found.push((
                Severity::Error,
                format!("artwork `{shown}` is {width}x{height}; it must be square"),
            ));
        }
        if !(1400..=3000).contains(&width) || !(1400..=3000).contains(&height) {
            found.push((
                Severity::Error,
                format!(
                    "artwork `{shown}` is {width}x{height}; it must be 1400 to 3000 pixels a side"
                ),
            ));
        }
    }
    found
}
