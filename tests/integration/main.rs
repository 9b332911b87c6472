//! Integration tests: they drive the real `archive` binary on temp archives, against a
//! loopback HTTP server and the audio fixtures of `tests/fixtures/audio`.

mod browser;
mod check;
mod cli;
mod clients;
mod crash;
mod example;
mod feeds;
mod help;
mod import;
mod init;
mod interrupt;
mod json;
mod probe;
mod progress;
mod publish;
mod readme;
mod reliability;
mod rendition;
mod serve;
mod server;
mod speaker;
mod stale;
mod support;
mod sync_http;
mod sync_https;
mod sync_local;
mod sync_rendition;
mod trust;
mod verbose;
mod wording;
