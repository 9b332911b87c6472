//! Chapters as the speech page lists them, read from a local Podcasting 2.0 chapters file
//! (`{"chapters": [{"startTime", "title", "toc"}]}`): at most [`MAX_CHAPTERS`], in time
//! order, without the ones marked `"toc": false`. A remote chapters file is linked, not read.

use serde::Deserialize;

use crate::catalog::Source;
use crate::confined::Root;

/// Largest chapters file read.
const MAX_FILE: u64 = 4 * 1024 * 1024;

/// Most chapters listed.
pub const MAX_CHAPTERS: usize = 10_000;

/// One chapter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Chapter {
    #[serde(rename = "startTime")]
    pub start: f64,
    #[serde(default)]
    pub title: String,
    #[serde(default = "shown")]
    toc: bool,
}

fn shown() -> bool {
    true
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    chapters: Vec<Chapter>,
}

/// The chapters of a local file; `None` for a remote one or one that cannot be read.
pub fn load(root: &Root, source: &Source) -> Option<Vec<Chapter>> {
    let Source::Local(path) = source else {
        return None;
    };
    let parsed = root
        .read(path, MAX_FILE)
        .map_err(|err| err.to_string())
        .and_then(|bytes| parse(&String::from_utf8_lossy(&bytes)));
    match parsed {
        Ok(chapters) => Some(chapters),
        Err(why) => {
            tracing::warn!("chapters `{path}` are not listed on their page: {why}");
            None
        }
    }
}

/// The chapters of a chapters file's text.
pub fn parse(text: &str) -> Result<Vec<Chapter>, String> {
    let file: File = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|err| format!("not valid chapters JSON: {err}"))?;
    let mut chapters: Vec<Chapter> = file
        .chapters
        .into_iter()
        .filter(|c| c.toc && c.start.is_finite() && c.start >= 0.0)
        .take(MAX_CHAPTERS)
        .collect();
    chapters.sort_by(|a, b| a.start.total_cmp(&b.start));
    Ok(chapters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_in_time_order_without_hidden_ones() {
        let json = r#"{"version":"1.2.0","chapters":[
            {"startTime":30,"title":"Two"},{"startTime":0,"title":"One"},
            {"startTime":10,"title":"Hidden","toc":false},{"startTime":-4,"title":"Bad"}]}"#;
        let titles: Vec<String> = parse(json).unwrap().into_iter().map(|c| c.title).collect();
        assert_eq!(titles, ["One", "Two"]);
        assert!(parse("{").is_err());
    }
}
