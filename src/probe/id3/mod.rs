//! ID3 tags: the `ID3v2` tag in front of MP3 (and ADTS, and sometimes FLAC) and the `ID3v1` tag
//! at the end.
//!
//! Read here rather than by Symphonia because real tags break its reader: frames compressed
//! with zlib (ID3v2.3/2.4) are inflated with flate2; an extended header that is malformed only
//! costs the tag, never the audio behind it (the tag is skipped by its declared size); and
//! UTF-16 text without a byte-order mark is read in the byte order its text makes sense in
//! (see [`super::text::utf16_without_bom`]).

use std::io::Read;

use flate2::read::ZlibDecoder;

use super::tags::{Artwork, Picture, Tags};
use super::text;

/// Tags larger than this are skipped, not read (the audio behind them is still probed).
pub const MAX_TAG: usize = 16 * 1024 * 1024;

/// The header of an `ID3v2` tag: version and the whole tag's length in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub major: u8,
    flags: u8,
    /// Header, body and footer.
    pub total: u64,
}

/// Parses the 10-byte header at the start of `bytes`.
pub fn header(bytes: &[u8]) -> Option<Header> {
    let [b'I', b'D', b'3', major, _, flags, size @ ..] = bytes.get(..10)? else {
        return None;
    };
    if !(2..=4).contains(major) || size.iter().any(|b| b & 0x80 != 0) {
        return None;
    }
    let footer = if *major == 4 && flags & 0x10 != 0 {
        10
    } else {
        0
    };
    Some(Header {
        major: *major,
        flags: *flags,
        total: 10 + syncsafe(size) + footer,
    })
}

fn syncsafe(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0, |acc, b| (acc << 7) | u64::from(b & 0x7F))
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |acc, b| (acc << 8) | u64::from(*b))
}

/// Reads the tags and first picture of a whole `ID3v2` tag (header included). A tag it cannot
/// make sense of gives no tags; it never fails the probe.
pub fn read(tag: &[u8], tags: &mut Tags, picture: &mut Option<Artwork>) {
    let Some(head) = header(tag) else { return };
    let end = usize::try_from(head.total)
        .unwrap_or(usize::MAX)
        .min(tag.len());
    let mut body = tag.get(10..end).unwrap_or_default().to_vec();
    let whole_tag_unsync = head.flags & 0x80 != 0;
    if whole_tag_unsync && head.major < 4 {
        body = resync(&body);
    }
    if head.major == 2 && head.flags & 0x40 != 0 {
        return; // ID3v2.2 "compression" was never defined.
    }
    let start = if head.major >= 3 && head.flags & 0x40 != 0 {
        match extended_header_len(head.major, &body) {
            Some(len) => len,
            None => return,
        }
    } else {
        0
    };
    let frames = Frames {
        major: head.major,
        body: &body,
        pos: start,
        all_unsync: whole_tag_unsync && head.major == 4,
    };
    let mut front_cover = None;
    let mut other_picture = None;
    for (id, data) in frames {
        frame(&id, &data, tags);
        if matches!(id.as_str(), "APIC" | "PIC") {
            let found = parse_picture(head.major, &data);
            if let Some((kind, art)) = found {
                let slot = if kind == 3 {
                    &mut front_cover
                } else {
                    &mut other_picture
                };
                slot.get_or_insert(art);
            }
        }
    }
    if picture.is_none() {
        *picture = front_cover.or(other_picture);
    }
}

/// The length of a well-formed extended header, or `None`.
fn extended_header_len(major: u8, body: &[u8]) -> Option<usize> {
    let size = body.get(..4)?;
    let len = if major == 3 {
        // Size excludes its own 4 bytes and is 6 or 10.
        let n = usize::try_from(be(size)).ok()?;
        matches!(n, 6 | 10).then_some(n + 4)?
    } else {
        // Size includes itself, syncsafe, at least 6.
        if size.iter().any(|b| b & 0x80 != 0) {
            return None;
        }
        usize::try_from(syncsafe(size)).ok().filter(|n| *n >= 6)?
    };
    (len <= body.len()).then_some(len)
}

/// Undoes unsynchronisation: `FF 00` → `FF`.
fn resync(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut previous = 0;
    for &b in bytes {
        if !(previous == 0xFF && b == 0) {
            out.push(b);
        }
        previous = b;
    }
    out
}

/// The frames of a tag body, decoded (unsynchronised, inflated); encrypted frames are left out.
struct Frames<'a> {
    major: u8,
    body: &'a [u8],
    pos: usize,
    all_unsync: bool,
}

impl Iterator for Frames<'_> {
    type Item = (String, Vec<u8>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (id_len, header_len) = if self.major == 2 { (3, 6) } else { (4, 10) };
            let header = self.body.get(self.pos..self.pos + header_len)?;
            let id = &header[..id_len];
            if !id
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                return None; // padding, or the end of what makes sense
            }
            let size = self.frame_size(header, header_len)?;
            let start = self.pos + header_len;
            let data = self.body.get(start..start.checked_add(size)?)?;
            self.pos = start + size;
            let flags = if self.major == 2 { 0 } else { header[9] };
            if let Some(data) = self.decode(flags, data) {
                return Some((String::from_utf8_lossy(id).into_owned(), data));
            }
        }
    }
}

