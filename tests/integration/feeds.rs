//! What the feeds carry beyond the basics: `limit` and the full archive, speaker feeds across
//! catalog feeds, and the switches that turn speaker feeds off.

use crate::support::{FEED_HEAD, archive_with, episode, fixture, parse_feed, sync, write};

fn with_recording(dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("recordings")).unwrap();
    std::fs::copy(fixture("mp3-cbr-xing.mp3"), dir.join("recordings/a.mp3")).unwrap();
}

fn dated(id: &str, day: u32) -> String {
    format!(
        "{}published = 2020-11-{day:02}T18:00:00Z\n",
        episode(id, "recordings/a.mp3")
    )
}

fn guids(channel: &rss::Channel) -> Vec<String> {
    channel
        .items()
        .iter()
        .map(|item| item.guid().unwrap().value().to_owned())
        .collect()
}

fn podcast_guid(channel: &rss::Channel) -> String {
    channel.extensions()["podcast"]["guid"][0]
        .value()
        .unwrap()
        .to_owned()
}

#[test]
fn limit_keeps_the_newest_items_and_the_full_archive_keeps_all() {
    let dir = archive_with("");
    with_recording(dir.path());
    let head = FEED_HEAD.replace("language = \"en\"", "language = \"en\"\nlimit = 2");
    let episodes = dated("old", 1) + &dated("newest", 3) + &dated("middle", 2);
    write(dir.path(), "feeds/talks.toml", &format!("{head}{episodes}"));
    sync(dir.path()).assert().code(0);
    let newest = parse_feed(dir.path(), "talks");
    let full = parse_feed(dir.path(), "talks.full");
    let titles = |channel: &rss::Channel| -> Vec<String> {
        channel
            .items()
            .iter()
            .map(|item| item.title().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles(&newest), ["Speech newest", "Speech middle"]);
    assert_eq!(
        titles(&full),
        ["Speech newest", "Speech middle", "Speech old"]
    );
    assert_eq!(guids(&full)[..2], guids(&newest)[..]);
    assert_eq!(
        podcast_guid(&full),
        podcast_guid(&newest),
        "one podcast, two documents"
    );
    let self_link =
        |channel: &rss::Channel| channel.extensions()["atom"]["link"][0].attrs()["href"].clone();
    assert_eq!(
        self_link(&full),
        "https://archive.example.org/feeds/talks.full.xml"
    );
}

#[test]
fn a_speaker_feed_gathers_their_speeches_from_every_feed_with_the_same_guids() {
    let dir = archive_with("");
    with_recording(dir.path());
    write(
        dir.path(),
        "feeds/speakers.toml",
        "[speakers.maryam-rajavi]\nname = \"Maryam Rajavi\"\nbio = \"President-elect of the NCRI.\"\n\n\
         [speakers.quiet]\nname = \"Quiet\"\nfeed = false\n",
    );
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{FEED_HEAD}{}", dated("a", 1)),
    );
    let other = dated("b", 2).replace("[\"maryam-rajavi\"]", "[\"maryam-rajavi\", \"quiet\"]");
    write(
        dir.path(),
        "feeds/more.toml",
        &format!("{FEED_HEAD}{other}"),
    );
    sync(dir.path()).assert().code(0);

    let speaker = parse_feed(dir.path(), "speakers/maryam-rajavi");
    assert_eq!(speaker.title(), "Speeches by Maryam Rajavi");
    assert_eq!(speaker.description(), "President-elect of the NCRI.");
    let mut expected = guids(&parse_feed(dir.path(), "more"));
    expected.extend(guids(&parse_feed(dir.path(), "talks")));
    assert_eq!(
        guids(&speaker),
        expected,
        "newest first, same GUIDs as in their feeds"
    );
    assert!(
        !dir.path().join("feeds/speakers/quiet.xml").exists(),
        "`feed = false` turns it off"
    );

    write(
        dir.path(),
        "feeds/speakers.toml",
        "[speaker_feeds]\nenabled = false\n\n[speakers.maryam-rajavi]\nname = \"Maryam Rajavi\"\n\n[speakers.quiet]\nname = \"Quiet\"\n",
    );
    std::fs::remove_dir_all(dir.path().join("feeds/speakers")).unwrap();
    sync(dir.path()).assert().code(0);
    assert!(!dir.path().join("feeds/speakers/maryam-rajavi.xml").exists());
    assert!(
        dir.path()
            .join("feeds/speakers/maryam-rajavi.html")
            .exists(),
        "speaker pages stay"
    );
}

