//! Feeds of hostile text: markup and script, CDATA ends, bare and pre-escaped `&`, emoji and
//! ZWJ sequences, Persian (RTL) and bidi controls, control characters, a 5,000-character
//! excerpt. Every client reads each text back exactly (less the control characters a feed
//! cannot carry), and none gets live markup out of a description.

use std::fmt::Write as _;
use std::path::Path;

use super::{assert_every_client_reads, expected};
use crate::support::{fixture, sync, write};

/// Text that breaks naive feed writers, and HTML that would run in a client that renders a
/// description as it is.
const PIECES: [&str; 9] = [
    "Fish & chips <b>bold</b> \"quoted\" 'single'",
    "ends ]]> a CDATA section ]]>",
    "<script>alert(1)</script> after the script",
    "<img src=x onerror=alert(1)> and <a href=\"javascript:alert(1)\">a link</a>",
    "bare & and pre-escaped &amp; &lt;b&gt; &#60;i&#62; AT&T",
    "🎙️ live from the square 🇮🇷 👩‍👩‍👧 family",
    "مریم رجوی: قیام آبان ادامه دارد",
    "a \u{202B}right-to-left\u{202C} embedding and a zero\u{200D}width joiner",
    "bell\u{7} vertical\u{B} form\u{C} escape\u{1B} delete\u{7F} next-line\u{85} nonchar\u{FFFE} end",
];

fn hostile(n: usize) -> String {
    format!("{n}: {}", PIECES[n % PIECES.len()])
}

/// Over 5,000 characters of every piece: cut in `description`, whole in `content:encoded`.
fn long_excerpt() -> String {
    let mut text = String::new();
    let mut n = 0;
    while text.chars().count() < 5000 {
        text.push_str(&hostile(n));
        text.push(' ');
        n += 1;
    }
    text.trim_end().to_owned()
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// An archive with two hostile speakers, a recording, a transcript and chapters, and the
/// `[feed]` of `feeds/<feed>.toml` (episodes to be appended).
fn hostile_archive(root: &Path) -> String {
    write(
        root,
        "feeds/speakers.toml",
        "[speakers.maryam-rajavi]\nname = \"مریم رجوی & Maryam Rajavi <NCRI>\"\nhref = \"https://example.org/?a=1&b=2\"\n\n\
         [speakers.guest]\nname = \"Guest \\\"the\\\" 'speaker' ]]> <script>x</script>\"\nrole = \"Co-Host\"\n",
    );
    std::fs::create_dir_all(root.join("recordings")).unwrap();
    std::fs::copy(fixture("mp3-cbr-xing.mp3"), root.join("recordings/a.mp3")).unwrap();
    write(
        root,
        "recordings/a.vtt",
        "WEBVTT\n\n00:00.000 --> 00:04.000\nFish & chips <b>\n",
    );
    write(
        root,
        "recordings/a.chapters.json",
        r#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"A & B"}]}"#,
    );
    String::from(
        "[feed]\ntitle = \"Stress & <test> ]]> 🎙\"\ndescription = \"Hostile text\"\nlanguage = \"fa\"\n\
         public_url = \"https://archive.example.org/a&b/\"\nimage = \"https://archive.example.org/cover.png\"\n\
         categories = [\"News > Politics\"]\n\n\
         # The feed's text is under test: the recording is published as it is.\n\
         [feed.rendition]\nenabled = false\n",
    )
}

fn episode(catalog: &mut String, n: usize, excerpt: &str) {
    let speakers = if n.is_multiple_of(3) {
        r#"["maryam-rajavi", "guest"]"#
    } else {
        r#"["maryam-rajavi"]"#
    };
    let _ = write!(
        catalog,
        "\n[[episode]]\nid = \"e{n}\"\ntitle = {title}\nspeakers = {speakers}\naudio = \"recordings/a.mp3\"\n\
         published = 2020-11-10T{hour:02}:{minute:02}:00Z\nexcerpt = {excerpt}\n",
        title = toml_string(&hostile(n)),
        excerpt = toml_string(excerpt),
        hour = n / 60 % 24,
        minute = n % 60,
    );
}

#[test]
fn every_client_reads_a_stress_feed_of_500_hostile_items() {
    let dir = tempfile::TempDir::new().unwrap();
    let root = dir.path();
    let mut catalog = hostile_archive(root);
    for n in 0..500 {
        let excerpt = if n == 7 {
            long_excerpt()
        } else {
            format!("{}\n\n{}", hostile(n + 1), hostile(n + 2))
        };
        episode(&mut catalog, n, &excerpt);
        if n.is_multiple_of(50) {
            let _ = write!(
                catalog,
                "transcript = \"recordings/a.vtt\"\nchapters = \"recordings/a.chapters.json\"\n\
                 season = 1\nnumber = {}\nsoundbite = {{ start = 0.5, duration = 2.25, title = \"A & <B>\" }}\n",
                n / 50 + 1
            );
        }
    }
    write(root, "feeds/stress.toml", &catalog);
    sync(root).arg("--quiet").assert().code(0);

    let expected = expected::feed(root, "stress");
    assert_eq!(expected.len(), 500);
    assert_every_client_reads(&root.join("feeds/stress.xml"), &expected);
    let guest = expected::speaker(root, &["stress"], "guest");
    assert_every_client_reads(&root.join("feeds/speakers/guest.xml"), &guest);
}

/// Issue 15: the excerpt went into `description` as it was, inside CDATA, and clients render
/// a description as HTML: `<script>`, `onerror=` and `javascript:` links came alive.
#[test]
fn issue_15_a_hostile_excerpt_is_never_live_markup_in_any_client() {
    let dir = tempfile::TempDir::new().unwrap();
    let root = dir.path();
    let mut catalog = hostile_archive(root);
    let attacks = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)><svg onload=alert(2)>",
        "<a href=\"javascript:alert(1)\">click</a> <a href=\" JaVaScRiPt:alert(2)\">again</a>",
        "<p onclick=alert(1)>]]><script>alert(3)</script>",
    ];
    for (n, attack) in attacks.iter().enumerate() {
        episode(
            &mut catalog,
            n,
            &format!("{attack}\n\nsecond paragraph {attack}"),
        );
    }
    write(root, "feeds/attacks.toml", &catalog);
    sync(root).arg("--quiet").assert().code(0);
    // Field by field, and for every description and content:encoded a client gives back: no
    // tag but ours, no `on…=` attribute, no `javascript:` URL, and the attack as text.
    let expected = expected::feed(root, "attacks");
    assert_every_client_reads(&root.join("feeds/attacks.xml"), &expected);
}
