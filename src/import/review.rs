//! The plan of an import as the maintainer reviews it: the event, then each speech with its
//! status, speaker, episode title, audio URL and excerpt (its first and last 60 characters,
//! or all of it), the speakers added, and notes on what the page had that was left out.

use std::fmt::Write as _;

use super::plan::{Plan, Row, Status};
use crate::catalog::FeedId;

/// Characters shown from each end of an excerpt.
const EXCERPT_END: usize = 60;

/// Left margin of the fields under a speech's status line.
const INDENT: &str = "           ";

/// How much of each excerpt to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excerpts {
    /// The first and last 60 characters, on one line.
    Ends,
    /// All of it, line by line.
    Whole,
}

/// The text of `plan` for review, ending with a newline; episodes are named `feed/episode`.
pub fn review(plan: &Plan, feed: &FeedId, excerpts: Excerpts) -> String {
    let mut out = String::new();
    let event = &plan.event;
    let state = if event.exists { "exists" } else { "new" };
    let _ = writeln!(
        out,
        "event ({state}): {} — {} ({})",
        event.id, event.title, event.date
    );
    for row in &plan.rows {
        out.push('\n');
        speech(&mut out, plan, feed, row, excerpts);
    }
    if !plan.new_speakers.is_empty() || !plan.notes.is_empty() {
        out.push('\n');
    }
    for speaker in &plan.new_speakers {
        let alias = speaker
            .alias
            .as_deref()
            .map(|a| format!(" (written `{a}` on the page)"))
            .unwrap_or_default();
        let _ = writeln!(out, "new speaker: {} `{}`{alias}", speaker.name, speaker.id);
    }
    for note in &plan.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

fn speech(out: &mut String, plan: &Plan, feed: &FeedId, row: &Row, excerpts: Excerpts) {
    let (status, what) = match &row.status {
        Status::New(id) => ("new", format!("episode `{feed}/{id}`")),
        Status::Imported(id) => ("imported", format!("already in the feed as `{feed}/{id}`")),
        Status::Review(why) => ("REVIEW", why.clone()),
        Status::NoRecording => (
            "no audio",
            "this speech has no recording on the page".to_owned(),
        ),
    };
    let _ = writeln!(out, "{status:>9}  {what}");
    let speaker = match (&row.speaker, &row.speaker_id) {
        (Some(name), Some(id)) => format!("{name} `{id}`"),
        (Some(name), None) => name.clone(),
        (None, _) => "?".to_owned(),
    };
    field(out, "speaker", &speaker);
    if matches!(row.status, Status::New(_)) {
        field(out, "title", &plan.episode_title(row));
    }
    let audio = row.recording.as_ref().map_or("-", |url| url.as_str());
    field(out, "audio", audio);
    match excerpts {
        Excerpts::Ends => field(out, "excerpt", &ends(&row.excerpt)),
        Excerpts::Whole => {
            let mut lines = row.excerpt.lines();
            field(out, "excerpt", lines.next().unwrap_or_default());
            for line in lines {
                let _ = writeln!(out, "{}", format!("{INDENT}{:9}{line}", "").trim_end());
            }
        }
    }
}

fn field(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "{}", format!("{INDENT}{name:<9}{value}").trim_end());
}

/// The excerpt on one line (white space collapsed): whole if it is short, else its first and
/// last [`EXCERPT_END`] characters around ` … `.
fn ends(excerpt: &str) -> String {
    let line = excerpt.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = line.chars().count();
    if count <= 2 * EXCERPT_END {
        return line;
    }
    let first: String = line.chars().take(EXCERPT_END).collect();
    let last: String = line.chars().skip(count - EXCERPT_END).collect();
    format!("{} … {}", first.trim_end(), last.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_excerpt_shows_its_first_and_last_60_characters() {
        let excerpt = format!("{}\n\n{}", "a".repeat(70), "ö".repeat(70));
        assert_eq!(
            ends(&excerpt),
            format!("{} … {}", "a".repeat(60), "ö".repeat(60))
        );
        assert_eq!(ends("Short\nand  sweet."), "Short and sweet.");
    }
}
