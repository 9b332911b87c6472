//! `archive import`: event pages of several markups, served from the loopback server; each
//! test asserts the exact event, speakers, excerpts and recording URLs.

mod hostile;
mod json;
mod review;

use predicates::prelude::*;

use crate::server::{Reply, Server};
use crate::support::{archive, fixture, parse_feed, read, repo, sync, write};

fn page(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/import").join(name)).unwrap()
}

/// An empty archive (a registry, no feeds).
fn empty_archive() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    write(
        dir.path(),
        "feeds/speakers.toml",
        "# Speakers of the archive.\n",
    );
    dir
}

fn import(root: &std::path::Path, url: &str) -> assert_cmd::Command {
    let mut command = archive(root);
    command.args([
        "import",
        url,
        "--feed",
        "events",
        "--public-url",
        "https://archive.example.org/",
    ]);
    command
}

fn catalog(root: &std::path::Path) -> toml::Table {
    toml::from_str(&read(root, "feeds/events.toml")).unwrap()
}

fn episodes(root: &std::path::Path) -> Vec<toml::Table> {
    catalog(root)["episode"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_table().unwrap().clone())
        .collect()
}

fn field<'a>(table: &'a toml::Table, key: &str) -> &'a str {
    table[key].as_str().unwrap()
}

/// The seed page, with its three recordings served as real MP3s.
fn serve_seed() -> Server {
    let server = Server::start();
    server.route(
        "/events/anniversary.html",
        Reply::page(200, &page("seed.html")),
    );
    for name in ["ramesh-separad", "hasti-hesami", "aidin-saidian"] {
        let audio = std::fs::read(fixture("mp3-cbr-xing.mp3")).unwrap();
        server.route(&format!("/events/audio/{name}.mp3"), Reply::file(audio));
    }
    server
}

#[test]
fn the_seed_page_pairs_each_recording_with_its_excerpt_and_speaker() {
    let server = serve_seed();
    let dir = empty_archive();
    import(dir.path(), &server.url("/events/anniversary.html"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "event (new): 2020-11-10-online-conference-marking-anniversary — Online Conference Marking Anniversary of Iran Protests (2020-11-10)",
        ))
        .stdout(predicate::str::contains(
            " no audio  this speech has no recording on the page\n           speaker  Maryam Rajavi\n",
        ))
        .stdout(predicate::str::contains("new speaker: Ramesh Separad `ramesh-separad` (written `ramesh separad` on the page)"))
        .stderr(predicate::str::contains("wrote feeds/events.toml"));

    let table = catalog(dir.path());
    let event = table["event"].as_array().unwrap()[0].as_table().unwrap();
    assert_eq!(
        field(event, "id"),
        "2020-11-10-online-conference-marking-anniversary"
    );
    assert_eq!(
        field(event, "title"),
        "Online Conference Marking Anniversary of Iran Protests"
    );
    assert_eq!(
        event["date"].as_datetime().unwrap().to_string(),
        "2020-11-10"
    );
    assert_eq!(
        field(event, "link"),
        "https://iranfreedom.example.org/anniversary-of-iran-protests/"
    );
    // The summary is the introduction, word for word: what the example catalog holds.
    let example: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("feeds/iran-protests-anniversary.toml")).unwrap(),
    )
    .unwrap();
    let example_event = example["event"].as_array().unwrap()[0].as_table().unwrap();
    assert_eq!(
        field(event, "summary").trim(),
        field(example_event, "summary").trim()
    );

    let imported = episodes(dir.path());
    let ids: Vec<&str> = imported.iter().map(|e| field(e, "id")).collect();
    assert_eq!(
        ids,
        [
            "2020-11-10-ramesh-separad",
            "2020-11-10-hasti-hesami",
            "2020-11-10-aidin-saidian"
        ]
    );
    let example_episodes = example["episode"].as_array().unwrap();
    for episode in &imported {
        let id = field(episode, "id");
        let speaker = id.strip_prefix("2020-11-10-").unwrap();
        assert_eq!(
            episode["speakers"].as_array().unwrap()[0].as_str(),
            Some(speaker)
        );
        assert_eq!(
            field(episode, "audio"),
            server.url(&format!("/events/audio/{speaker}.mp3"))
        );
        // Word for word the excerpt of the example catalog, captions' cuts joined.
        let same = example_episodes
            .iter()
            .find(|e| e["id"].as_str() == Some(id))
            .unwrap();
        assert_eq!(
            field(episode, "excerpt").trim(),
            same["excerpt"].as_str().unwrap().trim(),
            "{id}"
        );
    }
    let speakers: toml::Table = toml::from_str(&read(dir.path(), "feeds/speakers.toml")).unwrap();
    let ramesh = speakers["speakers"]["ramesh-separad"].as_table().unwrap();
    assert_eq!(field(ramesh, "name"), "Ramesh Separad");
    assert_eq!(
        ramesh["aliases"].as_array().unwrap()[0].as_str(),
        Some("ramesh separad")
    );
    assert!(read(dir.path(), "feeds/speakers.toml").starts_with("# Speakers of the archive.\n"));
}

