//! Integration tests: they drive the real `archive` binary on temp archives, against a
//! loopback HTTP server and the audio fixtures of `tests/fixtures/audio`.

mod browser;
mod check;
mod cli;
mod clients;
mod crash;
mod example;
mod feeds;
mod import;
mod probe;
mod publish;
mod reliability;
mod rendition;
mod serve;
mod server;
mod speaker;
mod stale;
mod support;
mod sync_http;
mod sync_local;
mod trust;
