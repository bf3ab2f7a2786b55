//! `orgexit checks`: the catalog, with what each check reads.

use super::*;
use crate::checks::{CHECKS, Check, Severity};
use crate::cli::ListFormat;
use crate::engine::RunError;
use crate::exit::Exit;

/// The AWS actions a check's facts take (from the read-only guard's allow-list).
pub(super) fn actions(check: &dyn Check) -> Vec<&'static str> {
    check
        .needs()
        .iter()
        .flat_map(|kind| crate::aws::guard::operations_for(*kind))
        .map(|op| op.action)
        .collect()
}

/// What a check reads, in words: the attestation it takes, then its AWS actions. The
/// one source of `checks` and `explain`, so they cannot say different things.
pub(super) fn reads(check: &dyn Check) -> Vec<String> {
    check
        .attestation()
        .map(|field| format!("attestation ({field})"))
        .into_iter()
        .chain(actions(check).into_iter().map(str::to_string))
        .collect()
}

/// Severities, one a line: what each puts at stake.
pub(super) fn severities() -> String {
    let mut text = String::from(
        "Severity ranks what is at stake when a check does not pass; the status alone decides readiness and the exit status.\n",
    );
    for severity in Severity::ALL {
        text.push_str(&format!(
            "  {:<8}  {}\n",
            severity.as_str(),
            severity.meaning()
        ));
    }
    text
}

pub(super) fn checks(format: ListFormat) -> Result<Exit, RunError> {
    let text = match format {
        ListFormat::Json => {
            let list: Vec<_> = CHECKS
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id(), "title": c.title(), "severity": c.severity(),
                        "reads": actions(*c), "attestation": c.attestation(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).expect("serializes") + "\n"
        }
        ListFormat::Table => {
            let mut table = comfy_table::Table::new();
            table
                .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_header(["Id", "Title", "Severity", "Reads"]);
            for c in CHECKS {
                table.add_row([
                    c.id(),
                    c.title(),
                    c.severity().as_str(),
                    &reads(*c).join("\n"),
                ]);
            }
            format!("{table}\n{}", severities())
        }
    };
    emit(&text, None)?;
    Ok(Exit::Success)
}
