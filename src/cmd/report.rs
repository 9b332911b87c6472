//! How a running sync shows itself: progress bars with an ETA on a terminal (not with `-v`,
//! whose lines they would garble), one plain line per episode elsewhere (cron mails, CI
//! logs), nothing but errors with `--quiet`; and with `--json`, an `episode` or `retry`
//! object on stdout for each.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::json::{Event, Json};
use crate::cli::Verbosity;
use crate::progress::{EpisodeKey, Progress};
use crate::sync::{Change, EpisodeReport};

/// Shows the progress of a sync and counts the bytes received.
pub struct Reporter {
    quiet: bool,
    json: Json,
    bytes: AtomicU64,
    bars: Option<Bars>,
}

struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    episodes: Mutex<HashMap<EpisodeKey, ProgressBar>>,
}

impl Reporter {
    /// A reporter for a sync of `episodes` episodes.
    pub fn new(episodes: usize, verbosity: Verbosity, json: Json) -> Self {
        let quiet = verbosity == Verbosity::Quiet;
        let bars = (verbosity == Verbosity::Normal && std::io::stderr().is_terminal()).then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            // Drawn nowhere until the multi-bar takes it, so that no frame shows it half set.
            let overall =
                ProgressBar::with_draw_target(Some(episodes as u64), ProgressDrawTarget::hidden());
            overall.set_style(
                ProgressStyle::with_template(
                    "{prefix:>10.bold} [{bar:30}] {pos}/{len} episodes, {msg}, ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            overall.set_prefix("sync");
            overall.set_message("0 B");
            let overall = multi.add(overall);
            Bars {
                multi,
                overall,
                episodes: Mutex::default(),
            }
        });
        Self {
            quiet,
            json,
            bytes: AtomicU64::new(0),
            bars,
        }
    }

    /// Bytes received over the network so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Prints the outcome of one episode.
    pub fn finished(&self, report: &EpisodeReport) {
        let key = EpisodeKey {
            feed: report.feed.clone(),
            episode: report.episode.clone(),
        };
        if let Some(bars) = &self.bars {
            if let Some(bar) = lock(&bars.episodes).remove(&key) {
                bar.finish_and_clear();
                bars.multi.remove(&bar);
            }
            bars.overall.inc(1);
        }
        self.emit(report);
        let line = match &report.result {
            Err(err) => super::out::error_line(err),
            Ok(_) if self.quiet => return,
            Ok(change) => match &report.record {
                Some(record)
                    if matches!(change, Change::New | Change::Changed | Change::Rendered) =>
                {
                    let probe = &record.probe;
                    let rendition = record
                        .rendition
                        .as_ref()
                        .map(|r| format!(", rendered at {:.1} LUFS", r.made.output.integrated_lufs))
                        .unwrap_or_default();
                    format!(
                        "{change:>10} {key} ({}, {}, {}{rendition})",
                        crate::feed::clock(probe.whole_seconds()),
                        super::probe::format_name(probe),
                        super::out::count(record.size, "byte")
                    )
                }
                _ => format!("{change:>10} {key}"),
            },
        };
        self.print(&line);
    }

    /// The `episode` object of `--json`.
    fn emit(&self, report: &EpisodeReport) {
        let record = report.record.as_ref().filter(|_| {
            matches!(
                report.result,
                Ok(Change::New | Change::Changed | Change::Unchanged | Change::Rendered)
            )
        });
        let change = match &report.result {
            Ok(Change::New) => "new",
            Ok(Change::Changed) => "changed",
            Ok(Change::Unchanged) => "unchanged",
            Ok(Change::Offline) => "offline",
            Ok(Change::Rendered) => "re-rendered",
            Err(_) => "failed",
        };
        self.json.emit(&Event::Episode {
            feed: report.feed.as_str(),
            episode: report.episode.as_str(),
            change,
            media: record.map(|record| record.enclosure().media.as_str()),
            size: record.map(|record| record.enclosure().size),
            duration: record.map(|record| record.enclosure().duration),
            error: report.result.as_ref().err().map(ToString::to_string),
        });
    }

    /// Removes the bars before the summary.
    pub fn clear(&self) {
        if let Some(bars) = &self.bars {
            bars.overall.finish_and_clear();
            let _ = bars.multi.clear();
        }
    }

    fn print(&self, line: &str) {
        match &self.bars {
            Some(bars) => {
                if bars.multi.println(line).is_err() {
                    eprintln!("{line}");
                }
            }
            None => eprintln!("{line}"),
        }
    }
}

impl Progress for Reporter {
    fn receiving(&self, episode: &EpisodeKey, total: Option<u64>, resumed: u64) {
        let Some(bars) = &self.bars else { return };
        let bar = bars.multi.add(ProgressBar::new(total.unwrap_or(0)));
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}, ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(episode.episode.to_string());
        bar.set_position(resumed);
        if let Some(old) = lock(&bars.episodes).insert(episode.clone(), bar) {
            bars.multi.remove(&old);
        }
    }

    fn received(&self, episode: &EpisodeKey, bytes: u64) {
        let total = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if let Some(bars) = &self.bars {
            if let Some(bar) = lock(&bars.episodes).get(episode) {
                bar.inc(bytes);
            }
            bars.overall
                .set_message(bytesize::ByteSize::b(total).display().iec().to_string());
        }
    }

    fn rendering(&self, episode: &EpisodeKey, done: u64, total: u64) {
        let Some(bars) = &self.bars else { return };
        let mut episodes = lock(&bars.episodes);
        let bar = episodes.entry(episode.clone()).or_insert_with(|| {
            let bar = bars.multi.add(ProgressBar::new(total));
            bar.set_style(
                ProgressStyle::with_template("{prefix:>10} [{bar:30}] rendering, {percent}%")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix(episode.episode.to_string());
            bar
        });
        bar.set_length(total.max(done));
        bar.set_position(done);
    }

    fn retrying(&self, episode: &EpisodeKey, attempt: u32, wait: Duration, reason: &str) {
        self.json.emit(&Event::Retry {
            feed: episode.feed.as_str(),
            episode: episode.episode.as_str(),
            attempt,
            wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            reason,
        });
        if !self.quiet {
            let wait = humantime::format_duration(Duration::from_millis(
                u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            ));
            self.print(&format!(
                "{:>10} {episode}: {reason}; attempt {attempt} in {wait}",
                "retry"
            ));
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
