//! `archive completions <SHELL>`: the completion script of bash, zsh, fish, PowerShell or
//! elvish, made by `clap_complete` from the command-line definition, on stdout.

use anyhow::Result;

use crate::Outcome;

pub fn run(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut command = crate::cli::definition();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "archive", &mut script);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
    Ok(Outcome::Success)
}
