//! The information frame at the start of an MP3: a Xing/Info header (frame count, byte count)
//! with an optional LAME tag (encoder delay and padding, for gapless playback), or a VBRI
//! header. It carries no audio.

use super::header::Frame;

/// What an information frame states.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Info {
    /// Audio frames in the file, the information frame not included.
    pub frames: Option<u32>,
    /// Bytes of audio, the information frame included.
    pub bytes: Option<u32>,
    /// Encoder delay and padding in samples, from a LAME tag.
    pub gapless: Option<(u32, u32)>,
}

/// Encoders that write a LAME tag with delay and padding after the Xing header.
const LAME_ENCODERS: [&[u8]; 5] = [b"LAME", b"Lavf", b"Lavc", b"GOGO", b"L3.9"];

/// Reads the information frame, if `data` (one whole frame) is one.
pub fn read(data: &[u8], frame: &Frame) -> Option<Info> {
    if frame.layer != 3 {
        return None;
    }
    let side = match (frame.mpeg1, frame.channels) {
        (true, 1) => 17,
        (true, _) => 32,
        (false, 1) => 9,
        (false, _) => 17,
    };
    let crc = if frame.crc { 2 } else { 0 };
    for at in [4 + side, 4 + crc + side] {
        if let Some(b"Xing" | b"Info") = data.get(at..at + 4) {
            return xing(data, at + 4);
        }
    }
    if data.get(36..40) == Some(b"VBRI") {
        let field = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
        return Some(Info {
            bytes: field(46),
            frames: field(50),
            gapless: None,
        });
    }
    None
}

fn xing(data: &[u8], mut at: usize) -> Option<Info> {
    let field = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
    let flags = field(at)?;
    at += 4;
    let mut info = Info::default();
    if flags & 1 != 0 {
        info.frames = field(at);
        at += 4;
    }
    if flags & 2 != 0 {
        info.bytes = field(at);
        at += 4;
    }
    if flags & 4 != 0 {
        at += 100; // seek table
    }
    if flags & 8 != 0 {
        at += 4; // quality
    }
    if let Some(encoder) = data.get(at..at + 4)
        && LAME_ENCODERS.contains(&encoder)
        && let Some(&[a, b, c]) = data.get(at + 21..at + 24)
    {
        let delay = u32::from(a) << 4 | u32::from(b) >> 4;
        let padding = u32::from(b & 0x0F) << 8 | u32::from(c);
        info.gapless = Some((delay, padding));
    }
    Some(info)
}
