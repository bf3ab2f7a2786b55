//! The subcommands, each a function from its validated plan ([`crate::plan::Plan`]) to an
//! exit status.

mod attest;
mod audit;
mod checks;
mod collect;
mod completions;
mod diff;
mod explain;
mod man;
mod output;
mod policy;
pub(crate) mod progress;
mod runbook;
mod schema;
mod ticket;

use self::checks::reads;
use self::output::*;
use self::{
    audit::audit, checks::checks, collect::collect, completions::completions, explain::explain,
    policy::policy, schema::schema, ticket::ticket,
};
pub(crate) use output::{emit, emit_with, write_atomic};

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::{Cli, ColorChoice};
use crate::engine::RunError;
use crate::exit::Exit;
use crate::plan::Plan;

/// What every subcommand may need of the global flags.
#[derive(Debug, Clone, Copy)]
struct Ui {
    color: ColorChoice,
    quiet: bool,
}

pub fn run(cli: Cli) -> ExitCode {
    let verbosity = if cli.debug { DEBUG } else { cli.verbose };
    init_logging(verbosity, cli.quiet, cli.color);
    let ui = Ui {
        color: cli.color,
        quiet: cli.quiet,
    };
    let result = match Plan::from_command(cli.command) {
        Err(err) => Err(RunError::Input(err)),
        Ok(Plan::Audit(plan)) => block_on(audit(*plan, ui)),
        Ok(Plan::Collect(plan)) => block_on(collect(plan, ui)),
        Ok(Plan::Checks(format)) => checks(format),
        Ok(Plan::Explain(check)) => explain(check),
        Ok(Plan::Policy(plan)) => policy(&plan),
        Ok(Plan::Ticket(plan)) => ticket(&plan),
        Ok(Plan::Diff(plan)) => diff::diff(&plan),
        Ok(Plan::Runbook(plan)) => block_on(runbook::runbook(*plan, ui)),
        Ok(Plan::Attest(plan)) => attest::attest(&plan),
        Ok(Plan::Schema) => schema(),
        Ok(Plan::Completions(shell)) => completions(shell),
        Ok(Plan::Man(plan)) => man::man(&plan),
    };
    match result {
        Ok(exit) => ExitCode::from(exit),
        Err(RunError::Input(err)) => {
            eprintln!("orgexit: error: {err}");
            ExitCode::from(Exit::Usage)
        }
        Err(RunError::Unreachable(err)) => {
            eprintln!("orgexit: error: {err}");
            ExitCode::from(Exit::Error)
        }
    }
}

/// `--debug`: the verbosity of `-vvv`.
const DEBUG: u8 = 3;

/// Logs go to stderr, coloured as `--color` and NO_COLOR say. `--quiet` leaves only
/// errors, whatever RUST_LOG says: the flag is the more deliberate of the two.
fn init_logging(verbose: u8, quiet: bool, color: ColorChoice) {
    // By default only orgexit's own warnings: the SDK's warnings repeat, in its own
    // words and with debug dumps, what orgexit says once in a sentence (-v shows them).
    let default = match verbose {
        0 => "orgexit=warn,error",
        1 => "orgexit=info,warn",
        2 => "orgexit=debug,aws_config=info,warn",
        // --debug: the SDK's own debug log too (each request, its endpoint and answer).
        _ => "orgexit=trace,debug",
    };
    let filter = if quiet {
        tracing_subscriber::EnvFilter::new("error")
    } else {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default))
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| progress::LogWriter)
        .with_ansi(use_color(color, std::io::stderr().is_terminal()))
        .with_target(false)
        .try_init();
}

fn block_on<F: Future<Output = Result<Exit, RunError>>>(future: F) -> Result<Exit, RunError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| RunError::Unreachable(format!("cannot start the async runtime: {e}")))?
        .block_on(future)
}
