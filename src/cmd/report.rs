//! How a running sync shows itself: progress bars on a terminal, one plain line per episode
//! elsewhere (cron mails, CI logs), nothing but errors with `--quiet`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::{EpisodeKey, Progress};
use crate::sync::{Change, EpisodeReport};

/// Shows the progress of a sync and counts the bytes received.
pub struct Reporter {
    quiet: bool,
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
    pub fn new(episodes: usize, quiet: bool) -> Self {
        let bars = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = multi.add(ProgressBar::new(episodes as u64));
            overall.set_style(
                ProgressStyle::with_template(
                    "{prefix:>10.bold} [{bar:30}] {pos}/{len} episodes, {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            overall.set_prefix("sync");
            overall.set_message("0 B");
            Bars {
                multi,
                overall,
                episodes: Mutex::default(),
            }
        });
        Self {
            quiet,
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
        let line = match &report.result {
            Err(err) => format!("archive: error: {err}"),
            Ok(_) if self.quiet => return,
            Ok(change) => match &report.record {
                Some(record) if matches!(change, Change::New | Change::Changed) => {
                    let probe = &record.probe;
                    let rendition = record
                        .rendition
                        .as_ref()
                        .map(|r| format!(", rendered at {:.1} LUFS", r.made.output.integrated_lufs))
                        .unwrap_or_default();
                    format!(
                        "{change:>10} {key} ({}, {} {}, {} bytes{rendition})",
                        crate::feed::clock(probe.whole_seconds()),
                        probe.container,
                        probe.codec,
                        record.size
                    )
                }
                _ => format!("{change:>10} {key}"),
            },
        };
        self.print(&line);
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
                "{prefix:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
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