impl Frames<'_> {
    fn frame_size(&self, header: &[u8], header_len: usize) -> Option<usize> {
        match self.major {
            2 => usize::try_from(be(&header[3..6])).ok(),
            3 => usize::try_from(be(&header[4..8])).ok(),
            _ => {
                let raw = &header[4..8];
                let plain = usize::try_from(be(raw)).ok()?;
                if raw.iter().any(|b| b & 0x80 != 0) {
                    return Some(plain);
                }
                // Some writers store plain sizes in v2.4: trust the reading after which the
                // next frame (or padding, or the end) starts.
                let safe = usize::try_from(syncsafe(raw)).ok()?;
                let plain_fits =
                    !self.lands_well(safe, header_len) && self.lands_well(plain, header_len);
                Some(if plain_fits { plain } else { safe })
            }
        }
    }

    fn lands_well(&self, size: usize, header_len: usize) -> bool {
        let next = self.pos + header_len + size;
        match self.body.get(next..next + 4) {
            None => next <= self.body.len(),
            Some(id) => {
                id == [0; 4]
                    || id
                        .iter()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            }
        }
    }

    fn decode(&self, flags: u8, data: &[u8]) -> Option<Vec<u8>> {
        let (compressed, encrypted, grouped, unsync, length_indicator) = match self.major {
            3 => (
                flags & 0x80 != 0,
                flags & 0x40 != 0,
                flags & 0x20 != 0,
                false,
                false,
            ),
            4 => (
                flags & 0x08 != 0,
                flags & 0x04 != 0,
                flags & 0x40 != 0,
                flags & 0x02 != 0 || self.all_unsync,
                flags & 0x01 != 0,
            ),
            _ => (false, false, false, false, false),
        };
        if encrypted {
            return None;
        }
        let mut data = data;
        if grouped {
            data = data.get(1..)?;
        }
        // v2.3 puts the inflated size in front of compressed data; v2.4 a data length indicator.
        if (self.major == 3 && compressed) || length_indicator {
            data = data.get(4..)?;
        }
        let data = if unsync { resync(data) } else { data.to_vec() };
        if !compressed {
            return Some(data);
        }
        let mut inflated = Vec::new();
        ZlibDecoder::new(data.as_slice())
            .take(MAX_TAG as u64)
            .read_to_end(&mut inflated)
            .ok()?;
        Some(inflated)
    }
}

/// Fills the tag a frame gives, if it is one of ours and the slot is empty.
fn frame(id: &str, data: &[u8], tags: &mut Tags) {
    let slot = match id {
        "TIT2" | "TT2" => &mut tags.title,
        "TPE1" | "TP1" => &mut tags.artist,
        "TALB" | "TAL" => &mut tags.album,
        "TDRC" | "TYER" | "TYE" | "TDRL" => &mut tags.date,
        "COMM" | "COM" => {
            if let Some(comment) = comment(data) {
                tags.comment.get_or_insert(comment);
            }
            return;
        }
        _ => return,
    };
    if slot.is_none() {
        let (&encoding, rest) = data.split_first().unwrap_or((&0, &[]));
        let value = text::decode(encoding, rest);
        let first = value.split('\0').map(str::trim).find(|v| !v.is_empty());
        *slot = first.map(str::to_owned);
    }
}

/// The text of a comment frame without a description, or with one that is not a player's
/// private note (`iTunNORM` and the like).
fn comment(data: &[u8]) -> Option<String> {
    let (&encoding, rest) = data.split_first()?;
    let rest = rest.get(3..)?; // language
    let (description, value) = text::split_terminated(encoding, rest);
    let description = text::decode(encoding, description);
    if description.starts_with("iTun") {
        return None;
    }
    let value = text::decode(encoding, value);
    let value = value.trim_end_matches('\0').trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The picture type and artwork of an `APIC` (v2.3/2.4) or `PIC` (v2.2) frame.
fn parse_picture(major: u8, data: &[u8]) -> Option<(u8, Artwork)> {
    let (&encoding, rest) = data.split_first()?;
    let (media_type, rest) = if major == 2 {
        let format = String::from_utf8_lossy(rest.get(..3)?).to_ascii_lowercase();
        let media_type = match format.as_str() {
            "png" => "image/png".to_owned(),
            "jpg" => "image/jpeg".to_owned(),
            _ => String::new(),
        };
        (media_type, rest.get(3..)?)
    } else {
        let end = rest.iter().position(|b| *b == 0)?;
        let media_type = String::from_utf8_lossy(&rest[..end])
            .trim()
            .to_ascii_lowercase();
        (media_type, rest.get(end + 1..)?)
    };
    let (&kind, rest) = rest.split_first()?;
    let (_, image) = text::split_terminated(encoding, rest);
    let picture = Picture {
        media_type: Some(media_type),
        dimensions: None,
        data: image,
    };
    Some((kind, picture.artwork()?))
}

/// The `ID3v1` tag in the last 128 bytes of a file, if `bytes` is one.
pub fn read_v1(bytes: &[u8], tags: &mut Tags) -> bool {
    let Some(fields) = bytes.strip_prefix(b"TAG") else {
        return false;
    };
    if fields.len() != 125 {
        return false;
    }
    let field = |range: std::ops::Range<usize>| {
        let value = text::latin1(&fields[range]);
        let value = value.trim_end_matches('\0').trim().to_owned();
        (!value.is_empty()).then_some(value)
    };
    // ID3v1.1 keeps the last two bytes of the comment for a zero and the track number.
    let comment_end = if fields[122] == 0 && fields[123] != 0 {
        122
    } else {
        124
    };
    let found = [
        (&mut tags.title, field(0..30)),
        (&mut tags.artist, field(30..60)),
        (&mut tags.album, field(60..90)),
        (&mut tags.date, field(90..94)),
        (&mut tags.comment, field(94..comment_end)),
    ];
    for (slot, value) in found {
        if slot.is_none() {
            *slot = value;
        }
    }
    true
}

#[cfg(test)]
mod tests;
