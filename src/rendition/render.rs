//! The two passes of [`render`]: measure the source, render it (again, if the check of the
//! encoded file asks for it), and put the result in place atomically.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::decode::Decoder;
use super::encode::Mp3Writer;
use super::limiter::Limiter;
use super::loudness::{Gauges, Loudness, Meter, SILENCE_LUFS, guard};
use super::mix::mix;
use super::resample::Resampler;
use super::{Rendition, RenditionError, RenditionTags, Settings};

/// The limiter's first ceiling, under the target true peak: room for the encoder's overshoot.
const HEADROOM_DB: f64 = 0.5;
/// The encoded file's true peak must be this far under the target, for other meters' sake.
const PEAK_MARGIN_DB: f64 = 0.1;
/// The encoded file's loudness may be this far from the target before pass 2 runs again.
const LOUDNESS_TOLERANCE_LU: f64 = 0.3;
/// What LAME at 64 kbit/s per channel or less takes from speech's loudness, LU: it drops
/// quiet high-frequency detail that the K-weighting counts (0.2–0.5 LU measured on speech).
/// The first run aims this much higher, so that it usually needs no second.
const CODEC_ALLOWANCE_LU: f64 = 0.3;
/// Most runs of pass 2.
const MAX_PASSES: u32 = 3;

/// Makes the rendition of `source` at `output` (replacing any file there), tagged with
/// `tags`. `progress(done, total)` is called as frames of the source are decoded, over all
/// passes; `total` is an estimate (0 if unknown) until the first pass ends. Settings with
/// `enabled = false` are rendered all the same: whether to render is the caller's call.
pub fn render(
    source: &Path,
    output: &Path,
    settings: &Settings,
    tags: &RenditionTags,
    progress: &dyn Fn(u64, u64),
) -> Result<Rendition, RenditionError> {
    guard(source, || {
        let tag = tags.encode().map_err(|reason| RenditionError::Encode {
            path: output.to_owned(),
            reason,
        })?;
        let analysis = analyse(source, settings, progress)?;
        let target = settings.loudness();
        let mut plan = Plan {
            gain_db: if analysis.mixed_lufs <= SILENCE_LUFS {
                0.0
            } else {
                target - analysis.mixed_lufs + codec_allowance(settings)
            },
            ceiling_db: settings.true_peak() - HEADROOM_DB,
        };
        let mut best: Option<(Made, Plan)> = None;
        for passes in 1..=MAX_PASSES {
            let done = analysis.frames * u64::from(passes);
            let total = analysis.frames * u64::from(passes + 1);
            let report = |frames: u64| progress(done + frames, total);
            let made = render_pass(source, output, settings, &tag, &plan, &report)?;
            let next = plan.corrected(&made.output, settings, analysis.mixed_lufs);
            if best.as_ref().is_none_or(|(kept, _)| {
                score(&made.output, settings) < score(&kept.output, settings)
            }) {
                best = Some((made, plan));
            }
            match next {
                Some(next) if passes < MAX_PASSES => plan = next,
                _ => {
                    let (made, plan) = best.take().unwrap_or_else(|| unreachable!());
                    return finish(made, analysis.source, &plan, settings, output, passes);
                }
            }
        }
        unreachable!("the last pass returns")
    })
}

/// [`CODEC_ALLOWANCE_LU`] at low bitrates, fading to nothing at 128 kbit/s per channel.
fn codec_allowance(settings: &Settings) -> f64 {
    let per_channel = f64::from(settings.bitrate()) / f64::from(settings.channels());
    CODEC_ALLOWANCE_LU * ((128.0 - per_channel) / 64.0).clamp(0.0, 1.0)
}

/// How far a result is from its targets: a true peak over the limit first, then the
/// loudness error.
fn score(output: &Loudness, settings: &Settings) -> (bool, u64) {
    let over = output.true_peak_dbtp > settings.true_peak() - PEAK_MARGIN_DB;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let error = ((output.integrated_lufs - settings.loudness()).abs() * 1000.0) as u64;
    (over, error)
}

/// What pass 1 found.
struct Analysis {
    source: Loudness,
    /// Integrated loudness of the source mixed to the rendition's channels.
    mixed_lufs: f64,
    frames: u64,
}

