//! Exit codes and command-line errors.

use std::fmt::Write as _;

use predicates::prelude::*;

use crate::support::{archive, archive_with, episode, example_archive, read, synced_example};

#[test]
fn bad_usage_exits_2() {
    let dir = example_archive();
    archive(dir.path())
        .arg("sync")
        .arg("--jobs")
        .arg("0")
        .assert()
        .code(2);
    archive(dir.path()).arg("frobnicate").assert().code(2);
    archive(dir.path()).arg("probe").assert().code(2);
}

#[test]
fn an_unknown_feed_exits_1() {
    let dir = example_archive();
    archive(dir.path())
        .args(["build", "--feed", "nope"])
        .assert()
        .code(1)
        .stderr("archive: error: no feed `nope`: there is no `feeds/nope.toml`\n");
}

#[test]
fn a_catalog_error_names_file_line_and_column_and_writes_nothing() {
    let dir = archive_with(
        &episode("keynote", "recordings/keynote.mp3")
            .replace("speakers = [\"maryam-rajavi\"]", "speakers = [\"maryam\"]"),
    );
    archive(dir.path())
        .arg("sync")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "archive: error: feeds/talks.toml:19:13: no speaker `maryam` in `feeds/speakers.toml` (did you mean `maryam-rajavi`?)\n   |\n19 | speakers = [\"maryam\"]\n   |             ^^^^^^^^\n1 problem in the catalog; nothing was written\n",
        ));
    assert!(!dir.path().join("feeds/talks.xml").exists());
    assert!(!dir.path().join("media").exists());
    // The catalog is read under the archive lock, so `.archive/lock` may exist; nothing else.
    assert!(!dir.path().join(".archive/state").exists());
    assert!(!dir.path().join(".archive/partial").exists());
}

#[test]
fn a_catalog_error_leaves_the_published_feed_intact() {
    let dir = synced_example();
    let before = read(dir.path(), "feeds/iran-protests-anniversary.xml");
    let catalog = read(dir.path(), "feeds/iran-protests-anniversary.toml");
    crate::support::write(
        dir.path(),
        "feeds/iran-protests-anniversary.toml",
        &catalog.replace("language = \"en\"", "language = \"en\"\nlanguge = \"en\""),
    );
    archive(dir.path())
        .arg("sync")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "feeds/iran-protests-anniversary.toml:10:1: unknown field `languge`",
        ));
    assert_eq!(
        read(dir.path(), "feeds/iran-protests-anniversary.xml"),
        before
    );
}

/// Issue 16: a folder without `feeds/` is not an archive. Every command that works on one says
/// so and writes nothing: no `.archive/lock`, and no root folder where there was none.
#[test]
fn a_folder_without_feeds_is_not_an_archive_and_nothing_is_written_to_it() {
    let parent = tempfile::TempDir::new().unwrap();
    let missing = parent.path().join("nonexistent");
    let empty = parent.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let commands: &[&[&str]] = &[
        &["sync"],
        &["sync", "--offline", "--no-wait"],
        &["build"],
        &["check"],
        &["check", "--online"],
        &["serve", "--addr", "127.0.0.1:0"],
        &["import", "https://example.org/", "--feed", "talks"],
        &["publish", "--to", "file:///nowhere"],
        &["speaker", "list"],
        &["speaker", "show", "someone"],
        &["speaker", "add", "--name", "Some One"],
        &["speaker", "set", "someone", "title", "Mayor"],
        &["speaker", "unset", "someone", "title"],
        &["speaker", "rename", "someone", "some-one"],
        &["speaker", "merge", "someone", "other"],
        &["speaker", "remove", "someone"],
    ];
    for root in [&missing, &empty] {
        for args in commands {
            archive(root).args(*args).assert().code(1).stderr(format!(
                "archive: error: `{}` is not an archive (it has no `feeds/` folder); run `archive init` to start one there\n",
                root.display()
            ));
        }
    }
    assert!(!missing.exists(), "`--root` must not create the folder");
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
}

/// Issue 16: an empty `feeds/` says that there are no feeds rather than `0 new…`.
#[test]
fn an_empty_feeds_folder_says_there_are_no_feeds() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("feeds")).unwrap();
    let no_feeds = "there are no feeds: `feeds/` has no `<id>.toml` besides `speakers.toml`; add one to start (the README's \"Catalog\" says what goes in it)\n";
    archive(dir.path())
        .arg("sync")
        .assert()
        .code(0)
        .stderr(format!("sync: {no_feeds}"));
    std::fs::remove_file(dir.path().join(".archive/outputs.json")).unwrap();
    archive(dir.path())
        .arg("build")
        .assert()
        .code(0)
        .stderr(format!("build: {no_feeds}"));
}

