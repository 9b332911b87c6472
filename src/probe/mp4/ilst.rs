//! iTunes-style metadata (`udta/meta/ilst`): the tags, the cover, and `iTunSMPB`, the encoder
//! delay, padding and length of AAC as iTunes writes them for gapless playback.

use super::boxes::Children;
use crate::probe::tags::{Artwork, Picture, Tags};

/// `iTunSMPB`: samples of encoder delay and padding, and the original length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Smpb {
    pub delay: u64,
    pub padding: u64,
    pub length: u64,
}

/// What an `ilst` holds.
#[derive(Debug, Default)]
pub struct Metadata {
    pub tags: Tags,
    pub artwork: Option<Artwork>,
    pub smpb: Option<Smpb>,
}

/// Reads the `ilst` of a `meta` body (with or without its full-box header).
pub fn read_meta(meta: &[u8], into: &mut Metadata) {
    let children = if meta.get(4..8) == Some(b"hdlr") {
        meta
    } else {
        meta.get(4..).unwrap_or_default()
    };
    if let Some(ilst) = Children::find(children, *b"ilst") {
        read_ilst(ilst, into);
    }
}

fn read_ilst(ilst: &[u8], into: &mut Metadata) {
    for (key, item) in Children::of(ilst) {
        if &key == b"----" {
            freeform(item, into);
            continue;
        }
        let Some((kind, value)) = data(item) else {
            continue;
        };
        if &key == b"covr" {
            if into.artwork.is_none() {
                let media_type = match kind {
                    13 => Some("image/jpeg".to_owned()),
                    14 => Some("image/png".to_owned()),
                    27 => Some("image/bmp".to_owned()),
                    _ => None,
                };
                let picture = Picture {
                    media_type,
                    dimensions: None,
                    data: value,
                };
                into.artwork = picture.artwork();
            }
            continue;
        }
        let tags = &mut into.tags;
        let slot = match &key {
            b"\xA9nam" => &mut tags.title,
            b"\xA9ART" => &mut tags.artist,
            b"\xA9alb" => &mut tags.album,
            b"\xA9day" => &mut tags.date,
            b"\xA9cmt" => &mut tags.comment,
            _ => continue,
        };
        let text = text(kind, value);
        let text = text.trim_end_matches('\0').trim();
        if slot.is_none() && !text.is_empty() {
            *slot = Some(text.to_owned());
        }
    }
}

/// The type and value of the first `data` box of an item.
fn data(item: &[u8]) -> Option<(u32, &[u8])> {
    let body = Children::find(item, *b"data")?;
    let kind = u32::from_be_bytes(body.get(..4)?.try_into().ok()?) & 0x00FF_FFFF;
    Some((kind, body.get(8..)?))
}

fn text(kind: u32, value: &[u8]) -> String {
    if kind == 2 {
        let units = value
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
        return char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
    }
    String::from_utf8_lossy(value).into_owned()
}

/// A `----` item: `mean`, `name` and `data`; only `com.apple.iTunes:iTunSMPB` is of use.
fn freeform(item: &[u8], into: &mut Metadata) {
    let name = Children::find(item, *b"name").and_then(|n| n.get(4..));
    if name != Some(b"iTunSMPB") {
        return;
    }
    if let Some((_, value)) = data(item) {
        into.smpb = parse_smpb(&String::from_utf8_lossy(value));
    }
}

/// ` 00000000 00000840 000001CA 00000000003F31F6 …`: reserved, delay, padding, length.
fn parse_smpb(text: &str) -> Option<Smpb> {
    let mut fields = text.split_whitespace().map(|f| u64::from_str_radix(f, 16));
    let _reserved = fields.next()?.ok()?;
    Some(Smpb {
        delay: fields.next()?.ok()?,
        padding: fields.next()?.ok()?,
        length: fields.next()?.ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itunsmpb_fields() {
        let smpb = parse_smpb(" 00000000 00000840 000001CA 00000000003F31F6 00000000 00000000");
        assert_eq!(
            smpb,
            Some(Smpb {
                delay: 0x840,
                padding: 0x1CA,
                length: 0x003F_31F6
            })
        );
        assert_eq!(parse_smpb(" 00000000 0840"), None);
    }
}
