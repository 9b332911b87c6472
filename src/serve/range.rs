//! A single byte range from a `Range` header, as RFC 9110 reads it: `a-b`, `a-` or `-n`,
//! clamped to the file. Several ranges are answered with the whole file.

/// What to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The whole file, `200`.
    Whole,
    /// Bytes `start..=end`, `206`.
    Part { start: u64, end: u64 },
    /// `416` with `Content-Range: bytes */size`.
    Unsatisfiable,
}

/// The answer to `Range: header` for a file of `size` bytes.
pub fn answer(header: Option<&str>, size: u64) -> Answer {
    let Some(header) = header else {
        return Answer::Whole;
    };
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        // A unit we do not know is ignored.
        return if header.contains('=') {
            Answer::Whole
        } else {
            Answer::Unsatisfiable
        };
    };
    if spec.contains(',') {
        return Answer::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Answer::Unsatisfiable;
    };
    // A number too large for 64 bits is past any file's end, and is clamped like one.
    let number = |text: &str| -> Option<u64> {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().unwrap_or(u64::MAX))
    };
    if size == 0 {
        return Answer::Unsatisfiable;
    }
    match (first, last) {
        ("", suffix) => match number(suffix) {
            Some(0) | None => Answer::Unsatisfiable,
            Some(n) => Answer::Part {
                start: size - n.min(size),
                end: size - 1,
            },
        },
        (start, "") => match number(start) {
            Some(start) if start < size => Answer::Part {
                start,
                end: size - 1,
            },
            _ => Answer::Unsatisfiable,
        },
        (start, end) => match (number(start), number(end)) {
            (Some(start), Some(end)) if start <= end && start < size => Answer::Part {
                start,
                end: end.min(size - 1),
            },
            _ => Answer::Unsatisfiable,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_past_u64_is_clamped_not_refused() {
        assert_eq!(
            answer(Some("bytes=0-99999999999999999999"), 10),
            Answer::Part { start: 0, end: 9 }
        );
        assert_eq!(
            answer(Some("bytes=-99999999999999999999"), 10),
            Answer::Part { start: 0, end: 9 }
        );
        assert_eq!(
            answer(Some("bytes=99999999999999999999-"), 10),
            Answer::Unsatisfiable
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(answer(None, 10), Answer::Whole);
        assert_eq!(
            answer(Some("bytes=0-1"), 10),
            Answer::Part { start: 0, end: 1 }
        );
        assert_eq!(
            answer(Some("bytes=-3"), 10),
            Answer::Part { start: 7, end: 9 }
        );
        assert_eq!(
            answer(Some("bytes=-30"), 10),
            Answer::Part { start: 0, end: 9 }
        );
        assert_eq!(
            answer(Some("bytes=4-"), 10),
            Answer::Part { start: 4, end: 9 }
        );
        assert_eq!(
            answer(Some("bytes=4-99"), 10),
            Answer::Part { start: 4, end: 9 }
        );
        assert_eq!(answer(Some("bytes=10-"), 10), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=5-2"), 10), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=abc"), 10), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=-0"), 10), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=0-0"), 0), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=0-1,4-5"), 10), Answer::Whole);
        assert_eq!(answer(Some("items=0-1"), 10), Answer::Whole);
    }
}
