//! `orgexit man`: the main page on stdout, or with `--dir` a page for orgexit and one for
//! each subcommand (`orgexit-audit.1`, ...), which the main page's SUBCOMMANDS name.

use crate::cli::Cli;
use crate::engine::RunError;
use crate::exit::Exit;
use crate::plan::ManPlan;

use super::{emit, write_atomic};

pub(super) fn man(plan: &ManPlan) -> Result<Exit, RunError> {
    let Some(dir) = &plan.dir else {
        let (_, main) = pages()?.swap_remove(0);
        emit(&main, None)?;
        return Ok(Exit::Success);
    };
    for (file, page) in pages()? {
        write_atomic(&dir.join(file), page.as_bytes())?;
    }
    Ok(Exit::Success)
}

/// Every page as (file name, roff): `orgexit.1` (its SUBCOMMANDS name only pages that
/// exist: no `orgexit-help(1)`), then `orgexit-<subcommand>.1` for each
/// subcommand that `--help` lists.
pub(crate) fn pages() -> Result<Vec<(String, String)>, RunError> {
    let mut cli = Cli::definition().disable_help_subcommand(true);
    cli.build();
    let mut pages = Vec::new();
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        // Built, a subcommand's display name is `orgexit-<name>`: its page's title and file.
        pages.push((file_name(sub), render(sub.clone())?));
    }
    pages.insert(0, (file_name(&cli), render(cli)?));
    Ok(pages)
}

fn file_name(cmd: &clap::Command) -> String {
    clap_mangen::Man::new(cmd.clone()).get_filename()
}

fn render(cmd: clap::Command) -> Result<String, RunError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .source(concat!("orgexit ", env!("CARGO_PKG_VERSION")))
        .render(&mut page)
        .map_err(|e| RunError::Unreachable(format!("cannot render the man page: {e}")))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}
