//! `chapters = "…"`: a Podcasting 2.0 JSON chapters file, checked against the format:
//! a `version` string and a `chapters` array whose entries have a numeric `startTime` (in
//! order), and optionally `endTime` (after it), `title`, `img`, `url` (strings) and `toc`.

use std::path::Path;

use serde_json::Value;

use super::model::Source;

/// Largest chapters file read.
const MAX_CHAPTERS: u64 = 4 * 1024 * 1024;

/// Checks a local chapters file; a URL is taken as it is.
pub fn check(source: &Source, root: &Path) -> Result<(), String> {
    let Source::Local(path) = source else {
        return Ok(());
    };
    let shown = path;
    let bytes = crate::confined::read(root, path, MAX_CHAPTERS).map_err(|err| err.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| format!("`{shown}` is not UTF-8 text"))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|err| format!("`{shown}` is not valid JSON: {err}"))?;
    check_value(&json)
        .map_err(|problem| format!("`{shown}` is not a JSON chapters file: {problem}"))
}

fn check_value(json: &Value) -> Result<(), String> {
    if !json.get("version").is_some_and(Value::is_string) {
        return Err("`version` must be a string such as \"1.2.0\"".into());
    }
    let chapters = json
        .get("chapters")
        .and_then(Value::as_array)
        .ok_or("`chapters` must be an array")?;
    let mut previous = 0.0;
    for (index, chapter) in chapters.iter().enumerate() {
        let at = |what: &str| format!("`chapters[{index}]`{what}");
        let start = chapter
            .get("startTime")
            .and_then(Value::as_f64)
            .filter(|start| *start >= 0.0)
            .ok_or_else(|| at(" needs a `startTime` of zero or more seconds"))?;
        if start < previous {
            return Err(at(" starts before the chapter before it"));
        }
        previous = start;
        if let Some(end) = chapter.get("endTime")
            && end.as_f64().is_none_or(|end| end <= start)
        {
            return Err(at(".endTime must be a number after its startTime"));
        }
        for key in ["title", "img", "url"] {
            if chapter.get(key).is_some_and(|v| !v.is_string()) {
                return Err(at(&format!(".{key} must be a string")));
            }
        }
        if chapter.get("toc").is_some_and(|v| !v.is_boolean()) {
            return Err(at(".toc must be true or false"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str) -> Result<(), String> {
        check_value(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn accepts_the_chapters_format() {
        let ok = r#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"Intro"},{"startTime":30.5,"endTime":60,"toc":false}]}"#;
        assert_eq!(check_text(ok), Ok(()));
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(
            check_text(r#"{"chapters":[]}"#).unwrap_err(),
            "`version` must be a string such as \"1.2.0\""
        );
        assert_eq!(
            check_text(r#"{"version":"1.2.0","chapters":[{"title":"x"}]}"#).unwrap_err(),
            "`chapters[0]` needs a `startTime` of zero or more seconds"
        );
        assert_eq!(
            check_text(r#"{"version":"1.2.0","chapters":[{"startTime":9},{"startTime":3}]}"#)
                .unwrap_err(),
            "`chapters[1]` starts before the chapter before it"
        );
        assert_eq!(
            check_text(r#"{"version":"1.2.0","chapters":[{"startTime":9,"endTime":2}]}"#)
                .unwrap_err(),
            "`chapters[0]`.endTime must be a number after its startTime"
        );
    }
}