#[test]
fn feeds_with_different_public_urls_need_one_for_speaker_feeds() {
    let dir = archive_with("");
    with_recording(dir.path());
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{FEED_HEAD}{}", dated("a", 1)),
    );
    let other_head =
        FEED_HEAD.replace("https://archive.example.org/", "https://other.example.org/");
    write(
        dir.path(),
        "feeds/more.toml",
        &format!("{other_head}{}", dated("b", 2)),
    );
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "archive: warning: no speaker feeds: the feeds have different `public_url`s, so the speaker feeds have none: set `public_url` in `[speaker_feeds]` of `feeds/speakers.toml`",
        ));
    let registry = "[speaker_feeds]\npublic_url = \"https://speakers.example.org\"\n\n[speakers.maryam-rajavi]\nname = \"Maryam Rajavi\"\n";
    write(dir.path(), "feeds/speakers.toml", registry);
    sync(dir.path()).assert().code(0);
    let speaker = parse_feed(dir.path(), "speakers/maryam-rajavi");
    let self_link = speaker.extensions()["atom"]["link"][0].attrs()["href"].clone();
    assert_eq!(
        self_link,
        "https://speakers.example.org/feeds/speakers/maryam-rajavi.xml"
    );
    // Enclosures stay where each catalog feed publishes them.
    let urls: Vec<_> = speaker
        .items()
        .iter()
        .map(|i| i.enclosure().unwrap().url().to_owned())
        .collect();
    assert!(
        urls[0].starts_with("https://other.example.org/media/more/"),
        "{urls:?}"
    );
    assert!(
        urls[1].starts_with("https://archive.example.org/media/talks/"),
        "{urls:?}"
    );
}

/// The line of `file` (1-based) where `text` first appears.
fn line_of(root: &std::path::Path, file: &str, text: &str) -> usize {
    let content = crate::support::read(root, file);
    content
        .lines()
        .position(|line| line.contains(text))
        .unwrap()
        + 1
}

/// Issue 15: control characters were dropped from titles without a word, and DEL was kept.
#[test]
fn control_characters_are_warned_about_at_their_line_and_left_out_of_the_feed() {
    let dir = archive_with("");
    with_recording(dir.path());
    // TOML strings carry control characters only as escapes.
    write(
        dir.path(),
        "feeds/speakers.toml",
        "[speakers.maryam-rajavi]\nname = \"Maryam\\u0001 Rajavi\"\n",
    );
    let episode = "\n[[episode]]\nid = \"a\"\ntitle = \"Speech\\u0007 a\\u007F\"\n\
                   speakers = [\"maryam-rajavi\"]\naudio = \"recordings/a.mp3\"\n\
                   published = 2020-11-01T18:00:00Z\nexcerpt = \"\"\"Next\\u0085 line\nand \\uFFFE.\"\"\"\n";
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{FEED_HEAD}{episode}"),
    );
    let title_line = line_of(dir.path(), "feeds/talks.toml", "title = \"Speech");
    let excerpt_line = line_of(dir.path(), "feeds/talks.toml", "excerpt = ");
    crate::support::archive(dir.path())
        .arg("check")
        .assert()
        .stdout(predicates::str::contains(format!(
            "feeds/talks.toml:{title_line}: warning[control-character]: `episode.title` has control characters (U+0007, U+007F), which the feed leaves out; remove them from `feeds/talks.toml`"
        )))
        .stdout(predicates::str::contains(format!(
            "feeds/talks.toml:{excerpt_line}: warning[control-character]: `episode.excerpt` has control characters (U+0085, U+FFFE)"
        )))
        .stdout(predicates::str::contains(
            "feeds/speakers.toml:2: warning[control-character]: `speakers.maryam-rajavi.name` has control characters (U+0001)",
        ));

    sync(dir.path()).assert().code(0);
    let xml = crate::support::read(dir.path(), "feeds/talks.xml");
    for c in ['\u{1}', '\u{7}', '\u{7F}', '\u{85}', '\u{FFFE}'] {
        assert!(!xml.contains(c), "U+{:04X} in the feed", u32::from(c));
    }
    let channel = parse_feed(dir.path(), "talks");
    let item = &channel.items()[0];
    assert_eq!(item.title(), Some("Speech a"));
    let person = &item.extensions()["podcast"]["person"][0];
    assert_eq!(person.value(), Some("Maryam Rajavi"));
}

