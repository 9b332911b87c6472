//! `archive speaker`: edits that change only the lines they must (golden files in
//! `tests/fixtures/speaker`), every bad input refused with nothing written, and list and show.
//! [`safety`] covers multi-file edits that are all or nothing, and feeds that follow edits;
//! [`aliases`] the one list field; [`errors`] catalog errors as the command line prints them.

mod safety;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

use crate::support::{archive, fixture, read, repo, write};

/// The catalog files of the fixture archive.
const FILES: [&str; 4] = [
    "feeds/speakers.toml",
    "feeds/conference.toml",
    "feeds/interviews.toml",
    "feeds/rallies.toml",
];

pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/speaker")
}

/// A copy of `tests/fixtures/speaker/archive`.
pub fn speaker_archive() -> TempDir {
    let dir = TempDir::new().unwrap();
    for file in FILES {
        let text = std::fs::read_to_string(fixtures().join("archive").join(file)).unwrap();
        write(dir.path(), file, &text);
    }
    dir
}

/// Every catalog file and its text.
fn snapshot(root: &Path) -> BTreeMap<&'static str, String> {
    FILES.iter().map(|file| (*file, read(root, file))).collect()
}

/// Each file equals `expected/<scenario>/<name>` if there is one, else the input unchanged.
fn assert_golden(root: &Path, scenario: &str) {
    for file in FILES {
        let name = Path::new(file).file_name().unwrap();
        let expected = fixtures().join("expected").join(scenario).join(name);
        let expected = if expected.exists() {
            expected
        } else {
            fixtures().join("archive").join(file)
        };
        let expected = std::fs::read_to_string(expected).unwrap();
        assert_eq!(read(root, file), expected, "{scenario}: {file}");
    }
}

fn speaker(root: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    archive(root).arg("speaker").args(args).assert()
}

/// Runs an edit that must fail with exactly `message` and leave every file as it was.
fn refused(args: &[&str], message: &str) {
    let dir = speaker_archive();
    let before = snapshot(dir.path());
    speaker(dir.path(), args)
        .code(1)
        .stdout("")
        .stderr(format!("archive: error: {message}\n"));
    assert_eq!(snapshot(dir.path()), before, "{args:?} changed files");
}

#[test]
fn set_and_unset_change_only_their_lines() {
    let dir = speaker_archive();
    let title = "President-elect, National Council of Resistance of Iran";
    for args in [
        &["set", "maryam-rajavi", "title", title][..],
        &["set", "maryam-rajavi", "role", "Co-Host"],
        &["set", "parvin", "name", "پروین اعتصامی"],
        &[
            "set",
            "hasti-hesami",
            "href",
            "https://example.org/people/hasti",
        ],
        &["unset", "ramesh-separad", "href"],
    ] {
        speaker(dir.path(), args).code(0);
    }
    assert_golden(dir.path(), "set");
}

#[test]
fn rename_changes_the_registry_and_three_feeds() {
    let dir = speaker_archive();
    speaker(dir.path(), &["rename", "maryam-rajavi", "m-rajavi"])
        .code(0)
        .stderr(predicate::str::starts_with(
            "renamed `maryam-rajavi` to `m-rajavi`, and its credits in 4 episodes\n",
        ));
    assert_golden(dir.path(), "rename");
}

#[test]
fn merge_moves_credits_and_takes_missing_fields() {
    let dir = speaker_archive();
    speaker(dir.path(), &["merge", "r-separad", "ramesh-separad"])
        .code(0)
        .stderr(predicate::str::starts_with(
            "merged `r-separad` into `ramesh-separad`: credits in 2 episodes moved; took `bio`, `image` from `r-separad`\n",
        ));
    assert_golden(dir.path(), "merge");
}

#[test]
fn merge_with_conflicts_needs_a_side() {
    refused(
        &["merge", "hasti-hesami", "ramesh-separad"],
        "cannot merge `hasti-hesami` into `ramesh-separad`: 1 conflict; choose which side wins with `--prefer into` or `--prefer from`\n  name: `Hasti Hesami` (from) / `Ramesh Separad` (into)",
    );
    let dir = speaker_archive();
    let args = [
        "merge",
        "hasti-hesami",
        "ramesh-separad",
        "--prefer",
        "from",
    ];
    speaker(dir.path(), &args).code(0);
    let registry = read(dir.path(), "feeds/speakers.toml");
    assert!(registry.contains("[speakers.ramesh-separad]\nname = \"Hasti Hesami\"\n"));
    assert!(!registry.contains("[speakers.hasti-hesami]"));
    // The panel credited both: one entry is left.
    let conference = read(dir.path(), "feeds/conference.toml");
    assert!(conference.contains("    \"ramesh-separad\",\n    {id=\"r-separad\"},"));
    assert!(!conference.contains("hasti-hesami"));
}

