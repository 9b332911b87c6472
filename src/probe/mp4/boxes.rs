//! ISO base media boxes: the header (32- or 64-bit size, four-character type) and the
//! children of a box held in memory.

/// A box header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub kind: [u8; 4],
    /// Header length: 8, or 16 with a 64-bit size.
    pub head_len: u64,
    /// Length of the whole box, or `None` when it runs to the end of the file (size 0).
    pub len: Option<u64>,
}

impl Header {
    /// Parses the header at the start of `bytes`; `None` if too short or impossible.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let size = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
        let kind: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
        let (head_len, len) = match size {
            0 => (8, None),
            1 => {
                let large = u64::from_be_bytes(bytes.get(8..16)?.try_into().ok()?);
                (16, Some(large))
            }
            n => (8, Some(u64::from(n))),
        };
        if len.is_some_and(|len| len < head_len) {
            return None;
        }
        Some(Self {
            kind,
            head_len,
            len,
        })
    }

    /// The type as text, for messages.
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

/// The child boxes of a box body held in memory, as (type, body). A child that claims more
/// than its parent holds ends the list.
pub struct Children<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Children<'a> {
    pub fn of(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// The body of the first child of type `kind`.
    pub fn find(data: &'a [u8], kind: [u8; 4]) -> Option<&'a [u8]> {
        Self::of(data)
            .find(|(k, _)| *k == kind)
            .map(|(_, body)| body)
    }
}

impl<'a> Iterator for Children<'a> {
    type Item = ([u8; 4], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..)?;
        let header = Header::parse(rest)?;
        let start = usize::try_from(header.head_len).ok()?;
        let len = match header.len {
            Some(len) => usize::try_from(len).ok()?,
            None => rest.len(),
        };
        let body = rest.get(start..len)?;
        self.pos += len;
        Some((header.kind, body))
    }
}

/// Reads big-endian integers from a box body.
pub fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

pub fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

pub fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_stop_at_a_box_that_claims_too_much() {
        let data = [
            0, 0, 0, 12, b'a', b'b', b'c', b'd', 1, 2, 3, 4, // abcd: 4 bytes of body
            0, 0, 0, 99, b'e', b'f', b'g', b'h', 5, // efgh claims 99 bytes
        ];
        let children: Vec<_> = Children::of(&data).collect();
        assert_eq!(children, vec![(*b"abcd", &[1, 2, 3, 4][..])]);
    }

    #[test]
    fn header_sizes() {
        let large = [0, 0, 0, 1, b'm', b'd', b'a', b't', 0, 0, 0, 1, 0, 0, 0, 0];
        assert_eq!(Header::parse(&large).unwrap().len, Some(1 << 32));
        let to_end = [0, 0, 0, 0, b'm', b'd', b'a', b't'];
        assert_eq!(Header::parse(&to_end).unwrap().len, None);
        assert_eq!(Header::parse(&[0, 0, 0, 4, b'f', b'r', b'e', b'e']), None);
    }
}
