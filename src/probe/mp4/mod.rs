//! MP4/M4A: the top-level boxes are walked forward, the `moov` (index) is read into memory
//! wherever it is, `mdat` (the samples) is stepped over. The length is the audio track's own
//! (its sample table in its time scale, never the movie header, which a video track sets),
//! trimmed for gapless playback by `iTunSMPB` or the edit list. A file that ends before the
//! last sample its table places is reported as truncated.

mod boxes;
mod codec;
mod fragments;
mod ilst;
mod moov;
mod table;

use boxes::Header;
use fragments::Fragments;
use moov::{Movie, Track, TrackDefaults};

use super::found::{Found, Length, seconds};
use super::source::Input;
use super::{Container, ProbeError};

/// The largest `moov` (or `moof`) read into memory: an hour of AAC needs about 1 MB.
const MAX_INDEX: u64 = 64 * 1024 * 1024;
/// Top-level boxes walked at most.
const MAX_BOXES: u32 = 1_000_000;

/// What the top-level boxes read so far held.
#[derive(Default)]
struct TopLevel {
    movie: Option<Movie>,
    fragments: Fragments,
    /// The audio track of a fragmented movie, and its sample defaults.
    audio: Option<TrackDefaults>,
}

/// Probes an MP4 file from its start.
pub fn probe(input: &mut Input) -> Result<Found, ProbeError> {
    let mut top = TopLevel::default();
    for _ in 0..MAX_BOXES {
        if !top.next_box(input)? {
            break;
        }
    }
    let movie = top.movie.ok_or_else(|| {
        ProbeError::Malformed(
            "no `moov` box (the index of the samples): the file was cut short or never \
             finished; download or export it again"
                .into(),
        )
    })?;
    measure(input, &movie, &mut top.fragments)
}

impl TopLevel {
    /// Reads or steps over the next top-level box. False when the walk is over: the end of
    /// the file, or a `moov` that is all a file without fragments needs.
    fn next_box(&mut self, input: &mut Input) -> Result<bool, ProbeError> {
        let at = input.offset();
        let head = input.fill(16).map_err(ProbeError::read)?;
        if head.len() < 8 {
            return Ok(false);
        }
        let header = Header::parse(head).ok_or_else(|| {
            ProbeError::Malformed(format!("the box at byte {at} has an impossible size"))
        })?;
        let body_len = header.len.map(|len| len - header.head_len);
        input.skip(header.head_len).map_err(ProbeError::read)?;
        match &header.kind {
            b"moov" => {
                let movie = moov::parse(&read_index(input, &header, body_len)?);
                self.audio = audio_defaults(&movie);
                let fragmented = movie.fragments.is_some();
                self.movie = Some(movie);
                Ok(fragmented)
            }
            b"moof" => {
                let body = read_index(input, &header, body_len)?;
                if let Some(defaults) = self.audio {
                    self.fragments.add_moof(&body, defaults);
                }
                Ok(true)
            }
            // Samples to the end of the file, indexed by the `moov` already read.
            b"mdat" if self.movie.is_some() && body_len.is_none() => Ok(false),
            _ => {
                let wanted = body_len.unwrap_or(u64::MAX);
                let skipped = input.skip(wanted).map_err(ProbeError::read)?;
                if &header.kind == b"mdat" {
                    self.fragments.settle(skipped);
                }
                Ok(skipped == wanted)
            }
        }
    }
}

/// Reads a `moov` or `moof` body.
fn read_index(
    input: &mut Input,
    header: &Header,
    body_len: Option<u64>,
) -> Result<Vec<u8>, ProbeError> {
    let name = header.name();
    let len =
        body_len.ok_or_else(|| ProbeError::Malformed(format!("the `{name}` box has no size")))?;
    if len > MAX_INDEX {
        return Err(ProbeError::Malformed(format!(
            "the `{name}` box is {len} bytes, more than the {MAX_INDEX} a probe reads"
        )));
    }
    let body = input
        .read_vec(usize::try_from(len).unwrap_or(usize::MAX))
        .map_err(ProbeError::read)?;
    if (body.len() as u64) < len {
        return Err(ProbeError::Malformed(format!(
            "the file ends inside its `{name}` box (the index of the samples): it was cut \
             short; download or export it again"
        )));
    }
    Ok(body)
}

/// The audio track: the first with a sound handler, and its fragment defaults.
fn audio_track(movie: &Movie) -> Option<&Track> {
    movie.tracks.iter().find(|track| track.is_audio())
}

