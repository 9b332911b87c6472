//! The event a page reports: its title (`h1`, `og:title`, `<title>`), date (JSON-LD,
//! `<time>`, `article:published_time`, or the first date in the text), link (canonical URL)
//! and language.

use chrono::NaiveDate;
use scraper::{Html, Selector};
use url::Url;

use super::scan::text_of;

/// What the page says about its event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageEvent {
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    pub link: Option<Url>,
    /// The page's language (`<html lang>`), primary subtag.
    pub language: Option<String>,
    /// `og:site_name`.
    pub site: Option<String>,
}

/// Reads the event of `html`, fetched from `page`.
pub fn read(html: &Html, page: &Url) -> PageEvent {
    let title = first_text(html, "h1")
        .or_else(|| meta(html, "og:title"))
        .or_else(|| first_text(html, "title"));
    let date = json_ld_date(html)
        .or_else(|| attribute(html, "time[datetime]", "datetime").and_then(|d| parse_date(&d)))
        .or_else(|| meta(html, "article:published_time").and_then(|d| parse_date(&d)))
        .or_else(|| first_text(html, "body").and_then(|text| date_in_text(&text)));
    let link = attribute(html, "link[rel=canonical]", "href")
        .or_else(|| meta(html, "og:url"))
        .and_then(|href| page.join(&href).ok())
        .or_else(|| matches!(page.scheme(), "http" | "https").then(|| page.clone()));
    let language = attribute(html, "html", "lang")
        .and_then(|lang| lang.split(['-', '_']).next().map(str::to_ascii_lowercase))
        .filter(|lang| (2..=3).contains(&lang.len()));
    PageEvent {
        title,
        date,
        link,
        language,
        site: meta(html, "og:site_name"),
    }
}

fn first_text(html: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    let element = html.select(&selector).next()?;
    Some(text_of(element)).filter(|text| !text.is_empty())
}

fn attribute(html: &Html, selector: &str, name: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    html.select(&selector)
        .find_map(|element| element.value().attr(name).map(str::to_owned))
}

fn meta(html: &Html, property: &str) -> Option<String> {
    attribute(html, &format!("meta[property=\"{property}\"]"), "content")
        .or_else(|| attribute(html, &format!("meta[name=\"{property}\"]"), "content"))
}

/// `startDate` of an Event, else `datePublished`, in the page's JSON-LD.
fn json_ld_date(html: &Html) -> Option<NaiveDate> {
    let selector = Selector::parse("script[type=\"application/ld+json\"]").ok()?;
    let mut published = None;
    for script in html.select(&selector) {
        let Ok(json) =
            serde_json::from_str::<serde_json::Value>(&script.text().collect::<String>())
        else {
            continue;
        };
        let items = match &json {
            serde_json::Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        for item in items.iter().chain(
            json.get("@graph")
                .and_then(|g| g.as_array())
                .into_iter()
                .flatten(),
        ) {
            if let Some(date) = item
                .get("startDate")
                .and_then(|d| d.as_str())
                .and_then(parse_date)
            {
                return Some(date);
            }
            published = published.or_else(|| {
                item.get("datePublished")
                    .and_then(|d| d.as_str())
                    .and_then(parse_date)
            });
        }
    }
    published
}

/// `2020-11-10`, `2020-11-10T18:00:00Z`, or a date in words.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    text.get(..10)
        .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
        .or_else(|| date_in_text(text))
}

/// The first date written in words: "November 10, 2020", "10 November 2020".
pub fn date_in_text(text: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(3).find_map(|w| {
        let clean = |s: &str| s.trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
        // Only a window with a month's name can hold a date: the others are not parsed.
        if !is_month(&clean(w[0])) && !is_month(&clean(w[1])) {
            return None;
        }
        let (a, b, c) = (clean(w[0]), clean(w[1]), clean(w[2]));
        NaiveDate::parse_from_str(&format!("{a} {b} {c}"), "%B %d %Y")
            .or_else(|_| NaiveDate::parse_from_str(&format!("{a} {b} {c}"), "%d %B %Y"))
            .ok()
            .filter(|_| c.len() == 4)
    })
}

/// Whether `word` is the English name of a month, as `%B` reads it (full or abbreviated).
fn is_month(word: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    word.len() >= 3
        && word.is_ascii()
        && MONTHS
            .iter()
            .any(|month| word[..3].eq_ignore_ascii_case(month))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dates_in_words() {
        let date = NaiveDate::from_ymd_opt(2020, 11, 10);
        assert_eq!(
            date_in_text("Online Conference November 10, 2020 To mark"),
            date
        );
        assert_eq!(date_in_text("held on 10 November 2020."), date);
        assert_eq!(date_in_text("no date here"), None);
        assert_eq!(parse_date("2020-11-10T18:00:00+00:00"), date);
    }
}
