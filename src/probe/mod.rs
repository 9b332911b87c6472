//! Reading recordings: exact duration, stream parameters, tags and artwork.
//!
//! Every format is read forward only, from a file ([`probe_file`]) or from a download as it
//! arrives ([`StreamProbe`]), by the same code, so both give the same [`Probe`]. What a file is
//! comes from its signature ([`sniff`]); MPEG audio and ADTS, which have none, from a chain of
//! frames that confirm each other ([`mpeg`]). MP3, ADTS, MP4, WAV, CAF and FLAC metadata are read here;
//! Ogg, FLAC frames, AIFF and Matroska/WebM by Symphonia's readers ([`packets`]). Durations are
//! counted from frames, sample tables and packets, not taken from header estimates.
//!
//! A probe never panics and never hangs on a malformed file: it runs under `catch_unwind`,
//! every loop is bounded by the bytes it consumes, every search by a window, and everything
//! held in memory (tags, the MP4 index) by a size limit.

mod caf;
mod engine;
mod flac;
mod found;
mod id3;
mod kind;
mod mp4;
mod mpeg;
mod packets;
mod riff;
pub mod sniff;
mod source;
mod stream;
mod tags;
mod text;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use kind::{Codec, Container, PUBLISHED_TYPES, extension, mime_type};
pub use stream::StreamProbe;
pub use tags::{Artwork, Tags, sniff_image_type};

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
    /// Bytes after the audio that are neither audio nor a tag (garbage, zeros), if the reader
    /// could tell where the audio ends (MP3 and ADTS).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub trailing_bytes: u64,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
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

/// The formats `archive` publishes, for messages.
const SUPPORTED: &str =
    "MP3, AAC (ADTS), M4A/MP4, Ogg Vorbis and Opus, FLAC, WAV, AIFF, CAF, WebM/Matroska";

/// Why a file is not a publishable recording.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProbeError {
    #[error("failed to open: {0}")]
    Open(String),
    #[error("failed to read: {0}")]
    Read(String),
    #[error("the file is empty")]
    Empty,
    #[error("not an audio file: {0}")]
    NotAudio(String),
    #[error("unsupported container `{0}` (publishable: {SUPPORTED})")]
    UnsupportedContainer(String),
    /// Audio in a format the archive does not publish, named.
    #[error("{0} is not supported (supported: {SUPPORTED}); convert it, e.g. to MP3 or FLAC")]
    UnsupportedFormat(String),
    /// A supported container holding a codec that is not.
    #[error(
        "{codec} audio in {container} is not supported (supported codecs: MP3, AAC, ALAC, \
         Vorbis, Opus, FLAC, PCM, ADPCM); convert it, e.g. to MP3 or FLAC"
    )]
    UnsupportedCodec { container: String, codec: String },
    #[error("no audio track")]
    NoAudioTrack,
    #[error(
        "truncated: the header claims {claimed:.3} s but only {present:.6} s of audio is \
         readable ({bytes} bytes of audio data); the file was cut short, download or export \
         it again"
    )]
    Truncated {
        claimed: f64,
        present: f64,
        bytes: u64,
    },
    #[error("malformed audio: {0}")]
    Malformed(String),
    #[error("the audio reader crashed on this file ({0})")]
    Panicked(String),
}

impl ProbeError {
    /// For `map_err`.
    #[allow(clippy::needless_pass_by_value)]
    fn read(err: std::io::Error) -> Self {
        Self::Read(err.to_string())
    }
}

/// Probes the file at `path`.
pub fn probe_file(path: &Path) -> Result<Probe, ProbeError> {
    let (file, metadata) =
        crate::confined::open_regular(path).map_err(|err| ProbeError::Open(err.to_string()))?;
    let size = metadata.len();
    let input = source::Input::new(Box::new(source::FileSource::new(file, size)));
    let found = guarded(input)?;
    Ok(found.into_probe(size))
}

/// Runs the probe, turning a panic in a reader into an error.
fn guarded(mut input: source::Input) -> Result<found::Found, ProbeError> {
    match catch_unwind(AssertUnwindSafe(|| engine::run(&mut input))) {
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
