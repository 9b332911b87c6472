//! Streaming decode of a recording with Symphonia (and our [`OpusDecoder`] for Opus, which
//! Symphonia does not decode), as interleaved `f32` chunks of one packet each.
//!
//! The reader is strict where a player would be lenient: a packet that fails to decode, a
//! reader error before the end of the stream, a change of sample rate or channel count, or
//! fewer frames than the header promises all end the decode with an error, because a
//! rendition of such a file would silently be cut or damaged. The walk is bounded: no more
//! packets than the file has bytes, and no more than [`MAX_SECONDS`] of audio.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use symphonia::core::audio::Channels;
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::well_known as formats;
use symphonia::core::formats::{FormatOptions, FormatReader, MediaInfo, Track, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

use super::RenditionError;
use super::edit_list::priming_frames;
use super::opus::OpusDecoder;

/// The longest recording rendered: a day. Longer ones are refused rather than run for hours.
pub const MAX_SECONDS: u64 = 24 * 3600;

/// Symphonia's decoders plus ours for Opus.
static CODECS: LazyLock<CodecRegistry> = LazyLock::new(|| {
    let mut registry = CodecRegistry::new();
    symphonia::default::register_enabled_codecs(&mut registry);
    registry.register_audio_decoder::<OpusDecoder>();
    registry
});

/// An open recording, decoded packet by packet.
pub struct Decoder {
    path: PathBuf,
    reader: Box<dyn FormatReader>,
    codec: Box<dyn AudioDecoder>,
    track_id: u32,
    rate: u32,
    channels: usize,
    /// Playable frames the header promises, when it states them.
    claimed: Option<u64>,
    /// Frames to drop at the start and the most to give: an MP4 edit list, which
    /// Symphonia does not apply.
    skip: u64,
    limit: Option<u64>,
    /// Frames the codec gave, and frames given out of them.
    raw: u64,
    decoded: u64,
    packets: u64,
    size: u64,
    samples: Vec<f32>,
}

impl Decoder {
    /// Opens `path` and its first audio track.
    pub fn open(path: &Path) -> Result<Self, RenditionError> {
        let read_error = |source| RenditionError::Read {
            path: path.to_owned(),
            source,
        };
        let file = File::open(path).map_err(read_error)?;
        let size = file.metadata().map_err(read_error)?.len();
        let not_audio = |reason: String| RenditionError::NotAudio {
            path: path.to_owned(),
            reason,
        };
        let stream = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
        let reader = symphonia::default::get_probe()
            .probe(
                &Hint::new(),
                stream,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(|err| not_audio(err.to_string()))?;
        let track = reader
            .default_track(TrackType::Audio)
            .cloned()
            .ok_or_else(|| not_audio("no audio track".into()))?;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|params| params.audio())
            .cloned()
            .ok_or_else(|| not_audio("no audio track".into()))?;
        let decoder = CODECS
            .make_audio_decoder(&params, &AudioDecoderOptions::default())
            .map_err(|err| not_audio(format!("no decoder for its codec ({err})")))?;
        let rate = params
            .sample_rate
            .filter(|rate| *rate > 0)
            .ok_or_else(|| not_audio("no sample rate".into()))?;
        let channels = params.channels.as_ref().map_or(0, Channels::count);
        if channels == 0 {
            return Err(not_audio("no channels".into()));
        }
        let is_mp4 = reader.format_info().format == formats::FORMAT_ID_ISOMP4;
        let (skip, limit) = if is_mp4 {
            mp4_edit(path, &track, reader.media_info(), rate)
        } else {
            (0, None)
        };
        // Without a LAME tag an MP3's length is a guess from its first frame's bitrate.
        let is_mp3 = reader.format_info().format == formats::FORMAT_ID_MP3;
        let claimed = track
            .num_frames
            .filter(|_| !is_mp3 || track.delay.is_some());
        Ok(Self {
            path: path.to_owned(),
            reader,
            codec: decoder,
            track_id: track.id,
            rate,
            channels,
            claimed,
            skip,
            limit,
            raw: 0,
            decoded: 0,
            packets: 0,
            size,
            samples: Vec::new(),
        })
    }

    /// Sample rate of the decoded audio.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Channels of the decoded audio.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Frames (per channel) decoded so far.
    pub fn decoded(&self) -> u64 {
        self.decoded
    }

    /// Playable frames the header states, if it does: an estimate for progress.
    pub fn claimed(&self) -> Option<u64> {
        self.claimed
    }

    /// The next packet's audio, interleaved; `None` at the end of the stream.
    pub fn next_chunk(&mut self) -> Result<Option<&[f32]>, RenditionError> {
        loop {
            let packet = match self.reader.next_packet() {
                Ok(Some(packet)) => packet,
                Ok(None) => return self.finish().map(|()| None),
                Err(SymphoniaError::IoError(err))
                    if err.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return self.finish().map(|()| None);
                }
                Err(SymphoniaError::ResetRequired) => {
                    return Err(self.unsupported(
                        "the stream changes partway (chained Ogg streams are not supported)",
                    ));
                }
                Err(err) => return Err(self.decode_error(&err)),
            };
            self.packets += 1;
            if self.packets > self.size {
                return Err(self.decode_error(&"the reader did not reach the end of the file"));
            }
            if packet.track_id != self.track_id {
                continue;
            }
            let (rate, channels) = (self.rate, self.channels);
            let audio = match self.codec.decode(&packet) {
                Ok(audio) => audio,
                Err(err) => return Err(self.decode_error(&err)),
            };
            if audio.spec().rate() != rate || audio.spec().channels().count() != channels {
                return Err(self.unsupported("the sample rate or channel count changes partway"));
            }
            let frames = audio.frames() as u64;
            audio.copy_to_vec_interleaved(&mut self.samples);
            let start = self.skip.saturating_sub(self.raw).min(frames);
            self.raw += frames;
            let end = self.limit.map_or(frames, |limit| {
                frames.min(start + limit.saturating_sub(self.decoded))
            });
            if self.raw > MAX_SECONDS * u64::from(self.rate) {
                return Err(self.unsupported("it is longer than 24 hours"));
            }
            if end > start {
                self.decoded += end - start;
                // Both are at most one packet's frames, which fit in memory.
                #[allow(clippy::cast_possible_truncation)]
                let (start, end) = (start as usize * channels, end as usize * channels);
                self.samples.truncate(end);
                self.samples.drain(..start);
                return Ok(Some(&self.samples));
            }
        }
    }

    /// At the end of the stream: fewer frames than the header promises is a cut file.
    fn finish(&self) -> Result<(), RenditionError> {
        if self.decoded == 0 {
            return Err(RenditionError::NotAudio {
                path: self.path.clone(),
                reason: "no audio decodes".into(),
            });
        }
        // A packet's worth of slack: headers count whole packets, decoders trim the last.
        let slack = u64::from(self.rate) / 10;
        match self.claimed {
            Some(claimed) if claimed > self.raw + slack => Err(RenditionError::Truncated {
                path: self.path.clone(),
                claimed: self.seconds(claimed),
                present: self.seconds(self.raw),
            }),
            _ => Ok(()),
        }
    }

    fn decode_error(&self, reason: &dyn std::fmt::Display) -> RenditionError {
        RenditionError::Decode {
            path: self.path.clone(),
            at: self.seconds(self.decoded),
            reason: reason.to_string(),
        }
    }

    fn unsupported(&self, reason: &str) -> RenditionError {
        RenditionError::Unsupported {
            path: self.path.clone(),
            reason: reason.into(),
        }
    }

    #[allow(clippy::cast_precision_loss)]
    fn seconds(&self, frames: u64) -> f64 {
        frames as f64 / f64::from(self.rate)
    }
}

