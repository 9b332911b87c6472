//! The `[feed.rendition]` settings: what a rendition is encoded as, and the key that names
//! a rendition made with them.
//!
//! [`Settings`] deserializes from the raw table (`deny_unknown_fields`) and checks every value
//! on the way in, so the engine never sees an unchecked one. [`Settings::key`] spells every
//! value that shapes the output bytes; [`rendition_key`] combines it with the source's
//! SHA-256, so a rendition is made again exactly when the source or a setting changes.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bumped when the engine changes in a way that changes its output for the same source and
/// settings (a new limiter, another encoder version), so existing renditions are remade.
pub const ENGINE_REVISION: u32 = 1;

/// Constant bitrates (kbit/s) an MPEG-1 Layer III stream at 44.1 kHz can have and the
/// encoder accepts.
pub const MP3_BITRATES: [u32; 13] = [32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];

/// The sample rate of every MP3 rendition.
pub const MP3_SAMPLE_RATE: u32 = 44_100;

/// The codec and container of a rendition. Only MP3 now; AAC (M4A) and Opus (Ogg) are the
/// expected additions, each with its own encoder behind the same pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// MPEG-1 Layer III, CBR, with a Xing/LAME info frame and an ID3v2.4 tag.
    #[default]
    Mp3,
}

impl Format {
    /// The file extension of a rendition in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Mp3 => "mp3",
        }
    }

    /// The MIME type of the enclosure.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Mp3 => "audio/mpeg",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// Checked rendition settings. Build one with [`Settings::default`], [`Settings::new`] or by
/// deserializing a `[feed.rendition]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSettings", into = "RawSettings")]
pub struct Settings {
    format: Format,
    bitrate: u32,
    channels: u8,
    loudness: f64,
    true_peak: f64,
    enabled: bool,
}

/// The table as written, before its values are checked.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// kbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bitrate: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<u8>,
    /// Target integrated loudness, LUFS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loudness: Option<f64>,
    /// Highest true peak, dBTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_peak: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A rendition setting out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "rendition `bitrate = {0}` is not an MP3 bitrate; use one of 32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256 or 320 (kbit/s)"
    )]
    Bitrate(u32),
    #[error("rendition `channels = {0}` must be 1 (mono, for speech) or 2 (stereo)")]
    Channels(u8),
    #[error(
        "rendition `loudness = {0}` must be between -40 and -5 LUFS (podcasts use -19 for mono, -16 for stereo)"
    )]
    Loudness(f64),
    #[error("rendition `true_peak = {0}` must be between -9 and 0 dBTP (podcasts use -1)")]
    TruePeak(f64),
}

impl Default for Settings {
    /// MP3, 64 kbit/s, mono, -19 LUFS, -1 dBTP, enabled.
    fn default() -> Self {
        Self::new(RawSettings::default()).unwrap_or_else(|_| unreachable!("defaults are valid"))
    }
}

