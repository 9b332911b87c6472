//! `aliases`, the other spellings of a speaker's name that `archive import` matches: shown by
//! `show`, set as one value per alias (or one a line from a file), unset, given to `add`
//! with `--alias`, and joined by `merge`.

use predicates::prelude::*;

use super::{refused, speaker, speaker_archive};
use crate::support::read;

#[test]
fn set_show_and_unset_aliases() {
    let dir = speaker_archive();
    let before = read(dir.path(), "feeds/speakers.toml");
    speaker(
        dir.path(),
        &[
            "set",
            "parvin",
            "aliases",
            "Parvin Etesami",
            " P. E'tesami ",
        ],
    )
    .code(0)
    .stderr(predicate::str::starts_with(
        "set `aliases` of `parvin`: 2 aliases\n",
    ));
    let registry = read(dir.path(), "feeds/speakers.toml");
    assert!(registry.contains(
        "[speakers.parvin]\nname = \"پروین\"\ntitle = \"شاعر\"\ngroup = \"cast\"\naliases = [\"Parvin Etesami\", \"P. E'tesami\"]\n\n# End of the registry.\n"
    ));
    speaker(dir.path(), &["show", "parvin"]).code(0).stdout(
        "parvin\n  name:  پروین\n  title: شاعر\n  role:  guest (group `cast`)\n  aliases:\n    Parvin Etesami\n    P. E'tesami\n  episodes: 1\n    rallies/opening  2021-07-10  Opening\n",
    );
    let output = speaker(dir.path(), &["show", "parvin", "--json"]).code(0);
    let details: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(
        details["aliases"],
        serde_json::json!(["Parvin Etesami", "P. E'tesami"])
    );
    // A second `set` replaces the list in place.
    speaker(dir.path(), &["set", "parvin", "aliases", "Parvin"]).code(0);
    assert!(
        read(dir.path(), "feeds/speakers.toml")
            .contains("group = \"cast\"\naliases = [\"Parvin\"]\n")
    );
    speaker(dir.path(), &["unset", "parvin", "aliases"])
        .code(0)
        .stderr(predicate::str::starts_with(
            "removed `aliases` of `parvin`\n",
        ));
    assert_eq!(read(dir.path(), "feeds/speakers.toml"), before);
}

#[test]
fn aliases_from_a_file_one_a_line() {
    let dir = speaker_archive();
    let file = dir.path().join("aliases.txt");
    std::fs::write(&file, "Hasti H.\n\n  H. Hesami  \n").unwrap();
    crate::support::archive(dir.path())
        .args(["speaker", "set", "hasti-hesami", "aliases", "--file"])
        .arg(&file)
        .assert()
        .code(0);
    assert!(read(dir.path(), "feeds/speakers.toml").contains(
        "title=\"Iranian American community member\"\naliases = [\"Hasti H.\", \"H. Hesami\"]\n"
    ));
}

#[test]
fn add_takes_aliases() {
    let dir = speaker_archive();
    speaker(
        dir.path(),
        &[
            "add",
            "--name",
            "Zoë Ćosić",
            "--alias",
            "Zoe Cosic",
            "--alias",
            "Z. Ćosić",
        ],
    )
    .code(0);
    assert!(read(dir.path(), "feeds/speakers.toml").contains(
        "[speakers.zoe-cosic]\nname = \"Zoë Ćosić\"\naliases = [\"Zoe Cosic\", \"Z. Ćosić\"]\n"
    ));
}

#[test]
fn merge_joins_the_aliases_of_both() {
    let dir = speaker_archive();
    speaker(
        dir.path(),
        &["set", "r-separad", "aliases", "R. Separad", "Ramesh S."],
    )
    .code(0);
    speaker(
        dir.path(),
        &["set", "ramesh-separad", "aliases", "Ramesh S."],
    )
    .code(0);
    speaker(dir.path(), &["merge", "r-separad", "ramesh-separad"])
        .code(0)
        .stderr(predicate::str::starts_with(
            "merged `r-separad` into `ramesh-separad`: credits in 2 episodes moved; took `bio`, `image`, `aliases` from `r-separad`\n",
        ));
    assert!(
        read(dir.path(), "feeds/speakers.toml")
            .contains("aliases = [\"Ramesh S.\", \"R. Separad\"]\n")
    );
}

refused! {
    aliases_given_twice: ["set", "parvin", "aliases", "Parvin", "Parvin "]
        => "alias `Parvin` is given twice";
    a_blank_alias: ["add", "x", "--name", "X", "--alias", " "]
        => "an alias is empty: give each alias as one value, such as `archive speaker set ID aliases \"Maryam Radjavi\" \"M. Rajavi\"`";
    two_values_for_one_field: ["set", "parvin", "title", "Poet", "of Iran"]
        => "`title` takes one value, not 2; quote a value that has spaces (`\"…\"`)";
}
