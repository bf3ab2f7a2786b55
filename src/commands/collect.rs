//! `orgexit collect`: gather the facts into a snapshot, judging nothing.

use super::*;
use crate::aws::guard::ReadOnlyGuard;
use crate::cli::CollectArgs;
use crate::engine::{RunError, gather_with_progress};
use crate::exit::Exit;
use crate::facts::AccountFacts;
use crate::plan::{Attestations, Leaver, Leavers, Targets, select_checks};
use crate::snapshot::Snapshot;

pub(super) async fn collect(args: CollectArgs, ui: Ui) -> Result<Exit, RunError> {
    // Who leaves, as `audit` will read it: the attestations' `leaver`, else --leaver.
    let every = args
        .leaver
        .as_deref()
        .map(|l| Leaver::parse_relative(l, "--leaver"))
        .transpose()?;
    let attestations = match &args.attestations {
        Some(path) => Attestations::load(path)?,
        None => Attestations::default(),
    };
    let targets = Targets {
        leavers: Leavers::of(every, &attestations),
        ..Targets::from_args(&args.accounts)?
    };
    let checks = select_checks(&args.selection)?;
    writable(&args.output, "--output")?;
    let needs = checks
        .iter()
        .flat_map(|c| c.needs().iter().copied())
        .collect();
    let gathered = {
        let bar = progress::Bar::for_stderr(ui.quiet, ui.color);
        gather_with_progress(&targets, &needs, ReadOnlyGuard::new(), &bar).await?
    };
    let unreachable = gathered.facts.iter().filter(|f| f.error.is_some()).count();
    let failed_reads: usize = gathered.facts.iter().map(AccountFacts::failed_reads).sum();
    let snapshot = Snapshot::new(gathered.facts, time::OffsetDateTime::now_utc());
    write_atomic(&args.output, snapshot.to_json().as_bytes())?;
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
            args.output.display(),
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