impl Settings {
    /// Checks `raw` and fills in the defaults: MP3, 64 kbit/s, mono, -19 LUFS for mono or
    /// -16 LUFS for stereo, -1 dBTP, enabled.
    pub fn new(raw: RawSettings) -> Result<Self, SettingsError> {
        let format = raw.format.unwrap_or_default();
        let bitrate = raw.bitrate.unwrap_or(64);
        if !MP3_BITRATES.contains(&bitrate) {
            return Err(SettingsError::Bitrate(bitrate));
        }
        let channels = raw.channels.unwrap_or(1);
        if !(1..=2).contains(&channels) {
            return Err(SettingsError::Channels(channels));
        }
        let loudness = raw
            .loudness
            .unwrap_or(if channels == 1 { -19.0 } else { -16.0 });
        if !(-40.0..=-5.0).contains(&loudness) {
            return Err(SettingsError::Loudness(loudness));
        }
        let true_peak = raw.true_peak.unwrap_or(-1.0);
        if !(-9.0..=0.0).contains(&true_peak) {
            return Err(SettingsError::TruePeak(true_peak));
        }
        let enabled = raw.enabled.unwrap_or(true);
        Ok(Self {
            format,
            bitrate,
            channels,
            loudness,
            true_peak,
            enabled,
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Constant bitrate in kbit/s.
    pub fn bitrate(&self) -> u32 {
        self.bitrate
    }

    /// 1 (mono) or 2 (stereo).
    pub fn channels(&self) -> u8 {
        self.channels
    }

    /// Target integrated loudness in LUFS.
    pub fn loudness(&self) -> f64 {
        self.loudness
    }

    /// Highest true peak in dBTP.
    pub fn true_peak(&self) -> f64 {
        self.true_peak
    }

    /// Whether sync makes renditions at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The sample rate of the rendition.
    pub fn sample_rate(&self) -> u32 {
        match self.format {
            Format::Mp3 => MP3_SAMPLE_RATE,
        }
    }

    /// A stable string naming everything that shapes the output bytes (not `enabled`), e.g.
    /// `mp3-64k-1ch-i-19.0-tp-1.0-r1`. Equal settings give equal keys in every version that
    /// has the same [`ENGINE_REVISION`].
    pub fn key(&self) -> String {
        format!(
            "{}-{}k-{}ch-i{:.1}-tp{:.1}-r{ENGINE_REVISION}",
            self.format, self.bitrate, self.channels, self.loudness, self.true_peak
        )
    }
}

impl TryFrom<RawSettings> for Settings {
    type Error = SettingsError;

    fn try_from(raw: RawSettings) -> Result<Self, Self::Error> {
        Self::new(raw)
    }
}

impl From<Settings> for RawSettings {
    fn from(settings: Settings) -> Self {
        Self {
            format: Some(settings.format),
            bitrate: Some(settings.bitrate),
            channels: Some(settings.channels),
            loudness: Some(settings.loudness),
            true_peak: Some(settings.true_peak),
            enabled: Some(settings.enabled),
        }
    }
}

/// The key of the rendition of a source (its SHA-256, hex) made with `settings`: the hex
/// SHA-256 of both. A rendition is made again exactly when this changes.
pub fn rendition_key(source_sha256: &str, settings: &Settings) -> String {
    let mut hasher = Sha256::new();
    hasher.update(source_sha256.as_bytes());
    hasher.update(b"\n");
    hasher.update(settings.key().as_bytes());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, String> {
        toml::from_str::<Settings>(text).map_err(|err| err.message().to_owned())
    }

    #[test]
    fn defaults_are_mono_64k_at_minus_19_lufs() {
        let settings = parse("").unwrap();
        assert_eq!(settings, Settings::default());
        assert_eq!(settings.key(), "mp3-64k-1ch-i-19.0-tp-1.0-r1");
        assert_eq!(settings.sample_rate(), 44_100);
        assert!(settings.enabled());
    }

    #[test]
    fn stereo_defaults_to_minus_16_lufs() {
        let settings = parse("channels = 2\nbitrate = 128").unwrap();
        assert!((settings.loudness() - -16.0).abs() < f64::EPSILON);
        assert_eq!(settings.key(), "mp3-128k-2ch-i-16.0-tp-1.0-r1");
    }

    #[test]
    fn every_bad_value_is_refused_with_what_to_use() {
        let cases = [
            ("bitrate = 56", "use one of 32, 40"),
            ("channels = 6", "must be 1 (mono, for speech) or 2"),
            ("loudness = -3.0", "between -40 and -5 LUFS"),
            ("true_peak = 1.0", "between -9 and 0 dBTP"),
            ("format = \"aac\"", "unknown variant `aac`, expected `mp3`"),
            ("bitrat = 64", "unknown field `bitrat`"),
        ];
        for (text, expected) in cases {
            let message = parse(text).unwrap_err();
            assert!(message.contains(expected), "{text}: {message}");
        }
    }

    #[test]
    fn the_key_changes_with_every_setting_that_shapes_the_bytes_but_not_enabled() {
        let base = Settings::default();
        let other = |text: &str| parse(text).unwrap().key();
        for text in [
            "bitrate = 96",
            "channels = 2",
            "loudness = -18.0",
            "true_peak = -2.0",
        ] {
            assert_ne!(other(text), base.key(), "{text}");
        }
        assert_eq!(other("enabled = false"), base.key());
        let sha = "ab".repeat(32);
        assert_ne!(
            rendition_key(&sha, &base),
            rendition_key(&"cd".repeat(32), &base)
        );
        assert_eq!(rendition_key(&sha, &base).len(), 64);
    }

    #[test]
    fn settings_round_trip_through_json_for_sync_records() {
        let settings = parse("channels = 2\nloudness = -18.5").unwrap();
        let json = serde_json::to_string(&settings).unwrap();
        assert_eq!(serde_json::from_str::<Settings>(&json).unwrap(), settings);
    }
}
