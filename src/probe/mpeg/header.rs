//! Frame headers of MPEG audio (layers I–III, MPEG-1, 2 and 2.5) and of ADTS AAC: the length
//! of the frame, its samples, and the fields every frame of one stream shares.

/// Which kind of frames a chain is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mpeg,
    Adts,
}

/// What one frame header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// The whole frame in bytes, header included.
    pub len: usize,
    /// Samples per channel the frame decodes to.
    pub samples: u32,
    pub sample_rate: u32,
    pub channels: u32,
    /// 1–3 for MPEG audio, 0 for ADTS.
    pub layer: u8,
    pub mpeg1: bool,
    pub crc: bool,
    /// The fields that are the same in every frame of a stream (version, layer and sample
    /// rate; for ADTS also the profile and channels): a frame with another key is not the
    /// next frame of this stream.
    pub key: u32,
}

/// The longest header a [`Kind`] has, and the longest frame it can have.
pub const MAX_HEADER: usize = 9;
pub const MAX_FRAME: usize = 8191;

impl Kind {
    /// Bytes needed to parse a header.
    pub fn header_len(self) -> usize {
        match self {
            Kind::Mpeg => 4,
            Kind::Adts => 7,
        }
    }

    /// The frame whose header starts `bytes`, if it is a valid one.
    pub fn parse(self, bytes: &[u8]) -> Option<Frame> {
        match self {
            Kind::Mpeg => mpeg(bytes.get(..4)?),
            Kind::Adts => adts(bytes.get(..7)?),
        }
    }
}

/// Bitrates in kbit/s by (MPEG-1?, layer), index 1–14.
fn bitrate(mpeg1: bool, layer: u8, index: usize) -> u32 {
    const V1_L1: [u32; 14] = [
        32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
    ];
    const V1_L2: [u32; 14] = [
        32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
    ];
    const V1_L3: [u32; 14] = [
        32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const V2_L1: [u32; 14] = [
        32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
    ];
    const V2_L23: [u32; 14] = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let table = match (mpeg1, layer) {
        (true, 1) => &V1_L1,
        (true, 2) => &V1_L2,
        (true, _) => &V1_L3,
        (false, 1) => &V2_L1,
        (false, _) => &V2_L23,
    };
    table[index - 1]
}

fn mpeg(h: &[u8]) -> Option<Frame> {
    if h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (h[1] >> 3) & 3; // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
    let layer = match (h[1] >> 1) & 3 {
        1 => 3,
        2 => 2,
        3 => 1,
        _ => return None,
    };
    let bitrate_index = usize::from(h[2] >> 4);
    let rate_index = usize::from((h[2] >> 2) & 3);
    if version == 1 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None; // reserved, free format, bad
    }
    if h[3] & 3 == 2 {
        return None; // reserved emphasis
    }
    let mpeg1 = version == 3;
    let base = [44100, 48000, 32000][rate_index];
    let sample_rate = match version {
        3 => base,
        2 => base / 2,
        _ => base / 4,
    };
    let bits = bitrate(mpeg1, layer, bitrate_index) * 1000;
    let padding = u32::from((h[2] >> 1) & 1);
    let (len, samples) = match layer {
        1 => ((12 * bits / sample_rate + padding) * 4, 384),
        2 => (144 * bits / sample_rate + padding, 1152),
        _ if mpeg1 => (144 * bits / sample_rate + padding, 1152),
        _ => (72 * bits / sample_rate + padding, 576),
    };
    Some(Frame {
        len: usize::try_from(len).ok()?,
        samples,
        sample_rate,
        channels: if h[3] >> 6 == 3 { 1 } else { 2 },
        layer,
        mpeg1,
        crc: h[1] & 1 == 0,
        key: u32::from(version) << 8 | u32::from(layer) << 4 | u32::try_from(rate_index).ok()?,
    })
}

fn adts(h: &[u8]) -> Option<Frame> {
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    // 12-bit sync, then the MPEG version bit, and a layer that is always 0.
    if h[0] != 0xFF || h[1] & 0xF6 != 0xF0 {
        return None;
    }
    let crc = h[1] & 1 == 0;
    let profile = h[2] >> 6;
    let rate_index = (h[2] >> 2) & 0xF;
    let sample_rate = *RATES.get(usize::from(rate_index))?;
    let channel_config = ((h[2] & 1) << 2) | (h[3] >> 6);
    let len = (usize::from(h[3] & 3) << 11) | (usize::from(h[4]) << 3) | usize::from(h[5] >> 5);
    if len < if crc { 9 } else { 7 } {
        return None;
    }
    let blocks = u32::from(h[6] & 3) + 1;
    Some(Frame {
        len,
        samples: 1024 * blocks,
        sample_rate,
        channels: if channel_config == 7 {
            8
        } else {
            u32::from(channel_config)
        },
        layer: 0,
        mpeg1: false,
        crc,
        key: u32::from(h[1] & 0x08) << 12
            | u32::from(profile) << 8
            | u32::from(rate_index) << 4
            | u32::from(channel_config),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpeg1_layer3_header() {
        // 64 kbit/s, 44.1 kHz, mono, no CRC: the fixtures' CBR frames.
        let frame = Kind::Mpeg.parse(&[0xFF, 0xFB, 0x50, 0xC4]).unwrap();
        assert_eq!(
            (frame.len, frame.samples, frame.sample_rate),
            (208, 1152, 44100)
        );
        assert_eq!((frame.channels, frame.layer, frame.mpeg1), (1, 3, true));
        let padded = Kind::Mpeg.parse(&[0xFF, 0xFB, 0x52, 0xC4]).unwrap();
        assert_eq!((padded.len, padded.key), (209, frame.key));
    }

    #[test]
    fn invalid_mpeg_headers() {
        assert_eq!(Kind::Mpeg.parse(&[0xFF, 0xFB, 0x00, 0xC4]), None); // free format
        assert_eq!(Kind::Mpeg.parse(&[0xFF, 0xFB, 0xF0, 0xC4]), None); // bad bitrate
        assert_eq!(Kind::Mpeg.parse(&[0xFF, 0xFB, 0x5C, 0xC4]), None); // bad rate
        assert_eq!(Kind::Mpeg.parse(&[0xFF, 0xF9, 0x50, 0xC4]), None); // layer bits 00
        assert_eq!(Kind::Mpeg.parse(&[0xFF, 0xEB, 0x50, 0xC4]), None); // reserved version
        assert_eq!(Kind::Mpeg.parse(&[0xFF, 0xFB, 0x50, 0xC6]), None); // reserved emphasis
    }

    #[test]
    fn adts_header() {
        // MPEG-4 AAC LC, 44.1 kHz, mono, 371 bytes, one raw data block.
        let h = [0xFF, 0xF1, 0x50, 0x40, 0x2E, 0x7F, 0xFC];
        let frame = Kind::Adts.parse(&h).unwrap();
        assert_eq!(
            (frame.len, frame.samples, frame.sample_rate),
            (371, 1024, 44100)
        );
        assert_eq!(frame.channels, 1);
        assert_eq!(Kind::Mpeg.parse(&h), None);
        assert_eq!(Kind::Adts.parse(&[0xFF, 0xFB, 0x50, 0xC4, 0, 0, 0]), None);
    }
}
