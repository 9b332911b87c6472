//! CAF (Apple's Core Audio Format): chunks walked forward. Read here rather than by
//! Symphonia, whose reader must seek back to the audio after a packet table (`pakt`) that
//! ffmpeg and Apple's tools write after it, which a download cannot do.
//!
//! The length is the packet table's valid frames (the encoder's priming and remainder already
//! left out), or, for constant-size packets, the data's packets times their frames.

use super::found::{Found, Length, seconds};
use super::source::Input;
use super::tags::Tags;
use super::{Codec, Container, ProbeError};

/// Chunks walked at most; chunks read into memory at most this large.
const MAX_CHUNKS: u32 = 100_000;
const MAX_TABLE: u64 = 64 * 1024 * 1024;
/// Bytes kept from the end of the audio data: more than an ALAC packet holds.
const TAIL: usize = 256 * 1024;

/// The audio description (`desc`).
#[derive(Debug, Clone, Copy)]
struct Description {
    rate: f64,
    format: [u8; 4],
    bytes_per_packet: u32,
    frames_per_packet: u32,
    channels: u32,
}

/// The packet table (`pakt`): valid frames, the priming frames, and each packet's size
/// (empty when all packets have the description's size).
#[derive(Debug, Clone)]
struct PacketTable {
    valid_frames: u64,
    priming: u64,
    packets: u64,
    sizes: Vec<u64>,
}

impl PacketTable {
    /// Packets wholly within `bytes` of data, and the bytes all of them take.
    fn fit(&self, desc: &Description, bytes: u64) -> (u64, u64) {
        if self.sizes.is_empty() {
            let size = u64::from(desc.bytes_per_packet).max(1);
            let all = self.packets.saturating_mul(size);
            return ((bytes / size).min(self.packets), all);
        }
        let mut used: u64 = 0;
        let mut fit = None;
        for (i, size) in self.sizes.iter().enumerate() {
            used = used.saturating_add(*size);
            if used > bytes && fit.is_none() {
                fit = Some(i as u64);
            }
        }
        (fit.unwrap_or(self.sizes.len() as u64), used)
    }
}

/// Probes a CAF file from its start.
pub fn probe(input: &mut Input) -> Result<Found, ProbeError> {
    input.skip(8).map_err(ProbeError::read)?;
    let mut desc = None;
    let mut table_body = None;
    let mut data: Option<(Option<u64>, u64)> = None;
    let mut tags = Tags::default();
    let mut tail = Vec::new();
    for _ in 0..MAX_CHUNKS {
        let header = input.read_vec(12).map_err(ProbeError::read)?;
        let Some((kind, size)) = chunk_header(&header) else {
            break;
        };
        match (&kind, size) {
            (b"data", size) => {
                let wanted = size.unwrap_or(u64::MAX);
                // The end of the data is kept: ALAC states the length of its last packet there.
                let skipped = input
                    .skip(wanted.saturating_sub(TAIL as u64))
                    .map_err(ProbeError::read)?;
                let rest = wanted.min(TAIL as u64).min(wanted - skipped);
                tail = input
                    .read_vec(usize::try_from(rest).unwrap_or(TAIL))
                    .map_err(ProbeError::read)?;
                let present = skipped + tail.len() as u64;
                // The data starts with a 4-byte edit count.
                data = Some((size.map(|s| s.saturating_sub(4)), present.saturating_sub(4)));
                if present < wanted {
                    break;
                }
            }
            (b"desc" | b"pakt" | b"info", Some(size)) if size <= MAX_TABLE => {
                let body = input
                    .read_vec(usize::try_from(size).unwrap_or(usize::MAX))
                    .map_err(ProbeError::read)?;
                match &kind {
                    b"desc" => desc = describe(&body),
                    b"pakt" => table_body = Some(body),
                    _ => info(&body, &mut tags),
                }
            }
            (_, Some(size)) => {
                if input.skip(size).map_err(ProbeError::read)? < size {
                    break;
                }
            }
            (_, None) => break,
        }
    }
    let desc = desc.ok_or_else(|| ProbeError::Malformed("no CAF `desc` chunk".into()))?;
    let (declared, present) =
        data.ok_or_else(|| ProbeError::Malformed("no CAF `data` chunk".into()))?;
    let mut table = table_body.and_then(|body| packet_table(&body, &desc));
    if let Some(table) = &mut table
        && &desc.format == b"alac"
        && let Some(&last) = table.sizes.last()
        && let Some(start) = tail
            .len()
            .checked_sub(usize::try_from(last).unwrap_or(usize::MAX))
        && let Some(samples) = alac_partial_frame(&tail[start..])
    {
        let full = table.packets.saturating_sub(1) * u64::from(desc.frames_per_packet);
        let frames = (full + samples).saturating_sub(table.priming);
        table.valid_frames = table.valid_frames.min(frames);
    }
    measure(&desc, table.as_ref(), declared, present, tags)
}

fn chunk_header(header: &[u8]) -> Option<([u8; 4], Option<u64>)> {
    let kind: [u8; 4] = header.get(..4)?.try_into().ok()?;
    let size = i64::from_be_bytes(header.get(4..12)?.try_into().ok()?);
    // −1 (the data chunk of a file still being written): to the end of the file.
    Some((kind, u64::try_from(size).ok()))
}

