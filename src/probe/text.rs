//! Text in tags: the ID3 encodings (ISO-8859-1, UTF-16 with or without a byte-order mark,
//! UTF-16BE, UTF-8) and Latin-1 fields.

/// Decodes tag text in ID3 encoding `encoding` (0 ISO-8859-1, 1 UTF-16, 2 UTF-16BE, 3 UTF-8).
pub fn decode(encoding: u8, bytes: &[u8]) -> String {
    match encoding {
        1 => match bytes {
            [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
            [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
            _ => utf16_without_bom(bytes),
        },
        2 => utf16(bytes, true),
        3 => String::from_utf8_lossy(bytes).into_owned(),
        _ => latin1(bytes),
    }
}

/// ISO-8859-1: every byte is the code point of the same value.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| {
        if big_endian {
            u16::from_be_bytes([pair[0], pair[1]])
        } else {
            u16::from_le_bytes([pair[0], pair[1]])
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// `UTF-16` text whose byte-order mark is missing, against the `ID3v2` specification (which asks
/// for one with encoding 1). Such frames come from writers on little-endian machines, but a
/// big-endian one is possible too, so the order is chosen by the text itself: in the high byte
/// of a code unit, text in one script repeats the same few values (`00` for Latin, `06` for
/// Arabic script), while the low bytes vary. The side with fewer distinct values is the high
/// byte. A tie (one character, or a text like `ÿÿ`) is read as little-endian.
pub fn utf16_without_bom(bytes: &[u8]) -> String {
    let distinct = |offset: usize| {
        let mut seen = [false; 256];
        let mut count = 0;
        for pair in bytes.chunks_exact(2) {
            let b = usize::from(pair[offset]);
            if !seen[b] {
                seen[b] = true;
                count += 1;
            }
        }
        count
    };
    let big_endian = distinct(0) < distinct(1);
    utf16(bytes, big_endian)
}

/// Splits at the end of a terminated string: a NUL byte, or a NUL code unit in the UTF-16
/// encodings. Returns the string (without its terminator) and what follows.
pub fn split_terminated(encoding: u8, bytes: &[u8]) -> (&[u8], &[u8]) {
    if matches!(encoding, 1 | 2) {
        let mut i = 0;
        while i + 1 < bytes.len() {
            if bytes[i] == 0 && bytes[i + 1] == 0 {
                return (&bytes[..i], &bytes[i + 2..]);
            }
            i += 2;
        }
        return (bytes, &[]);
    }
    match bytes.iter().position(|b| *b == 0) {
        Some(end) => (&bytes[..end], &bytes[end + 1..]),
        None => (bytes, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn be(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    /// The case from the field: "My World" written little-endian without a BOM came out as
    /// CJK when read big-endian.
    #[test]
    fn utf16_without_bom_is_read_in_the_order_its_text_makes_sense_in() {
        assert_eq!(decode(1, &le("My World")), "My World");
        assert_eq!(decode(1, &be("My World")), "My World");
        assert_eq!(decode(1, &le("مریم رجوی")), "مریم رجوی");
        assert_eq!(decode(1, &be("مریم رجوی")), "مریم رجوی");
        assert_eq!(decode(1, &le("A")), "A");
    }

    #[test]
    fn utf16_with_bom_and_the_other_encodings() {
        let mut with_bom = vec![0xFE, 0xFF];
        with_bom.extend(be("Rajavi – رجوی"));
        assert_eq!(decode(1, &with_bom), "Rajavi – رجوی");
        assert_eq!(decode(2, &be("x")), "x");
        assert_eq!(decode(3, "é".as_bytes()), "é");
        assert_eq!(decode(0, &[0x63, 0x61, 0x66, 0xE9]), "café");
    }

    #[test]
    fn terminated_strings_split_on_their_own_terminator() {
        assert_eq!(split_terminated(0, b"ab\0cd"), (&b"ab"[..], &b"cd"[..]));
        // A UTF-16 terminator is a whole code unit, not a zero high byte.
        let bytes = [b'a', 0, 0, 0, 0x89, b'P'];
        assert_eq!(split_terminated(1, &bytes), (&bytes[..2], &bytes[4..]));
    }
}
