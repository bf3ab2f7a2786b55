//! `orgexit audit`: gather (from AWS or a snapshot), evaluate, report.

use std::io::IsTerminal;

use super::*;
use crate::aws::guard::ReadOnlyGuard;
use crate::engine::evaluate::Evaluator;
use crate::engine::{RunError, gather_into};
use crate::exit::Exit;
use crate::input::InputError;
use crate::plan::AuditPlan;
use crate::report;

pub(super) async fn audit(plan: AuditPlan, ui: Ui) -> Result<Exit, RunError> {
    let args = &plan.outputs;
    // Each account is evaluated as it finishes; its facts are not kept.
    let mut builder = Evaluator::new(&plan.criteria);
    builder.names(plan.targets.names.clone());
    builder.notes(&plan.targets.notes);
    builder.regions(plan.targets.regions.as_ref());
    let interrupted = {
        let bar = progress::Bar::for_stderr(ui.quiet, ui.color);
        gather_into(
            &plan.targets,
            &plan.criteria.needs(),
            ReadOnlyGuard::new(),
            &bar,
            &mut builder,
        )
        .await?
    };
    let report = builder.finish(time::OffsetDateTime::now_utc());
    if !ui.quiet {
        for note in &report.notes {
            eprintln!("orgexit: warning: {note}");
        }
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    // A filtered report shows all it holds (the table reads `report.filter` itself).
    let all = args.all;
    let look = report::table::Look {
        color: use_color(ui.color, to_terminal),
        width: table_width(to_terminal),
        all,
    };
    if look.color {
        // The colours, not only the bold: crossterm, which paints them, obeys NO_COLOR on
        // its own unless told that we decided.
        crossterm::style::force_color_output(true);
    }
    // Every output is attempted: one that cannot be written does not cost the others.
    let plain = report::table::Look {
        color: false,
        width: table_width(false),
        all,
    };
    let mut failed: Vec<InputError> =
        std::iter::once(emit_with(args.output.as_deref(), |out| {
            render(&report, args.format, look, out)
        }))
        .chain(args.also.iter().map(|(format, path)| {
            write_atomic_with(path, |out| render(&report, *format, plain, out))
        }))
        .filter_map(Result::err)
        .collect();
    if let Some(last) = failed.pop() {
        for err in &failed {
            eprintln!("orgexit: error: {err}");
        }
        return Err(last.into());
    }
    if interrupted {
        eprintln!(
            "orgexit: interrupted: the report covers the accounts that finished; the rest are marked error"
        );
        return Ok(report.exit_code().max(Exit::Error));
    }
    Ok(report.exit_code())
}
