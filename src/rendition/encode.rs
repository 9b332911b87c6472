//! MP3 encoding with LAME (through `mp3lame-encoder`): CBR at the rendition's bitrate and
//! 44.1 kHz, after an `ID3v2` tag, with the Xing/LAME "Info" frame that tells decoders the
//! encoder delay and padding, so players and probes count exactly the source's frames.
//!
//! LAME reserves the first frame of the stream for that header and can only fill it in once
//! every frame is encoded, so [`Mp3Writer::finish`] writes it back over the reserved frame,
//! which starts right after the ID3 tag.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use mp3lame_encoder::{
    Bitrate, Builder, Encoder, FlushGap, InterleavedPcm, Mode, MonoPcm, VbrMode,
};

use super::RenditionError;
use super::settings::Settings;

/// Streams audio into an MP3 file.
pub struct Mp3Writer {
    encoder: Encoder,
    file: BufWriter<File>,
    path: PathBuf,
    channels: usize,
    tag_len: u64,
    bytes: Vec<u8>,
}

impl Mp3Writer {
    /// Starts an MP3 in `file` (named `path` in errors): writes `tag` and sets up LAME.
    pub fn new(
        file: File,
        path: &Path,
        settings: &Settings,
        tag: &[u8],
    ) -> Result<Self, RenditionError> {
        let encode_error = |reason: String| RenditionError::Encode {
            path: path.to_owned(),
            reason,
        };
        let encoder = build(settings).map_err(encode_error)?;
        let mut file = BufWriter::new(file);
        file.write_all(tag)
            .map_err(|source| RenditionError::Write {
                path: path.to_owned(),
                source,
            })?;
        Ok(Self {
            encoder,
            file,
            path: path.to_owned(),
            channels: usize::from(settings.channels()),
            tag_len: tag.len() as u64,
            bytes: Vec::new(),
        })
    }

    /// Encodes interleaved samples in `[-1, 1]` and writes the frames LAME completes.
    pub fn write(&mut self, samples: &[f32]) -> Result<(), RenditionError> {
        let frames = samples.len() / self.channels;
        self.bytes.clear();
        self.bytes.reserve(frames * 5 / 4 + 7200);
        let result = if self.channels == 1 {
            self.encoder
                .encode_to_vec(MonoPcm(samples), &mut self.bytes)
        } else {
            self.encoder
                .encode_to_vec(InterleavedPcm(samples), &mut self.bytes)
        };
        result.map_err(|err| self.encode_error(&err))?;
        self.write_bytes()
    }

    /// Flushes the last frames, writes the info frame back over the reserved first frame,
    /// and returns the file, synced to disk.
    pub fn finish(mut self) -> Result<File, RenditionError> {
        self.bytes.clear();
        self.bytes.reserve(7200);
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.bytes)
            .map_err(|err| self.encode_error(&err))?;
        self.write_bytes()?;
        let mut info = Vec::with_capacity(self.encoder.lame_tag_size());
        if self.encoder.lame_tag_encode_to_vec(&mut info).is_none() {
            return Err(self.encode_error(&"LAME gave no info frame"));
        }
        let write_error = |path: &Path, source| RenditionError::Write {
            path: path.to_owned(),
            source,
        };
        self.file
            .seek(SeekFrom::Start(self.tag_len))
            .and_then(|_| self.file.write_all(&info))
            .and_then(|()| self.file.flush())
            .map_err(|err| write_error(&self.path, err))?;
        let path = self.path.clone();
        self.file
            .into_inner()
            .map_err(|err| write_error(&path, err.into_error()))
    }

    /// Channels of the audio it takes.
    pub fn channels(&self) -> usize {
        self.channels
    }

    fn write_bytes(&mut self) -> Result<(), RenditionError> {
        self.file
            .write_all(&self.bytes)
            .map_err(|source| RenditionError::Write {
                path: self.path.clone(),
                source,
            })
    }

    fn encode_error(&self, reason: &dyn std::fmt::Display) -> RenditionError {
        RenditionError::Encode {
            path: self.path.clone(),
            reason: reason.to_string(),
        }
    }
}

/// A LAME encoder for `settings`: CBR, 44.1 kHz in and out, mono or joint stereo.
fn build(settings: &Settings) -> Result<Encoder, String> {
    let mut builder = Builder::new().ok_or("LAME could not allocate its encoder")?;
    let rate = settings.sample_rate();
    let mode = if settings.channels() == 1 {
        Mode::Mono
    } else {
        Mode::JointStereo
    };
    builder
        .set_num_channels(settings.channels())
        .and_then(|()| builder.set_sample_rate(rate))
        .and_then(|()| builder.set_output_sample_rate(NonZeroU32::new(rate)))
        .and_then(|()| builder.set_brate(bitrate(settings.bitrate())))
        .and_then(|()| builder.set_mode(mode))
        .and_then(|()| builder.set_vbr_mode(VbrMode::Off))
        .and_then(|()| builder.set_to_write_vbr_tag(true))
        .map_err(|err| format!("LAME refused the settings: {err}"))?;
    builder
        .build()
        .map_err(|err| format!("LAME refused the settings: {err}"))
}

/// The encoder's bitrate for a checked [`Settings::bitrate`].
fn bitrate(kbps: u32) -> Bitrate {
    match kbps {
        32 => Bitrate::Kbps32,
        40 => Bitrate::Kbps40,
        48 => Bitrate::Kbps48,
        80 => Bitrate::Kbps80,
        96 => Bitrate::Kbps96,
        112 => Bitrate::Kbps112,
        128 => Bitrate::Kbps128,
        160 => Bitrate::Kbps160,
        192 => Bitrate::Kbps192,
        224 => Bitrate::Kbps224,
        256 => Bitrate::Kbps256,
        320 => Bitrate::Kbps320,
        _ => Bitrate::Kbps64,
    }
}

/// The version of the LAME source that `mp3lame-sys` bundles and builds, named in
/// `archive --version`.
pub const LAME_VERSION: &str = "3.100";

/// The LAME library's version, as it reports it (e.g. `3.100`).
pub fn lame_version() -> String {
    mp3lame_encoder::mp3lame_version().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_named_in_the_licence_notice_is_the_one_linked() {
        assert_eq!(lame_version(), LAME_VERSION);
    }
}
