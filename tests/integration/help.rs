//! `--help` of `archive` and of every subcommand, snapshotted: the help is part of the
//! interface. The subcommands are read from the help itself, so a new one is snapshotted too.

use crate::support::archive;

/// The subcommands listed under `Commands:` in a help text, without `help`.
fn commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

fn help(path: &[String]) -> String {
    let dir = tempfile::TempDir::new().unwrap();
    let output = archive(dir.path())
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success(), "{path:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_help_of_every_command_is_as_snapshotted() {
    let top = help(&[]);
    insta::assert_snapshot!("help", top);
    let mut pending: Vec<Vec<String>> = commands(&top).into_iter().map(|c| vec![c]).collect();
    let mut seen = 0;
    while let Some(path) = pending.pop() {
        let text = help(&path);
        for sub in commands(&text) {
            let mut deeper = path.clone();
            deeper.push(sub);
            pending.push(deeper);
        }
        insta::assert_snapshot!(format!("help_{}", path.join("_")), text);
        seen += 1;
    }
    assert!(seen >= 19, "only {seen} subcommands found");
}
