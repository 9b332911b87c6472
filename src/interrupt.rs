//! Ctrl-C during `archive sync`. While recordings are pulled, Ctrl-C is caught: the pulls in
//! flight are told to stop (through a [`CancellationToken`] their downloads watch), write out
//! what they received, and the sync ends with exit code 130 instead of being killed. A second
//! Ctrl-C stops at once. Once the pulls are over, Ctrl-C ends the process at once again, as it
//! would without the handler: the build's writes are atomic, file by file.

use futures_util::Stream;
pub use tokio_util::sync::CancellationToken;

use crate::fetch::FetchError;
use crate::sync::{Cause, EpisodeError};

/// Each Ctrl-C, counted from 1; nothing if the handler cannot be installed.
pub fn interrupts() -> impl Stream<Item = usize> {
    futures_util::stream::unfold(0, |count| async move {
        tokio::signal::ctrl_c().await.ok()?;
        Some((count + 1, count + 1))
    })
}

/// An episode Ctrl-C stopped: neither done nor failed.
pub fn stopped(error: &EpisodeError) -> bool {
    matches!(error.cause, Cause::Fetch(FetchError::Interrupted))
}

/// From now on, Ctrl-C ends the process with exit code 130, as the default handler the
/// pulls replaced would have (a runtime's tasks run while the caller builds).
pub fn exit_from_now_on(runtime: &tokio::runtime::Runtime) {
    runtime.spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("interrupted");
            std::process::exit(i32::from(crate::EXIT_INTERRUPTED));
        }
    });
}
