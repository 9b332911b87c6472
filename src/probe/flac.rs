//! FLAC: the metadata blocks are read here, the frames by Symphonia's reader. Symphonia
//! refuses some blocks a file does not need to be played (a CD cue sheet whose offsets are
//! not multiples of 588, for one), so it is given only `fLaC` and the STREAMINFO block,
//! followed by the frames; tags and the picture come from the blocks read here.

use std::io::{Cursor, Read};

use super::found::Found;
use super::source::Input;
use super::tags::{Artwork, Picture, Tags};
use super::{Container, ProbeError, id3, packets};

/// Metadata blocks read at most.
const MAX_BLOCKS: u32 = 10_000;

/// Probes a FLAC stream at the input's position.
pub fn probe(input: &mut Input) -> Result<Found, ProbeError> {
    let cut = || ProbeError::Malformed("the file ends inside its FLAC header".into());
    input.skip(4).map_err(ProbeError::read)?; // fLaC
    let mut streaminfo = None;
    let mut tags = Tags::default();
    let mut front_cover = None;
    let mut other_picture = None;
    for _ in 0..MAX_BLOCKS {
        let header = input.read_vec(4).map_err(ProbeError::read)?;
        let [flags, a, b, c] = header[..] else {
            return Err(cut());
        };
        let len = u32::from_be_bytes([0, a, b, c]);
        let body = match flags & 0x7F {
            0 | 4 | 6 if len as usize <= id3::MAX_TAG => {
                let body = input.read_vec(len as usize).map_err(ProbeError::read)?;
                if body.len() < len as usize {
                    return Err(cut());
                }
                Some(body)
            }
            127 => {
                return Err(ProbeError::Malformed(
                    "invalid FLAC metadata block type".into(),
                ));
            }
            _ => {
                if input.skip(u64::from(len)).map_err(ProbeError::read)? < u64::from(len) {
                    return Err(cut());
                }
                None
            }
        };
        match (flags & 0x7F, body) {
            (0, Some(body)) if body.len() == 34 => streaminfo = Some(body),
            (4, Some(body)) => vorbis_comments(&body, &mut tags),
            (6, Some(body)) => {
                if let Some((kind, art)) = picture(&body) {
                    let slot = if kind == 3 {
                        &mut front_cover
                    } else {
                        &mut other_picture
                    };
                    slot.get_or_insert(art);
                }
            }
            _ => {}
        }
        if flags & 0x80 != 0 {
            break;
        }
    }
    let streaminfo =
        streaminfo.ok_or_else(|| ProbeError::Malformed("no FLAC STREAMINFO block".into()))?;
    let mut prefix = b"fLaC\x80\x00\x00\x22".to_vec();
    prefix.extend_from_slice(&streaminfo);
    let mut found = packets::measure(Cursor::new(prefix).chain(&mut *input), Container::Flac)?;
    found.tags.fill_from(tags);
    found.artwork = front_cover.or(other_picture).or(found.artwork);
    Ok(found)
}

fn le32(data: &[u8], at: usize) -> Option<usize> {
    let bytes = data.get(at..at + 4)?;
    usize::try_from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])).ok()
}

fn be32(data: &[u8], at: usize) -> Option<usize> {
    let bytes = data.get(at..at + 4)?;
    usize::try_from(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])).ok()
}

/// A `VORBIS_COMMENT` block: vendor string, then `KEY=value` comments (lengths little-endian).
fn vorbis_comments(body: &[u8], tags: &mut Tags) {
    let Some(vendor) = le32(body, 0) else { return };
    let mut at = 4 + vendor;
    let Some(count) = le32(body, at) else { return };
    at += 4;
    for _ in 0..count {
        let Some(len) = le32(body, at) else { return };
        let Some(comment) = body.get(at + 4..at + 4 + len) else {
            return;
        };
        tags.vorbis_comment(&String::from_utf8_lossy(comment));
        at += 4 + len;
    }
}

/// A PICTURE block: its picture type and artwork.
fn picture(body: &[u8]) -> Option<(u32, Artwork)> {
    let kind = u32::try_from(be32(body, 0)?).ok()?;
    let mime_len = be32(body, 4)?;
    let media_type = String::from_utf8_lossy(body.get(8..8 + mime_len)?).into_owned();
    let mut at = 8 + mime_len;
    at += 4 + be32(body, at)?; // description
    let width = u32::try_from(be32(body, at)?).ok()?;
    let height = u32::try_from(be32(body, at + 4)?).ok()?;
    let len = be32(body, at + 16)?;
    let data = body.get(at + 20..at + 20 + len)?;
    let picture = Picture {
        media_type: Some(media_type),
        dimensions: (width > 0 && height > 0).then_some((width, height)),
        data,
    };
    Some((kind, picture.artwork()?))
}
