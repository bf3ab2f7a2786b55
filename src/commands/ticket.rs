//! `orgexit ticket`: the departure ticket from a JSON report.

use super::*;
use crate::engine::RunError;
use crate::exit::Exit;
use crate::input::InputError;
use crate::plan::TicketPlan;
use crate::report;

pub(super) fn ticket(plan: &TicketPlan) -> Result<Exit, RunError> {
    let report = report::load::load(&plan.report)?;
    let words = match &plan.reseller {
        None => report::ticket::words_for(&report),
        Some((reseller, given)) => {
            if reseller.name != report.reseller {
                return Err(InputError::new(format_args!(
                    "--reseller: {given} defines reseller {:?}, but the report was made with {:?}",
                    reseller.name, report.reseller
                ))
                .into());
            }
            reseller.ticket.clone()
        }
    };
    let since = match &plan.since {
        None => None,
        Some(path) => {
            let old = report::load::load(path)?;
            Some(report::diff::compare(
                &old,
                &report::load::name(path),
                &report,
                &report::load::name(&plan.report),
            ))
        }
    };
    emit(
        &report::ticket::render(&report, &words, since.as_ref()),
        plan.output.as_deref(),
    )?;
    Ok(Exit::Success)
}
