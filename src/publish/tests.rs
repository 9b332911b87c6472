//! Publishing into `object_store`'s in-memory store: the order of stages, headers, incremental
//! re-publish, a failure in the middle, prune and its grace period, and dry runs.

use std::fmt;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::BoxStream;
use object_store::memory::InMemory;
use object_store::path::Path as Key;
use object_store::{
    Attribute, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};

use sha2::{Digest, Sha256};

use super::target::Target;
use super::{PublishOptions, publish_to};
use crate::confined::{ArchivePath, Root};
use crate::outputs::{Kind, Output, Outputs};

/// An in-memory store that logs the keys put, and fails puts of keys containing `fail_on`.
#[derive(Debug, Default)]
struct Logged {
    inner: InMemory,
    puts: Mutex<Vec<String>>,
    fail_on: Mutex<Option<String>>,
}

impl fmt::Display for Logged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Logged({})", self.inner)
    }
}

#[async_trait::async_trait]
impl ObjectStore for Logged {
    async fn put_opts(
        &self,
        location: &Key,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        if let Some(fail) = self.fail_on.lock().unwrap().as_deref()
            && location.as_ref().contains(fail)
        {
            return Err(object_store::Error::Generic {
                store: "Logged",
                source: "injected failure".into(),
            });
        }
        self.puts.lock().unwrap().push(location.to_string());
        self.inner.put_opts(location, payload, opts).await
    }
    async fn put_multipart_opts(
        &self,
        location: &Key,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }
    async fn get_opts(&self, location: &Key, options: GetOptions) -> Result<GetResult> {
        self.inner.get_opts(location, options).await
    }
    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Key>>,
    ) -> BoxStream<'static, Result<Key>> {
        self.inner.delete_stream(locations)
    }
    fn list(&self, prefix: Option<&Key>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list(prefix)
    }
    async fn list_with_delimiter(&self, prefix: Option<&Key>) -> Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }
    async fn copy_opts(&self, from: &Key, to: &Key, options: CopyOptions) -> Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}

fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("media/talks/a-000000000001.mp3", "ID3 first recording"),
        ("media/talks/cover-000000000002.png", "png"),
        ("media/talks/old-000000000003.mp3", "ID3 no feed names me"),
        (
            "feeds/talks.xml",
            r#"<rss><enclosure url="https://e.org/media/talks/a-000000000001.mp3"/><itunes:image href="https://e.org/media/talks/cover-000000000002.png"/></rss>"#,
        ),
        (
            "feeds/talks.html",
            r#"<audio src="https://e.org/media/talks/a-000000000001.mp3"></audio>"#,
        ),
        ("feeds/talks.toml", "[feed]"),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn target(store: &Arc<Logged>) -> Target {
    Target {
        store: Arc::clone(store) as Arc<dyn ObjectStore>,
        prefix: Key::from("site"),
        shown: "memory://site".into(),
        manifest_name: "memory.json".into(),
        headers: true,
        secrets: Vec::new(),
    }
}

fn options(dry_run: bool, prune: bool) -> PublishOptions {
    PublishOptions {
        to: None,
        dry_run,
        prune,
        no_build: false,
        jobs: NonZeroUsize::new(2).unwrap(),
    }
}

/// The outputs a build of [`archive`] lists: the feed, the page and what they name.
const BUILT: [&str; 4] = [
    "feeds/talks.html",
    "feeds/talks.xml",
    "media/talks/a-000000000001.mp3",
    "media/talks/cover-000000000002.png",
];

/// The manifest of a build that wrote `paths` as they are on disk now.
fn outputs(root: &Path, paths: &[&str]) -> Outputs {
    let files = paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(root.join(path)).unwrap();
            let kind = match Path::new(path).extension().and_then(|e| e.to_str()) {
                Some("xml") => Kind::Feed,
                Some("html") => Kind::Page,
                Some("png") => Kind::Asset,
                _ => Kind::Recording,
            };
            let output = Output {
                kind,
                size: bytes.len() as u64,
                sha256: hex::encode(Sha256::digest(&bytes)),
                inputs: None,
            };
            (ArchivePath::parse(path).unwrap(), output)
        })
        .collect();
    Outputs {
        files,
        ..Outputs::default()
    }
}

fn run(
    root: &Path,
    built: &[&str],
    store: &Arc<Logged>,
    options: &PublishOptions,
    grace: Duration,
) -> std::result::Result<super::Summary, super::PublishError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outputs = outputs(root, built);
    let root = Root::new(root).unwrap();
    runtime.block_on(publish_to(
        &root,
        &outputs,
        &target(store),
        options,
        grace,
        &|_| {},
    ))
}

fn puts(store: &Logged) -> Vec<String> {
    std::mem::take(&mut *store.puts.lock().unwrap())
}