#[test]
fn importing_again_changes_nothing_and_an_updated_page_adds_only_the_new_speech() {
    let server = serve_seed();
    let dir = empty_archive();
    let url = server.url("/events/anniversary.html");
    import(dir.path(), &url).assert().code(0);
    let (feed, speakers) = (
        read(dir.path(), "feeds/events.toml"),
        read(dir.path(), "feeds/speakers.toml"),
    );
    import(dir.path(), &url)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("event (exists)"))
        .stdout(predicate::str::contains(
            "already in the feed as `events/2020-11-10-ramesh-separad`",
        ))
        .stderr(predicate::str::contains("nothing new to import"));
    assert_eq!(read(dir.path(), "feeds/events.toml"), feed);
    assert_eq!(read(dir.path(), "feeds/speakers.toml"), speakers);

    let updated = page("seed.html").replace(
        "</article>",
        "<figure><img src=\"img/new.jpg\" alt=\"Nasim Rahimi\"><figcaption>Nasim Rahimi</figcaption></figure>\n\
         <p>We will be back next year, and the year after.</p>\n\
         <p><a href=\"audio/nasim-rahimi.mp3\">Click here to listen the full speech</a></p>\n</article>",
    );
    server.route("/events/anniversary.html", Reply::page(200, &updated));
    import(dir.path(), &url).assert().code(0);
    let after = read(dir.path(), "feeds/events.toml");
    assert!(after.starts_with(&feed), "what was there stays as it was");
    let ids: Vec<String> = episodes(dir.path())
        .iter()
        .map(|e| field(e, "id").to_owned())
        .collect();
    assert_eq!(
        ids.last().map(String::as_str),
        Some("2020-11-10-nasim-rahimi")
    );
    assert_eq!(ids.len(), 4);
}

#[test]
fn a_dry_run_prints_the_pairing_and_writes_nothing() {
    let server = serve_seed();
    let dir = empty_archive();
    import(dir.path(), &server.url("/events/anniversary.html"))
        .arg("--dry-run")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "      new  episode `events/2020-11-10-ramesh-separad`\n           speaker  Ramesh Separad `ramesh-separad`\n",
        ))
        .stderr(predicate::str::contains("would write feeds/events.toml"));
    assert!(!dir.path().join("feeds/events.toml").exists());
    assert_eq!(
        read(dir.path(), "feeds/speakers.toml"),
        "# Speakers of the archive.\n"
    );
}

