//! Walking a chain of MPEG audio or ADTS frames. A frame sync is two bytes any file is full
//! of, so a frame only starts a stream when the header of the next frame is where its length
//! says, with the same version, layer and sample rate; after garbage, the walk resyncs only on
//! a run of such frames, and gives up after a bounded search. Tags inside and after the stream
//! (`ID3v2`, APE, `ID3v1`) are stepped over, not taken for garbage.

use std::io;

use super::header::{Frame, Kind, MAX_FRAME, MAX_HEADER};
use super::xing::{self, Info};
use crate::probe::id3;
use crate::probe::source::{BUFFER, Input};
use crate::probe::tags::Tags;

/// Frames that confirm a stream starting where it should (at the start, after a tag).
const START_RUN: usize = 2;
/// Frames that confirm a frame found by searching.
const RESYNC_RUN: usize = 4;
/// How far a search for the first frame looks before it gives up (junk in front of a
/// stream, a tag whose size is wrong, ...).
pub const START_WINDOW: u64 = 1 << 20;
/// How far a search for the stream to resume after a break looks before it gives up: the
/// bytes after the last frame are reported as trailing data. Junk inside real streams is a
/// few frames long; this bounds the time spent on the megabytes of garbage or zeros that
/// can follow one.
pub const RESYNC_WINDOW: u64 = 256 << 10;

/// A walked stream of frames.
#[derive(Debug)]
pub struct Chain {
    pub kind: Kind,
    /// The first frame's header.
    pub first: Frame,
    /// Offset of the first frame (the information frame, if there is one).
    pub start: u64,
    pub info: Option<Info>,
    /// Audio frames counted, and their samples.
    pub frames: u64,
    pub samples: u64,
    /// Offset just after the last frame counted.
    pub end: u64,
    /// Where bytes that are neither frames nor tags begin, when the walk gave up on them.
    pub garbage_from: Option<u64>,
}

/// Walks the frames from the input's position, staying before `limit` (a WAV data chunk's
/// end). `None` when no confirmed stream starts within [`START_WINDOW`].
pub fn walk(
    input: &mut Input,
    kinds: &[Kind],
    limit: Option<u64>,
    tags: &mut Tags,
) -> io::Result<Option<Chain>> {
    let found = match at_start(input, kinds, limit)? {
        Some(found) => Some(found),
        None => search(input, kinds, None, START_WINDOW, limit)?,
    };
    let Some((kind, first)) = found else {
        return Ok(None);
    };
    let start = input.offset();
    let mut chain = Chain {
        kind,
        first,
        start,
        info: None,
        frames: 0,
        samples: 0,
        end: start,
        garbage_from: None,
    };
    loop {
        let at = input.offset();
        let buf = clip(input.fill(MAX_FRAME + MAX_HEADER)?, at, limit);
        if buf.is_empty() {
            break;
        }
        match kind.parse(buf).filter(|frame| frame.key == first.key) {
            // A frame longer than what is left: the file was cut inside it.
            Some(frame) if frame.len > buf.len() => break,
            Some(frame) => {
                if at == start {
                    chain.info = xing::read(&buf[..frame.len], &frame);
                }
                if at != start || chain.info.is_none() {
                    chain.frames += 1;
                    chain.samples += u64::from(frame.samples);
                }
                input.consume(frame.len);
                chain.end = input.offset();
            }
            None => {
                if !step_over(input, &mut chain, limit, tags)? {
                    break;
                }
            }
        }
    }
    Ok(Some(chain))
}

/// Deals with what follows the chain where no frame is: a tag is stepped over or read, and
/// garbage is searched through for the chain to resume. False when the stream has ended.
fn step_over(
    input: &mut Input,
    chain: &mut Chain,
    limit: Option<u64>,
    tags: &mut Tags,
) -> io::Result<bool> {
    let at = input.offset();
    let whole = input.fill(BUFFER)?;
    let ends = whole.len() < BUFFER;
    let buf = clip(whole, at, limit);
    if let Some(header) = id3::header(buf) {
        input.skip(header.total)?;
        return Ok(true);
    }
    if buf.starts_with(b"APETAGEX")
        && let Some(size) = buf.get(12..16)
    {
        let size = u32::from_le_bytes([size[0], size[1], size[2], size[3]]);
        input.skip(32 + u64::from(size))?;
        return Ok(true);
    }
    if limit.is_none() && ends && buf.len() == 128 && id3::read_v1(buf, tags) {
        input.consume(128);
        return Ok(false);
    }
    let key = Some(chain.first.key);
    if search(input, &[chain.kind], key, RESYNC_WINDOW, limit)?.is_some() {
        return Ok(true);
    }
    chain.garbage_from = Some(at);
    Ok(false)
}

