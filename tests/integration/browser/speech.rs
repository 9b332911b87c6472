//! A speech's page and an event's page in the browser: share meta, timestamps that seek the
//! player, the page without JavaScript, and axe-core on every kind of page.

use serde_json::{Value, json};

use super::{
    assert_accessible, assert_no_serious_violations, browse_with, persian_archive, screenshot,
};
use crate::serve::Serving;
use crate::support::synced_example;

const FEED: &str = "iran-protests-anniversary";
const RAJAVI: &str = "2020-11-10-maryam-rajavi";

#[test]
fn a_shared_speech_link_shows_its_title_description_and_image() {
    let dir = synced_example();
    let catalog = speech_archive::catalog::load(dir.path()).unwrap();
    let episode = catalog.feeds[0]
        .episodes
        .iter()
        .find(|e| e.id.as_str() == RAJAVI)
        .unwrap();
    let server = Serving::start(dir.path(), &[]);
    let base = format!("http://{}/", server.host);
    let url = format!("{base}feeds/{FEED}/{RAJAVI}.html");
    let page = browse_with(&url, &screenshot("speech-page.png"), &json!({}));
    assert_accessible(&page);
    let meta = &page["meta"];
    assert_eq!(meta["og:title"], episode.title.as_str());
    assert_eq!(meta["twitter:title"], episode.title.as_str());
    let description = meta["og:description"].as_str().unwrap();
    assert!(
        description.starts_with("“The uprising in November 2019 was neither"),
        "{description}"
    );
    assert!(description.len() <= 300 && description.ends_with('…'));
    assert_eq!(meta["twitter:card"], "summary");
    // The feed's artwork, at the address the page was asked at.
    let image = meta["og:image"].as_str().unwrap();
    assert!(
        image.starts_with(&format!("{base}media/{FEED}/cover-")),
        "{image}"
    );
    assert_eq!(meta["twitter:image"], image);
    let audio = meta["og:audio"].as_str().unwrap();
    assert!(
        audio.starts_with(&format!("{base}media/{FEED}/{RAJAVI}-")),
        "{audio}"
    );
    // The rendition: an MP3 every browser and app plays.
    assert_eq!(meta["og:audio:type"], "audio/mpeg");
    assert_eq!(page["canonical"], url.as_str());
    let ld = &page["jsonld"];
    assert_eq!(ld["@type"], "PodcastEpisode");
    assert_eq!(ld["url"], url.as_str());
    assert_eq!(ld["associatedMedia"]["contentUrl"], audio);
    assert_eq!(
        ld["partOfSeries"]["name"],
        catalog.feeds[0].channel.title.as_str()
    );
    assert_eq!(ld["actor"][0]["name"], "Maryam Rajavi");
    assert_eq!(ld["recordedAt"]["@type"], "Event");
    // The player plays what the preview names.
    assert_eq!(page["player"]["src"], audio);
    assert!(page["player"]["duration"].as_f64().unwrap() > 160.0);
    assert_eq!(page["chapters"].as_array().unwrap().len(), 8);
    assert_eq!(page["transcript"].as_array().unwrap().len(), 8);
}

#[test]
fn clicking_a_transcript_timestamp_seeks_the_player() {
    let dir = synced_example();
    let server = Serving::start(dir.path(), &[]);
    let url = format!("http://{}/feeds/{FEED}/{RAJAVI}.html", server.host);
    let page = browse_with(
        &url,
        &screenshot("speech-page-seeked.png"),
        &json!({"seek": 1}),
    );
    assert_eq!(page["seek_target"], "#t=15.534");
    let time = page["seeked"]["time"].as_f64().unwrap();
    assert!((time - 15.534).abs() < 0.25, "the player is at {time} s");
    assert_eq!(page["seeked"]["hash"], "#t=15.534");
}

#[test]
fn the_speech_page_reads_without_javascript() {
    let dir = synced_example();
    let server = Serving::start(dir.path(), &[]);
    let url = format!("http://{}/feeds/{FEED}/{RAJAVI}.html", server.host);
    let page = browse_with(
        &url,
        &screenshot("speech-page-no-js.png"),
        &json!({"nojs": true}),
    );
    assert_eq!(page["search_visible"], 0, "no search box that cannot work");
    assert_eq!(page["transcript"].as_array().unwrap().len(), 8);
    assert_eq!(page["visible_timestamps"], 8);
    assert_eq!(page["chapters"].as_array().unwrap().len(), 8);
    assert!(
        page["h1"]
            .as_str()
            .unwrap()
            .starts_with("Maryam Rajavi: keynote")
    );
}

#[test]
fn axe_finds_nothing_serious_on_any_kind_of_page() {
    let dir = persian_archive();
    let server = Serving::start(dir.path(), &[]);
    let base = format!("http://{}/feeds/", server.host);
    let pages: [(&str, &str, Value); 6] = [
        ("index.html", "axe-index.png", json!({"axe": true})),
        (
            &format!("{FEED}.html"),
            "axe-feed.png",
            json!({"axe": true, "search": "uprising"}),
        ),
        (
            &format!("{FEED}/{RAJAVI}.html"),
            "axe-speech.png",
            json!({"axe": true}),
        ),
        (
            &format!("{FEED}/events/2020-11-10-online-conference.html"),
            "event-page.png",
            json!({"axe": true}),
        ),
        (
            "farsi/aban-speech.html",
            "axe-speech-persian.png",
            json!({"axe": true, "search": "آزادی"}),
        ),
        (
            "speakers/maryam-rajavi.html",
            "axe-speaker.png",
            json!({"axe": true}),
        ),
    ];
    for (path, shot, options) in &pages {
        let page = browse_with(&format!("{base}{path}"), &screenshot(shot), options);
        assert_accessible(&page);
        assert_no_serious_violations(&page);
    }
}