#[test]
fn a_wordpress_page_with_captions_shortcodes_and_players() {
    let server = Server::start();
    server.route("/2021/12/panel/", Reply::page(200, &page("wordpress.html")));
    let dir = empty_archive();
    import(dir.path(), &server.url("/2021/12/panel/"))
        .assert()
        .code(0);
    let table = catalog(dir.path());
    let event = table["event"].as_array().unwrap()[0].as_table().unwrap();
    assert_eq!(field(event, "title"), "Human Rights Day panel");
    assert_eq!(
        event["date"].as_datetime().unwrap().to_string(),
        "2021-12-10",
        "the event's date, not the report's"
    );
    assert_eq!(
        field(event, "link"),
        "https://freedomvoices.example.org/2021/12/human-rights-day-panel/"
    );
    assert_eq!(
        field(event, "summary"),
        "On Human Rights Day, three speakers met in Vienna to talk about the prisoners of conscience in Iran & the families who wait for them.\n\nThe panel was held in the evening and streamed online."
    );
    assert_eq!(
        field(&table["feed"].as_table().unwrap().clone(), "title"),
        "Freedom Voices"
    );
    let found: Vec<(String, String, String, String)> = episodes(dir.path())
        .iter()
        .map(|e| {
            (
                field(e, "id").to_owned(),
                e["speakers"].as_array().unwrap()[0]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                field(e, "audio").to_owned(),
                field(e, "excerpt").trim().to_owned(),
            )
        })
        .collect();
    let base = "https://freedomvoices.example.org/wp-content/uploads/2021/12";
    assert_eq!(
        found,
        [
            (
                "2021-12-10-zoe-cosic".to_owned(),
                "zoe-cosic".to_owned(),
                format!("{base}/zoe-cosic.mp3"),
                "Every letter we write reaches a cell. Every name we say out loud is a name they cannot erase.\n\nWe ask for one thing: that the world keeps counting.".to_owned(),
            ),
            (
                "2021-12-10-dr-amir-hosseini".to_owned(),
                "dr-amir-hosseini".to_owned(),
                format!("{base}/amir-hosseini.m4a"),
                "I spent six years in Evin prison. What kept us alive was news from outside — even a rumour of it.".to_owned(),
            ),
            (
                "2021-12-10-leila-farahani".to_owned(),
                "leila-farahani".to_owned(),
                format!("{base}/leila-farahani.mp3?_=3"),
                "My brother is 23. He was arrested for a song.\n\nSing it with me, so that it cannot be arrested.".to_owned(),
            ),
        ]
    );
    let speakers: toml::Table = toml::from_str(&read(dir.path(), "feeds/speakers.toml")).unwrap();
    assert_eq!(
        speakers["speakers"]["zoe-cosic"]["name"].as_str(),
        Some("Zoë Ćosić")
    );
}

#[test]
fn listen_links_are_followed_one_level() {
    let server = Server::start();
    let follow = |name: &str| page(&format!("follow/{name}"));
    server.route(
        "/memorial/index.html",
        Reply::page(200, &follow("index.html")),
    );
    server.route(
        "/memorial/listen/nasrin-amini.html",
        Reply::page(200, &follow("listen/nasrin-amini.html")),
    );
    server.route(
        "/memorial/listen/babak-tehrani.html",
        Reply::page(200, &follow("listen/babak-tehrani.html")),
    );
    server.route(
        "/memorial/speech/sara-mohammadi",
        Reply::file(std::fs::read(fixture("mp3-cbr-xing.mp3")).unwrap()),
    );
    let dir = empty_archive();
    import(dir.path(), &server.url("/memorial/index.html"))
        .assert()
        .code(0);
    let audio: Vec<String> = episodes(dir.path())
        .iter()
        .map(|e| field(e, "audio").to_owned())
        .collect();
    assert_eq!(
        audio,
        [
            server.url("/memorial/audio/nasrin-amini.mp3"),
            "https://students.example.org/media/babak-tehrani.ogg".to_owned(),
            server.url("/memorial/speech/sara-mohammadi"),
        ]
    );
    let event = catalog(dir.path())["event"].as_array().unwrap()[0]
        .as_table()
        .unwrap()
        .clone();
    assert_eq!(
        event["date"].as_datetime().unwrap().to_string(),
        "2022-03-03"
    );
    assert_eq!(
        server.requests("/about/").len(),
        0,
        "a link that does not say listen is not followed"
    );
}