fn audio_defaults(movie: &Movie) -> Option<TrackDefaults> {
    let track = audio_track(movie)?;
    let all = movie.fragments.as_ref()?;
    let defaults = all.iter().find(|d| d.id == track.id).copied();
    Some(defaults.unwrap_or(TrackDefaults {
        id: track.id,
        ..TrackDefaults::default()
    }))
}

/// The audio track's length, once the samples it places are known to be there (or not).
fn measure(
    input: &mut Input,
    movie: &Movie,
    fragments: &mut Fragments,
) -> Result<Found, ProbeError> {
    let track = audio_track(movie).ok_or(ProbeError::NoAudioTrack)?;
    let description = track
        .description
        .clone()
        .ok_or_else(|| ProbeError::Malformed("the audio track has no sample description".into()))?;
    let codec = description
        .codec
        .clone()
        .map_err(|codec| ProbeError::UnsupportedCodec {
            container: "MP4".into(),
            codec,
        })?;
    let rate = if description.sample_rate > 0 {
        description.sample_rate
    } else {
        track.timescale
    };
    let scale = track.timescale;
    if scale == 0 {
        return Err(ProbeError::Malformed(
            "the audio track has no time scale".into(),
        ));
    }
    let (total, present) = if movie.fragments.is_some() {
        fragments.settle(u64::MAX);
        (fragments.ticks, None)
    } else {
        samples_present(input, track)?
    };
    if total == 0 {
        return Err(ProbeError::Malformed(
            "the audio track has no samples".into(),
        ));
    }
    let (delay, length) = gapless(movie, track, total, rate);
    if let Some((ticks, bytes)) = present {
        return Err(ProbeError::Truncated {
            claimed: seconds(length, 1, scale),
            present: seconds(ticks.saturating_sub(delay), 1, scale),
            bytes,
        });
    }
    Ok(Found {
        container: Container::Mp4,
        codec,
        sample_rate: rate,
        channels: description.channels,
        length: Length::of_ticks(length, 1, scale, rate),
        tags: movie.metadata.tags.clone(),
        artwork: movie.metadata.artwork.clone(),
        trailing_from: None,
    })
}

/// All the track's ticks, and, if the file ends before its last sample, the ticks and bytes
/// of the samples before that end.
fn samples_present(
    input: &mut Input,
    track: &Track,
) -> Result<(u64, Option<(u64, u64)>), ProbeError> {
    let all = track.table.present(u64::MAX);
    let total = track.table.total_ticks();
    let here = input.offset();
    let end = if all.last_end > here {
        here + input.skip(all.last_end - here).map_err(ProbeError::read)?
    } else {
        here
    };
    if end >= all.last_end {
        return Ok((total, None));
    }
    let present = track.table.present(end);
    Ok((total, Some((present.ticks, present.bytes))))
}

/// The encoder delay and the playable length, in track ticks, of `total` ticks of samples:
/// from `iTunSMPB` (AAC by iTunes), else the first edit of the edit list, else all of them.
fn gapless(movie: &Movie, track: &Track, total: u64, rate: u32) -> (u64, u64) {
    let to_ticks = |samples: u64| {
        if track.timescale == rate || rate == 0 {
            samples
        } else {
            let ticks = u128::from(samples) * u128::from(track.timescale) / u128::from(rate);
            u64::try_from(ticks).unwrap_or(u64::MAX)
        }
    };
    if let Some(smpb) = movie.metadata.smpb {
        let delay = to_ticks(smpb.delay);
        let length = to_ticks(smpb.length);
        if length > 0 && delay.saturating_add(length) <= total {
            return (delay, length);
        }
        let padding = to_ticks(smpb.padding);
        return (delay, total.saturating_sub(delay + padding));
    }
    let edit = track.edits.iter().find(|edit| edit.media_time >= 0);
    let Some(edit) = edit else {
        return (0, total);
    };
    let delay = u64::try_from(edit.media_time).unwrap_or(0).min(total);
    let rest = total - delay;
    if edit.segment_duration == 0 || movie.timescale == 0 {
        return (delay, rest);
    }
    // The segment is in the movie's time scale, often milliseconds: it trims the padding at
    // the end, but is no more exact than its unit.
    let segment = u128::from(edit.segment_duration) * u128::from(track.timescale)
        / u128::from(movie.timescale);
    let segment = u64::try_from(segment).unwrap_or(u64::MAX);
    (delay, rest.min(segment))
}