#[test]
fn media_go_up_first_pages_next_feeds_last_with_their_headers() {
    let dir = archive();
    let store = Arc::new(Logged::default());
    run(
        dir.path(),
        &BUILT,
        &store,
        &options(false, false),
        Duration::ZERO,
    )
    .unwrap();
    let mut order = puts(&store);
    // The media go up together (`jobs` at once), in any order among themselves.
    order[..2].sort();
    assert_eq!(
        order,
        [
            "site/media/talks/a-000000000001.mp3",
            "site/media/talks/cover-000000000002.png",
            "site/feeds/talks.html",
            "site/feeds/talks.xml"
        ],
        "unreferenced media and the catalog are not uploaded"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let attributes = |key: &str| {
        runtime
            .block_on(store.get(&Key::from(key)))
            .unwrap()
            .attributes
    };
    let audio = attributes("site/media/talks/a-000000000001.mp3");
    assert_eq!(
        audio.get(&Attribute::ContentType).map(AsRef::as_ref),
        Some("audio/mpeg")
    );
    assert_eq!(
        audio.get(&Attribute::CacheControl).map(AsRef::as_ref),
        Some("public, max-age=31536000, immutable")
    );
    let feed = attributes("site/feeds/talks.xml");
    assert_eq!(
        feed.get(&Attribute::ContentType).map(AsRef::as_ref),
        Some("application/rss+xml; charset=utf-8")
    );
    assert_eq!(
        feed.get(&Attribute::CacheControl).map(AsRef::as_ref),
        Some("public, max-age=300")
    );
}

#[test]
fn a_republish_uploads_nothing_and_a_changed_recording_only_itself_and_what_names_it() {
    let dir = archive();
    let store = Arc::new(Logged::default());
    run(
        dir.path(),
        &BUILT,
        &store,
        &options(false, false),
        Duration::ZERO,
    )
    .unwrap();
    puts(&store);
    run(
        dir.path(),
        &BUILT,
        &store,
        &options(false, false),
        Duration::ZERO,
    )
    .unwrap();
    assert!(puts(&store).is_empty());

    std::fs::write(
        dir.path().join("media/talks/a-000000000009.mp3"),
        "ID3 new recording",
    )
    .unwrap();
    let feed = std::fs::read_to_string(dir.path().join("feeds/talks.xml")).unwrap();
    std::fs::write(
        dir.path().join("feeds/talks.xml"),
        feed.replace("000000000001", "000000000009"),
    )
    .unwrap();
    run(
        dir.path(),
        &[
            "feeds/talks.html",
            "feeds/talks.xml",
            "media/talks/a-000000000009.mp3",
            "media/talks/cover-000000000002.png",
        ],
        &store,
        &options(false, false),
        Duration::ZERO,
    )
    .unwrap();
    assert_eq!(
        puts(&store),
        [
            "site/media/talks/a-000000000009.mp3",
            "site/feeds/talks.xml"
        ]
    );
}

#[test]
fn a_failure_in_the_middle_leaves_the_published_feed_and_a_rerun_completes() {
    let dir = archive();
    let store = Arc::new(Logged::default());
    run(
        dir.path(),
        &BUILT,
        &store,
        &options(false, false),
        Duration::ZERO,
    )
    .unwrap();
    let published = std::fs::read(dir.path().join("feeds/talks.xml")).unwrap();

    std::fs::write(
        dir.path().join("media/talks/b-00000000000b.mp3"),
        "ID3 second",
    )
    .unwrap();
    let feed = String::from_utf8(published.clone()).unwrap();
    let changed = feed.replace(
        "</rss>",
        r#"<enclosure url="https://e.org/media/talks/b-00000000000b.mp3"/></rss>"#,
    );
    std::fs::write(dir.path().join("feeds/talks.xml"), &changed).unwrap();
    *store.fail_on.lock().unwrap() = Some("b-00000000000b".into());
    let err = run(
        dir.path(),
        &[&BUILT[..], &["media/talks/b-00000000000b.mp3"]].concat(),
        &store,
        &options(false, false),
        Duration::ZERO,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("failed to upload `site/media/talks/b-00000000000b.mp3`: "),
        "{err}"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let remote = runtime.block_on(async {
        store
            .get(&Key::from("site/feeds/talks.xml"))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    });
    assert_eq!(
        remote.as_ref(),
        &published[..],
        "the old feed is still the one served"
    );

    *store.fail_on.lock().unwrap() = None;
    puts(&store);
    run(
        dir.path(),
        &[&BUILT[..], &["media/talks/b-00000000000b.mp3"]].concat(),
        &store,
        &options(false, false),
        Duration::ZERO,
    )
    .unwrap();
    assert_eq!(
        puts(&store),
        [
            "site/media/talks/b-00000000000b.mp3",
            "site/feeds/talks.xml"
        ]
    );
}

#[test]
fn prune_removes_unreferenced_media_after_the_grace_period_and_a_dry_run_changes_nothing() {
    let dir = archive();
    let store = Arc::new(Logged::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let orphan = Key::from("site/media/talks/gone-00000000000c.mp3");
    runtime
        .block_on(store.put(&orphan, PutPayload::from("ID3 gone")))
        .unwrap();
    puts(&store);

    let summary = run(
        dir.path(),
        &BUILT,
        &store,
        &options(true, true),
        Duration::ZERO,
    )
    .unwrap();
    assert_eq!(
        summary.plan.totals().0,
        (4, summary.plan.items.iter().map(|i| i.size).sum())
    );
    assert!(puts(&store).is_empty(), "a dry run uploads nothing");
    assert!(
        runtime.block_on(store.head(&orphan)).is_ok(),
        "and deletes nothing"
    );

    let kept = run(
        dir.path(),
        &BUILT,
        &store,
        &options(false, true),
        Duration::from_secs(3600),
    )
    .unwrap();
    assert!(kept.deleted.is_empty(), "younger than the grace period");
    assert!(runtime.block_on(store.head(&orphan)).is_ok());

    let pruned = run(
        dir.path(),
        &BUILT,
        &store,
        &options(false, true),
        Duration::ZERO,
    )
    .unwrap();
    assert_eq!(
        pruned.deleted,
        [("site/media/talks/gone-00000000000c.mp3".to_owned(), 8)]
    );
    assert!(runtime.block_on(store.head(&orphan)).is_err());
    assert!(
        runtime
            .block_on(store.head(&Key::from("site/media/talks/a-000000000001.mp3")))
            .is_ok(),
        "a named recording stays"
    );
}
