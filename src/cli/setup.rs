//! The command line of the commands that set things up rather than work on an archive:
//! `archive init`, and `archive man` (whose pages, like the completion scripts, are made from
//! the clap definition).

use std::path::{Path, PathBuf};

use super::network::feed_id;
use crate::catalog::FeedId;
use crate::init::InitOptions;

#[derive(Debug, clap::Args)]
pub(super) struct InitArgs {
    /// The folder to start the archive in (default: --root, the current directory); it is
    /// created if need be.
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The id of the first feed: `feeds/<ID>.toml`.
    #[arg(long, value_name = "ID", value_parser = feed_id, default_value = "speeches")]
    feed: FeedId,
    /// The title of the first feed (default: made from its id).
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    /// Where `feeds/` and `media/` will be published (default: a placeholder to replace).
    #[arg(long, value_name = "URL")]
    public_url: Option<url::Url>,
}

impl InitArgs {
    pub(super) fn options(self, root: &Path) -> InitOptions {
        InitOptions {
            dir: self.dir.unwrap_or_else(|| root.to_owned()),
            feed: self.feed,
            title: self.title,
            public_url: self.public_url.map(crate::catalog::with_trailing_slash),
        }
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct ManArgs {
    /// The page of one subcommand (`sync`, `speaker-add`…) instead of `archive`'s own.
    #[arg(value_name = "COMMAND", conflicts_with = "out")]
    command: Option<String>,
    /// Write every page (`archive.1`, `archive-sync.1`…) into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Which manual pages `archive man` writes, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// Every page, into a folder.
    All(PathBuf),
    /// One page to stdout: a subcommand's (`sync`, `speaker-add`), or `archive`'s.
    One(Option<String>),
}

impl ManArgs {
    pub(super) fn page(self) -> Page {
        match self.out {
            Some(dir) => Page::All(dir),
            None => Page::One(self.command),
        }
    }
}
