//! Loudness per EBU R128 / ITU-R BS.1770-4, measured with the `ebur128` crate: integrated
//! loudness (gated), loudness range and true peak (4× oversampled).
//!
//! The meter runs in histogram mode, so its memory stays the same however long the
//! recording is. Digital silence has no integrated loudness and no peak; they are reported
//! as [`SILENCE_LUFS`] and [`SILENCE_DBTP`] so that every value stays a finite number (JSON
//! has no -∞).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use ebur128::{EbuR128, Mode};
use serde::{Deserialize, Serialize};

use super::RenditionError;
use super::decode::Decoder;

/// Integrated loudness reported for audio with no block above the absolute gate (-70 LUFS).
pub const SILENCE_LUFS: f64 = -70.0;
/// True peak reported for digital silence.
pub const SILENCE_DBTP: f64 = -150.0;

/// What [`measure`] found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Loudness {
    /// Integrated (programme) loudness, LUFS.
    pub integrated_lufs: f64,
    /// Loudness range, LU.
    pub range_lu: f64,
    /// Highest true peak over all channels, dBTP.
    pub true_peak_dbtp: f64,
}

/// Measures the loudness of the recording at `path`, decoding all of it.
pub fn measure(path: &Path) -> Result<Loudness, RenditionError> {
    guard(path, || {
        let mut decoder = Decoder::open(path)?;
        let mut meter = Meter::new(decoder.channels(), decoder.rate(), Gauges::Full, path)?;
        while let Some(chunk) = decoder.next_chunk()? {
            meter.add(chunk);
        }
        Ok(meter.finish())
    })
}

/// Runs `work` on `path`, turning a panic in a codec into an error.
pub(super) fn guard<T>(
    path: &Path,
    work: impl FnOnce() -> Result<T, RenditionError>,
) -> Result<T, RenditionError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned());
        Err(RenditionError::Panicked {
            path: path.to_owned(),
            message,
        })
    })
}

/// Which measurements a [`Meter`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gauges {
    /// Integrated loudness only (for the gain of a rendition).
    Integrated,
    /// Integrated loudness, loudness range and true peak.
    Full,
}

/// A running loudness measurement of interleaved `f32` audio.
pub struct Meter {
    meter: EbuR128,
    channels: u32,
}

impl Meter {
    /// A meter for `channels` channels at `rate` Hz; `path` names the file in errors.
    pub fn new(
        channels: usize,
        rate: u32,
        gauges: Gauges,
        path: &Path,
    ) -> Result<Self, RenditionError> {
        let mode = match gauges {
            Gauges::Integrated => Mode::I | Mode::HISTOGRAM,
            Gauges::Full => Mode::I | Mode::LRA | Mode::TRUE_PEAK | Mode::HISTOGRAM,
        };
        let channels = u32::try_from(channels).unwrap_or(u32::MAX);
        let meter =
            EbuR128::new(channels, rate, mode).map_err(|err| RenditionError::Unsupported {
                path: path.to_owned(),
                reason: format!("{channels} channels at {rate} Hz cannot be measured ({err})"),
            })?;
        Ok(Self { meter, channels })
    }

    /// Adds interleaved frames.
    pub fn add(&mut self, samples: &[f32]) {
        // Only fails on a length that is not a whole number of frames, which decoders never give.
        let _ = self.meter.add_frames_f32(samples);
    }

    /// [`Meter::add`] for a sink that may fail.
    #[allow(clippy::unnecessary_wraps)]
    pub fn add_checked(&mut self, samples: &[f32]) -> Result<(), RenditionError> {
        self.add(samples);
        Ok(())
    }

    /// Integrated loudness so far, LUFS ([`SILENCE_LUFS`] for silence).
    pub fn integrated(&self) -> f64 {
        finite_or(self.meter.loudness_global().ok(), SILENCE_LUFS)
    }

    /// The measurements (range and peak are 0 and [`SILENCE_DBTP`] unless [`Gauges::Full`]).
    pub fn finish(&self) -> Loudness {
        let range = self.meter.loudness_range().ok();
        let peak = (0..self.channels)
            .filter_map(|channel| self.meter.true_peak(channel).ok())
            .fold(0.0_f64, f64::max);
        Loudness {
            integrated_lufs: self.integrated(),
            range_lu: finite_or(range, 0.0),
            true_peak_dbtp: finite_or(Some(20.0 * peak.log10()), SILENCE_DBTP).max(SILENCE_DBTP),
        }
    }
}

fn finite_or(value: Option<f64>, fallback: f64) -> f64 {
    value.filter(|v| v.is_finite()).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, seconds: u32, amplitude: f32) -> Vec<f32> {
        (0..rate * seconds)
            .map(|n| {
                #[allow(clippy::cast_precision_loss)]
                let t = n as f32 / rate as f32;
                amplitude * (2.0 * std::f32::consts::PI * 997.0 * t).sin()
            })
            .collect()
    }

    #[test]
    fn a_full_scale_997_hz_sine_in_one_channel_measures_minus_3_lufs() {
        // BS.1770: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS.
        let mut meter = Meter::new(1, 48_000, Gauges::Full, Path::new("x")).unwrap();
        meter.add(&tone(48_000, 5, 1.0));
        let loudness = meter.finish();
        assert!(
            (loudness.integrated_lufs - -3.01).abs() < 0.05,
            "{loudness:?}"
        );
        assert!(loudness.true_peak_dbtp.abs() < 0.1, "{loudness:?}");
        assert!(loudness.range_lu < 0.5, "{loudness:?}");
    }

    #[test]
    fn silence_is_reported_with_finite_floors() {
        let mut meter = Meter::new(2, 44_100, Gauges::Full, Path::new("x")).unwrap();
        meter.add(&vec![0.0; 2 * 44_100 * 3]);
        let loudness = meter.finish();
        assert!((loudness.integrated_lufs - SILENCE_LUFS).abs() < f64::EPSILON);
        assert!((loudness.true_peak_dbtp - SILENCE_DBTP).abs() < f64::EPSILON);
        assert!(serde_json::to_string(&loudness).unwrap().contains("-70.0"));
    }
}
