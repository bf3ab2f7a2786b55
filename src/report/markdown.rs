//! `--format markdown`: the report to paste into a ticket, a pull request or a wiki page
//! (GitHub and GitLab flavoured Markdown).
//!
//! A title, the summary, a status table, then every blocking finding with its resources
//! and how to fix it. Up to [`super::table::DETAILED_UP_TO`] accounts the table has a
//! column per account and a row per check; more accounts would make it too wide to read,
//! so then it has a row per account with its counts and blocking checks.

use std::fmt::Write;

use super::table::DETAILED_UP_TO;
use super::{AccountReport, CheckResult, Report};
use crate::checks::Status;

/// Resources listed per blocking finding; the JSON report has them all.
const RESOURCES_SHOWN: usize = 20;

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(
        out,
        "# orgexit departure audit: {} of {} accounts ready\n",
        s.ready_accounts, s.accounts
    );
    summary(&mut out, report);
    out.push('\n');
    if report.accounts.len() <= DETAILED_UP_TO {
        by_check(&mut out, report);
    } else {
        by_account(&mut out, report);
    }
    out.push_str("\n## Blocking findings\n\n");
    blocking(&mut out, report);
    let _ = writeln!(
        out,
        "---\n\norgexit {} · generated {} · `orgexit explain <check>` says how to fix a check",
        report.version,
        report.generated_at_text()
    );
    out
}

fn summary(out: &mut String, report: &Report) {
    let s = &report.summary;
    let verdict = report.verdict();
    let or_blank = |value: &Option<String>| {
        value
            .as_deref()
            .map_or("not given".to_string(), |v| format!("`{}`", cell(v)))
    };
    let _ = writeln!(
        out,
        "- **Accounts ready:** {} of {}: {verdict}",
        s.ready_accounts, s.accounts
    );
    let _ = writeln!(out, "- **Checks:** {}", s.counts());
    if let Some(selection) = report.selection_text() {
        let _ = writeln!(out, "- **Not a full audit:** only {}", cell(&selection));
    }
    if let Some(filter) = &report.filter {
        let _ = writeln!(out, "- **Shown:** {}", cell(&filter.said()));
    }
    if let Some(snapshot) = report.snapshot_text() {
        let _ = writeln!(out, "- **Facts from:** {}", cell(&snapshot));
    }
    if let Some(regions) = report.regions_text() {
        let _ = writeln!(out, "- **Regions:** {}", cell(&regions));
    }
    let _ = writeln!(out, "- **Phase:** {}", phase_text(report));
    let _ = writeln!(out, "- **Target date:** {}", or_blank(&report.target_date));
    let _ = writeln!(out, "- **New organization:** {}", or_blank(&report.new_org));
    let _ = writeln!(out, "- **Reseller:** `{}`", cell(&report.reseller));
    for note in &report.notes {
        let _ = writeln!(out, "- **Note:** {}", inline(note));
    }
}

fn phase_text(report: &Report) -> &'static str {
    match report.phase {
        crate::checks::Phase::Pre => "`pre` (before the cut-over: what still blocks)",
        crate::checks::Phase::Post => "`post` (after the cut-over: what was left behind)",
    }
}

/// A table cell: one line, `|` escaped so it cannot end the cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// A status as it reads in a cell; what blocks is bold.
fn status_text(status: Status) -> String {
    if status.blocks() {
        format!("**{}**", status.as_str())
    } else {
        status.as_str().to_string()
    }
}

fn ready_text(account: &AccountReport) -> &'static str {
    if account.ready {
        "ready"
    } else {
        "**not ready**"
    }
}

