//! `WebVTT` and `SubRip` cues: blocks separated by blank lines, each with a timing line
//! (`00:01:02.500 --> 00:01:04.000`, a comma before the milliseconds in `SubRip`, hours
//! optional) and text lines. Blocks without a timing line (the `WEBVTT` header, `NOTE`,
//! `STYLE`, `REGION`, a lone number) are skipped, and so is a cue whose times do not parse:
//! real files are often a little off, and one bad cue should not hide the rest. Cue text
//! loses its markup (`<i>`, `<c.class>`, inline timestamps); a `WebVTT` voice (`<v Name>`)
//! becomes the cue's speaker; the HTML character references `WebVTT` allows are decoded.

use super::{Cue, MAX_CUES};

/// The cues of a `WebVTT` or `SubRip` file.
pub fn parse(text: &str) -> Vec<Cue> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut cues = Vec::new();
    for block in text.split("\n\n") {
        if cues.len() == MAX_CUES {
            break;
        }
        let mut lines = block.lines().skip_while(|line| !line.contains("-->"));
        let Some(timing) = lines.next() else { continue };
        let Some((start, end)) = timing.split_once("-->") else {
            continue;
        };
        let (Some(start), end) = (timestamp(start), timestamp(end)) else {
            continue;
        };
        let payload: Vec<&str> = lines.collect();
        let (speaker, text) = payload_text(&payload.join("\n"));
        if text.is_empty() {
            continue;
        }
        cues.push(Cue {
            start: Some(start),
            end,
            speaker,
            text,
        });
    }
    cues
}

/// Seconds of `[hh:]mm:ss[.,]mmm`, followed by cue settings or nothing.
fn timestamp(text: &str) -> Option<f64> {
    let stamp = text.split_whitespace().next()?;
    let (clock, millis) = stamp.split_once(['.', ','])?;
    let mut seconds = 0_u64;
    let mut parts = 0;
    for part in clock.split(':') {
        parts += 1;
        if parts > 3 || part.is_empty() || part.len() > 4 {
            return None;
        }
        seconds = seconds * 60 + part.parse::<u64>().ok()?;
    }
    if parts < 2 || millis.len() > 3 || millis.is_empty() {
        return None;
    }
    let millis: u32 = format!("{millis:0<3}").parse().ok()?;
    #[allow(clippy::cast_precision_loss)] // seconds of a recording: far below 2^52
    Some(seconds as f64 + f64::from(millis) / 1000.0)
}

/// The speaker (from a voice tag) and the plain text of a cue payload.
fn payload_text(payload: &str) -> (Option<String>, String) {
    let mut speaker = None;
    let mut text = String::with_capacity(payload.len());
    let mut rest = payload;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = &rest[open..];
            break;
        };
        let tag = &rest[open + 1..open + close];
        if speaker.is_none()
            && let Some(voice) = tag.strip_prefix('v').filter(|t| t.starts_with([' ', '.']))
        {
            let name = voice.split_once(' ').map_or("", |(_, name)| name).trim();
            if !name.is_empty() {
                speaker = Some(decode(name));
            }
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    let text = decode(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (speaker, text)
}

/// Decodes the character references cue text may carry.
fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lrm;", "\u{200e}")
        .replace("&rlm;", "\u{200f}")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webvtt_cues_with_voices_markup_and_settings() {
        let vtt = "WEBVTT - talk\r\n\r\nNOTE a comment\r\n\r\nintro\r\n00:01.500 --> 00:04.000 align:start\r\n<v.loud Maryam Rajavi>Hello <i>all</i> &amp; welcome</v>\r\n\r\n01:00:00.000 --> 01:00:02.5\r\nSecond <00:00:01.000>line\r\n";
        let cues = parse(vtt);
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0].start, Some(1.5));
        assert_eq!(cues[0].end, Some(4.0));
        assert_eq!(cues[0].speaker.as_deref(), Some("Maryam Rajavi"));
        assert_eq!(cues[0].text, "Hello all & welcome");
        assert_eq!(cues[1].start, Some(3600.0));
        assert_eq!(cues[1].end, Some(3602.5));
        assert_eq!(cues[1].text, "Second line");
    }

    #[test]
    fn subrip_cues() {
        let srt = "1\n00:00:01,000 --> 00:00:04,250\nFirst\nline\n\n2\n00:00:05,000 --> 00:00:06,000\n<b>Second</b>\n";
        let cues = parse(srt);
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0].text, "First line");
        assert_eq!(cues[1].start, Some(5.0));
        assert_eq!(cues[1].text, "Second");
    }

    #[test]
    fn a_cue_with_broken_times_is_skipped_not_the_file() {
        let vtt = "WEBVTT\n\n00:xx.000 --> 00:01.000\nbroken\n\n00:02.000 --> 00:03.000\nfine\n";
        let cues = parse(vtt);
        assert_eq!(cues.len(), 1);
        assert_eq!(cues[0].text, "fine");
        assert_eq!(timestamp("1:2:3:4.000"), None);
        assert_eq!(timestamp("00:01"), None);
    }

    #[test]
    fn an_unclosed_tag_keeps_the_text_before_it() {
        let (_, text) = payload_text("words <b");
        assert_eq!(text, "words <b");
    }
}
