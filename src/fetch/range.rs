//! `Content-Range` of a `206` or `416` answer, checked against what was asked.

/// A `Content-Range: bytes start-end/total` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentRange {
    pub start: u64,
    pub end: u64,
    pub total: Option<u64>,
}

/// Parses `bytes start-end/total` (total may be `*`).
pub fn parse(value: &str) -> Result<ContentRange, String> {
    let bad = || format!("malformed `Content-Range: {value}`");
    let rest = value.trim().strip_prefix("bytes ").ok_or_else(bad)?;
    let (range, total) = rest.split_once('/').ok_or_else(bad)?;
    let (start, end) = range.split_once('-').ok_or_else(bad)?;
    let start: u64 = start.parse().map_err(|_| bad())?;
    let end: u64 = end.parse().map_err(|_| bad())?;
    let total = match total {
        "*" => None,
        total => Some(total.parse().map_err(|_| bad())?),
    };
    if end < start || total.is_some_and(|total| end >= total) {
        return Err(bad());
    }
    Ok(ContentRange { start, end, total })
}

/// Parses the `bytes */total` of a `416` answer.
pub fn parse_unsatisfied(value: &str) -> Option<u64> {
    value.trim().strip_prefix("bytes */")?.parse().ok()
}

/// Checks a `206` answer to `Range: bytes=<have>-`: it must continue exactly where the
/// partial file ends and run to the end of a file of the expected total.
pub fn check(range: ContentRange, have: u64, expected_total: Option<u64>) -> Result<u64, String> {
    let total = range
        .total
        .ok_or_else(|| "the `206` answer does not give the total length".to_owned())?;
    if range.start != have {
        return Err(format!(
            "the `206` answer starts at byte {} but {have} bytes were asked to be skipped",
            range.start
        ));
    }
    if range.end + 1 != total {
        return Err(format!(
            "the `206` answer ends at byte {} of {total}, not at the end",
            range.end
        ));
    }
    if let Some(expected) = expected_total.filter(|&expected| expected != total) {
        return Err(format!(
            "the `206` answer says the file has {total} bytes, it had {expected}"
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges() {
        assert_eq!(
            parse("bytes 5-25/26"),
            Ok(ContentRange {
                start: 5,
                end: 25,
                total: Some(26)
            })
        );
        assert_eq!(parse("bytes 0-0/*").unwrap().total, None);
        for bad in [
            "bytes 5-4/26",
            "bytes 5-26/26",
            "items 5-25/26",
            "bytes 5-/26",
            "5-25/26",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_unsatisfied("bytes */26"), Some(26));
        assert_eq!(parse_unsatisfied("bytes 0-1/26"), None);
    }

    #[test]
    fn a_206_must_continue_where_the_partial_file_ends() {
        let range = |start, end, total| ContentRange { start, end, total };
        assert_eq!(check(range(5, 25, Some(26)), 5, Some(26)), Ok(26));
        assert!(check(range(0, 25, Some(26)), 5, Some(26)).is_err());
        assert!(check(range(5, 20, Some(26)), 5, Some(26)).is_err());
        assert!(check(range(5, 29, Some(30)), 5, Some(26)).is_err());
        assert!(check(range(5, 25, None), 5, None).is_err());
    }
}
