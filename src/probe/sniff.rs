//! What a file is, from its first bytes: used on downloads before they are kept, to pick the
//! reader for a probe, and to name what a file is when it is not audio the archive publishes.

/// How many leading bytes [`looks_like_audio`] wants to see.
pub const SNIFF_LEN: usize = 12;

/// The formats the probe reads, as told by their signatures. MPEG audio has none: it is what
/// a file is when its frames chain up (see [`super::mpeg`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Id3,
    /// A frame sync: MPEG audio or ADTS AAC, to be confirmed by the frames that follow.
    FrameSync,
    Mp4,
    Ogg,
    Flac,
    Wav,
    Aiff,
    Caf,
    Matroska,
}

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Audio(Format),
    /// Audio in a format the archive does not publish, by name.
    Unsupported(&'static str),
    /// Something else than audio, by description.
    NotAudio(&'static str),
    Unknown,
}

/// Other audio formats, by signature at offset 0.
const UNSUPPORTED: &[(&[u8], &str)] = &[
    (
        b"\x30\x26\xB2\x75\x8E\x66\xCF\x11\xA6\xD9\x00\xAA\x00\x62\xCE\x6C",
        "WMA/ASF (Windows Media)",
    ),
    (b"MPCK", "Musepack"),
    (b"MP+", "Musepack"),
    (b"wvpk", "WavPack"),
    (b"MAC ", "Monkey's Audio (APE)"),
    (b"tBaK", "TAK"),
    (b"OFR ", "OptimFROG"),
    (b"DSD ", "DSD audio (DSF)"),
    (b"FRM8", "DSD audio (DSDIFF)"),
    (b"TTA1", "True Audio (TTA)"),
    (b".snd", "Sun/NeXT audio (.au)"),
    (b"#!AMR", "AMR"),
    (b".RMF", "RealMedia"),
    (b".ra\xFD", "RealAudio"),
    (b"MThd", "MIDI"),
    (b"\x7FELF", "an executable"),
];

/// Common files that are not audio at all.
const NOT_AUDIO: &[(&[u8], &str)] = &[
    (b"%PDF", "it is a PDF document"),
    (b"\x89PNG", "it is a PNG image"),
    (b"\xFF\xD8\xFF", "it is a JPEG image"),
    (b"GIF8", "it is a GIF image"),
    (b"PK\x03\x04", "it is a ZIP archive"),
    (
        b"\x1F\x8B",
        "it is gzip-compressed (a server sent it encoded)",
    ),
    (b"{", "it is JSON or text"),
];

/// Identifies the bytes at the start of a file (or after its `ID3v2` tag).
pub fn sniff(start: &[u8]) -> Sniffed {
    if let Some(format) = audio_format(start) {
        return Sniffed::Audio(format);
    }
    if let Some((_, name)) = UNSUPPORTED.iter().find(|(sig, _)| start.starts_with(sig)) {
        return Sniffed::Unsupported(name);
    }
    if start.starts_with(b"FORM") {
        return Sniffed::Unsupported("an IFF file other than AIFF");
    }
    if start.starts_with(b"RIFF") {
        return match start.get(8..12) {
            Some(b"AVI ") => Sniffed::NotAudio("it is an AVI video"),
            Some(b"WEBP") => Sniffed::NotAudio("it is a WebP image"),
            _ => Sniffed::Unsupported("a RIFF file other than WAVE"),
        };
    }
    if let Some((_, what)) = NOT_AUDIO.iter().find(|(sig, _)| start.starts_with(sig)) {
        return Sniffed::NotAudio(what);
    }
    let text = String::from_utf8_lossy(start);
    if text.trim_start().starts_with('<') {
        return Sniffed::NotAudio("it is an HTML or XML page");
    }
    Sniffed::Unknown
}

fn audio_format(start: &[u8]) -> Option<Format> {
    let at = |range: std::ops::Range<usize>| start.get(range);
    let format = match start {
        [b'I', b'D', b'3', ..] => Format::Id3,
        [b'O', b'g', b'g', b'S', ..] => Format::Ogg,
        [b'f', b'L', b'a', b'C', ..] => Format::Flac,
        [b'c', b'a', b'f', b'f', ..] => Format::Caf,
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Format::Matroska,
        [0xFF, second, ..] if second & 0xE0 == 0xE0 => Format::FrameSync,
        _ if matches!(at(0..4), Some(b"RIFF" | b"RF64")) && at(8..12) == Some(b"WAVE") => {
            Format::Wav
        }
        _ if at(0..4) == Some(b"FORM") && matches!(at(8..12), Some(b"AIFF" | b"AIFC")) => {
            Format::Aiff
        }
        _ if matches!(at(4..8), Some(b"ftyp" | b"moov" | b"wide" | b"mdat")) => Format::Mp4,
        _ => return None,
    };
    Some(format)
}

/// Checks the start of a download: it must look like audio the archive publishes. Returns
/// what the bytes are instead.
pub fn looks_like_audio(start: &[u8]) -> Result<(), String> {
    match sniff(start) {
        Sniffed::Audio(_) => Ok(()),
        Sniffed::Unsupported(name) => Err(format!("it is {name}, which is not supported")),
        Sniffed::NotAudio(what) => Err(what.to_owned()),
        Sniffed::Unknown => Err(UNKNOWN.into()),
    }
}

/// Why bytes with no known signature are not audio.
pub const UNKNOWN: &str = "it does not start like audio (no ID3 tag, MPEG or ADTS frame sync, \
     `ftyp`, `OggS`, `fLaC`, RIFF/WAVE, AIFF, `caff` or Matroska header)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_audio_starts() {
        assert!(looks_like_audio(b"ID3\x04\0\0\0\0\0\0").is_ok());
        assert!(looks_like_audio(&[0xFF, 0xFB, 0x90, 0x64]).is_ok());
        assert!(looks_like_audio(&[0xFF, 0xF1, 0x50, 0x80]).is_ok());
        assert!(looks_like_audio(b"\0\0\0\x20ftypM4A ").is_ok());
        assert!(looks_like_audio(b"OggS\0\x02").is_ok());
        assert!(looks_like_audio(b"fLaC\0\0\0\x22").is_ok());
        assert!(looks_like_audio(b"RIFF\x24\0\0\0WAVEfmt ").is_ok());
        assert!(looks_like_audio(b"RF64\xFF\xFF\xFF\xFFWAVEds64").is_ok());
        assert!(looks_like_audio(b"FORM\0\0\0\x20AIFFCOMM").is_ok());
        assert!(looks_like_audio(b"caff\0\x01\0\0desc").is_ok());
        assert!(looks_like_audio(b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81").is_ok());
    }

    #[test]
    fn names_other_audio_formats() {
        assert_eq!(
            looks_like_audio(b"wvpk\x20\0\0\0").unwrap_err(),
            "it is WavPack, which is not supported"
        );
        assert_eq!(sniff(b"MPCK\x53\x48"), Sniffed::Unsupported("Musepack"));
        assert_eq!(sniff(b"MP+\x17"), Sniffed::Unsupported("Musepack"));
        assert_eq!(
            sniff(b"FORM\0\0\0\x20DSD "),
            Sniffed::Unsupported("an IFF file other than AIFF")
        );
        assert_eq!(
            sniff(b"\x30\x26\xB2\x75\x8E\x66\xCF\x11\xA6\xD9\x00\xAA\x00\x62\xCE\x6C"),
            Sniffed::Unsupported("WMA/ASF (Windows Media)")
        );
    }

    #[test]
    fn rejects_pages_and_noise() {
        assert_eq!(
            looks_like_audio(b"\n<!DOCTYPE html><html>").unwrap_err(),
            "it is an HTML or XML page"
        );
        assert_eq!(
            looks_like_audio(b"PK\x03\x04").unwrap_err(),
            "it is a ZIP archive"
        );
        assert!(looks_like_audio(b"").is_err());
    }
}