/// Pass 1: decode and measure the source, and the source as the rendition's channels and
/// rate (the K-weighting of BS.1770 reads a 16 kHz recording differently from the same
/// audio at 44.1 kHz, so the gain is measured at the rate it is applied at).
fn analyse(
    source: &Path,
    settings: &Settings,
    progress: &dyn Fn(u64, u64),
) -> Result<Analysis, RenditionError> {
    let mut decoder = Decoder::open(source)?;
    let (rate, channels) = (decoder.rate(), decoder.channels());
    let (to, out_rate) = (usize::from(settings.channels()), settings.sample_rate());
    let mut meter = Meter::new(channels, rate, Gauges::Full, source)?;
    let mut converted = if channels == to && rate == out_rate {
        None
    } else {
        let meter = Meter::new(to, out_rate, Gauges::Integrated, source)?;
        Some((meter, resampler(source, rate, out_rate, to)?))
    };
    let estimate = decoder.claimed().unwrap_or(0) * 2;
    let mut buffer = Vec::new();
    while let Some(chunk) = decoder.next_chunk()? {
        meter.add(chunk);
        if let Some((meter, resampler)) = converted.as_mut() {
            mix(chunk, channels, to, &mut buffer);
            resampler.push(&buffer, &mut |samples| meter.add_checked(samples))?;
        }
        progress(decoder.decoded(), estimate);
    }
    let source_loudness = meter.finish();
    let mixed_lufs = match converted {
        Some((mut meter, mut resampler)) => {
            resampler.finish(&mut |samples| meter.add_checked(samples))?;
            meter.integrated()
        }
        None => source_loudness.integrated_lufs,
    };
    Ok(Analysis {
        source: source_loudness,
        mixed_lufs,
        frames: decoder.decoded(),
    })
}

fn resampler(
    source: &Path,
    from: u32,
    to: u32,
    channels: usize,
) -> Result<Resampler, RenditionError> {
    Resampler::new(from, to, channels).map_err(|reason| RenditionError::Unsupported {
        path: source.to_owned(),
        reason,
    })
}

/// Gain and limiter ceiling of one run of pass 2.
#[derive(Debug, Clone, Copy)]
struct Plan {
    gain_db: f64,
    ceiling_db: f64,
}

impl Plan {
    /// The plan for another run, if the encoded result of this one is off target.
    fn corrected(&self, output: &Loudness, settings: &Settings, mixed_lufs: f64) -> Option<Self> {
        let mut next = *self;
        let peak_excess = output.true_peak_dbtp - (settings.true_peak() - PEAK_MARGIN_DB);
        if peak_excess > 0.0 {
            next.ceiling_db -= peak_excess + 0.2;
        }
        let loudness_error = settings.loudness() - output.integrated_lufs;
        if mixed_lufs > SILENCE_LUFS && loudness_error.abs() > LOUDNESS_TOLERANCE_LU {
            next.gain_db += loudness_error;
        }
        (peak_excess > 0.0 || (next.gain_db - self.gain_db).abs() > 0.0).then_some(next)
    }
}

/// A rendition in its temp file, checked.
struct Made {
    temp: NamedTempFile,
    output: Loudness,
    frames: u64,
    limiter_db: f64,
}

/// Pass 2: decode, mix, resample, gain, limit, encode into a temp file; then decode and
/// measure the temp file.
fn render_pass(
    source: &Path,
    output: &Path,
    settings: &Settings,
    tag: &[u8],
    plan: &Plan,
    report: &dyn Fn(u64),
) -> Result<Made, RenditionError> {
    let mut decoder = Decoder::open(source)?;
    let to = usize::from(settings.channels());
    let rate = settings.sample_rate();
    let temp = temp_beside(output)?;
    let file = temp
        .as_file()
        .try_clone()
        .map_err(|source| RenditionError::Write {
            path: output.to_owned(),
            source,
        })?;
    let mut chain = Chain {
        writer: Mp3Writer::new(file, output, settings, tag)?,
        limiter: Limiter::new(to, rate, plan.ceiling_db),
        #[allow(clippy::cast_possible_truncation)]
        gain: 10f64.powf(plan.gain_db / 20.0) as f32,
        frames: 0,
        buffer: Vec::new(),
        limited: Vec::new(),
    };
    let mut resampler = resampler(source, decoder.rate(), rate, to)?;
    let mut mixed = Vec::new();
    let mut sink = |samples: &[f32]| chain.take(samples);
    let from = decoder.channels();
    while let Some(chunk) = decoder.next_chunk()? {
        mix(chunk, from, to, &mut mixed);
        resampler.push(&mixed, &mut sink)?;
        report(decoder.decoded());
    }
    resampler.finish(&mut sink)?;
    let (frames, limiter_db) = chain.finish()?;
    let checked = check(temp.path(), output, frames)?;
    Ok(Made {
        temp,
        output: checked,
        frames,
        limiter_db,
    })
}