/// Frames to skip and the presentation length of an MP4 track: the edit list's start, and
/// the movie header's duration (which the edit list sets).
fn mp4_edit(path: &Path, track: &Track, media: &MediaInfo, rate: u32) -> (u64, Option<u64>) {
    let skip = match (priming_frames(path), track.time_base) {
        (Some(ticks), Some(base)) => {
            let frames = u128::from(ticks) * u128::from(rate) * u128::from(base.numer.get())
                / u128::from(base.denom.get());
            u64::try_from(frames).unwrap_or(0)
        }
        _ => 0,
    };
    let limit = match (media.duration, media.time_base) {
        (Some(duration), Some(base)) if duration.get() > 0 => {
            let frames =
                (u128::from(duration.get()) * u128::from(rate) * u128::from(base.numer.get())
                    + u128::from(base.denom.get()) / 2)
                    / u128::from(base.denom.get());
            u64::try_from(frames).ok()
        }
        _ => None,
    };
    (skip, limit)
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    fn repo(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    /// Every sample of `path`, interleaved.
    fn decode(path: &Path) -> (Vec<f32>, usize) {
        let mut decoder = Decoder::open(path).unwrap();
        let mut samples = Vec::new();
        while let Some(chunk) = decoder.next_chunk().unwrap() {
            samples.extend_from_slice(chunk);
        }
        (samples, decoder.channels())
    }

    /// Every sample of `path` as ffmpeg decodes it with libopus, interleaved.
    fn libopus(path: &Path) -> Vec<f32> {
        let output = Command::new("ffmpeg")
            .args(["-v", "error", "-c:a", "libopus", "-i"])
            .arg(path)
            .args(["-f", "f32le", "-"])
            .output()
            .expect("ffmpeg (with libopus) is needed by this test: apt-get install ffmpeg");
        assert!(output.status.success(), "{output:?}");
        output
            .stdout
            .chunks_exact(4)
            .map(|bytes| f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
            .collect()
    }

    /// Signal-to-difference ratio of `ours` against `reference`, dB.
    fn snr(ours: &[f32], reference: &[f32]) -> f64 {
        let signal: f64 = reference.iter().map(|s| f64::from(*s).powi(2)).sum();
        let error: f64 = ours
            .iter()
            .zip(reference)
            .map(|(a, b)| f64::from(a - b).powi(2))
            .sum();
        10.0 * (signal / error.max(f64::MIN_POSITIVE)).log10()
    }

    #[test]
    fn opus_decodes_sample_for_sample_like_libopus_pre_skip_and_end_trim_included() {
        let stereo = tempfile::TempDir::new().unwrap();
        let made = stereo.path().join("stereo.opus");
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(repo("recordings/2020-11-10-aidin-saidian.m4a"))
            .args(["-t", "8", "-ac", "2", "-c:a", "libopus", "-b:a", "64k"])
            .arg(&made)
            .status()
            .unwrap();
        assert!(status.success());
        for (path, channels) in [
            (repo("tests/fixtures/audio/opus.opus"), 1),
            (repo("recordings/2020-11-10-maryam-rajavi.opus"), 1),
            (made, 2),
        ] {
            let (ours, decoded_channels) = decode(&path);
            let reference = libopus(&path);
            assert_eq!(decoded_channels, channels, "{}", path.display());
            assert_eq!(ours.len(), reference.len(), "{}", path.display());
            // A frame out of step, or a wrong decode, is far below this; the two differ by
            // libopus's float rounding only.
            let snr = snr(&ours, &reference);
            assert!(snr > 70.0, "{}: {snr} dB", path.display());
        }
    }
}
