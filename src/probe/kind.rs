//! What kind of audio a file holds: its container and codec, with the MIME type and file
//! extension each is published under.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A container the archive publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    Mp3,
    Mp4,
    Ogg,
    Flac,
    Wav,
    /// Raw AAC in ADTS frames (`.aac`).
    Aac,
    /// AIFF and AIFF-C.
    Aiff,
    /// Apple's Core Audio Format.
    Caf,
    /// `WebM`: the Matroska subset browsers and web video use.
    Webm,
    /// Matroska audio (`.mka`) with a doc type other than `webm`.
    Matroska,
}

impl Container {
    /// The name used in `archive probe` output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mp3 => "mp3",
            Self::Mp4 => "mp4",
            Self::Ogg => "ogg",
            Self::Flac => "flac",
            Self::Wav => "wav",
            Self::Aac => "aac",
            Self::Aiff => "aiff",
            Self::Caf => "caf",
            Self::Webm => "webm",
            Self::Matroska => "matroska",
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
    /// IMA and Microsoft ADPCM.
    Adpcm,
    Other,
}

impl Codec {
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
            Self::Adpcm => "adpcm",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every published extension with its MIME type, for the code that serves and uploads the
/// files: what [`extension`] and [`mime_type`] can give.
pub const PUBLISHED_TYPES: &[(&str, &str)] = &[
    ("mp3", "audio/mpeg"),
    ("m4a", "audio/mp4"),
    ("ogg", "audio/ogg"),
    ("opus", "audio/ogg"),
    ("flac", "audio/flac"),
    ("wav", "audio/wav"),
    ("aac", "audio/aac"),
    ("aiff", "audio/aiff"),
    ("caf", "audio/x-caf"),
    ("webm", "audio/webm"),
    ("mka", "audio/x-matroska"),
];

/// The MIME type of the enclosure, from the probed bytes (never from a file name).
pub fn mime_type(container: Container) -> &'static str {
    match container {
        Container::Mp3 => "audio/mpeg",
        Container::Mp4 => "audio/mp4",
        Container::Ogg => "audio/ogg",
        Container::Flac => "audio/flac",
        Container::Wav => "audio/wav",
        Container::Aac => "audio/aac",
        Container::Aiff => "audio/aiff",
        Container::Caf => "audio/x-caf",
        Container::Webm => "audio/webm",
        Container::Matroska => "audio/x-matroska",
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
        (Container::Aac, _) => "aac",
        (Container::Aiff, _) => "aiff",
        (Container::Caf, _) => "caf",
        (Container::Webm, _) => "webm",
        (Container::Matroska, _) => "mka",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_extension_and_type_is_in_the_published_table() {
        let containers = [
            Container::Mp3,
            Container::Mp4,
            Container::Ogg,
            Container::Flac,
            Container::Wav,
            Container::Aac,
            Container::Aiff,
            Container::Caf,
            Container::Webm,
            Container::Matroska,
        ];
        for container in containers {
            for codec in [Codec::Opus, Codec::Other] {
                let pair = (extension(container, codec), mime_type(container));
                assert!(PUBLISHED_TYPES.contains(&pair), "{pair:?}");
            }
        }
    }
}
