//! `--json` of `sync`, `build`, `import` and `publish`: one JSON object per line on stdout,
//! each with an `event` field naming its kind, and a `summary` (or an `error`) as the last
//! line. This enum is the schema the README documents; fields are added, never renamed.

use std::io::Write;

use serde::Serialize;

/// One line of `--json` output.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event<'a> {
    /// `sync`: one episode is done. `change` is `new`, `changed`, `unchanged`, `offline` or
    /// `failed`.
    Episode {
        feed: &'a str,
        episode: &'a str,
        change: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        media: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        size: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        duration: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// `sync`: an attempt failed; attempt `attempt` starts in `wait_ms`.
    Retry {
        feed: &'a str,
        episode: &'a str,
        attempt: u32,
        wait_ms: u64,
        reason: &'a str,
    },
    /// `build`, `sync`, `publish`: a feed document, `wrote` or `unchanged`, and the episodes
    /// left out of it for want of a synced recording.
    Feed {
        path: &'a str,
        status: &'a str,
        episodes: usize,
        left_out: Vec<&'a str>,
    },
    /// `build`, `sync`: an output the catalog no longer produces was deleted.
    Deleted { path: &'a str },
    /// Anything printed as `archive: warning:`.
    Warning { message: &'a str },
    /// `import`: one speech of the page. `status` is `new`, `imported`, `review` or
    /// `no-audio`.
    Speech {
        status: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        episode: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<&'a str>,
        speaker: Option<&'a str>,
        speaker_id: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        audio: Option<&'a str>,
        excerpt: &'a str,
    },
    /// `import`: a speaker added to the registry.
    NewSpeaker {
        id: &'a str,
        name: &'a str,
        alias: Option<&'a str>,
    },
    /// `import`: something of the page that was left out.
    Note { message: &'a str },
    /// `import`: a catalog file written (or, with `--dry-run`, that would be).
    Wrote { path: String },
    /// `publish`: `upload`, `skip`, `delete` or `keep` one object (the plan, with
    /// `--dry-run`), or `uploaded`, `deleted` (done).
    Object {
        action: &'a str,
        path: String,
        size: u64,
    },
    /// The last line of a run that ended: what it did.
    Summary(Summary<'a>),
    /// The last line of a run that failed: the message printed after `archive: error:`.
    Error { message: String },
}

/// The `summary` line: the command, and its counts.
#[derive(Debug, Serialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Summary<'a> {
    Sync {
        new: usize,
        changed: usize,
        unchanged: usize,
        /// Unchanged sources whose rendition was made again (new settings, say).
        re_rendered: usize,
        offline: usize,
        failed: usize,
        downloaded_bytes: u64,
        seconds: f64,
        /// Ctrl-C stopped it: `partial` downloads are kept for the next sync to resume.
        interrupted: bool,
        partial: usize,
    },
    Build {
        /// Nothing had changed since the last build.
        current: bool,
        feeds_written: usize,
        feeds_unchanged: usize,
        deleted: usize,
    },
    Import {
        feed: &'a str,
        event_id: &'a str,
        new: usize,
        imported: usize,
        review: usize,
        no_audio: usize,
        new_speakers: usize,
        dry_run: bool,
    },
    Publish {
        destination: &'a str,
        dry_run: bool,
        uploaded: usize,
        uploaded_bytes: u64,
        unchanged: usize,
        unchanged_bytes: u64,
        deleted: usize,
        kept: usize,
        seconds: f64,
    },
}

/// Where `--json` lines go: stdout, or nowhere without `--json`.
#[derive(Debug, Clone, Copy)]
pub struct Json {
    pub on: bool,
}

impl Json {
    /// Writes one line, at once (a reader sees each event as it happens).
    pub fn emit(self, event: &Event<'_>) {
        if !self.on {
            return;
        }
        let mut out = std::io::stdout().lock();
        // A closed stdout (`| head`) must not stop the run.
        if serde_json::to_writer(&mut out, event).is_ok() {
            let _ = out.write_all(b"\n");
            let _ = out.flush();
        }
    }
}
