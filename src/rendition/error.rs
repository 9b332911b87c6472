//! Why a rendition could not be made or a recording could not be measured.

use std::path::PathBuf;

/// What went wrong while measuring a recording or making its rendition. Each variant names
/// the file it concerns; nothing is left at the output path when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum RenditionError {
    /// The source could not be opened or read.
    #[error("failed to read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The rendition (or its temp file) could not be written.
    #[error("failed to write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Symphonia found no audio it can decode in the file.
    #[error("`{}` is not audio that can be decoded: {reason}", path.display())]
    NotAudio { path: PathBuf, reason: String },
    /// The recording stops decoding partway; a rendition of it would be cut or damaged.
    #[error(
        "`{}` does not decode cleanly at {at:.3} s: {reason}; no rendition is made (replace the recording, or set `rendition = false` for it)",
        path.display()
    )]
    Decode {
        path: PathBuf,
        /// Position of the failure in the source, in seconds.
        at: f64,
        reason: String,
    },
    /// The header promises more audio than decodes: the file is cut or damaged.
    #[error(
        "`{}` is truncated or damaged: the header claims {claimed:.3} s but only {present:.3} s decode; download or replace it",
        path.display()
    )]
    Truncated {
        path: PathBuf,
        claimed: f64,
        present: f64,
    },
    /// The audio is of a kind the renderer does not handle (a layout change partway, more
    /// than 24 hours, …).
    #[error("`{}` cannot be rendered: {reason}", path.display())]
    Unsupported { path: PathBuf, reason: String },
    /// The MP3 encoder refused its settings or the audio.
    #[error("the MP3 encoder failed on `{}`: {reason}", path.display())]
    Encode { path: PathBuf, reason: String },
    /// The audio reader or a codec crashed on this file.
    #[error("the audio reader crashed on `{}` ({message}); the file is probably malformed", path.display())]
    Panicked { path: PathBuf, message: String },
}
