//! Posting lists as bits: the speeches that have a term, and the fields it is in.
//!
//! A term's entry is, in order (`docs` is the number of speeches in the index):
//! - `n`, how many speeches have the term, as an Elias gamma code;
//! - those speeches as Rice-coded gaps ([`write_list`]), or, when more than half of all
//!   speeches have it, the speeches that do not;
//! - `f + 1`, how many of them have it in a field other than the transcript (title,
//!   speaker, event, excerpt), as a gamma code, then their places among the `n` as a list
//!   over `n`, then each one's fields: `1` for the excerpt alone, else `0` and the four bits
//!   of the mask. Every other speech has it in the transcript only (a speech with it in a
//!   field too loses the transcript's bit: the rank takes the best field).
//!
//! Speeches are numbered as the index lists them, so a term's speeches are a sorted set;
//! coding the gaps with a parameter from `docs / n` comes within a few percent of the
//! information bound, `log2 C(docs, n)` bits. The entries of a chunk are one bit stream,
//! with the bit offset of every [`SKIP`]th entry kept beside it, so that reading an entry
//! decodes at most `SKIP - 1` others. Bits are written most significant first.

use super::rank::{EXCERPT, TRANSCRIPT};

/// Entries between two kept offsets.
pub const SKIP: usize = 64;

/// A stream of bits being written.
#[derive(Default)]
pub struct BitWriter {
    pub bytes: Vec<u8>,
    /// Bits written.
    pub len: u64,
}

impl BitWriter {
    fn bit(&mut self, one: bool) {
        if self.len.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if one && let Some(last) = self.bytes.last_mut() {
            *last |= 0x80 >> (self.len % 8);
        }
        self.len += 1;
    }

    fn bits(&mut self, value: u64, count: u32) {
        for n in (0..count).rev() {
            self.bit(value >> n & 1 == 1);
        }
    }

    /// `value` ≥ 1: as many zeros as it has bits after the first, then its bits.
    fn gamma(&mut self, value: u64) {
        let width = value.ilog2();
        self.bits(0, width);
        self.bits(value, width + 1);
    }

    /// `value >> k` ones and a zero, then the low `k` bits.
    fn rice(&mut self, value: u64, k: u32) {
        for _ in 0..value >> k {
            self.bit(true);
        }
        self.bit(false);
        self.bits(value, k);
    }
}

/// A stream of bits being read; `None` past its end.
pub struct BitReader<'b> {
    bytes: &'b [u8],
    at: u64,
}

impl<'b> BitReader<'b> {
    pub fn new(bytes: &'b [u8], at: u64) -> Self {
        Self { bytes, at }
    }

    fn bit(&mut self) -> Option<bool> {
        let byte = self.bytes.get(usize::try_from(self.at / 8).ok()?)?;
        let one = byte & (0x80 >> (self.at % 8)) != 0;
        self.at += 1;
        Some(one)
    }

    fn bits(&mut self, count: u32) -> Option<u64> {
        let mut value = 0;
        for _ in 0..count {
            value = value << 1 | u64::from(self.bit()?);
        }
        Some(value)
    }

    fn gamma(&mut self) -> Option<u64> {
        let mut width = 0;
        while !self.bit()? {
            width += 1;
            if width > 40 {
                return None;
            }
        }
        Some(1 << width | self.bits(width)?)
    }

    /// A Rice code whose quotient is at most `most`.
    fn rice(&mut self, k: u32, most: u64) -> Option<u64> {
        let mut quotient = 0;
        while self.bit()? {
            quotient += 1;
            if quotient > most {
                return None;
            }
        }
        Some(quotient << k | self.bits(k)?)
    }
}

/// The Rice parameter for `n` numbers below `universe`: about log2(0.69 × universe / n).
pub fn rice_k(universe: u64, n: u64) -> u32 {
    let ratio = universe * 69 / (100 * n.max(1));
    if ratio == 0 { 0 } else { ratio.ilog2() }
}

/// A sorted set of numbers below `universe` whose size the reader knows: each gap from the
/// previous number (from -1), Rice-coded.
fn write_list(out: &mut BitWriter, list: &[u32], universe: u32) {
    let k = rice_k(u64::from(universe), list.len() as u64);
    let mut next = 0;
    for &n in list {
        out.rice(u64::from(n - next), k);
        next = n + 1;
    }
}

fn read_list(input: &mut BitReader<'_>, count: u64, universe: u32) -> Option<Vec<u32>> {
    let k = rice_k(u64::from(universe), count);
    let mut list = Vec::with_capacity(usize::try_from(count).ok()?);
    let mut next: u64 = 0;
    for _ in 0..count {
        let n = next + input.rice(k, u64::from(universe) >> k)?;
        if n >= u64::from(universe) {
            return None;
        }
        list.push(u32::try_from(n).ok()?);
        next = n + 1;
    }
    Some(list)
}

