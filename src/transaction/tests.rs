//! Transactions: all files or none, after an error at any step, and a journal that the next
//! run rolls forward.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use super::*;
use crate::atomic::TEMP_PREFIX;

const FILES: [&str; 3] = ["feeds/a.toml", "feeds/b.toml", "feeds/speakers.toml"];

/// An archive with the three files, each holding `old <name>`.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("feeds")).unwrap();
    std::fs::create_dir_all(dir.path().join(".archive")).unwrap();
    for file in FILES {
        std::fs::write(dir.path().join(file), format!("old {file}")).unwrap();
    }
    dir
}

/// A transaction that reads the three files and stages `new <name>` for each.
fn staged(root: &Path) -> Transaction {
    let mut transaction = Transaction::new(root);
    for file in FILES {
        transaction.read(Path::new(file)).unwrap();
    }
    for file in FILES {
        transaction
            .stage(Path::new(file), format!("new {file}").into_bytes())
            .unwrap();
    }
    transaction
}

fn contents(root: &Path) -> Vec<String> {
    FILES
        .iter()
        .map(|file| std::fs::read_to_string(root.join(file)).unwrap())
        .collect()
}

fn all(age: &str) -> Vec<String> {
    FILES.iter().map(|file| format!("{age} {file}")).collect()
}

/// Files whose names start with the temp prefix, anywhere in the archive.
fn temps(root: &Path) -> Vec<PathBuf> {
    ["feeds", ".archive"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(TEMP_PREFIX)
        })
        .collect()
}

/// The real disk, except that operation number `fail_at` (counting from 0) fails.
struct FailingDisk {
    fail_at: usize,
    count: Cell<usize>,
}

impl FailingDisk {
    fn new(fail_at: usize) -> Self {
        Self {
            fail_at,
            count: Cell::new(0),
        }
    }

    fn step(&self) -> std::io::Result<()> {
        let n = self.count.get();
        self.count.set(n + 1);
        if n == self.fail_at {
            Err(std::io::Error::other("injected failure"))
        } else {
            Ok(())
        }
    }
}

impl Disk for FailingDisk {
    fn write_temp(&self, target: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
        self.step()?;
        RealDisk.write_temp(target, bytes)
    }

    fn rename(&self, from: &Path, to: &Path) -> std::io::Result<()> {
        self.step()?;
        RealDisk.rename(from, to)
    }

    fn sync_dir(&self, dir: &Path) -> std::io::Result<()> {
        self.step()?;
        RealDisk.sync_dir(dir)
    }
}

#[test]
fn a_commit_writes_every_file_and_leaves_nothing_behind() {
    let dir = archive();
    let written = staged(dir.path()).commit().unwrap();
    assert_eq!(written, FILES.map(PathBuf::from));
    assert_eq!(contents(dir.path()), all("new"));
    assert!(temps(dir.path()).is_empty());
    assert!(!dir.path().join(JOURNAL_FILE).exists());
}

/// A failure at any step leaves every file old, or (once the journal is durable) every
/// file new after the next run rolls the journal forward.
#[test]
fn a_failure_at_any_step_leaves_all_files_old_or_all_new() {
    // 3 temp files, 1 directory fsync, the journal's temp, rename and directory fsync,
    // 3 renames, 1 directory fsync, the journal's removal fsync.
    let steps = 12;
    for fail_at in 0..=steps {
        let dir = archive();
        let disk = FailingDisk::new(fail_at);
        let result = staged(dir.path()).commit_on(&disk);
        let committed = fail_at > 6;
        assert_eq!(
            result.is_ok(),
            fail_at >= steps,
            "step {fail_at}: {result:?}"
        );
        if !committed {
            assert_eq!(contents(dir.path()), all("old"), "step {fail_at}");
            assert!(temps(dir.path()).is_empty(), "step {fail_at}");
            assert!(!dir.path().join(JOURNAL_FILE).exists(), "step {fail_at}");
        }
        roll_forward(dir.path()).unwrap();
        let expected = if committed { all("new") } else { all("old") };
        assert_eq!(contents(dir.path()), expected, "step {fail_at}");
        assert!(temps(dir.path()).is_empty(), "step {fail_at}");
        assert!(!dir.path().join(JOURNAL_FILE).exists(), "step {fail_at}");
    }
}

#[test]
fn a_failed_rename_says_the_next_run_completes_the_edit() {
    let dir = archive();
    let err = staged(dir.path())
        .commit_on(&FailingDisk::new(7))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the edit is committed but not every file is in place yet; the next `archive` command that writes completes it"
    );
    assert_eq!(roll_forward(dir.path()).unwrap(), FILES.map(PathBuf::from));
    assert_eq!(contents(dir.path()), all("new"));
}

#[test]
fn a_file_changed_on_disk_after_reading_stops_the_commit() {
    let dir = archive();
    let transaction = staged(dir.path());
    std::fs::write(dir.path().join("feeds/b.toml"), "edited by hand").unwrap();
    let err = transaction.commit().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`feeds/b.toml` changed on disk while editing; nothing was written"
    );
    let mut expected = all("old");
    expected[1] = "edited by hand".to_owned();
    assert_eq!(contents(dir.path()), expected);
    assert!(temps(dir.path()).is_empty());
}

#[test]
fn a_file_read_but_not_changed_is_checked_too() {
    let dir = archive();
    let mut transaction = Transaction::new(dir.path());
    transaction.read(Path::new("feeds/a.toml")).unwrap();
    transaction
        .stage(Path::new("feeds/b.toml"), b"new".to_vec())
        .unwrap();
    std::fs::write(dir.path().join("feeds/a.toml"), "edited by hand").unwrap();
    let err = transaction.commit().unwrap_err();
    assert!(matches!(err, Error::ChangedOnDisk { path } if path == Path::new("feeds/a.toml")));
}

#[test]
fn a_file_that_appears_meanwhile_stops_the_commit() {
    let dir = archive();
    let mut transaction = Transaction::new(dir.path());
    assert_eq!(transaction.read(Path::new("feeds/new.toml")).unwrap(), None);
    transaction
        .stage(Path::new("feeds/new.toml"), b"ours".to_vec())
        .unwrap();
    std::fs::write(dir.path().join("feeds/new.toml"), "theirs").unwrap();
    let err = transaction.commit().unwrap_err();
    assert!(matches!(err, Error::ChangedOnDisk { .. }));
    let text = std::fs::read_to_string(dir.path().join("feeds/new.toml")).unwrap();
    assert_eq!(text, "theirs");
}

#[test]
fn without_a_journal_there_is_nothing_to_roll_forward() {
    let dir = archive();
    assert!(roll_forward(dir.path()).unwrap().is_empty());
}

#[test]
fn a_corrupt_journal_is_reported_and_not_applied() {
    let dir = archive();
    std::fs::write(dir.path().join(JOURNAL_FILE), "{\"renames\": [").unwrap();
    let err = roll_forward(dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the journal of an interrupted edit, `.archive/journal.json`, is corrupt (EOF while parsing a list at line 1 column 13); check `feeds/` by hand, then delete it"
    );
    let escaping = r#"{"renames": [{"temp": "feeds/.archive-tmp-x", "target": "../outside"}]}"#;
    std::fs::write(dir.path().join(JOURNAL_FILE), escaping).unwrap();
    let err = roll_forward(dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the journal of an interrupted edit, `.archive/journal.json`, is corrupt (it renames `feeds/.archive-tmp-x` to `../outside`); check `feeds/` by hand, then delete it"
    );
}
