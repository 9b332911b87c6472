//! Telling audio from an error page by its first bytes: used on downloads before they are
//! kept, and to explain why a file is not audio.

/// How many leading bytes [`looks_like_audio`] wants to see.
pub const SNIFF_LEN: usize = 12;

/// Checks the start of a body: an ID3 tag, an MPEG audio frame sync, an MP4 `ftyp` box,
/// `OggS`, `fLaC` or a RIFF/WAVE header. Returns what the bytes look like instead.
pub fn looks_like_audio(start: &[u8]) -> Result<(), String> {
    let audio = start.starts_with(b"ID3")
        || start.starts_with(b"OggS")
        || start.starts_with(b"fLaC")
        || (start.starts_with(b"RIFF") && start.get(8..12) == Some(b"WAVE"))
        || start.get(4..8) == Some(b"ftyp")
        || matches!(start, [0xFF, second, ..] if second & 0xE0 == 0xE0);
    if audio {
        return Ok(());
    }
    let text = String::from_utf8_lossy(start)
        .trim_start()
        .to_ascii_lowercase();
    if text.starts_with('<') {
        return Err("it is an HTML or XML page".into());
    }
    Err("it does not start like audio (no ID3 tag, MPEG frame sync, `ftyp`, `OggS`, `fLaC` or RIFF/WAVE header)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_audio_starts() {
        assert!(looks_like_audio(b"ID3\x04\0\0\0\0\0\0").is_ok());
        assert!(looks_like_audio(&[0xFF, 0xFB, 0x90, 0x64]).is_ok());
        assert!(looks_like_audio(b"\0\0\0\x20ftypM4A ").is_ok());
        assert!(looks_like_audio(b"OggS\0\x02").is_ok());
        assert!(looks_like_audio(b"fLaC\0\0\0\x22").is_ok());
        assert!(looks_like_audio(b"RIFF\x24\0\0\0WAVEfmt ").is_ok());
    }

    #[test]
    fn rejects_pages_and_noise() {
        assert_eq!(
            looks_like_audio(b"\n<!DOCTYPE html><html>").unwrap_err(),
            "it is an HTML or XML page"
        );
        assert!(looks_like_audio(b"PK\x03\x04").is_err());
        assert!(looks_like_audio(b"").is_err());
    }
}
