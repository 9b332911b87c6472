//! WAV (RIFF/WAVE and RF64): chunks walked forward, the length from the `data` chunk's size.
//!
//! Read here rather than by Symphonia because real files break its reader: a zero-size
//! chunk, a `data` size written as a placeholder by a recorder that streams (0 or
//! 0xFFFFFFFF-ish: the data then runs to the end of the file), MP3 frames inside (format
//! 0x55, walked like an MP3), and a cut file, whose exact playable part is reported.

use super::found::{Found, Length, seconds};
use super::mpeg;
use super::source::Input;
use super::tags::{Artwork, Tags};
use super::{Codec, Container, ProbeError, id3};

/// Chunks walked at most.
const MAX_CHUNKS: u32 = 100_000;
/// `fmt `, `LIST` and `fact` chunks larger than this are not read.
const SMALL_CHUNK: u64 = 1024 * 1024;

/// The `fmt ` chunk.
#[derive(Debug, Clone, Copy)]
struct Format {
    tag: u16,
    channels: u16,
    rate: u32,
    block_align: u16,
    /// Samples per block of ADPCM.
    samples_per_block: u16,
}

/// What the chunks read so far said.
#[derive(Default)]
struct Wave {
    rf64: bool,
    format: Option<Format>,
    fact: Option<u32>,
    /// The data size an RF64 file keeps in its `ds64` chunk.
    rf64_data: Option<u64>,
    tags: Tags,
    artwork: Option<Artwork>,
    audio: Option<Data>,
}

/// Probes a WAV file from its start.
pub fn probe(input: &mut Input) -> Result<Found, ProbeError> {
    let head = input.read_vec(12).map_err(ProbeError::read)?;
    let mut wave = Wave {
        rf64: head.starts_with(b"RF64"),
        ..Wave::default()
    };
    for _ in 0..MAX_CHUNKS {
        let header = input.read_vec(8).map_err(ProbeError::read)?;
        let [a, b, c, d, s0, s1, s2, s3] = header[..] else {
            break;
        };
        let size = u64::from(u32::from_le_bytes([s0, s1, s2, s3]));
        if !wave.chunk(input, [a, b, c, d], size)? {
            break;
        }
    }
    let fmt = wave
        .format
        .ok_or_else(|| ProbeError::Malformed("no `fmt ` chunk".into()))?;
    let data = wave
        .audio
        .ok_or_else(|| ProbeError::Malformed("no `data` chunk".into()))?;
    finish(fmt, data, wave.fact, wave.tags, wave.artwork)
}

impl Wave {
    /// Reads or steps over one chunk. False when the walk ends: the data runs to the end of
    /// the file, or the file ends inside it.
    fn chunk(&mut self, input: &mut Input, id: [u8; 4], size: u64) -> Result<bool, ProbeError> {
        match &id {
            b"data" => {
                let fmt = self.format.ok_or_else(|| {
                    ProbeError::Malformed("the `data` chunk comes before `fmt `".into())
                })?;
                let declared = if self.rf64 {
                    self.rf64_data
                } else {
                    Some(size)
                };
                let declared = declared.filter(|size| !is_placeholder(*size));
                let data = read_data(input, fmt, declared)?;
                self.audio = Some(data);
                let Some(declared) = declared.filter(|_| !data.is_cut()) else {
                    return Ok(false);
                };
                input.skip(declared & 1).map_err(ProbeError::read)?;
                return Ok(true);
            }
            b"fmt " => self.format = Some(parse_format(&capped(input, size, SMALL_CHUNK)?)?),
            b"fact" => self.fact = capped(input, size, SMALL_CHUNK)?.get(..4).map(le32),
            b"ds64" => self.rf64_data = capped(input, size, SMALL_CHUNK)?.get(8..16).map(le64),
            b"LIST" => info_tags(&capped(input, size, SMALL_CHUNK)?, &mut self.tags),
            b"id3 " | b"ID3 " => {
                let tag = capped(input, size, id3::MAX_TAG as u64)?;
                id3::read(&tag, &mut self.tags, &mut self.artwork);
            }
            _ => {
                input.skip(size).map_err(ProbeError::read)?;
            }
        }
        input.skip(size & 1).map_err(ProbeError::read)?;
        Ok(true)
    }
}

