//! What a format's reader found in the bytes, before the file's size is known, and how it
//! becomes a [`Probe`] once it is.

use super::tags::{Artwork, Tags};
use super::{Codec, Container, Probe};

/// The playable length of a track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Length {
    /// Sample frames (per channel) at the track's sample rate.
    pub frames: u64,
    pub seconds: f64,
}

impl Length {
    /// A length counted in sample frames at `rate`.
    pub fn of_frames(frames: u64, rate: u32) -> Self {
        Self {
            frames,
            seconds: seconds(frames, 1, rate),
        }
    }

    /// A length measured in seconds, for a track at `rate`.
    pub fn of_seconds(seconds: f64, rate: u32) -> Self {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let frames = (seconds * f64::from(rate)).round() as u64;
        Self { frames, seconds }
    }

    /// A length counted in ticks of `numer / denom` seconds, for a track at `rate`.
    pub fn of_ticks(ticks: u64, numer: u32, denom: u32, rate: u32) -> Self {
        let seconds = seconds(ticks, numer, denom);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let frames = if numer == 1 && denom == rate {
            ticks
        } else {
            (seconds * f64::from(rate)).round() as u64
        };
        Self { frames, seconds }
    }
}

/// `ticks × numer / denom` seconds.
#[allow(clippy::cast_precision_loss)]
pub fn seconds(ticks: u64, numer: u32, denom: u32) -> f64 {
    if denom == 0 {
        return 0.0;
    }
    ticks as f64 * f64::from(numer) / f64::from(denom)
}

/// The facts a format's reader found.
#[derive(Debug, Clone)]
pub struct Found {
    pub container: Container,
    pub codec: Codec,
    pub sample_rate: u32,
    pub channels: u32,
    pub length: Length,
    pub tags: Tags,
    pub artwork: Option<Artwork>,
    /// Where bytes the reader could not place (neither audio nor tags) begin and run to the end
    /// of the file.
    pub trailing_from: Option<u64>,
}

impl Found {
    /// The probe of a file of `size` bytes.
    pub fn into_probe(self, size: u64) -> Probe {
        let duration = self.length.seconds;
        Probe {
            container: self.container,
            codec: self.codec,
            duration,
            frames: self.length.frames,
            sample_rate: self.sample_rate,
            channels: self.channels,
            bitrate: bitrate(size, duration),
            size,
            tags: self.tags,
            artwork: self.artwork,
            trailing_bytes: self
                .trailing_from
                .map_or(0, |from| size.saturating_sub(from)),
        }
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
