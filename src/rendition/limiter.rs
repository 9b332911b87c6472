//! A look-ahead true-peak limiter that never lets the true peak of its output pass the
//! ceiling, while leaving audio below the ceiling untouched.
//!
//! Design, per frame `n` (all channels share one gain, so the stereo image stays put):
//!
//! 1. **True peak.** The peak `p[n]` is the largest of `|x[n]|` and the three values between
//!    `x[n]` and `x[n+1]` that a 4× oversampling filter gives (a 12-tap-per-phase, 48-tap
//!    windowed-sinc polyphase interpolator, as BS.1770-4 Annex 2 describes), over all channels.
//! 2. **Required gain.** `r[n] = min(1, ceiling / p[n])`.
//! 3. **Look-ahead minimum.** `h[n] = min(r[n] … r[n+L-1])` over the look-ahead of `L`
//!    frames (5 ms), with a monotonic queue. Then a release: `h` may rise by at most a
//!    fraction of the distance to 1 per frame (time constant 80 ms), never above `h[n]`.
//! 4. **Smoothing.** The gain applied to `x[n]` is the mean of `h[n-L+1] … h[n]`. Each of those
//!    `L` values is a minimum over a window that contains `n`, so each is at most `r[n]`, and
//!    so is their mean: the gain always reaches what a peak needs before the peak, and moves
//!    as a ramp over `L` frames instead of jumping (no clicks).
//!
//! The output is the input delayed by `L - 1 + 6` frames (look-ahead plus the interpolator's
//! half length); [`Limiter::finish`] flushes that tail, so the output has exactly as many
//! frames as the input. Lossy encoding can still move peaks by a fraction of a dB, which is
//! why the renderer sets the ceiling below the target and checks the encoded result.

use std::collections::VecDeque;
use std::sync::LazyLock;

/// Taps per phase of the 4× interpolator.
const TAPS: usize = 12;
/// Frames of history the interpolator needs after the frame it reads (`x[n+1] … x[n+6]`).
const AHEAD: usize = TAPS / 2;
/// Look-ahead (and attack ramp) in seconds.
const LOOKAHEAD_SECONDS: f64 = 0.005;
/// Release time constant in seconds.
const RELEASE_SECONDS: f64 = 0.08;

/// Polyphase coefficients for the values at `n + k/4`, `k = 1, 2, 3`, from `x[n-5] … x[n+6]`.
static PHASES: LazyLock<[[f32; TAPS]; 3]> = LazyLock::new(|| {
    let mut phases = [[0.0; TAPS]; 3];
    for (k, phase) in phases.iter_mut().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let fraction = (k + 1) as f64 / 4.0;
        let mut sum = 0.0;
        let mut taps = [0.0_f64; TAPS];
        for (i, tap) in taps.iter_mut().enumerate() {
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_wrap)]
            let offset = i as f64 - (AHEAD as f64 - 1.0); // -5 … 6
            let d = fraction - offset;
            let sinc = (std::f64::consts::PI * d).sin() / (std::f64::consts::PI * d);
            // Blackman window over ±6.5 frames.
            let w = d / 6.5 * std::f64::consts::PI;
            let window = 0.42 + 0.5 * w.cos() + 0.08 * (2.0 * w).cos();
            *tap = sinc * window;
            sum += *tap;
        }
        for (out, tap) in phase.iter_mut().zip(taps) {
            #[allow(clippy::cast_possible_truncation)]
            let normalized = (tap / sum) as f32;
            *out = normalized;
        }
    }
    phases
});

/// The most any interpolated value can exceed the largest sample it is made from: the
/// largest sum of absolute coefficients of a phase. A window whose samples are all under
/// `ceiling / PHASE_GAIN` cannot reach the ceiling, and its interpolation is skipped.
static PHASE_GAIN: LazyLock<f32> = LazyLock::new(|| {
    PHASES
        .iter()
        .map(|phase| phase.iter().map(|c| c.abs()).sum::<f32>())
        .fold(1.0, f32::max)
});

/// The limiter's state; feed it with [`Limiter::process`], end with [`Limiter::finish`].
pub struct Limiter {
    channels: usize,
    ceiling: f32,
    lookahead: usize,
    release: f64,
    /// The last `TAPS` input frames, for the interpolator.
    history: Vec<f32>,
    /// Samples above this may make a peak over the ceiling.
    quiet_below: f32,
    /// Frames since the last one with a sample above `quiet_below` (capped at `TAPS`).
    since_loud: usize,
    /// Input frames waiting for their gain.
    delay: VecDeque<f32>,
    /// Monotonic queue of (index, required gain) for the look-ahead minimum.
    minimum: VecDeque<(u64, f32)>,
    /// The last `L` values of `h`, and their sum, for the smoothing mean.
    held: VecDeque<f64>,
    held_sum: f64,
    released: f64,
    /// Frames whose required gain has been computed.
    peaks_done: u64,
    frames_in: u64,
    frames_out: u64,
    lowest_gain: f32,
}