#[test]
fn a_speaker_without_a_recording_is_noted_and_left_out() {
    let server = Server::start();
    server.route("/berlin.html", Reply::page(200, &page("no-recording.html")));
    let dir = empty_archive();
    import(dir.path(), &server.url("/berlin.html"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            " no audio  this speech has no recording on the page\n           speaker  Mina Rostami\n",
        ));
    let ids: Vec<String> = episodes(dir.path())
        .iter()
        .map(|e| field(e, "id").to_owned())
        .collect();
    assert_eq!(
        ids,
        ["2022-10-22-kaveh-jafari", "2022-10-22-golnar-sadeghi"]
    );
    let kaveh = &episodes(dir.path())[0];
    assert_eq!(
        field(kaveh, "excerpt").trim(),
        "Women, life, freedom is not a slogan. It is a programme."
    );
}

#[test]
fn uncertain_pairings_are_flagged_for_review_and_not_imported() {
    let server = Server::start();
    server.route("/panel.html", Reply::page(200, &page("uncertain.html")));
    let dir = empty_archive();
    import(dir.path(), &server.url("/panel.html"))
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "several names label this speech: Reza Karimi, Shirin Ahmadi",
        ))
        .stdout(predicate::str::contains(
            "the recording has no text before it",
        ))
        .stdout(predicate::str::contains(
            "no speaker's name labels this speech",
        ))
        .stderr(predicate::str::contains(
            "some speeches need review and were not imported",
        ));
    let ids: Vec<String> = episodes(dir.path())
        .iter()
        .map(|e| field(e, "id").to_owned())
        .collect();
    assert_eq!(ids, ["2023-05-05-darius-nouri"]);
}

#[test]
fn bad_pages_are_clear_errors() {
    let server = Server::start();
    server.route(
        "/empty.html",
        Reply::page(
            200,
            "<html><body><h1>Nothing here</h1><p>Just words on May 5, 2023.</p></body></html>",
        ),
    );
    let dir = empty_archive();
    import(dir.path(), &server.url("/empty.html"))
        .assert()
        .code(1)
        .stderr(format!(
            "archive: error: `{}` links no recordings (no `<audio>`, audio file links, or \"listen\" links that lead to audio)\n",
            server.url("/empty.html")
        ));
    import(dir.path(), &server.url("/missing.html"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the server answered 404 Not Found",
        ));
    archive(dir.path())
        .args(["import", "ftp://example.org/page.html", "--feed", "events"])
        .assert()
        .code(1)
        .stderr(
            "archive: error: `ftp://example.org/page.html` is not an http(s) URL or an HTML file\n",
        );
    server.route("/seed.html", Reply::page(200, &page("seed.html")));
    archive(dir.path())
        .args(["import", &server.url("/seed.html"), "--feed", "events"])
        .assert()
        .code(1)
        .stderr("archive: error: there is no `feeds/events.toml` yet; give its public URL with --public-url to create it\n");
    assert!(!dir.path().join("feeds/events.toml").exists());
}

/// From a page to a feed: import, sync, and one item per speech, paired and probed.
#[test]
fn import_then_sync_gives_one_item_per_speech() {
    let server = serve_seed();
    let dir = empty_archive();
    import(dir.path(), &server.url("/events/anniversary.html"))
        .assert()
        .code(0);
    sync(dir.path()).assert().code(0);
    let channel = parse_feed(dir.path(), "events");
    assert_eq!(channel.items().len(), 3);
    for item in channel.items() {
        let name = item.extensions()["podcast"]["person"][0]
            .value()
            .unwrap()
            .to_owned();
        assert!(
            item.title().unwrap().starts_with(&name),
            "{:?}",
            item.title()
        );
        let itunes = item.itunes_ext().unwrap();
        assert_eq!(itunes.duration(), Some("4"));
        assert_eq!(itunes.author(), Some(name.as_str()));
    }
    let hasti = channel
        .items()
        .iter()
        .find(|i| i.title().unwrap().starts_with("Hasti"))
        .unwrap();
    assert!(
        hasti
            .description()
            .unwrap()
            .contains("where the regime tried to bring an end to the MEK")
    );
}
