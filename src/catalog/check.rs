//! Checks on single values of a catalog file: ids, text, URLs, sources and dates.
//!
//! A [`Checker`] reports each problem at the span of the value, and returns `None` for a value
//! that failed, so validation goes on and every problem of a file is reported at once.

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use toml::Spanned;
use toml::value::{Datetime, Offset};
use url::Url;

use super::diagnostic::{Diagnostic, SourceText};
use super::model::Source;
use super::raw::DateValue;
use super::taxonomy;
use crate::confined::{self, ArchivePath};

/// Collects the diagnostics of one file.
pub struct Checker<'a> {
    pub source: &'a SourceText,
    pub root: &'a Path,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub fn new(source: &'a SourceText, root: &'a Path) -> Self {
        Self {
            source,
            root,
            diagnostics: Vec::new(),
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.source.line(offset)
    }

    /// Records a problem at `span`.
    pub fn error<T>(
        &mut self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Option<T> {
        self.diagnostics.push(self.source.error(span, message));
        None
    }

    /// An id of type `T`.
    pub fn id<T>(
        &mut self,
        value: &Spanned<String>,
        parse: fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(value.get_ref()) {
            Ok(id) => Some(id),
            Err(message) => self.error(value.span(), message),
        }
    }

    /// Text that must not be blank.
    pub fn text(&mut self, value: &Spanned<String>, what: &str) -> Option<String> {
        if value.get_ref().trim().is_empty() {
            return self.error(value.span(), format!("`{what}` is empty"));
        }
        Some(value.get_ref().clone())
    }

    /// An absolute http(s) URL.
    pub fn url(&mut self, value: &Spanned<String>, what: &str) -> Option<Url> {
        match parse_source(value.get_ref()) {
            Ok(Source::Remote(url)) => Some(url),
            Ok(Source::Local(_)) => self.error(
                value.span(),
                format!(
                    "`{what}` must be an absolute http(s) URL, not `{}`",
                    value.get_ref()
                ),
            ),
            Err(message) => self.error(value.span(), format!("`{what}`: {message}")),
        }
    }

    /// An http(s) URL, or a path inside the archive; a local path must name an existing file
    /// when `must_exist` is set.
    pub fn source(
        &mut self,
        value: &Spanned<String>,
        what: &str,
        must_exist: bool,
    ) -> Option<Source> {
        match parse_source(value.get_ref()) {
            Ok(Source::Local(path)) if must_exist => match confined::check_file(self.root, &path) {
                Ok(()) => Some(Source::Local(path)),
                Err(err) => self.error(value.span(), format!("`{what}`: {err}")),
            },
            Ok(source) => Some(source),
            Err(message) => self.error(value.span(), format!("`{what}`: {message}")),
        }
    }

    /// Runs `check` on an optional value: `Some(None)` when it is absent, `None` when it failed.
    pub fn optional<S, T>(
        &mut self,
        value: Option<&S>,
        check: impl FnOnce(&mut Self, &S) -> Option<T>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(value) => check(self, value).map(Some),
        }
    }

    /// A Podcasting 2.0 person role and group, canonical. Without a group, the group is the
    /// one the role belongs to; without either, the defaults.
    pub fn person(
        &mut self,
        role: Option<&Spanned<String>>,
        group: Option<&Spanned<String>>,
    ) -> Option<(&'static str, &'static str)> {
        let canonical_role = match role {
            None => Some(taxonomy::DEFAULT_ROLE),
            Some(role) => taxonomy::canonical_role(role.get_ref())
                .or_else(|| self.error(role.span(), taxonomy::unknown_role(role.get_ref()))),
        }?;
        let Some(group) = group else {
            let group = match role {
                None => taxonomy::DEFAULT_GROUP,
                Some(_) => taxonomy::group_of(canonical_role),
            };
            return Some((canonical_role, group));
        };
        let Some(canonical_group) = taxonomy::canonical_group(group.get_ref()) else {
            return self.error(group.span(), taxonomy::unknown_group(group.get_ref()));
        };
        if !taxonomy::role_in_group(canonical_role, canonical_group) {
            let span = role.map_or(group.span(), Spanned::span);
            let message = taxonomy::not_in_group(canonical_role, canonical_group);
            return self.error(span, message);
        }
        Some((canonical_role, canonical_group))
    }

    /// A TOML date or date-time as a UTC instant. A date in quotes is a string to TOML: the
    /// message says to remove the quotes.
    pub fn date(&mut self, value: &Spanned<DateValue>, what: &str) -> Option<DateTime<Utc>> {
        let message = match value.get_ref() {
            DateValue::Date(date) => match to_utc(date) {
                Ok(date) => return Some(date),
                Err(message) => format!("`{what}`: {message}"),
            },
            DateValue::Quoted(text) if text.trim().parse::<Datetime>().is_ok() => format!(
                "`{what}` is quoted: remove the quotes, TOML dates are bare (`{what} = {}`)",
                text.trim()
            ),
            DateValue::Quoted(text) => format!(
                "`{what}` must be a bare TOML date such as `2020-11-10` or `2020-11-10T18:00:00Z`, not the string `{text}`"
            ),
        };
        self.error(value.span(), message)
    }

    /// Records a problem of the whole file.
    pub fn whole_file(&mut self, message: impl Into<String>) {
        let diagnostic = Diagnostic::whole_file(&self.source.path, message);
        self.diagnostics.push(diagnostic);
    }
}

