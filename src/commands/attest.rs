//! `orgexit attest`: the attestations skeleton for a list of accounts (`--init`), and the
//! check of a filled-in file against them (`--check`).

use std::collections::BTreeSet;
use std::path::Path;

use crate::attestations::skeleton;
use crate::attestations::{AccountAttestations, Attestations};
use crate::engine::RunError;
use crate::exit::Exit;
use crate::input::{AccountId, InputError};
use crate::plan::{AttestAction, AttestPlan};

use super::{emit, write_atomic};

pub(super) fn attest(plan: &AttestPlan) -> Result<Exit, RunError> {
    match &plan.action {
        AttestAction::Check(path) => check(path, &plan.accounts),
        AttestAction::Init(output) => init(&plan.accounts, &plan.names, output.as_deref()),
    }
}

fn init(
    accounts: &BTreeSet<AccountId>,
    names: &std::collections::BTreeMap<String, String>,
    output: Option<&Path>,
) -> Result<Exit, RunError> {
    let accounts: Vec<_> = accounts.iter().cloned().collect();
    let text = skeleton::render(&accounts, names);
    match output {
        Some(path) => {
            write_atomic(path, text.as_bytes())?;
            Ok(Exit::Success)
        }
        None => {
            emit(&text, None)?;
            Ok(Exit::Success)
        }
    }
}

/// Every problem is said, each on its line; the last one is the error the run exits 2 with.
fn check(path: &Path, accounts: &BTreeSet<AccountId>) -> Result<Exit, RunError> {
    // Every problem of the file at once, each with its line; then the file as an audit
    // reads it.
    let text = crate::input::read_file(path, "attestations file")?;
    let mut problems = Attestations::problems(&text, path);
    // The tables' account IDs as written, to set against the list even when a table
    // has problems of its own.
    let written: BTreeSet<String> = toml::from_str::<toml::Table>(&text)
        .ok()
        .and_then(|t| t.get("accounts").and_then(|a| a.as_table()).cloned())
        .map(|a| a.keys().cloned().collect())
        .unwrap_or_default();
    let listed: BTreeSet<&str> = accounts.iter().map(AccountId::as_str).collect();
    // (An ID that is not one is a problem of the file already.)
    for id in written.iter().filter(|id| AccountId::parse(id, "").is_ok()) {
        if !listed.contains(id.as_str()) {
            problems.push(format!(
                "attestations file {}: [accounts.\"{id}\"] is not in the account list: a typo, or an account to add to the list",
                path.display()
            ));
        }
    }
    for id in &listed {
        if !written.contains(*id) {
            problems.push(format!(
                "attestations file {}: no [accounts.\"{id}\"] table for a listed account: add one (orgexit attest --init writes one per account)",
                path.display()
            ));
        }
    }
    if let Some(last) = problems.pop() {
        for problem in &problems {
            eprintln!("orgexit: error: {problem}");
        }
        return Err(InputError::new(last).into());
    }
    let attestations = Attestations::parse(&text, path)?;
    let mut text = format!(
        "{}: valid for the {} listed account{}\n",
        path.display(),
        listed.len(),
        if listed.len() == 1 { "" } else { "s" }
    );
    for (id, account) in &attestations.accounts {
        text.push_str(&format!("  {id}  {}\n", attested(account)));
    }
    emit(&text, None)?;
    Ok(Exit::Success)
}

/// What one account's table attests, in a line.
fn attested(account: &AccountAttestations) -> String {
    let mut said = Vec::new();
    for (field, value) in [
        ("payment_method", &account.payment_method),
        ("root_credentials", &account.root_credentials),
    ] {
        if let Some(a) = value {
            said.push(format!("{field} by {} on {}", a.by, a.on));
        }
    }
    if let Some(decision) = account.buckets {
        said.push(format!("buckets {}", decision.as_str()));
    }
    if let Some(leaver) = &account.leaver {
        said.push(format!("leaver {}", leaver.as_str()));
    }
    if let Some(kind) = account.r#move {
        said.push(format!("move {}", kind.as_str()));
    }
    if let Some(delegated) = account.delegated_admin {
        said.push(format!("delegated_admin = {delegated}"));
    }
    if !account.keep.is_empty() {
        let names: Vec<_> = account.keep.iter().map(|w| w.name.as_str()).collect();
        said.push(format!("keep {}", names.join(", ")));
    }
    if said.is_empty() {
        "nothing attested yet".to_string()
    } else {
        said.join("; ")
    }
}
