//! Runs the rendition engine outside `archive sync`, for the benchmark
//! (`scripts/bench/rendition.py`) and for trying settings by hand:
//!
//! ```sh
//! cargo run --release --example render -- [--jobs N] [--loudness LUFS] [--channels 1|2] \
//!     [--bitrate KBPS] SOURCE OUTPUT [SOURCE OUTPUT …]
//! ```
//!
//! Renders each SOURCE to OUTPUT, N at a time (default 1), and prints one JSON line per
//! rendition: `{"source": …, "output": …, "rendition": {…}}` or `{"source": …, "error": …}`.
//! Exits 1 if any failed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use speech_archive::rendition::{RawSettings, RenditionTags, Settings, render};

fn main() -> ExitCode {
    let (jobs, settings, pairs) = match parse(std::env::args().skip(1).collect()) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("render: {message}");
            return ExitCode::from(2);
        }
    };
    let next = AtomicUsize::new(0);
    let failed = Mutex::new(false);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some((source, output)) = pairs.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let result = render(
                        source,
                        output,
                        &settings,
                        &RenditionTags::default(),
                        &|_, _| {},
                    );
                    let line = match result {
                        Ok(rendition) => serde_json::json!({
                            "source": source, "output": output, "rendition": rendition,
                        }),
                        Err(err) => {
                            *failed
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
                            serde_json::json!({ "source": source, "error": error_chain(&err) })
                        }
                    };
                    println!("{line}");
                }
            });
        }
    });
    if failed.into_inner().unwrap_or(true) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

type Parsed = (usize, Settings, Vec<(PathBuf, PathBuf)>);

fn parse(args: Vec<String>) -> Result<Parsed, String> {
    let mut jobs = 1;
    let mut raw = RawSettings::default();
    let mut paths = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--jobs" => jobs = value()?.parse().map_err(|_| "--jobs takes a number")?,
            "--loudness" => raw.loudness = Some(value()?.parse().map_err(|_| "bad --loudness")?),
            "--channels" => raw.channels = Some(value()?.parse().map_err(|_| "bad --channels")?),
            "--bitrate" => raw.bitrate = Some(value()?.parse().map_err(|_| "bad --bitrate")?),
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() || paths.len() % 2 != 0 {
        return Err("usage: render [--jobs N] [--loudness LUFS] [--channels 1|2] [--bitrate KBPS] SOURCE OUTPUT …".into());
    }
    let settings = Settings::new(raw).map_err(|err| err.to_string())?;
    let pairs = paths
        .chunks_exact(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect();
    Ok((jobs.max(1), settings, pairs))
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