/// Appends the entry of a term that the speeches of `list` have (sorted, with the fields it
/// is in; at least one), of `docs` speeches.
pub fn write_entry(out: &mut BitWriter, list: &[(u32, u8)], docs: u32) {
    let n = u32::try_from(list.len()).unwrap_or(u32::MAX);
    out.gamma(u64::from(n));
    let speeches: Vec<u32> = list.iter().map(|&(doc, _)| doc).collect();
    if 2 * u64::from(n) > u64::from(docs) {
        write_list(out, &complement(&speeches, docs), docs);
    } else {
        write_list(out, &speeches, docs);
    }
    let fields: Vec<(u32, u8)> = (0_u32..)
        .zip(list)
        .filter(|(_, (_, mask))| mask & !TRANSCRIPT != 0)
        .map(|(at, &(_, mask))| (at, mask & !TRANSCRIPT))
        .collect();
    out.gamma(fields.len() as u64 + 1);
    let places: Vec<u32> = fields.iter().map(|&(at, _)| at).collect();
    write_list(out, &places, n);
    for &(_, mask) in &fields {
        if mask == EXCERPT {
            out.bit(true);
        } else {
            out.bit(false);
            out.bits(u64::from(mask), 4);
        }
    }
}

/// The speeches below `docs` that are not in `list` (sorted).
fn complement(list: &[u32], docs: u32) -> Vec<u32> {
    let mut present = list.iter().peekable();
    (0..docs)
        .filter(|doc| {
            let here = present.peek() == Some(&doc);
            if here {
                present.next();
            }
            !here
        })
        .collect()
}

/// Reads one entry: the speeches with the term and the fields it is in there.
pub fn read_entry(input: &mut BitReader<'_>, docs: u32) -> Option<Vec<(u32, u8)>> {
    let n = input.gamma()?;
    if n > u64::from(docs) {
        return None;
    }
    let speeches = if 2 * n > u64::from(docs) {
        complement(&read_list(input, u64::from(docs) - n, docs)?, docs)
    } else {
        read_list(input, n, docs)?
    };
    let mut list: Vec<(u32, u8)> = speeches.into_iter().map(|d| (d, TRANSCRIPT)).collect();
    let fields = input.gamma()? - 1;
    if fields > n {
        return None;
    }
    let places = read_list(input, fields, u32::try_from(n).ok()?)?;
    for place in places {
        let mask = if input.bit()? {
            EXCERPT
        } else {
            u8::try_from(input.bits(4)?).ok().filter(|&m| m != 0)?
        };
        list.get_mut(place as usize)?.1 = mask;
    }
    Some(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(lists: &[Vec<(u32, u8)>], docs: u32) {
        let mut out = BitWriter::default();
        for list in lists {
            write_entry(&mut out, list, docs);
        }
        let mut input = BitReader::new(&out.bytes, 0);
        for list in lists {
            // A speech with the term in a field keeps only the fields: the transcript adds
            // nothing to its rank there.
            let kept: Vec<(u32, u8)> = list
                .iter()
                .map(|&(doc, mask)| (doc, if mask == TRANSCRIPT { mask } else { mask & 15 }))
                .collect();
            assert_eq!(read_entry(&mut input, docs), Some(kept));
        }
    }

    #[test]
    fn entries_round_trip() {
        let dense: Vec<(u32, u8)> = (0..90).filter(|d| d % 7 != 3).map(|d| (d, 16)).collect();
        round_trip(
            &[
                vec![(0, 16)],
                vec![(99, 1 | 16)],
                vec![(3, 8), (4, 24), (50, 16), (51, 2), (98, 4 | 8 | 16)],
                dense,
                (0..100).map(|d| (d, 16)).collect(),
            ],
            100,
        );
    }

    #[test]
    fn a_sparse_list_costs_about_its_information() {
        // 100 of 10,000 speeches, evenly spread: log2 C(10000, 100) ≈ 810 bits.
        let list: Vec<(u32, u8)> = (0..100).map(|n| (n * 100 + 7, 16)).collect();
        let mut out = BitWriter::default();
        write_entry(&mut out, &list, 10_000);
        assert!(out.len < 900, "{} bits", out.len);
    }

    #[test]
    fn damaged_entries_are_refused() {
        assert_eq!(read_entry(&mut BitReader::new(&[], 0), 10), None);
        // n = 15 of 10 speeches.
        assert_eq!(read_entry(&mut BitReader::new(&[0b0001_1110], 0), 10), None);
        // A gap past the last speech: n = 1, quotient 7 with k = 0 over 4 speeches.
        assert_eq!(
            read_entry(&mut BitReader::new(&[0b1111_1111, 0b0000_0000], 0), 4),
            None
        );
    }
}