/// One test per bad input: `archive speaker ARGS` exits 1 with exactly this message, and
/// every file stays as it was.
macro_rules! refused {
    ($($name:ident: [$($arg:expr),*] => $message:expr;)*) => {
        $(
            #[test]
            fn $name() {
                refused(&[$($arg),*], $message);
            }
        )*
    };
}

// After `refused!`, which they use.
mod aliases;
mod errors;

refused! {
    unknown_speaker: ["set", "maryam-rajav", "title", "x"]
        => "no speaker `maryam-rajav` in `feeds/speakers.toml` (did you mean `maryam-rajavi`?)";
    bad_id_with_a_suggestion: ["add", "Zoë Ćosić", "--name", "Zoë Ćosić"]
        => "id `Zoë Ćosić` may only contain `a-z`, `0-9` and `-`; try `zoe-cosic`";
    bad_id_without_a_suggestion_in_use: ["add", "Maryam Rajavi", "--name", "Maryam Rajavi"]
        => "id `Maryam Rajavi` may only contain `a-z`, `0-9` and `-`";
    bad_id_with_a_dash_at_the_end: ["rename", "parvin", "parvin-"]
        => "id `parvin-` may not start or end with `-`";
    empty_name_on_add: ["add", "nobody", "--name", "  "]
        => "`name` is empty: a speaker needs a name";
    empty_name_on_set: ["set", "parvin", "name", ""]
        => "`name` is empty: a speaker needs a name";
    unset_name: ["unset", "parvin", "name"]
        => "`name` cannot be unset: a speaker needs a name";
    unknown_role_with_a_suggestion: ["set", "hasti-hesami", "role", "Hots"]
        => "unknown role `Hots` (did you mean `host`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)";
    unknown_group_with_a_suggestion: ["add", "x", "--name", "X", "--group", "casts"]
        => "unknown group `casts` (did you mean `cast`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)";
    role_outside_its_group: ["set", "parvin", "role", "director"]
        => "role `director` is not in group `cast` (`director` belongs to `creative direction`)";
    http_image: ["set", "hasti-hesami", "image", "http://example.org/hasti.jpg"]
        => "`image` must be an https URL or a file in the archive, not `http://example.org/hasti.jpg`";
    http_href: ["add", "x", "--name", "X", "--href", "http://example.org/x"]
        => "`href` must be an https URL, not `http://example.org/x`";
    missing_local_image: ["set", "hasti-hesami", "image", "images/hasti.jpg"]
        => "`image`: no file `images/hasti.jpg` in the archive";
    remove_while_credited: ["remove", "maryam-rajavi"]
        => "speaker `maryam-rajavi` is credited in 4 episodes: `conference/keynote`, `conference/panel`, `interviews/rajavi-2021`, `rallies/opening`; remove those credits first, or merge `maryam-rajavi` into another speaker";
    rename_onto_an_existing_id: ["rename", "r-separad", "ramesh-separad"]
        => "speaker `ramesh-separad` already exists; to make `r-separad` and `ramesh-separad` one speaker, use `archive speaker merge r-separad ramesh-separad`";
    add_an_existing_id: ["add", "parvin", "--name", "Parvin"]
        => "speaker `parvin` already exists; change it with `archive speaker set parvin FIELD VALUE`";
    add_a_persian_name_without_an_id: ["add", "--name", "پروین اعتصامی"]
        => "cannot make an id from the name `پروین اعتصامی`: ids are ASCII `a-z`, `0-9` and `-`, and names in other scripts than Latin have no single spelling in them; give the id: `archive speaker add ID --name …`";
    merge_with_itself: ["merge", "parvin", "parvin"]
        => "`parvin` and `parvin` are the same speaker";
}

#[test]
fn a_local_image_must_exist_in_the_archive() {
    let dir = speaker_archive();
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    std::fs::copy(fixture("cover.png"), dir.path().join("images/hasti.png")).unwrap();
    speaker(
        dir.path(),
        &["set", "hasti-hesami", "image", "images/hasti.png"],
    )
    .code(0);
    assert!(read(dir.path(), "feeds/speakers.toml").contains("image = \"images/hasti.png\"\n"));
}

