//! What kind of audio a file holds: its container and codec, with the MIME type and file
//! extension each is published under.

use std::fmt;

use serde::{Deserialize, Serialize};
use symphonia::core::codecs::audio::AudioCodecId;
use symphonia::core::codecs::audio::well_known as codecs;
use symphonia::core::formats::FormatId;
use symphonia::core::formats::well_known as formats;

/// A container the archive publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    Mp3,
    Mp4,
    Ogg,
    Flac,
    Wav,
}

impl Container {
    /// The container of a Symphonia format, if it is one the archive publishes.
    pub fn from_format(format: FormatId) -> Option<Self> {
        match format {
            formats::FORMAT_ID_MP3 | formats::FORMAT_ID_MP2 | formats::FORMAT_ID_MP1 => {
                Some(Self::Mp3)
            }
            formats::FORMAT_ID_ISOMP4 => Some(Self::Mp4),
            formats::FORMAT_ID_OGG => Some(Self::Ogg),
            formats::FORMAT_ID_FLAC => Some(Self::Flac),
            formats::FORMAT_ID_WAVE => Some(Self::Wav),
            _ => None,
        }
    }

    /// The name used in `archive probe` output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mp3 => "mp3",
            Self::Mp4 => "mp4",
            Self::Ogg => "ogg",
            Self::Flac => "flac",
            Self::Wav => "wav",
        }
    }
}

impl fmt::Display for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The audio codec of the probed track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    Mp3,
    Mp2,
    Mp1,
    Aac,
    Alac,
    Vorbis,
    Opus,
    Flac,
    Pcm,
    Other,
}

impl Codec {
    /// The codec of a Symphonia codec id.
    pub fn from_id(id: AudioCodecId) -> Self {
        match id {
            codecs::CODEC_ID_MP3 => Self::Mp3,
            codecs::CODEC_ID_MP2 => Self::Mp2,
            codecs::CODEC_ID_MP1 => Self::Mp1,
            codecs::CODEC_ID_AAC => Self::Aac,
            codecs::CODEC_ID_ALAC => Self::Alac,
            codecs::CODEC_ID_VORBIS => Self::Vorbis,
            codecs::CODEC_ID_OPUS => Self::Opus,
            codecs::CODEC_ID_FLAC => Self::Flac,
            id if (codecs::CODEC_ID_PCM_S32LE..=codecs::CODEC_ID_PCM_MULAW).contains(&id) => {
                Self::Pcm
            }
            _ => Self::Other,
        }
    }

    /// The name used in `archive probe` output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mp3 => "mp3",
            Self::Mp2 => "mp2",
            Self::Mp1 => "mp1",
            Self::Aac => "aac",
            Self::Alac => "alac",
            Self::Vorbis => "vorbis",
            Self::Opus => "opus",
            Self::Flac => "flac",
            Self::Pcm => "pcm",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The MIME type of the enclosure, from the probed bytes (never from a file name).
pub fn mime_type(container: Container) -> &'static str {
    match container {
        Container::Mp3 => "audio/mpeg",
        Container::Mp4 => "audio/mp4",
        Container::Ogg => "audio/ogg",
        Container::Flac => "audio/flac",
        Container::Wav => "audio/wav",
    }
}

/// The extension a published file gets: `.opus` for Opus in Ogg, `.m4a` for MP4 audio.
pub fn extension(container: Container, codec: Codec) -> &'static str {
    match (container, codec) {
        (Container::Mp3, _) => "mp3",
        (Container::Mp4, _) => "m4a",
        (Container::Ogg, Codec::Opus) => "opus",
        (Container::Ogg, _) => "ogg",
        (Container::Flac, _) => "flac",
        (Container::Wav, _) => "wav",
    }
}