/// A stream that starts right at the input's position.
fn at_start(
    input: &mut Input,
    kinds: &[Kind],
    limit: Option<u64>,
) -> io::Result<Option<(Kind, Frame)>> {
    let at = input.offset();
    let whole = input.fill(BUFFER)?;
    let ends = whole.len() < BUFFER || ends_within(at, limit);
    let buf = clip(whole, at, limit);
    for &kind in kinds {
        if let Confirm::Yes(frame) = confirm(buf, kind, None, START_RUN, ends) {
            return Ok(Some((kind, frame)));
        }
    }
    Ok(None)
}

/// Searches at most `window` bytes for a frame confirmed by a run of frames (with the `key`
/// of the stream, if given) and leaves the input at it.
fn search(
    input: &mut Input,
    kinds: &[Kind],
    key: Option<u32>,
    window: u64,
    limit: Option<u64>,
) -> io::Result<Option<(Kind, Frame)>> {
    let origin = input.offset();
    'refill: loop {
        let at = input.offset();
        let whole = input.fill(BUFFER)?;
        let ends = whole.len() < BUFFER || ends_within(at, limit);
        let buf = clip(whole, at, limit);
        let left = usize::try_from((origin + window).saturating_sub(at)).unwrap_or(usize::MAX);
        let scan = buf.len().min(left);
        let mut i = 0;
        while let Some(found) = memchr::memchr(0xFF, &buf[i..scan]) {
            i += found;
            for &kind in kinds {
                match confirm(&buf[i..], kind, key, RESYNC_RUN, ends) {
                    Confirm::Yes(frame) => {
                        input.consume(i);
                        return Ok(Some((kind, frame)));
                    }
                    // Not enough bytes buffered to tell: look again with this candidate first.
                    Confirm::More if i > 0 => {
                        input.consume(i);
                        continue 'refill;
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        if ends || scan == left || scan == 0 {
            return Ok(None);
        }
        input.consume(scan);
    }
}

/// Whether the region that ends at `limit` ends within one buffer from `at`.
fn ends_within(at: u64, limit: Option<u64>) -> bool {
    limit.is_some_and(|limit| limit.saturating_sub(at) <= BUFFER as u64)
}

enum Confirm {
    Yes(Frame),
    /// More bytes are needed to tell.
    More,
    No,
}

/// Whether `buf` starts with `run` chained frames (or with frames that fill it, when the data
/// `ends` within it).
fn confirm(buf: &[u8], kind: Kind, key: Option<u32>, run: usize, ends: bool) -> Confirm {
    let mut pos = 0;
    let mut first: Option<Frame> = None;
    let mut count = 0;
    while count < run {
        if pos + kind.header_len() > buf.len() {
            if !ends {
                return Confirm::More;
            }
            // The data ends here: frames that fill it exactly stand on their own.
            return match first {
                Some(frame) if pos == buf.len() || count >= 2 => Confirm::Yes(frame),
                _ => Confirm::No,
            };
        }
        let Some(frame) = kind.parse(&buf[pos..]) else {
            return Confirm::No;
        };
        let expected = key.or(first.map(|f| f.key));
        if expected.is_some_and(|k| k != frame.key) {
            return Confirm::No;
        }
        first.get_or_insert(frame);
        pos += frame.len;
        count += 1;
    }
    first.map_or(Confirm::No, Confirm::Yes)
}

/// The part of `buf` (read at offset `at`) before `limit`.
fn clip(buf: &[u8], at: u64, limit: Option<u64>) -> &[u8] {
    match limit {
        Some(limit) => {
            let room = usize::try_from(limit.saturating_sub(at)).unwrap_or(usize::MAX);
            &buf[..buf.len().min(room)]
        }
        None => buf,
    }
}
