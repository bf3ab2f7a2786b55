//! `orgexit collect`: gather the facts into a snapshot, judging nothing.

use super::*;
use crate::aws::guard::ReadOnlyGuard;
use crate::engine::{RunError, gather_with_progress};
use crate::exit::Exit;
use crate::facts::AccountFacts;
use crate::plan::CollectPlan;
use crate::snapshot::Snapshot;

pub(super) async fn collect(plan: CollectPlan, ui: Ui) -> Result<Exit, RunError> {
    let gathered = {
        let bar = progress::Bar::for_stderr(ui.quiet, ui.color);
        gather_with_progress(&plan.targets, &plan.needs, ReadOnlyGuard::new(), &bar).await?
    };
    let unreachable = gathered.facts.iter().filter(|f| f.error.is_some()).count();
    let failed_reads: usize = gathered.facts.iter().map(AccountFacts::failed_reads).sum();
    let mut facts = gathered.facts;
    for account in &mut facts {
        // The accounts file's name, else the one the source had (a snapshot re-collected).
        if let Some(name) = plan.targets.names.get(&account.account_id) {
            account.name = Some(name.clone());
        }
    }
    let snapshot = Snapshot::new(facts, time::OffsetDateTime::now_utc());
    write_atomic(&plan.output, snapshot.to_json().as_bytes())?;
    let mut problems = Vec::new();
    if unreachable > 0 {
        problems.push(format!("{unreachable} could not be reached"));
    }
    if failed_reads > 0 {
        problems.push(format!(
            "{failed_reads} reads failed and are recorded as errors"
        ));
    }
    if gathered.interrupted {
        problems.push("interrupted".to_string());
    }
    // Problems are printed even with --quiet: the snapshot is incomplete.
    if !ui.quiet || !problems.is_empty() {
        eprintln!(
            "orgexit: wrote {} account{} to {}{}",
            snapshot.accounts.len(),
            if snapshot.accounts.len() == 1 {
                ""
            } else {
                "s"
            },
            plan.output.display(),
            if problems.is_empty() {
                String::new()
            } else {
                format!(" ({})", problems.join("; "))
            }
        );
    }
    // The snapshot is written either way; the status tells a script it is incomplete.
    Ok(if problems.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    })
}