/// Few accounts: a row per check, a column per account.
fn by_check(out: &mut String, report: &Report) {
    // Few accounts (at most DETAILED_UP_TO): unpacked together.
    let accounts: Vec<AccountReport> = report.accounts.iter().collect();
    if accounts.is_empty() {
        out.push_str("No account was audited.\n");
        return;
    }
    let mut header = String::from("| Check |");
    let mut rule = String::from("|---|");
    let mut ready = String::from("| *ready* |");
    let mut moving = String::from("| *move* |");
    for account in &accounts {
        let _ = write!(header, " {} |", cell(&account.label()));
        rule.push_str("---|");
        let _ = write!(ready, " {} |", ready_text(account));
        let said = account.moving.as_ref().map_or("–".to_string(), |m| {
            format!("{} ({})", m.kind.as_str(), cell(&m.why))
        });
        let _ = write!(moving, " {said} |");
    }
    let _ = writeln!(out, "{header}\n{rule}\n{ready}\n{moving}");
    // Every account has the same checks in the same order; read them by id anyway.
    let ids: Vec<&str> = accounts[0].checks.iter().map(|c| &*c.id).collect();
    for id in ids {
        let mut row = format!("| `{}` |", cell(id));
        for account in &accounts {
            let status = account
                .checks
                .iter()
                .find(|c| c.id == id)
                .map_or("–".to_string(), |c| status_text(c.status));
            let _ = write!(row, " {status} |");
        }
        let _ = writeln!(out, "{row}");
    }
}

/// Many accounts: a row per account.
fn by_account(out: &mut String, report: &Report) {
    out.push_str("| Account | Ready | Move | fail | manual | error | warn | Blocking checks |\n");
    out.push_str("|---|---|---|---:|---:|---:|---:|---|\n");
    for account in &report.accounts {
        let n = |s: Status| account.checks.iter().filter(|c| c.status == s).count();
        let blocking: Vec<String> = account
            .checks
            .iter()
            .filter(|c| c.status.blocks())
            .map(|c| format!("`{}`", cell(&c.id)))
            .collect();
        let moving = account.moving.as_ref().map_or("–", |m| m.kind.as_str());
        let _ = writeln!(
            out,
            "| {} | {} | {moving} | {} | {} | {} | {} | {} |",
            cell(&account.label()),
            ready_text(&account),
            n(Status::Fail),
            n(Status::Manual),
            n(Status::Error),
            n(Status::Warn),
            blocking.join(", ")
        );
    }
}

fn blocking(out: &mut String, report: &Report) {
    let mut any = false;
    for account in &report.accounts {
        if let Some(error) = &account.error {
            let _ = writeln!(
                out,
                "- **{}** · the account could not be audited: {}; its {} checks are **error**.\n",
                inline(&account.label()),
                inline(error),
                account.checks.len()
            );
            any = true;
            continue;
        }
        for check in account.checks.iter().filter(|c| c.status.blocks()) {
            finding(out, &account, check);
            any = true;
        }
    }
    if !any {
        out.push_str("None: nothing blocks the departure.\n\n");
    }
}

fn finding(out: &mut String, account: &AccountReport, check: &CheckResult) {
    let _ = writeln!(
        out,
        "- **{}** · `{}` · **{}**: {}",
        inline(&account.label()),
        check.id,
        check.status.as_str(),
        inline(&check.summary)
    );
    if !check.resources.is_empty() {
        let shown: Vec<String> = check
            .resources
            .iter()
            .take(RESOURCES_SHOWN)
            .map(|r| code(r))
            .collect();
        let more = check.resources.len().saturating_sub(RESOURCES_SHOWN);
        let more = if more > 0 {
            format!(" … and {more} more (see the JSON report)")
        } else {
            String::new()
        };
        let _ = writeln!(out, "  - Resources: {}{more}", shown.join(", "));
    }
    if !check.remediation.is_empty() {
        let _ = writeln!(out, "  - Fix: {}", inline(&check.remediation));
    }
    out.push('\n');
}

/// Text in a list item: one line, no stray HTML.
fn inline(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A resource name or ARN as inline code, fenced so a backtick inside cannot end it.
fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_be_broken() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(code("we`ird"), "`` we`ird ``");
        assert_eq!(inline("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
    }
}