impl Limiter {
    /// A limiter for `channels` channels at `rate` Hz that holds the true peak at or below
    /// `ceiling_dbtp`.
    pub fn new(channels: usize, rate: u32, ceiling_dbtp: f64) -> Self {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let lookahead = (f64::from(rate) * LOOKAHEAD_SECONDS).round().max(1.0) as usize;
        #[allow(clippy::cast_possible_truncation)]
        let ceiling = 10f64.powf(ceiling_dbtp / 20.0) as f32;
        let mut limiter = Self {
            channels,
            ceiling,
            lookahead,
            release: 1.0 - (-1.0 / (f64::from(rate) * RELEASE_SECONDS)).exp(),
            history: Vec::with_capacity(TAPS * channels),
            quiet_below: ceiling / *PHASE_GAIN,
            since_loud: TAPS,
            delay: VecDeque::new(),
            minimum: VecDeque::new(),
            held: VecDeque::with_capacity(lookahead),
            held_sum: 0.0,
            released: 1.0,
            peaks_done: 0,
            frames_in: 0,
            frames_out: 0,
            lowest_gain: 1.0,
        };
        // Silence before the start, so the first frames have a full interpolator window.
        limiter
            .history
            .extend(std::iter::repeat_n(0.0, (AHEAD - 1) * channels));
        limiter
            .held
            .extend(std::iter::repeat_n(1.0, lookahead.saturating_sub(1)));
        limiter.held_sum = limiter.held.iter().sum();
        limiter
    }

    /// The lowest gain applied so far, in dB (0 when the limiter never acted).
    pub fn max_reduction_db(&self) -> f64 {
        -20.0 * f64::from(self.lowest_gain).log10()
    }