/// The stages after the resampler.
struct Chain {
    writer: Mp3Writer,
    limiter: Limiter,
    gain: f32,
    frames: u64,
    buffer: Vec<f32>,
    limited: Vec<f32>,
}

impl Chain {
    fn take(&mut self, samples: &[f32]) -> Result<(), RenditionError> {
        self.buffer.clear();
        self.buffer.extend(samples.iter().map(|s| s * self.gain));
        self.limiter.process(&self.buffer, &mut self.limited);
        self.write_limited()
    }

    fn write_limited(&mut self) -> Result<(), RenditionError> {
        self.frames += (self.limited.len() / usize::from(self.channels())) as u64;
        self.writer.write(&self.limited)
    }

    fn channels(&self) -> u8 {
        u8::try_from(self.writer.channels()).unwrap_or(1)
    }

    /// Flushes the limiter and the encoder; returns the frames written and the limiter's
    /// deepest reduction.
    fn finish(mut self) -> Result<(u64, f64), RenditionError> {
        self.limiter.finish(&mut self.limited);
        self.write_limited()?;
        let reduction = self.limiter.max_reduction_db();
        self.writer.finish()?;
        Ok((self.frames, reduction))
    }
}

/// Decodes the encoded file: it must decode cleanly to the frames that went in (give or
/// take a frame of rounding), and its loudness is what the rendition reports.
fn check(temp: &Path, output: &Path, frames: u64) -> Result<Loudness, RenditionError> {
    let mut decoder = Decoder::open(temp)?;
    let mut meter = Meter::new(decoder.channels(), decoder.rate(), Gauges::Full, temp)?;
    while let Some(chunk) = decoder.next_chunk()? {
        meter.add(chunk);
    }
    if decoder.decoded().abs_diff(frames) > 1 {
        return Err(RenditionError::Encode {
            path: output.to_owned(),
            reason: format!(
                "the encoded file plays {} frames instead of {frames}",
                decoder.decoded()
            ),
        });
    }
    Ok(meter.finish())
}

/// A temp file in the output's directory (created if missing), so the rename is atomic.
fn temp_beside(output: &Path) -> Result<NamedTempFile, RenditionError> {
    let dir = match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .and_then(|()| crate::atomic::builder().tempfile_in(dir))
        .map_err(|source| RenditionError::Write {
            path: output.to_owned(),
            source,
        })
}

/// Hashes the checked temp file and renames it to `output`.
fn finish(
    made: Made,
    source: Loudness,
    plan: &Plan,
    settings: &Settings,
    output: &Path,
    passes: u32,
) -> Result<Rendition, RenditionError> {
    let write_error = |source| RenditionError::Write {
        path: output.to_owned(),
        source,
    };
    let (size, sha256) = hash(made.temp.path()).map_err(write_error)?;
    crate::atomic::persist(made.temp, output).map_err(|err| match err {
        crate::Error::Write { source, .. } => write_error(source),
        other => write_error(std::io::Error::other(other.to_string())),
    })?;
    #[allow(clippy::cast_precision_loss)]
    let duration = made.frames as f64 / f64::from(settings.sample_rate());
    Ok(Rendition {
        source,
        output: made.output,
        gain_db: plan.gain_db,
        limiter_db: made.limiter_db,
        duration,
        frames: made.frames,
        sample_rate: settings.sample_rate(),
        channels: settings.channels(),
        size,
        sha256,
        settings_key: settings.key(),
        passes,
    })
}

/// Size and SHA-256 (hex) of a file.
fn hash(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        size += read as u64;
        hasher.update(&buffer[..read]);
    }
    Ok((size, hex::encode(hasher.finalize())))
}
