//! Exact duration by walking every packet of the track, without decoding.
//!
//! Header values are estimates or claims, and Symphonia 0.6.1 passes some of them on as they
//! are, so each container gets the treatment its format calls for:
//!
//! - **MP3**: the length is the number of MPEG frames times the samples per frame, taken from
//!   the packet timestamps, minus the LAME encoder delay and padding when a LAME tag gives
//!   them. Without a Xing/LAME header Symphonia only estimates the length from the first
//!   frame's bitrate, which is far off for VBR; the count does not depend on it.
//! - **MP4/M4A**: the track duration ignores the edit list (the AAC priming samples), so the
//!   presentation length comes from the movie header (the container's media info).
//! - **Ogg Opus**: the last granule position still includes the pre-skip, which is subtracted.
//! - **Ogg Vorbis, FLAC, WAV**: the sum of the packet durations.
//!
//! Where the header states a length, fewer frames than that is a truncated file.

use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatReader, MediaInfo, Track};
use symphonia::core::units::{Duration, TimeBase};

use super::{Codec, Container, ProbeError};

/// The playable length of a track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Length {
    pub frames: u64,
    pub seconds: f64,
}

/// What walking the packets of one track found, in time-base ticks.
#[derive(Debug, Default)]
struct Walk {
    packets: u64,
    first_pts: i64,
    last_pts: i64,
    /// Timestamp step between the last two packets: the raw frame length of an MP3 packet.
    step: u64,
    /// Sum of the packet durations, which the readers trim to the playable part.
    sum: u64,
    /// The error that ended the walk before the end of the stream, if any.
    stopped_by: Option<Stop>,
}

/// Why a walk stopped before the reader signalled the end of the stream.
#[derive(Debug)]
enum Stop {
    /// The file ended in the middle of a packet or structure.
    EndOfFile,
    /// The reader failed on the data.
    Error(String),
}

impl Stop {
    fn describe(self) -> String {
        match self {
            Stop::EndOfFile => "unexpected end of file".into(),
            Stop::Error(message) => message,
        }
    }
}

/// Measures the track's playable length.
pub fn measure(
    reader: &mut dyn FormatReader,
    track: &Track,
    container: Container,
    codec: Codec,
    media_info: &MediaInfo,
    size: u64,
) -> Result<Length, ProbeError> {
    let time_base = track
        .time_base
        .ok_or_else(|| ProbeError::Malformed("the track has no time base".into()))?;
    let walk = walk(reader, track.id, size)?;
    let (counted, claimed) = match container {
        Container::Mp3 if walk.packets > 0 => mp3_ticks(&walk, track),
        Container::Mp3 => (0, None),
        _ => (walk.sum, track.duration.map(Duration::get)),
    };
    // Fewer frames than the header promises: the file was cut short, whether the reader met
    // the end of the file or a structure that runs past it.
    if let Some(claimed) = claimed
        && claimed > counted.saturating_add(walk.step.max(1))
    {
        let promised = match container {
            Container::Mp4 => movie_seconds(media_info),
            _ => None,
        };
        return Err(ProbeError::Truncated {
            claimed: promised.unwrap_or_else(|| seconds(claimed, time_base)),
            present: seconds(counted, time_base),
        });
    }
    if walk.packets == 0 {
        let why = walk
            .stopped_by
            .map_or_else(|| "no audio packets".into(), Stop::describe);
        return Err(ProbeError::Malformed(why));
    }
    // MPEG audio has no end marker, and any reader may meet the end of the file where no
    // header promised more; but a reader that fails on the data means a broken file.
    if let Some(Stop::Error(error)) = walk.stopped_by {
        return Err(ProbeError::Malformed(error));
    }
    let seconds = match (container, codec) {
        (Container::Mp4, _) => movie_seconds(media_info).unwrap_or(seconds(counted, time_base)),
        (Container::Ogg, Codec::Opus) => {
            let pre_skip = u64::from(track.delay.unwrap_or(0));
            seconds(counted.saturating_sub(pre_skip), time_base)
        }
        _ => seconds(counted, time_base),
    };
    let rate = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .and_then(|p| p.sample_rate)
        .unwrap_or(time_base.denom.get());
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let frames = (seconds * f64::from(rate)).round() as u64;
    Ok(Length { frames, seconds })
}

/// Counted and claimed (Xing/LAME) length of an MP3 track, in ticks.
fn mp3_ticks(walk: &Walk, track: &Track) -> (u64, Option<u64>) {
    let span = u64::try_from(walk.last_pts - walk.first_pts).unwrap_or(0);
    let raw = span + walk.step;
    match track.delay {
        // A LAME tag: its delay and padding are exact, and the Xing frame count is a claim.
        Some(delay) => {
            let trim = u64::from(delay) + u64::from(track.padding.unwrap_or(0));
            (raw.saturating_sub(trim), track.num_frames)
        }
        // No LAME tag: decoders play every frame, and Symphonia's length is an estimate.
        None => (raw, None),
    }
}

fn walk(reader: &mut dyn FormatReader, track_id: u32, size: u64) -> Result<Walk, ProbeError> {
    let mut walk = Walk::default();
    let mut previous_pts = None;
    let mut seen: u64 = 0;
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            Err(SymphoniaError::ResetRequired) => {
                return Err(ProbeError::Malformed(
                    "chained Ogg streams are not supported".into(),
                ));
            }
            Err(SymphoniaError::IoError(err))
                if err.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                walk.stopped_by = Some(Stop::EndOfFile);
                break;
            }
            Err(err) => {
                walk.stopped_by = Some(Stop::Error(err.to_string()));
                break;
            }
        };
        // Every packet consumes at least one byte of the file: more packets than bytes means
        // the reader is going round in circles.
        seen += 1;
        if seen > size {
            return Err(ProbeError::Malformed(
                "the reader did not reach the end of the file".into(),
            ));
        }
        if packet.track_id != track_id {
            continue;
        }
        let pts = packet.pts.get();
        if walk.packets == 0 {
            walk.first_pts = pts;
        }
        walk.step = match previous_pts {
            Some(previous) => u64::try_from(pts - previous).unwrap_or(0),
            None => packet.dur.get(),
        };
        previous_pts = Some(pts);
        walk.last_pts = pts;
        walk.sum = walk.sum.saturating_add(packet.dur.get());
        walk.packets += 1;
    }
    Ok(walk)
}

/// The presentation length from the movie header, which applies the edit list.
fn movie_seconds(media_info: &MediaInfo) -> Option<f64> {
    let time_base = media_info.time_base?;
    let ticks = media_info.duration?.get();
    (ticks > 0).then(|| seconds(ticks, time_base))
}

#[allow(clippy::cast_precision_loss)]
fn seconds(ticks: u64, time_base: TimeBase) -> f64 {
    ticks as f64 * f64::from(time_base.numer.get()) / f64::from(time_base.denom.get())
}