#[test]
fn add_then_remove_gives_back_the_same_bytes() {
    let dir = speaker_archive();
    let before = snapshot(dir.path());
    speaker(
        dir.path(),
        &[
            "add",
            "--name",
            "Zoë Ćosić",
            "--title",
            "Reporter",
            "--role",
            "Reporter",
        ],
    )
    .code(0)
    .stderr(predicate::str::starts_with(
        "added speaker `zoe-cosic` (id made from the name)\n",
    ));
    let registry = read(dir.path(), "feeds/speakers.toml");
    assert!(registry.ends_with(
        "group = \"cast\"\n\n[speakers.zoe-cosic]\nname = \"Zoë Ćosić\"\ntitle = \"Reporter\"\nrole = \"reporter\"\n\n# End of the registry.\n"
    ));
    speaker(dir.path(), &["remove", "zoe-cosic"]).code(0);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn persian_names_round_trip() {
    let dir = speaker_archive();
    let bio = dir.path().join("bio.txt");
    std::fs::write(&bio, "شاعر ایرانی\nدیوان پروین\n").unwrap();
    speaker(
        dir.path(),
        &[
            "add",
            "parvin-etesami",
            "--name",
            "پروین اعتصامی",
            "--title",
            "شاعر",
        ],
    )
    .code(0);
    archive(dir.path())
        .args(["speaker", "set", "parvin-etesami", "bio", "--file"])
        .arg(&bio)
        .assert()
        .code(0);
    assert!(read(dir.path(), "feeds/speakers.toml").ends_with(
        "[speakers.parvin-etesami]\nname = \"پروین اعتصامی\"\ntitle = \"شاعر\"\nbio = \"\"\"\nشاعر ایرانی\nدیوان پروین\"\"\"\n\n# End of the registry.\n"
    ));
    let output = speaker(dir.path(), &["show", "parvin-etesami", "--json"]).code(0);
    let details: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(details["name"], "پروین اعتصامی");
    assert_eq!(details["bio"], "شاعر ایرانی\nدیوان پروین");
    speaker(dir.path(), &["list"])
        .code(0)
        .stdout(predicate::str::contains(
            "parvin-etesami  پروین اعتصامی          0  شاعر\n",
        ));
}

#[test]
fn list_and_show_print_text_and_json() {
    let dir = speaker_archive();
    speaker(dir.path(), &["list"]).code(0).stdout(
        "ID              NAME            EPISODES  TITLE\n\
         hasti-hesami    Hasti Hesami           1  Iranian American community member\n\
         maryam-rajavi   Maryam Rajavi          4  President-elect, NCRI\n\
         parvin          پروین                  1  شاعر\n\
         r-separad       Ramesh Separad         2\n\
         ramesh-separad  Ramesh Separad         1  Iranian American community member\n",
    );
    let output = speaker(dir.path(), &["list", "--json"]).code(0);
    let list: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(
        list[1],
        serde_json::json!({
            "id": "maryam-rajavi",
            "name": "Maryam Rajavi",
            "title": "President-elect, NCRI",
            "episodes": 4,
        })
    );
    let output = speaker(dir.path(), &["show", "r-separad", "--json"]).code(0);
    let details: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(
        details,
        serde_json::json!({
            "id": "r-separad",
            "name": "Ramesh Separad",
            "title": null,
            "bio": "Engineer and community organizer.",
            "image": "https://example.org/img/separad.jpg",
            "href": null,
            "role": "guest",
            "group": "cast",
            "aliases": [],
            "episodes": [
                {"feed": "conference", "episode": "panel", "title": "Panel",
                 "date": "2020-11-10T00:00:00Z", "role": "guest"},
                {"feed": "interviews", "episode": "separad-2021",
                 "title": "An interview with Ramesh Separad",
                 "date": "2021-04-01T12:00:00Z", "role": "guest"},
            ],
        })
    );
    speaker(dir.path(), &["show", "maryam-rajavi"]).code(0).stdout(
        "maryam-rajavi\n  name:  Maryam Rajavi\n  title: President-elect, NCRI\n  image: https://example.org/img/rajavi.jpg\n  role:  host (group `cast`)\n  bio:\n    Leads the coalition of the Iranian opposition.\n    Speaks at every yearly conference.\n  episodes: 4\n    conference/keynote  2020-11-10  Keynote\n    conference/panel  2020-11-10  Panel\n    interviews/rajavi-2021  2021-03-01  An interview with Maryam Rajavi\n    rallies/opening  2021-07-10  Opening\n",
    );
}
