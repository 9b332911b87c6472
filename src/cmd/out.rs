//! What the commands say on stderr besides their results: `archive: error:` in bold red and
//! `archive: warning:` in bold yellow where colour is wanted (a terminal, unless `NO_COLOR`
//! is set; `CLICOLOR_FORCE` forces it), plain elsewhere.

use std::fmt::Display;
use std::io::Write as _;

use anstyle::{AnsiColor, Style};

pub use crate::progress::count;

/// Whether stderr gets colour.
pub fn colour() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// `archive: error: {message}`, styled for stderr.
pub fn error_line(message: impl Display) -> String {
    line("archive: error:", AnsiColor::Red, message)
}

/// `archive: warning: {message}`, styled for stderr.
pub fn warning_line(message: impl Display) -> String {
    line("archive: warning:", AnsiColor::Yellow, message)
}

/// Prints `archive: error: {message}` on stderr.
pub fn error(message: impl Display) {
    say(&error_line(message));
}

/// Prints `archive: warning: {message}` on stderr.
pub fn warning(message: impl Display) {
    say(&warning_line(message));
}

/// A line on stderr; a closed stderr is no reason to stop.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn line(prefix: &str, colour_of: AnsiColor, message: impl Display) -> String {
    if colour() {
        let style = Style::new().bold().fg_color(Some(colour_of.into()));
        format!("{style}{prefix}{style:#} {message}")
    } else {
        format!("{prefix} {message}")
    }
}
