//! Integration tests: they drive the real `archive` binary on temp archives, against a
//! loopback HTTP server and the audio fixtures of `tests/fixtures/audio`.

mod cli;
mod crash;
mod example;
mod probe;
mod reliability;
mod server;
mod speaker;
mod support;
mod sync_http;
mod sync_local;
