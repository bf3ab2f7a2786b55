//! `runbook --format markdown`: the same steps as the script, as a checklist to paste into
//! a ticket or a change request.

use std::fmt::Write;

use super::sh::quote;
use super::{Action, Command, Runbook, Stage};

pub(crate) fn render(runbook: &Runbook) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# orgexit runbook\n\n{} account{} · reseller {} · phase {} · from {} · written {}\n\n\
         orgexit ran none of these steps. Commands run with each account's credentials \
         (`--profile`); a target already gone counts as done.",
        runbook.accounts.len(),
        if runbook.accounts.len() == 1 { "" } else { "s" },
        runbook.reseller,
        runbook.phase.as_str(),
        runbook.source,
        runbook.generated_at
    );
    for account in &runbook.accounts {
        let _ = writeln!(out, "\n## {}\n", account.label());
        if let Some(error) = &account.error {
            let _ = writeln!(out, "- [ ] Audit it again once it can be reached: {error}");
        }
        if account.steps.is_empty() && account.error.is_none() {
            let _ = writeln!(out, "Nothing left to do.");
        }
        let mut stage = None;
        for step in &account.steps {
            if stage != Some(step.stage) {
                stage = Some(step.stage);
                let heading = match step.stage {
                    Stage::BeforeTheMove => "Before the move (in this order)".to_string(),
                    Stage::AfterTheMove => match &account.still_in {
                        Some(org) => format!("After the move (once the account has left {org})"),
                        None => "After the move: the reseller's leftovers".to_string(),
                    },
                };
                let _ = writeln!(out, "\n### {heading}\n");
            }
            let _ = writeln!(
                out,
                "- [ ] **{}** (`{}`, {})",
                step.title.replace('\n', " "),
                step.check,
                step.status.as_str()
            );
            match &step.action {
                Action::Person { what, link } => {
                    let _ = write!(out, "  {what}");
                    if let Some(link) = link {
                        let _ = write!(out, " <{link}>");
                    }
                    out.push('\n');
                }
                Action::Reseller { what } => {
                    let _ = writeln!(out, "  For the reseller: {what}");
                }
                Action::Commands {
                    notes,
                    diff,
                    commands,
                } => {
                    for note in notes {
                        let _ = writeln!(out, "  {note}");
                    }
                    if !diff.is_empty() {
                        out.push_str("  ```diff\n");
                        for line in diff {
                            let _ = writeln!(out, "  {line}");
                        }
                        out.push_str("  ```\n");
                    }
                    out.push_str("  ```sh\n");
                    for command in commands {
                        let line = match command {
                            Command::Aws(args) => format!(
                                "aws {}",
                                args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
                            ),
                            Command::Helper(name, args) => format!(
                                "{name} {}   # in the sh runbook",
                                args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
                            ),
                        };
                        let _ = writeln!(out, "  {line}");
                    }
                    out.push_str("  ```\n");
                }
            }
        }
        if !account.kept.is_empty() {
            let _ = writeln!(out, "\nLeft alone:\n");
            for kept in &account.kept {
                let _ = writeln!(out, "- {kept}");
            }
        }
    }
    out
}
