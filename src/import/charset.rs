//! Decoding a page's bytes into text in the encoding it declares, as browsers do (the HTML
//! standard's encoding sniffing): a byte order mark, else the `charset` of the
//! `Content-Type` header, else a `<meta charset>` or `<meta http-equiv="Content-Type">` in
//! the first 1024 bytes, else UTF-8. Bytes invalid in that encoding become U+FFFD.

use std::time::{Duration, Instant};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};
use scraper::Selector;

/// How far into the page a `<meta>` declaration is looked for.
const PRESCAN: usize = 1024;

/// The text of `bytes`, served with the `Content-Type` header `content_type` (if any).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let encoding = content_type
        .and_then(charset_parameter)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| declared_in_meta(bytes))
        .unwrap_or(UTF_8);
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// The `charset` parameter of a media type: `text/html; charset="iso-8859-1"` →
/// `iso-8859-1`.
pub fn charset_parameter(media_type: &str) -> Option<String> {
    media_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
            .filter(|value| !value.is_empty())
    })
}

/// The encoding a `<meta>` in the first [`PRESCAN`] bytes declares. The bytes are read as
/// windows-1252, which keeps every ASCII byte as it is, and parsed as HTML.
fn declared_in_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let start = &bytes[..bytes.len().min(PRESCAN)];
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(start);
    let deadline = Instant::now() + Duration::from_secs(10);
    let document = super::html::parse(&text, deadline).ok()?.document;
    let metas = Selector::parse("meta").ok()?;
    let label = document.select(&metas).find_map(|meta| {
        let meta = meta.value();
        if let Some(charset) = meta.attr("charset") {
            return Some(charset.trim().to_owned());
        }
        let content_type = meta
            .attr("http-equiv")
            .is_some_and(|name| name.trim().eq_ignore_ascii_case("content-type"));
        if content_type {
            return meta.attr("content").and_then(charset_parameter);
        }
        None
    })?;
    // A page cannot declare UTF-16 from inside ASCII-compatible bytes; the standard reads it
    // as UTF-8, and `x-user-defined` as windows-1252.
    Encoding::for_label(label.as_bytes()).map(|encoding| {
        if encoding == UTF_16BE || encoding == UTF_16LE {
            UTF_8
        } else if encoding == X_USER_DEFINED {
            WINDOWS_1252
        } else {
            encoding
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_the_charset() {
        let latin1 = b"<p>Zo\xeb \xc6sop</p>";
        assert_eq!(
            decode(latin1, Some("text/html; charset=ISO-8859-1")),
            "<p>Zoë Æsop</p>"
        );
        assert_eq!(
            charset_parameter("text/html;charset=\"Shift_JIS\"").as_deref(),
            Some("Shift_JIS")
        );
        assert_eq!(charset_parameter("text/html"), None);
    }

    #[test]
    fn a_meta_names_the_charset_when_the_header_does_not() {
        let page = b"<html><head><meta charset=\"windows-1252\"></head><p>\x93Zo\xeb\x94</p>";
        assert!(decode(page, Some("text/html")).ends_with("<p>“Zoë”</p>"));
        let page = b"<meta http-equiv=\"content-type\" content=\"text/html; charset=shift_jis\">\x93\xfa\x96\x7b";
        assert!(decode(page, None).ends_with("日本"));
    }

    #[test]
    fn a_byte_order_mark_wins_and_utf8_is_the_default() {
        assert_eq!(
            decode(
                b"\xef\xbb\xbfZo\xc3\xab",
                Some("text/html; charset=iso-8859-1")
            ),
            "Zoë"
        );
        assert_eq!(decode("Zoë".as_bytes(), None), "Zoë");
        assert_eq!(decode(b"Zo\xeb", None), "Zo\u{fffd}");
    }
}