    /// Feeds interleaved `input`; appends the frames whose gain is known to `out`.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        out.clear();
        for frame in input.chunks_exact(self.channels) {
            self.frames_in += 1;
            self.push_frame(frame, out);
        }
    }

    /// Flushes the delayed tail into `out`: after it, every input frame has been output.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        out.clear();
        let silence = vec![0.0; self.channels];
        while self.frames_out < self.frames_in {
            self.push_frame(&silence, out);
        }
    }

    fn push_frame(&mut self, frame: &[f32], out: &mut Vec<f32>) {
        self.delay.extend(frame);
        self.history.extend_from_slice(frame);
        self.since_loud = if frame.iter().any(|s| s.abs() > self.quiet_below) {
            0
        } else {
            (self.since_loud + 1).min(TAPS)
        };
        if self.history.len() < TAPS * self.channels {
            return;
        }
        // A window of quiet samples cannot interpolate to a peak over the ceiling.
        let peak = if self.since_loud >= TAPS {
            0.0
        } else {
            self.window_peak()
        };
        self.history.copy_within(self.channels.., 0);
        self.history.truncate((TAPS - 1) * self.channels);
        let required = if peak > self.ceiling {
            self.ceiling / peak
        } else {
            1.0
        };
        self.push_required(required, out);
    }

    /// The true peak around the frame `AHEAD - 1` frames back in the history window.
    fn window_peak(&self) -> f32 {
        let channels = self.channels;
        let phases = &*PHASES;
        let mut peak = 0.0_f32;
        for channel in 0..channels {
            let mut values = [0.0_f32; 3];
            for (i, frame) in self.history.chunks_exact(channels).enumerate() {
                let sample = frame[channel];
                values[0] += phases[0][i] * sample;
                values[1] += phases[1][i] * sample;
                values[2] += phases[2][i] * sample;
            }
            let centre = self.history[(AHEAD - 1) * channels + channel].abs();
            peak = values
                .iter()
                .fold(peak.max(centre), |peak, v| peak.max(v.abs()));
        }
        peak
    }

    /// Adds `r` for the next frame; once the look-ahead is full, outputs one frame.
    fn push_required(&mut self, required: f32, out: &mut Vec<f32>) {
        let index = self.peaks_done;
        self.peaks_done += 1;
        while self
            .minimum
            .back()
            .is_some_and(|&(_, value)| value >= required)
        {
            self.minimum.pop_back();
        }
        self.minimum.push_back((index, required));
        let lookahead = self.lookahead as u64;
        if index + 1 < lookahead {
            return;
        }
        let start = index + 1 - lookahead;
        while self.minimum.front().is_some_and(|&(i, _)| i < start) {
            self.minimum.pop_front();
        }
        let held = f64::from(self.minimum.front().map_or(1.0, |&(_, value)| value));
        self.released = held.min(self.released + (1.0 - self.released) * self.release);
        self.held.push_back(self.released);
        self.held_sum += self.released;
        if self.held.len() > self.lookahead {
            self.held_sum -= self.held.pop_front().unwrap_or(0.0);
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let gain = (self.held_sum / self.lookahead as f64) as f32;
        self.output_frame(gain, out);
    }

    fn output_frame(&mut self, gain: f32, out: &mut Vec<f32>) {
        if self.frames_out >= self.frames_in {
            return;
        }
        self.lowest_gain = self.lowest_gain.min(gain);
        for _ in 0..self.channels {
            let sample = self.delay.pop_front().unwrap_or(0.0);
            out.push(sample * gain);
        }
        self.frames_out += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rendition::loudness::{Gauges, Meter};

    fn run(limiter: &mut Limiter, input: &[f32], piece: usize) -> Vec<f32> {
        let mut all = Vec::new();
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            limiter.process(chunk, &mut out);
            all.extend_from_slice(&out);
        }
        limiter.finish(&mut out);
        all.extend_from_slice(&out);
        all
    }

    fn true_peak_dbtp(samples: &[f32], channels: usize) -> f64 {
        let mut meter =
            Meter::new(channels, 44_100, Gauges::Full, std::path::Path::new("x")).unwrap();
        meter.add(samples);
        meter.finish().true_peak_dbtp
    }

    /// Speech-like bursts with peaks between samples: a 10 kHz tone at varying level, at
    /// +6 dBFS at its loudest.
    fn hot_signal(frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|n| {
                #[allow(clippy::cast_precision_loss)]
                let t = n as f32 / 44_100.0;
                let envelope = 2.0 * (std::f32::consts::PI * 3.0 * t).sin().abs();
                envelope * (2.0 * std::f32::consts::PI * 10_000.0 * t + 0.7).sin()
            })
            .collect()
    }

    #[test]
    fn audio_under_the_ceiling_comes_out_unchanged_and_as_long() {
        let input: Vec<f32> = hot_signal(10_000).iter().map(|s| s * 0.1).collect();
        let mut limiter = Limiter::new(1, 44_100, -1.0);
        let output = run(&mut limiter, &input, 777);
        assert_eq!(output, input);
        assert!(limiter.max_reduction_db().abs() < 1e-9);
    }

    #[test]
    fn the_true_peak_of_the_output_stays_under_the_ceiling() {
        for ceiling in [-1.0, -3.0] {
            let input = hot_signal(44_100);
            assert!(true_peak_dbtp(&input, 1) > 5.0);
            let mut limiter = Limiter::new(1, 44_100, ceiling);
            let output = run(&mut limiter, &input, 1000);
            assert_eq!(output.len(), input.len());
            let peak = true_peak_dbtp(&output, 1);
            assert!(
                peak <= ceiling + 0.05,
                "ceiling {ceiling}: true peak {peak}"
            );
            assert!(
                peak > ceiling - 1.0,
                "ceiling {ceiling}: limited too hard, {peak}"
            );
        }
    }

    #[test]
    fn stereo_channels_share_one_gain_and_a_lone_spike_is_caught_before_it_arrives() {
        let mut input = vec![0.1_f32; 2 * 4000];
        input[2 * 2000] = 1.5; // left channel only
        let mut limiter = Limiter::new(2, 44_100, -1.0);
        let output = run(&mut limiter, &input, 512);
        assert_eq!(output.len(), input.len());
        let ceiling = 10f32.powf(-1.0 / 20.0);
        assert!(
            output[2 * 2000] <= ceiling * 1.000_01,
            "{}",
            output[2 * 2000]
        );
        for frame in output.chunks_exact(2).skip(1900).take(200) {
            assert!((frame[0] - frame[1]).abs() < 1e-6 || frame[0] > 0.5);
        }
        // The gain ramps down before the spike: already reduced 2 ms ahead of it.
        assert!(output[2 * (2000 - 88) + 1] < 0.1 * 0.999);
        assert!(
            (output[2 * 1000] - 0.1).abs() < 1e-6,
            "far from the spike: untouched"
        );
    }
}
