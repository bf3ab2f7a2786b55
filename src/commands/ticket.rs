//! `orgexit ticket`: the departure ticket from a JSON report.

use super::*;
use crate::cli::TicketArgs;
use crate::engine::RunError;
use crate::exit::Exit;
use crate::plan::InputError;
use crate::report;

pub(super) fn ticket(args: &TicketArgs) -> Result<Exit, RunError> {
    let report = report::load::load(&args.report)?;
    let words = match &args.reseller {
        None => report::ticket::words_for(&report),
        Some(name_or_path) => {
            let reseller = crate::plan::Reseller::load(name_or_path)?;
            if reseller.name != report.reseller {
                return Err(InputError::new(format_args!(
                    "--reseller: {name_or_path} defines reseller {:?}, but the report was made with {:?}",
                    reseller.name, report.reseller
                ))
                .into());
            }
            reseller.ticket
        }
    };
    emit(
        &report::ticket::render(&report, &words),
        args.output.as_deref(),
    )?;
    Ok(Exit::Success)
}
