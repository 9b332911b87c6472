//! Feed renditions: every recording re-encoded so that it plays in every podcast app at the
//! same loudness — MP3 (LAME), mono for speech by default, 64 kbit/s CBR, 44.1 kHz, at
//! -19 LUFS (mono) or -16 LUFS (stereo) integrated, true peak at or below -1 dBTP.
//!
//! [`render`] makes one rendition in two passes over the source, streaming, so memory does
//! not grow with the recording's length:
//!
//! 1. **Measure** ([`loudness`]): decode with Symphonia and measure per EBU R128 /
//!    ITU-R BS.1770-4 with the `ebur128` crate, both the source as it is and the source mixed
//!    to the rendition's channels (stereo speech mixed to mono reads about 3 LU quieter).
//!    The gain is the target minus the mixed loudness.
//! 2. **Render**: decode → mix to the rendition's channels → resample to 44.1 kHz (rubato,
//!    only when the rate differs) → gain → look-ahead true-peak [`limiter`] → LAME, into a
//!    temp file beside the output that starts with the `ID3v2` tag ([`RenditionTags`]) and
//!    ends with the Xing/LAME info frame written back over LAME's reserved first frame.
//! 3. **Check**: the temp file is decoded and measured like any recording. If its true peak
//!    is above the target less 0.1 dB (lossy encoding moves peaks), or its loudness is more
//!    than 0.3 LU off, pass 2 runs again with the limiter's ceiling lowered by the excess or
//!    the gain corrected, at most twice, and the best of the runs is kept. The limiter starts
//!    0.5 dB under the target.
//!
//! Only then is the temp file renamed to the output (see [`crate::atomic`]): a killed
//! process leaves at most an `.archive-tmp-*` file, never a half rendition under its final
//! name, and a source that fails to decode partway leaves nothing at all.
//!
//! The engine is synchronous and single-threaded; run renditions in parallel on blocking
//! threads. [`Settings::key`] with the source's SHA-256 ([`rendition_key`]) says whether a
//! rendition must be made again.

mod decode;
mod edit_list;
mod encode;
mod error;
pub mod limiter;
pub mod loudness;
mod mix;
mod opus;
mod render;
mod resample;
mod settings;
mod tags;

use serde::{Deserialize, Serialize};

pub use encode::{LAME_VERSION, lame_version};
pub use error::RenditionError;
pub use loudness::{Loudness, measure};
pub use render::render;
pub use settings::{
    ENGINE_REVISION, Format, MP3_BITRATES, RawSettings, Settings, SettingsError, rendition_key,
};
pub use tags::{MAX_ARTWORK_BYTES, RenditionTags, TagArtwork};

/// What [`render`] made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendition {
    /// The source as it is.
    pub source: Loudness,
    /// The rendition, measured by decoding the file written.
    pub output: Loudness,
    /// Gain applied before the limiter, dB.
    pub gain_db: f64,
    /// Most gain the limiter took away anywhere, dB (0 when it never acted).
    pub limiter_db: f64,
    /// Playable length in seconds: `frames / sample_rate`.
    pub duration: f64,
    /// Playable frames (per channel) of the rendition.
    pub frames: u64,
    pub sample_rate: u32,
    pub channels: u8,
    /// Size of the file in bytes.
    pub size: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// [`Settings::key`] of the settings it was made with.
    pub settings_key: String,
    /// How many times pass 2 ran (1 unless the check asked for another).
    pub passes: u32,
}