/// Sizes recorders write before they know the real one.
fn is_placeholder(size: u64) -> bool {
    size == 0 || (0xFFFF_FF00..=0xFFFF_FFFF).contains(&size) || size == u64::MAX
}

fn le32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

fn le64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or_default())
}

/// Reads a chunk's body, up to `limit` bytes (stepping over the rest).
fn capped(input: &mut Input, size: u64, limit: u64) -> Result<Vec<u8>, ProbeError> {
    let take = size.min(limit);
    let body = input
        .read_vec(usize::try_from(take).unwrap_or(usize::MAX))
        .map_err(ProbeError::read)?;
    input.skip(size - take).map_err(ProbeError::read)?;
    Ok(body)
}

fn parse_format(body: &[u8]) -> Result<Format, ProbeError> {
    let field = |at: usize| {
        body.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let (Some(mut tag), Some(channels), Some(rate), Some(block_align)) =
        (field(0), field(2), body.get(4..8).map(le32), field(12))
    else {
        return Err(ProbeError::Malformed(
            "the `fmt ` chunk is too short".into(),
        ));
    };
    // WAVE_FORMAT_EXTENSIBLE: the real format is the start of the sub-format GUID.
    if tag == 0xFFFE {
        tag = field(24).unwrap_or(tag);
    }
    let samples_per_block = field(18).unwrap_or(0);
    if channels == 0 || rate == 0 || block_align == 0 {
        return Err(ProbeError::Malformed(format!(
            "the `fmt ` chunk says {channels} channels at {rate} Hz in blocks of {block_align} bytes"
        )));
    }
    Ok(Format {
        tag,
        channels,
        rate,
        block_align,
        samples_per_block,
    })
}

/// What the `data` chunk held.
#[derive(Debug, Clone, Copy)]
struct Data {
    /// Bytes the chunk declares; `None` when it runs to the end of the file.
    declared: Option<u64>,
    present: u64,
    /// MPEG audio inside: its codec, length and sample rate, from its frames.
    mpeg: Option<(Codec, Length, u32)>,
}

impl Data {
    fn is_cut(&self) -> bool {
        self.declared
            .is_some_and(|declared| self.present < declared)
    }
}

/// Steps over (or, for MPEG audio, walks) the `data` chunk.
fn read_data(input: &mut Input, fmt: Format, declared: Option<u64>) -> Result<Data, ProbeError> {
    codec(fmt.tag)?;
    let start = input.offset();
    let mut mpeg = None;
    if matches!(fmt.tag, 0x50 | 0x55) {
        let limit = declared.map(|size| start + size);
        let chain = mpeg::walk(input, &[mpeg::Kind::Mpeg], limit, &mut Tags::default())
            .map_err(ProbeError::read)?
            .ok_or_else(|| {
                ProbeError::Malformed("the `data` chunk holds no MPEG audio frames".into())
            })?;
        let (codec, length) = mpeg::measure(&chain)?;
        mpeg = Some((codec, length, chain.first.sample_rate));
    }
    let wanted = declared.map_or(u64::MAX, |size| {
        (start + size).saturating_sub(input.offset())
    });
    input.skip(wanted).map_err(ProbeError::read)?;
    Ok(Data {
        declared,
        present: input.offset() - start,
        mpeg,
    })
}

/// The codec of a WAV format tag.
fn codec(tag: u16) -> Result<Codec, ProbeError> {
    let name = match tag {
        1 | 3 | 6 | 7 => return Ok(Codec::Pcm),
        2 | 0x11 => return Ok(Codec::Adpcm),
        0x50 => return Ok(Codec::Mp2),
        0x55 => return Ok(Codec::Mp3),
        0x31 => "GSM 6.10".to_owned(),
        0x161..=0x163 => "WMA".to_owned(),
        0xFF | 0x1600..=0x1610 => "AAC".to_owned(),
        other => format!("format 0x{other:04X}"),
    };
    Err(ProbeError::UnsupportedCodec {
        container: "WAV".into(),
        codec: name,
    })
}

/// Sample frames in `bytes` of data: whole blocks, and what a cut block still holds.
fn frames_in(fmt: Format, bytes: u64) -> u64 {
    let align = u64::from(fmt.block_align);
    let channels = u64::from(fmt.channels);
    if !matches!(fmt.tag, 2 | 0x11) {
        return bytes / align;
    }
    // ADPCM blocks: a header per channel (4 bytes IMA, 7 MS) with one (IMA) or two (MS)
    // samples, then two samples a byte.
    let (header, in_header) = if fmt.tag == 0x11 { (4, 1) } else { (7, 2) };
    let in_block = |len: u64| {
        if len < header * channels {
            0
        } else {
            (len - header * channels) * 2 / channels + in_header
        }
    };
    let per_block = match u64::from(fmt.samples_per_block) {
        0 => in_block(align),
        n => n,
    };
    bytes / align * per_block + in_block(bytes % align)
}

fn finish(
    fmt: Format,
    data: Data,
    fact: Option<u32>,
    tags: Tags,
    artwork: Option<Artwork>,
) -> Result<Found, ProbeError> {
    let (codec, length, rate) = if let Some(mpeg) = data.mpeg {
        mpeg
    } else {
        let present = frames_in(fmt, data.present);
        // ADPCM: the `fact` chunk counts the samples without the last block's padding.
        let exact = fact
            .map(u64::from)
            .filter(|n| fmt.tag != 1 && *n > 0 && *n <= present);
        let frames = exact.unwrap_or(present);
        (
            codec(fmt.tag)?,
            Length::of_frames(frames, fmt.rate),
            fmt.rate,
        )
    };
    if let Some(declared) = data.declared.filter(|_| data.is_cut()) {
        let claimed = match data.mpeg {
            None => seconds(frames_in(fmt, declared), 1, fmt.rate),
            #[allow(clippy::cast_precision_loss)]
            Some(_) => length.seconds * declared as f64 / data.present.max(1) as f64,
        };
        return Err(ProbeError::Truncated {
            claimed,
            present: length.seconds,
            bytes: data.present,
        });
    }
    Ok(Found {
        container: Container::Wav,
        codec,
        sample_rate: rate,
        channels: u32::from(fmt.channels),
        length,
        tags,
        artwork,
        trailing_from: None,
    })
}

/// Tags of a `LIST` chunk of type `INFO`.
fn info_tags(list: &[u8], tags: &mut Tags) {
    let Some(mut rest) = list.strip_prefix(b"INFO") else {
        return;
    };
    while let [a, b, c, d, s0, s1, s2, s3, body @ ..] = rest {
        let size = usize::try_from(u32::from_le_bytes([*s0, *s1, *s2, *s3])).unwrap_or(usize::MAX);
        let Some(value) = body.get(..size) else { break };
        rest = body.get(size + (size & 1)..).unwrap_or_default();
        let slot = match &[*a, *b, *c, *d] {
            b"INAM" => &mut tags.title,
            b"IART" => &mut tags.artist,
            b"IPRD" => &mut tags.album,
            b"ICRD" => &mut tags.date,
            b"ICMT" => &mut tags.comment,
            _ => continue,
        };
        let text = match std::str::from_utf8(value) {
            Ok(text) => text.to_owned(),
            Err(_) => super::text::latin1(value),
        };
        let text = text.trim_end_matches('\0').trim();
        if slot.is_none() && !text.is_empty() {
            *slot = Some(text.to_owned());
        }
    }
}
