//! `archive serve [--addr ADDR] [--as-built]`: print where to subscribe, then serve until
//! Ctrl-C.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::archive::{Access, Archive};
use crate::serve::{ServeOptions, serve};

pub fn run(root: &Path, options: &ServeOptions) -> Result<Outcome> {
    let archive = Archive::open(root, Access::Read)?;
    let catalog = archive.catalog();
    serve(archive.root(), archive.runtime()?, options, |addr| {
        let host = match addr.ip() {
            ip if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
            _ => addr.to_string(),
        };
        eprintln!("serving the archive at http://{host}/ (Ctrl-C to stop)");
        eprintln!("  web page: http://{host}/feeds/");
        for feed in &catalog.feeds {
            let url = if options.as_built {
                feed.xml_url().to_string()
            } else {
                format!("http://{host}/feeds/{}.xml", feed.id)
            };
            eprintln!("  subscribe to `{}`: {url}", feed.channel.title);
        }
    })?;
    Ok(Outcome::Success)
}
