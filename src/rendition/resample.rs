//! Sample-rate conversion to the rendition's rate with rubato's FFT resampler, streamed in
//! fixed chunks. The resampler's delay is trimmed from the start and the tail is flushed,
//! so `n` input frames become exactly `round(n × out / in)` output frames: the rendition
//! lasts as long as its source.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler as _};

/// Frames per chunk asked of rubato (it rounds up to a whole number of rate ratios).
const CHUNK: usize = 1024;

/// Streams interleaved audio from one rate to another; passes it through when they match.
pub struct Resampler {
    inner: Option<Fft<f32>>,
    channels: usize,
    from: u32,
    to: u32,
    pending: Vec<f32>,
    out: Vec<f32>,
    /// Output frames still to drop at the start: the resampler's delay.
    to_trim: usize,
    frames_in: u64,
    frames_out: u64,
}

impl Resampler {
    /// A resampler of `channels` channels from `from` Hz to `to` Hz.
    pub fn new(from: u32, to: u32, channels: usize) -> Result<Self, String> {
        let inner = if from == to {
            None
        } else {
            let fft = Fft::<f32>::new(from as usize, to as usize, CHUNK, channels, FixedSync::Both)
                .map_err(|err| format!("cannot resample {from} Hz to {to} Hz: {err}"))?;
            Some(fft)
        };
        let to_trim = inner.as_ref().map_or(0, rubato::Resampler::output_delay);
        Ok(Self {
            inner,
            channels,
            from,
            to,
            pending: Vec::new(),
            out: Vec::new(),
            to_trim,
            frames_in: 0,
            frames_out: 0,
        })
    }

    /// Feeds interleaved `input`; hands every finished output chunk to `sink`.
    pub fn push<E>(
        &mut self,
        input: &[f32],
        sink: &mut impl FnMut(&[f32]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.frames_in += (input.len() / self.channels) as u64;
        let Some(fft) = self.inner.as_ref() else {
            self.frames_out += (input.len() / self.channels) as u64;
            return sink(input);
        };
        self.pending.extend_from_slice(input);
        let chunk = fft.input_frames_next() * self.channels;
        let mut start = 0;
        while self.pending.len() - start >= chunk {
            self.process(start, None);
            start += chunk;
            self.emit(None, sink)?;
        }
        self.pending.drain(..start);
        Ok(())
    }

    /// Flushes what is left, so that the output has exactly as many frames as it should.
    pub fn finish<E>(&mut self, sink: &mut impl FnMut(&[f32]) -> Result<(), E>) -> Result<(), E> {
        if self.inner.is_none() {
            return Ok(());
        }
        let expected = self.expected_frames();
        let mut partial = self.pending.len() / self.channels;
        while self.frames_out < expected {
            self.process(0, Some(partial));
            partial = 0;
            self.pending.clear();
            self.emit(Some(expected), sink)?;
        }
        Ok(())
    }

    /// `round(frames in × to / from)`.
    fn expected_frames(&self) -> u64 {
        let exact = u128::from(self.frames_in) * u128::from(self.to);
        let from = u128::from(self.from);
        u64::try_from((exact + from / 2) / from).unwrap_or(u64::MAX)
    }

    /// Resamples one chunk of `pending` from `start` (or its first `partial` frames padded
    /// with silence) into `out`.
    fn process(&mut self, start: usize, partial: Option<usize>) {
        let Some(fft) = self.inner.as_mut() else {
            return;
        };
        let frames_in = fft.input_frames_next();
        let frames_out = fft.output_frames_next();
        self.pending.resize(
            self.pending.len().max(start + frames_in * self.channels),
            0.0,
        );
        self.out.resize(frames_out * self.channels, 0.0);
        let input = &self.pending[start..start + frames_in * self.channels];
        let indexing = partial.map(|frames| Indexing::new().partial_len(frames));
        // The buffers are sized for the chunk above, the only way these calls can fail.
        let (Ok(input), Ok(mut output)) = (
            InterleavedSlice::new(input, self.channels, frames_in),
            InterleavedSlice::new_mut(&mut self.out, self.channels, frames_out),
        ) else {
            unreachable!("buffers are sized for one chunk")
        };
        if fft
            .process_into_buffer(&input, &mut output, indexing.as_ref())
            .is_err()
        {
            unreachable!("buffers are sized for one chunk");
        }
    }

    /// Hands `out` to `sink`, less the delay still to trim and anything past `limit` frames.
    fn emit<E>(
        &mut self,
        limit: Option<u64>,
        sink: &mut impl FnMut(&[f32]) -> Result<(), E>,
    ) -> Result<(), E> {
        let frames = self.out.len() / self.channels;
        let skip = self.to_trim.min(frames);
        self.to_trim -= skip;
        let mut take = (frames - skip) as u64;
        if let Some(limit) = limit {
            take = take.min(limit.saturating_sub(self.frames_out));
        }
        self.frames_out += take;
        let take = usize::try_from(take).unwrap_or(usize::MAX);
        let samples = &self.out[skip * self.channels..(skip + take) * self.channels];
        if samples.is_empty() {
            return Ok(());
        }
        sink(samples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(from: u32, to: u32, channels: usize, frames: usize, push: usize) -> Vec<f32> {
        let mut resampler = Resampler::new(from, to, channels).unwrap();
        #[allow(clippy::cast_precision_loss)]
        let input: Vec<f32> = (0..frames * channels)
            .map(|i| (i as f32 * 0.01).sin() * 0.5)
            .collect();
        let mut out = Vec::new();
        let mut sink = |chunk: &[f32]| -> Result<(), ()> {
            out.extend_from_slice(chunk);
            Ok(())
        };
        for piece in input.chunks(push * channels) {
            resampler.push(piece, &mut sink).unwrap();
        }
        resampler.finish(&mut sink).unwrap();
        out
    }

    #[test]
    fn the_output_has_exactly_the_frames_the_ratio_gives() {
        for (from, to, frames, push) in [
            (48_000, 44_100, 48_000, 960),
            (22_050, 44_100, 12_345, 1152),
            (8_000, 44_100, 7, 7),
            (44_100, 44_100, 1000, 333),
            (96_000, 44_100, 100_001, 4096),
        ] {
            let out = run(from, to, 2, frames, push);
            let expected = (frames as u64 * u64::from(to) + u64::from(from) / 2) / u64::from(from);
            assert_eq!(
                out.len() as u64,
                expected * 2,
                "{from} -> {to}, {frames} frames"
            );
        }
    }

    #[test]
    fn a_tone_keeps_its_level_and_timing_through_the_resampler() {
        // A 48 kHz stream whose samples follow sin(0.01 n) becomes sin(0.01 n × 48/44.1) at
        // 44.1 kHz when the delay is trimmed right.
        let out = run(48_000, 44_100, 1, 48_000, 1000);
        for (n, sample) in out.iter().enumerate().skip(2000).take(1000) {
            #[allow(clippy::cast_precision_loss)]
            let expected = (n as f32 * 0.01 * 48_000.0 / 44_100.0).sin() * 0.5;
            assert!(
                (sample - expected).abs() < 0.01,
                "frame {n}: {sample} vs {expected}"
            );
        }
    }
}