/// Parses an http(s) URL or a relative path inside the archive.
pub fn parse_source(text: &str) -> Result<Source, String> {
    match Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {
            if url.host_str().is_none_or(str::is_empty) {
                return Err(format!("URL `{text}` has no host"));
            }
            Ok(Source::Remote(url))
        }
        Ok(url) => Err(format!(
            "unsupported URL scheme `{}` in `{text}`: use http(s) or a path inside the archive",
            url.scheme()
        )),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let path = ArchivePath::parse(text).map_err(|err| err.to_string())?;
            if path.is_under(crate::media::MEDIA_DIR) {
                return Err(format!(
                    "`{path}` is in `media/`, which the build manages; keep sources elsewhere, such as `recordings/` or `images/`"
                ));
            }
            Ok(Source::Local(path))
        }
        Err(err) => Err(format!("malformed URL `{text}`: {err}")),
    }
}

/// A TOML date (midnight UTC), or date-time (a local date-time is read as UTC).
fn to_utc(value: &Datetime) -> Result<DateTime<Utc>, String> {
    let Some(date) = value.date else {
        return Err(format!(
            "expected a date or a date-time, found the time `{value}`"
        ));
    };
    let day = NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        .ok_or_else(|| format!("`{value}` is not a calendar date"))?;
    let time = match value.time {
        None => NaiveTime::MIN,
        Some(t) => NaiveTime::from_hms_nano_opt(
            t.hour.into(),
            t.minute.into(),
            t.second.unwrap_or(0).into(),
            t.nanosecond.unwrap_or(0),
        )
        .ok_or_else(|| format!("`{value}` is not a valid time of day"))?,
    };
    let offset_minutes = match value.offset {
        None | Some(Offset::Z) => 0,
        Some(Offset::Custom { minutes }) => i32::from(minutes),
    };
    let offset = chrono::FixedOffset::east_opt(offset_minutes * 60)
        .ok_or_else(|| format!("`{value}` has an out-of-range offset"))?;
    offset
        .from_local_datetime(&day.and_time(time))
        .single()
        .map(|instant| instant.with_timezone(&Utc))
        .ok_or_else(|| format!("`{value}` is not a valid instant"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_urls_or_paths_inside_the_archive() {
        assert!(matches!(
            parse_source("https://e.org/a.mp3"),
            Ok(Source::Remote(_))
        ));
        assert_eq!(
            parse_source("./recordings/a.mp3"),
            Ok(Source::Local(
                ArchivePath::parse("recordings/a.mp3").unwrap()
            ))
        );
        assert_eq!(
            parse_source("../a.mp3").unwrap_err(),
            "path `../a.mp3` must stay inside the archive (relative, without `..`)"
        );
        assert_eq!(
            parse_source("ftp://e.org/a.mp3").unwrap_err(),
            "unsupported URL scheme `ftp` in `ftp://e.org/a.mp3`: use http(s) or a path inside the archive"
        );
        assert_eq!(
            parse_source("https://exa mple.org/a.mp3").unwrap_err(),
            "malformed URL `https://exa mple.org/a.mp3`: invalid international domain name"
        );
    }

    #[test]
    fn dates_and_date_times_become_utc() {
        let date: Datetime = "2020-11-10".parse().unwrap();
        assert_eq!(
            to_utc(&date).unwrap().to_rfc3339(),
            "2020-11-10T00:00:00+00:00"
        );
        let with_offset: Datetime = "2020-11-10T18:00:00+03:30".parse().unwrap();
        assert_eq!(
            to_utc(&with_offset).unwrap().to_rfc3339(),
            "2020-11-10T14:30:00+00:00"
        );
        let time: Datetime = "18:00:00".parse().unwrap();
        assert!(to_utc(&time).is_err());
    }
}
