//! `orgexit runbook`: gather like `audit`, with the runbook's reads, and write the steps.

use super::*;
use crate::aws::guard::ReadOnlyGuard;
use crate::cli::RunbookFormat;
use crate::engine::evaluate::Evaluator;
use crate::engine::{RunError, gather_with_progress};
use crate::exit::Exit;
use crate::plan::{RunbookPlan, Source};
use crate::runbook;

pub(super) async fn runbook(plan: RunbookPlan, ui: Ui) -> Result<Exit, RunError> {
    let gathered = {
        let bar = progress::Bar::for_stderr(ui.quiet, ui.color);
        gather_with_progress(
            &plan.targets,
            &plan.criteria.needs(),
            ReadOnlyGuard::new(),
            &bar,
        )
        .await?
    };
    let mut evaluator = Evaluator::new(&plan.criteria);
    evaluator.names(plan.targets.names.clone());
    evaluator.notes(&plan.targets.notes);
    evaluator.regions(plan.targets.regions.as_ref());
    evaluator.audited(gathered.facts.iter().map(|f| f.account_id.clone()));
    for facts in &gathered.facts {
        evaluator.add(facts);
    }
    let report = evaluator.finish(time::OffsetDateTime::now_utc());
    let audited: std::collections::BTreeSet<String> = gathered
        .facts
        .iter()
        .map(|f| f.account_id.clone())
        .collect();
    let source = match &plan.targets.source {
        Source::Snapshot(path) => format!("snapshot {}", path.display()),
        Source::Aws(_) => "AWS".to_string(),
    };
    let book = runbook::build(
        &report,
        &gathered.facts,
        &|id| plan.criteria.context(id, &audited),
        source,
    );
    let text = match plan.format {
        RunbookFormat::Sh => runbook::sh::render(&book),
        RunbookFormat::Markdown => runbook::markdown::render(&book),
    };
    emit(&text, plan.output.as_deref())?;
    if gathered.interrupted {
        eprintln!("orgexit: interrupted: the runbook covers the accounts that finished");
        return Ok(Exit::Error);
    }
    // What could not be read has no steps of its own: the runbook is not the whole of it.
    let unread: usize = report
        .accounts
        .iter()
        .map(|a| {
            a.checks
                .iter()
                .filter(|c| c.status == crate::checks::Status::Error)
                .count()
        })
        .sum();
    if unread > 0 {
        eprintln!(
            "orgexit: {unread} check{} could not be read: the runbook says so where they would be",
            if unread == 1 { "" } else { "s" }
        );
        return Ok(Exit::Error);
    }
    Ok(Exit::Success)
}
