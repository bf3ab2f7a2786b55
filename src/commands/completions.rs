//! `orgexit completions <shell>`: shell completions.

use super::*;
use crate::cli::Cli;
use crate::engine::RunError;
use crate::exit::Exit;

pub(super) fn completions(shell: clap_complete::Shell) -> Result<Exit, RunError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::definition(), "orgexit", &mut script);
    emit(&String::from_utf8_lossy(&script), None)?;
    Ok(Exit::Success)
}