/// Issue 16: `archive: error:` is bold red where colour is wanted; `NO_COLOR` turns it off
/// even where `CLICOLOR_FORCE` asks for it, and a pipe gets none.
#[test]
fn errors_are_bold_red_unless_no_color_is_set() {
    let dir = example_archive();
    let message = "no feed `nope`: there is no `feeds/nope.toml`\n";
    archive(dir.path())
        .env("CLICOLOR_FORCE", "1")
        .args(["build", "--feed", "nope"])
        .assert()
        .code(1)
        .stderr(format!(
            "\u{1b}[1m\u{1b}[31marchive: error:\u{1b}[0m {message}"
        ));
    archive(dir.path())
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .args(["build", "--feed", "nope"])
        .assert()
        .code(1)
        .stderr(format!("archive: error: {message}"));
    archive(dir.path())
        .args(["build", "--feed", "nope"])
        .assert()
        .code(1)
        .stderr(format!("archive: error: {message}"));
}

/// `archive completions <shell>`: a script for each shell `clap_complete` knows, naming the
/// subcommands.
#[test]
fn completions_are_printed_for_every_shell() {
    let dir = tempfile::TempDir::new().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F _archive"),
        ("zsh", "#compdef archive"),
        ("fish", "complete -c archive"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[archive]"),
    ] {
        let output = archive(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script}");
        for sub in ["init", "sync", "publish", "rename"] {
            assert!(script.contains(sub), "{shell} lacks `{sub}`");
        }
    }
    archive(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
    let script = archive(dir.path())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg("-c")
        .arg(String::from_utf8(script.stdout).unwrap())
        .status()
        .unwrap();
    assert!(status.success(), "the bash script does not parse");
}

/// `archive man`: one roff page per subcommand into a folder, or one on stdout.
#[test]
fn man_pages_are_written_per_subcommand_or_printed() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("man");
    archive(dir.path())
        .args(["man", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for page in [
        "archive.1",
        "archive-init.1",
        "archive-sync.1",
        "archive-speaker-add.1",
    ] {
        assert!(pages.contains(&page.to_owned()), "{pages:?}");
    }
    let sync = std::fs::read_to_string(out.join("archive-sync.1")).unwrap();
    assert!(sync.starts_with(".ie \\n(.g .ds Aq \\(aq\n"), "{sync}");
    assert!(sync.contains(".TH archive-sync 1"), "{sync}");
    assert!(sync.contains("\\-\\-offline"), "{sync}");
    let printed = archive(dir.path()).args(["man", "sync"]).output().unwrap();
    assert_eq!(String::from_utf8(printed.stdout).unwrap(), sync);
    let top = archive(dir.path()).arg("man").output().unwrap();
    assert_eq!(top.stdout, std::fs::read(out.join("archive.1")).unwrap());
    archive(dir.path())
        .args(["man", "synk"])
        .assert()
        .code(1)
        .stderr(
            "archive: error: no manual page for `synk` (did you mean `sync`?); `archive man --out DIR` writes every page\n",
        );
}

/// The errors a new maintainer meets first, word for word, with the exit code.
#[test]
fn first_errors_are_as_snapshotted() {
    let parent = tempfile::TempDir::new().unwrap();
    let root = parent.path().join("speeches");
    let empty = crate::support::fixture("empty.mp3");
    let runs: Vec<Vec<String>> = [
        vec!["sync"],
        vec!["init"],
        vec!["init"],
        vec!["build", "--feed", "speech"],
        vec!["sync", "--jobs", "0"],
        vec!["completions", "tcsh"],
        vec!["man", "synk"],
        vec!["probe", empty.to_str().unwrap()],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(str::to_owned).collect())
    .collect();
    let mut text = String::new();
    for (index, args) in runs.iter().enumerate() {
        if index == 7 {
            crate::support::write(
                &root,
                "feeds/speeches.toml",
                &read(&root, "feeds/speeches.toml")
                    .replace("# recheck = ", "recheck = \"1 fortnight\" # "),
            );
            let output = archive(&root).arg("sync").output().unwrap();
            let _ = write!(
                text,
                "$ archive sync   # with recheck = \"1 fortnight\"\n{}exit {}\n\n",
                String::from_utf8_lossy(&output.stderr),
                output.status.code().unwrap()
            );
        }
        let output = archive(&root).args(args).output().unwrap();
        let _ = write!(
            text,
            "$ archive {}\n{}{}exit {}\n\n",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            output.status.code().unwrap()
        );
    }
    let text = text
        .replace(&parent.path().display().to_string(), "TMP")
        .replace(&crate::support::repo().display().to_string(), "REPO");
    insta::assert_snapshot!("first_errors", text);
}
