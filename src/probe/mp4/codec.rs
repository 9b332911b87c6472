//! The codec of an MP4 audio track, from its sample description (`stsd`): AAC and MP3 by
//! their `esds` object type, ALAC, Opus, FLAC and PCM by their entry type, with the sample
//! rate and channels from the codec's own configuration where it has one.

use super::boxes::{Children, u16_at, u32_at};
use crate::probe::Codec;

/// What the sample description says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    /// The codec, or the name of one the archive does not publish.
    pub codec: Result<Codec, String>,
    pub sample_rate: u32,
    pub channels: u32,
}

/// Reads the first entry of an `stsd` body.
pub fn describe(stsd: &[u8]) -> Option<Description> {
    let entries = stsd.get(8..)?; // version, flags, entry count
    let (kind, entry) = Children::of(entries).next()?;
    let version = u16_at(entry, 8)?;
    let mut channels = u32::from(u16_at(entry, 16)?);
    let mut sample_rate = u32_at(entry, 24)? >> 16;
    let children = match version {
        0 => entry.get(28..)?,
        1 => entry.get(44..)?,
        2 => {
            // QuickTime sound description v2: a 64-bit float rate and 32-bit channel count.
            let rate = f64::from_bits(u64::from_be_bytes(entry.get(32..40)?.try_into().ok()?));
            if rate.is_finite() && (1.0..=1e6).contains(&rate) {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let rate = rate.round() as u32;
                sample_rate = rate;
            }
            channels = u32_at(entry, 40)?;
            entry.get(64..)?
        }
        _ => return None,
    };
    let mut description = Description {
        codec: Err(String::from_utf8_lossy(&kind).trim().to_owned()),
        sample_rate,
        channels,
    };
    match &kind {
        b"mp4a" => mp4a(children, &mut description),
        b".mp3" => description.codec = Ok(Codec::Mp3),
        b"alac" => {
            description.codec = Ok(Codec::Alac);
            if let Some(config) = Children::find(children, *b"alac") {
                // Full box header, then ALACSpecificConfig: channels at 9, rate at 20.
                if let (Some(&n), Some(rate)) = (config.get(4 + 9), u32_at(config, 4 + 20)) {
                    description.channels = u32::from(n);
                    description.sample_rate = rate;
                }
            }
        }
        b"Opus" => {
            description.codec = Ok(Codec::Opus);
            description.sample_rate = 48000;
        }
        b"fLaC" => description.codec = Ok(Codec::Flac),
        b"lpcm" | b"sowt" | b"twos" | b"in24" | b"in32" | b"fl32" | b"fl64" | b"raw " => {
            description.codec = Ok(Codec::Pcm);
        }
        b"ac-3" => description.codec = Err("AC-3".into()),
        b"ec-3" => description.codec = Err("E-AC-3".into()),
        _ => {}
    }
    Some(description)
}

/// An `mp4a` entry: the object type of its `esds` says AAC or MP3.
fn mp4a(children: &[u8], description: &mut Description) {
    let Some(esds) = Children::find(children, *b"esds") else {
        description.codec = Ok(Codec::Aac);
        return;
    };
    let Some((object_type, config)) = decoder_config(esds.get(4..).unwrap_or_default()) else {
        description.codec = Ok(Codec::Aac);
        return;
    };
    description.codec = match object_type {
        0x40 | 0x66..=0x68 => Ok(Codec::Aac),
        0x69 | 0x6B => Ok(Codec::Mp3),
        0xA5 => Err("AC-3".into()),
        0xA6 => Err("E-AC-3".into()),
        other => Err(format!("MPEG-4 object type 0x{other:02X}")),
    };
    if description.codec == Ok(Codec::Aac)
        && let Some((rate, channels)) = config.and_then(audio_specific_config)
    {
        description.sample_rate = rate;
        if channels > 0 {
            description.channels = channels;
        }
    }
}

/// The object type and decoder-specific info of an ES descriptor.
fn decoder_config(mut data: &[u8]) -> Option<(u8, Option<&[u8]>)> {
    let mut object_type = None;
    // Descriptors nest (ES → DecoderConfig → DecoderSpecificInfo); a handful of steps at most.
    for _ in 0..8 {
        let (&tag, rest) = data.split_first()?;
        let (len, rest) = descriptor_len(rest)?;
        let body = rest.get(..len.min(rest.len()))?;
        match tag {
            0x03 => {
                let flags = *body.get(2)?;
                let mut skip = 3;
                if flags & 0x80 != 0 {
                    skip += 2;
                }
                if flags & 0x40 != 0 {
                    skip += 1 + usize::from(*body.get(skip)?);
                }
                if flags & 0x20 != 0 {
                    skip += 2;
                }
                data = body.get(skip..)?;
            }
            0x04 => {
                object_type = Some(*body.first()?);
                data = body.get(13..)?;
            }
            0x05 => return Some((object_type?, Some(body))),
            _ => break,
        }
    }
    object_type.map(|t| (t, None))
}

/// A descriptor's length: up to four bytes of seven bits.
fn descriptor_len(data: &[u8]) -> Option<(usize, &[u8])> {
    let mut len = 0;
    for (i, &b) in data.iter().take(4).enumerate() {
        len = (len << 7) | usize::from(b & 0x7F);
        if b & 0x80 == 0 {
            return Some((len, &data[i + 1..]));
        }
    }
    None
}

/// The output sample rate and channel configuration of an AAC `AudioSpecificConfig`.
fn audio_specific_config(config: &[u8]) -> Option<(u32, u32)> {
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    let mut bits = Bits {
        data: config,
        pos: 0,
    };
    let mut object_type = bits.take(5)?;
    if object_type == 31 {
        object_type = 32 + bits.take(6)?;
    }
    let mut rate = match bits.take(4)? {
        15 => bits.take(24)?,
        index => *RATES.get(index as usize)?,
    };
    let channels = bits.take(4)?;
    // Explicit SBR (HE-AAC) or PS: the output runs at the extension's rate.
    if matches!(object_type, 5 | 29) {
        rate = match bits.take(4)? {
            15 => bits.take(24)?,
            index => *RATES.get(index as usize)?,
        };
    }
    let channels = if channels == 7 { 8 } else { channels };
    Some((rate, channels))
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn take(&mut self, n: usize) -> Option<u32> {
        let mut value = 0;
        for _ in 0..n {
            let byte = self.data.get(self.pos / 8)?;
            let bit = (byte >> (7 - self.pos % 8)) & 1;
            value = (value << 1) | u32::from(bit);
            self.pos += 1;
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_specific_configs() {
        // AAC LC, 44.1 kHz, mono.
        assert_eq!(audio_specific_config(&[0x12, 0x08]), Some((44100, 1)));
        // HE-AAC (explicit SBR), core 24 kHz, stereo, output 48 kHz.
        assert_eq!(audio_specific_config(&[0x2B, 0x11, 0x80]), Some((48000, 2)));
    }
}
