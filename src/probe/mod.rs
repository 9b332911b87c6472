//! Reading recordings with Symphonia: exact duration, stream parameters, tags and artwork.
//!
//! [`probe_file`] never panics and never hangs on a malformed file: Symphonia runs under
//! `catch_unwind`, and the packet walk is bounded by the file size. The duration is counted
//! from packet timestamps, not taken from header estimates; see [`duration`].

mod duration;
mod kind;
pub mod sniff;
mod tags;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use serde::{Deserialize, Serialize};
use symphonia::core::audio::Channels;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

pub use kind::{Codec, Container, extension, mime_type};
pub use tags::{Artwork, Tags};

/// What probing a recording found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    pub container: Container,
    pub codec: Codec,
    /// Exact playable duration in seconds.
    pub duration: f64,
    /// Playable length in sample frames (per channel).
    pub frames: u64,
    pub sample_rate: u32,
    pub channels: u32,
    /// Average bitrate over the whole file: size × 8 / duration.
    pub bitrate: u64,
    pub size: u64,
    pub tags: Tags,
    pub artwork: Option<Artwork>,
}

impl Probe {
    /// The MIME type to publish this recording under.
    pub fn mime_type(&self) -> &'static str {
        mime_type(self.container)
    }

    /// The duration rounded to whole seconds, as `itunes:duration` wants it.
    pub fn whole_seconds(&self) -> u64 {
        // A duration is never negative and far below 2^53 s.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let seconds = self.duration.round() as u64;
        seconds
    }
}

/// Why a file is not a publishable recording.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProbeError {
    #[error("failed to open: {0}")]
    Open(String),
    #[error("the file is empty")]
    Empty,
    #[error("not an audio file: {0}")]
    NotAudio(String),
    #[error("unsupported container `{0}` (publishable: mp3, m4a, ogg, opus, flac, wav)")]
    UnsupportedContainer(String),
    #[error("no audio track")]
    NoAudioTrack,
    #[error(
        "truncated: the header claims {claimed:.3} s but only {present:.3} s of audio is readable"
    )]
    Truncated { claimed: f64, present: f64 },
    #[error("malformed audio: {0}")]
    Malformed(String),
    #[error("the audio reader crashed on this file ({0})")]
    Panicked(String),
}

/// Probes the file at `path`.
pub fn probe_file(path: &Path) -> Result<Probe, ProbeError> {
    let file = File::open(path).map_err(|err| ProbeError::Open(err.to_string()))?;
    let size = file
        .metadata()
        .map_err(|err| ProbeError::Open(err.to_string()))?
        .len();
    if size == 0 {
        return Err(ProbeError::Empty);
    }
    match catch_unwind(AssertUnwindSafe(|| probe_source(file, size))) {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_owned());
            Err(ProbeError::Panicked(message))
        }
    }
}

fn probe_source(mut file: File, size: u64) -> Result<Probe, ProbeError> {
    let mut start = [0; sniff::SNIFF_LEN];
    let read = file
        .read(&mut start)
        .map_err(|err| ProbeError::Open(err.to_string()))?;
    let start = start[..read].to_vec();
    file.seek(SeekFrom::Start(0))
        .map_err(|err| ProbeError::Open(err.to_string()))?;
    let stream = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
    let mut reader = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|_| ProbeError::NotAudio(not_audio_reason(&start)))?;
    let format = reader.format_info();
    let container = Container::from_format(format.format)
        .ok_or_else(|| ProbeError::UnsupportedContainer(format.short_name.to_owned()))?;
    let track = reader
        .default_track(TrackType::Audio)
        .cloned()
        .ok_or(ProbeError::NoAudioTrack)?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|params| params.audio())
        .cloned()
        .ok_or(ProbeError::NoAudioTrack)?;
    let codec = Codec::from_id(params.codec);
    let sample_rate = params
        .sample_rate
        .ok_or_else(|| ProbeError::Malformed("no sample rate".into()))?;
    let channels = params.channels.as_ref().map_or(0, Channels::count);
    let media_info = *reader.media_info();
    let length = duration::measure(reader.as_mut(), &track, container, codec, &media_info, size)?;
    let (tags, artwork) = tags::read(reader.as_mut());
    let duration = length.seconds;
    Ok(Probe {
        container,
        codec,
        duration,
        frames: length.frames,
        sample_rate,
        channels: u32::try_from(channels).unwrap_or(u32::MAX),
        bitrate: bitrate(size, duration),
        size,
        tags,
        artwork,
    })
}

/// Why Symphonia found no container: what the first bytes look like instead.
fn not_audio_reason(start: &[u8]) -> String {
    match sniff::looks_like_audio(start) {
        Err(reason) => reason,
        Ok(()) => "no MP3, MP4/M4A, Ogg, FLAC or WAV stream found".into(),
    }
}

/// Average bits per second over the whole file.
fn bitrate(size: u64, seconds: f64) -> u64 {
    if seconds <= 0.0 {
        return 0;
    }
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let bits_per_second = (size as f64 * 8.0 / seconds).round() as u64;
    bits_per_second
}