/// The `<item>…</item>` blocks of a feed file, as written.
fn item_blocks(xml: &str) -> Vec<&str> {
    xml.split("<item>")
        .skip(1)
        .map(|rest| &rest[..rest.find("</item>").unwrap()])
        .collect()
}

#[test]
fn an_episode_is_the_same_item_bytes_in_every_document_it_is_in() {
    let dir = archive_with("");
    with_recording(dir.path());
    let head = FEED_HEAD.replace("language = \"en\"", "language = \"en\"\nlimit = 1");
    let episodes = dated("old", 1) + &dated("new", 2);
    write(dir.path(), "feeds/talks.toml", &format!("{head}{episodes}"));
    sync(dir.path()).assert().code(0);
    let read = |file: &str| crate::support::read(dir.path(), file);
    let (newest, full, speaker) = (
        read("feeds/talks.xml"),
        read("feeds/talks.full.xml"),
        read("feeds/speakers/maryam-rajavi.xml"),
    );
    let full_items = item_blocks(&full);
    assert_eq!(full_items.len(), 2);
    assert_eq!(item_blocks(&newest), full_items[..1]);
    assert_eq!(item_blocks(&speaker), full_items);
    // Each document is whole: one channel, closed once, ending in a line break.
    for xml in [&newest, &full, &speaker] {
        assert!(
            xml.ends_with("    </item>\n  </channel>\n</rss>\n"),
            "{xml}"
        );
        assert_eq!(xml.matches("<channel>").count(), 1);
    }
}

/// The titles of the speeches a page lists, in its order.
fn listed(root: &std::path::Path, page: &str) -> Vec<String> {
    let html = std::fs::read_to_string(root.join(page)).unwrap();
    html.match_indices(">Speech ")
        .map(|(at, _)| {
            let rest = &html[at + 1..];
            rest[..rest.find('<').unwrap()].to_owned()
        })
        .collect()
}

#[test]
fn an_event_lists_its_speeches_in_program_order_and_a_speaker_page_newest_first() {
    // Catalog order c, a, b, d; a is first in time, c and b are given at the same time; d
    // belongs to no event.
    let dir = archive_with(
        &(dated("c", 10)
            + &dated("a", 9)
            + &dated("b", 10)
            + &format!(
                "{}published = 2020-11-11T18:00:00Z\n",
                episode("d", "recordings/a.mp3").replace("event = \"conference\"\n", "")
            )),
    );
    with_recording(dir.path());
    sync(dir.path()).assert().success();
    assert_eq!(
        listed(dir.path(), "feeds/talks/events/conference.html"),
        ["Speech a", "Speech c", "Speech b"]
    );
    assert_eq!(
        listed(dir.path(), "feeds/speakers/maryam-rajavi.html"),
        ["Speech d", "Speech c", "Speech b", "Speech a"]
    );
}
