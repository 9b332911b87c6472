//! Errors that point into a catalog file: `file:line:col`, the line, and a caret under the span.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The text of one catalog file, kept to turn byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The path shown to the user (relative to the archive root).
    pub path: PathBuf,
    /// The whole file.
    pub text: String,
    /// Byte offset of the start of each line, computed on first use.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceText {
    /// Wraps the text of `path`.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        Self {
            path: path.into(),
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// The 1-based line of a byte offset, in logarithmic time: a catalog of 10,000 episodes
    /// asks once per table.
    pub fn line(&self, offset: usize) -> usize {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        starts.partition_point(|&start| start <= offset)
    }

    /// A diagnostic for the bytes `span` of this file.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let line = self.line(line_start);
        let column = self.text[line_start..start].chars().count() + 1;
        let end = span.end.clamp(start, line_start + line_text.len());
        let width = self.text[start..floor_char_boundary(&self.text, end)]
            .chars()
            .count()
            .max(1);
        Diagnostic {
            path: self.path.clone(),
            location: Some(Location {
                line,
                column,
                line_text: line_text.to_owned(),
                width,
            }),
            message: message.into(),
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Where in a file a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of that line.
    pub line_text: String,
    /// How many characters the caret underlines.
    pub width: usize,
}

/// One problem in one catalog file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the archive root.
    pub path: PathBuf,
    /// The position, when the problem has one.
    pub location: Option<Location>,
    /// What is wrong, lowercase, names in backticks.
    pub message: String,
}

impl Diagnostic {
    /// A problem with a whole file rather than a place in it.
    pub fn whole_file(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            location: None,
            message: message.into(),
        }
    }
}

/// Sorts the diagnostics of one file by where they point, problems of the whole file first;
/// diagnostics at the same place keep their order.
pub fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        let Some(loc) = &self.location else {
            return write!(f, "{path}: {}", self.message);
        };
        let number = loc.line.to_string();
        let pad = " ".repeat(number.len());
        let indent: String = loc
            .line_text
            .chars()
            .take(loc.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(
            f,
            "{path}:{}:{}: {}\n{pad} |\n{number} | {}\n{pad} | {indent}{}",
            loc.line,
            loc.column,
            self.message,
            loc.line_text,
            "^".repeat(loc.width)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column_with_a_caret() {
        let source = SourceText::new("feeds/x.toml", "[feed]\ntitel = \"x\"\n".into());
        let diagnostic = source.error(7..12, "unknown field `titel`");
        assert_eq!(
            diagnostic.to_string(),
            "feeds/x.toml:2:1: unknown field `titel`\n  |\n2 | titel = \"x\"\n  | ^^^^^"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let source = SourceText::new("f.toml", "name = \"مریم\" x\n".into());
        let start = source.text.find('x').unwrap();
        let location = source.error(start..start + 1, "m").location.unwrap();
        assert_eq!((location.line, location.column), (1, 15));
    }
}
