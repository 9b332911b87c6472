//! Search in the browser: a phrase from one excerpt finds that speech first (and `archive
//! search` ranks the same way), a Persian query finds a Persian excerpt whichever yeh and
//! kaf it is typed with, and search works from `file://`, linking a transcript hit to its
//! time.

use serde_json::json;

use super::{assert_accessible, browse_with, cli_search, persian_archive, screenshot};
use crate::serve::Serving;

#[test]
fn searching_a_phrase_from_one_excerpt_returns_that_speech_first() {
    let dir = persian_archive();
    let server = Serving::start(dir.path(), &[]);
    let url = format!("http://{}/feeds/index.html", server.host);
    let phrase = "the kind of will we see in Ashraf";
    let page = browse_with(
        &url,
        &screenshot("search-results.png"),
        &json!({"search": phrase}),
    );
    assert_accessible(&page);
    let results = page["search"]["results"].as_array().unwrap();
    assert!(results.len() > 1, "{page:#?}");
    assert_eq!(
        results[0]["href"],
        "iran-protests-anniversary/2020-11-10-hasti-hesami.html"
    );
    assert!(
        results[0]["passage"]
            .as_str()
            .unwrap()
            .contains("the kind of will we see in Ashraf")
    );
    assert!(
        results[0]["marks"]
            .as_array()
            .unwrap()
            .contains(&json!("Ashraf"))
    );
    // The command line ranks every result the same way.
    let pages: Vec<String> = results
        .iter()
        .map(|r| format!("feeds/{}", r["href"].as_str().unwrap()))
        .collect();
    assert_eq!(cli_search(dir.path(), phrase), pages);
}

/// Issue 18: Arabic yeh and kaf (ي ك), as keyboards without Persian letters type them,
/// find text written with the Persian ones (ی ک).
#[test]
fn a_persian_query_finds_a_persian_excerpt_whatever_the_yeh_and_kaf() {
    let dir = persian_archive();
    let server = Serving::start(dir.path(), &[]);
    let url = format!("http://{}/feeds/farsi.html", server.host);
    let query = "كشتار آزادي";
    assert_ne!(query, "کشتار آزادی");
    let page = browse_with(
        &url,
        &screenshot("search-persian.png"),
        &json!({"search": query}),
    );
    let results = page["search"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{page:#?}");
    assert_eq!(results[0]["href"], "farsi/aban-speech.html");
    assert_eq!(results[0]["dir"], "auto");
    let marks = results[0]["marks"].as_array().unwrap();
    assert_eq!(marks, &[json!("آزادی"), json!("کشتار")]);
    assert_eq!(
        cli_search(dir.path(), query),
        ["feeds/farsi/aban-speech.html"]
    );
}

#[test]
fn search_works_from_file_urls_and_links_a_transcript_hit_to_its_time() {
    let dir = persian_archive();
    let page_path = dir
        .path()
        .join("feeds/iran-protests-anniversary/2020-11-10-hasti-hesami.html");
    let url = url::Url::from_file_path(&page_path).unwrap();
    // A word of the transcript only, typed without its zero-width non-joiner.
    let page = browse_with(
        url.as_str(),
        &screenshot("search-file-url.png"),
        &json!({"search": "جانباختگان", "follow": true}),
    );
    assert_eq!(page["errors"], json!([]));
    let results = page["search"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{page:#?}");
    assert_eq!(results[0]["href"], "../farsi/aban-speech.html#t=4.5");
    assert_eq!(results[0]["marks"], json!(["جان‌باختگان"]));
    // The result opens the speech page with the player at that time.
    let followed = &page["followed"];
    assert!(followed["url"].as_str().unwrap().starts_with("file://"));
    let time = followed["time"].as_f64().unwrap();
    assert!((time - 4.5).abs() < 0.25, "the player is at {time} s");
    assert_eq!(
        cli_search(dir.path(), "جانباختگان"),
        ["feeds/farsi/aban-speech.html#t=4.5"]
    );
}

/// While one types, the page loads the index chunks of the words so far, so the search
/// finds them loaded: a chunk is asked for before any search begins (the status still
/// empty; without the prefetch, only a search asks for chunks), and the results are those
/// of the whole query.
#[test]
fn the_chunks_of_the_words_load_while_one_types() {
    let dir = persian_archive();
    let server = Serving::start(dir.path(), &[]);
    let url = format!("http://{}/feeds/index.html", server.host);
    let page = browse_with(
        &url,
        &screenshot("search-typed.png"),
        &json!({"type": "will Ashraf"}),
    );
    let typed = &page["typed"];
    assert!(
        typed["status"].as_str().unwrap().contains("found"),
        "{typed:#?}"
    );
    assert_eq!(
        typed["first"], "iran-protests-anniversary/2020-11-10-hasti-hesami.html",
        "{typed:#?}"
    );
    let chunks = typed["chunks"].as_array().unwrap();
    assert!(!chunks.is_empty(), "{typed:#?}");
    assert!(
        chunks.iter().any(|chunk| chunk["status"] == ""),
        "every chunk was asked for by a search: {typed:#?}"
    );
}