fn describe(body: &[u8]) -> Option<Description> {
    let u32_at = |at: usize| Some(u32::from_be_bytes(body.get(at..at + 4)?.try_into().ok()?));
    Some(Description {
        rate: f64::from_bits(u64::from_be_bytes(body.get(..8)?.try_into().ok()?)),
        format: body.get(8..12)?.try_into().ok()?,
        bytes_per_packet: u32_at(16)?,
        frames_per_packet: u32_at(20)?,
        channels: u32_at(24)?,
    })
}

/// Reads a `pakt` body: header, then one variable-length size per packet when packets vary
/// in size.
fn packet_table(body: &[u8], desc: &Description) -> Option<PacketTable> {
    let i64_at = |at: usize| Some(i64::from_be_bytes(body.get(at..at + 8)?.try_into().ok()?));
    let i32_at = |at: usize| Some(i32::from_be_bytes(body.get(at..at + 4)?.try_into().ok()?));
    let packets = u64::try_from(i64_at(0)?).ok()?;
    let valid_frames = u64::try_from(i64_at(8)?).ok()?;
    let priming = u64::try_from(i32_at(16)?).ok()?;
    let mut sizes = Vec::new();
    let mut at = 24;
    if desc.bytes_per_packet == 0 {
        for _ in 0..packets {
            let (size, next) = varint(body, at)?;
            sizes.push(size);
            at = next;
            if desc.frames_per_packet == 0 {
                at = varint(body, at)?.1;
            }
        }
    }
    Some(PacketTable {
        valid_frames,
        priming,
        packets,
        sizes,
    })
}

/// The samples of an ALAC packet that says it is shorter than the others (the last one):
/// after the element tag (3 bits), instance (4) and 12 unused bits comes the "has size" flag,
/// then 3 bits of shift and escape, then the sample count (32 bits).
fn alac_partial_frame(packet: &[u8]) -> Option<u64> {
    let bits = u64::from_be_bytes(packet.get(..8)?.try_into().ok()?);
    let has_size = (bits >> (64 - 20)) & 1 == 1;
    has_size.then_some((bits >> (64 - 23 - 32)) & 0xFFFF_FFFF)
}

/// A big-endian base-128 number, as the packet table stores sizes.
fn varint(body: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for _ in 0..10 {
        let byte = *body.get(at)?;
        at += 1;
        value = (value << 7) | u64::from(byte & 0x7F);
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
    }
    None
}

/// `info`: a count, then key and value strings, each NUL-terminated.
fn info(body: &[u8], tags: &mut Tags) {
    let mut strings = body.get(4..).unwrap_or_default().split(|b| *b == 0);
    while let (Some(key), Some(value)) = (strings.next(), strings.next()) {
        let key = String::from_utf8_lossy(key).to_ascii_lowercase();
        let slot = match key.as_str() {
            "title" => &mut tags.title,
            "artist" => &mut tags.artist,
            "album" => &mut tags.album,
            "year" | "recorded date" => &mut tags.date,
            "comments" => &mut tags.comment,
            _ => continue,
        };
        let value = String::from_utf8_lossy(value).trim().to_owned();
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value);
        }
    }
}

fn codec(format: [u8; 4]) -> Result<Codec, ProbeError> {
    Ok(match &format {
        b"lpcm" | b"ulaw" | b"alaw" => Codec::Pcm,
        b"alac" => Codec::Alac,
        b"aac " => Codec::Aac,
        b".mp3" => Codec::Mp3,
        b"ima4" => Codec::Adpcm,
        b"opus" => Codec::Opus,
        b"flac" => Codec::Flac,
        other => {
            return Err(ProbeError::UnsupportedCodec {
                container: "CAF".into(),
                codec: format!("`{}`", String::from_utf8_lossy(other)),
            });
        }
    })
}

fn measure(
    desc: &Description,
    table: Option<&PacketTable>,
    declared: Option<u64>,
    present: u64,
    tags: Tags,
) -> Result<Found, ProbeError> {
    let codec = codec(desc.format)?;
    if !(desc.rate.is_finite() && (1.0..=1e6).contains(&desc.rate)) {
        return Err(ProbeError::Malformed(format!(
            "CAF sample rate {}",
            desc.rate
        )));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rate = desc.rate.round() as u32;
    let per_packet = u64::from(desc.frames_per_packet);
    let (claimed, present_frames) = match table {
        Some(table) if table.valid_frames > 0 => {
            let (fit, needed) = table.fit(desc, present);
            let frames = (fit * per_packet).saturating_sub(table.priming);
            let cut = present < needed || declared.is_some_and(|d| present < d);
            (
                table.valid_frames,
                if cut {
                    frames.min(table.valid_frames)
                } else {
                    table.valid_frames
                },
            )
        }
        _ if desc.bytes_per_packet > 0 && per_packet > 0 => {
            let size = u64::from(desc.bytes_per_packet);
            let frames = present / size * per_packet;
            (declared.map_or(frames, |d| d / size * per_packet), frames)
        }
        _ => {
            return Err(ProbeError::Malformed(
                "CAF audio in packets of varying size, but no packet table".into(),
            ));
        }
    };
    if present_frames < claimed {
        return Err(ProbeError::Truncated {
            claimed: seconds(claimed, 1, rate),
            present: seconds(present_frames, 1, rate),
            bytes: present,
        });
    }
    Ok(Found {
        container: Container::Caf,
        codec,
        sample_rate: rate,
        channels: desc.channels,
        length: Length::of_frames(claimed, rate),
        tags,
        artwork: None,
        trailing_from: None,
    })
}
