//! The `archive` binary: parse arguments, run, and map the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    speech_archive::main_with_args(std::env::args_os())
}
