//! `--format table`: the report for a person at a terminal.
//!
//! Few accounts (up to [`DETAILED_UP_TO`]): every check of every account, one row each.
//! More: one row per account (ready, counts, blocking checks), then only the findings
//! that block. Either way a summary line closes it, saying what the exit status means.

use crate::exit::Exit;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::{AccountReport, Report};
use crate::checks::Status;

/// Up to this many accounts, the table shows every check of every account.
pub const DETAILED_UP_TO: usize = 5;

/// Width of the table when it does not go to a terminal.
const FILE_WIDTH: u16 = 140;

/// How the table is shown: colours, and whether it goes to a terminal (which sets the
/// width) or to a file or pipe (wrapped at a fixed width).
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub color: bool,
    pub terminal: bool,
}

pub fn render(report: &Report, look: Look) -> String {
    let mut out = String::new();
    out.push_str(&header(report));
    out.push('\n');
    if report.accounts.len() <= DETAILED_UP_TO {
        out.push_str(&detailed(report, look).to_string());
    } else {
        out.push_str(&overview(report, look).to_string());
        let blocking = blocking(report, look);
        out.push_str("\n\nBlocking findings\n");
        match blocking {
            Some(table) => out.push_str(&table.to_string()),
            None => out.push_str("none"),
        }
    }
    out.push_str("\n\n");
    for note in &report.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    out.push_str(&footer(report));
    out.push('\n');
    out
}

fn header(report: &Report) -> String {
    let mut parts = vec![
        format!("orgexit {}", report.version),
        format!("phase {}", report.phase.as_str()),
        format!("reseller {}", report.reseller),
    ];
    if let Some(date) = &report.target_date {
        parts.push(format!("target date {date}"));
    }
    if let Some(org) = &report.new_org {
        parts.push(format!("new org {org}"));
    }
    let mut header = parts.join(" · ");
    let source: Vec<String> = [
        report.snapshot_text().map(|s| format!("facts from {s}")),
        report.selection_text().map(|s| format!("only {s}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !source.is_empty() {
        header.push('\n');
        header.push_str(&source.join(" · "));
    }
    header
}

fn new_table(columns: &[&str], look: Look) -> Table {
    let color = look.color;
    let mut table = Table::new();
    if color {
        // We decided already (terminal, NO_COLOR, --color); comfy-table must not undo it.
        table.enforce_styling();
    }
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(columns.iter().map(|c| {
            let cell = Cell::new(c);
            if color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
    if !look.terminal {
        // A file, pipe or CI log: wrap at a readable width rather than one endless line.
        table.force_no_tty().set_width(FILE_WIDTH);
    }
    table
}

fn status_cell(status: Status, color: bool) -> Cell {
    let cell = Cell::new(status.as_str());
    if !color {
        return cell;
    }
    let paint = match status {
        Status::Pass => Color::Green,
        Status::Fail | Status::Error => Color::Red,
        Status::Warn | Status::Manual => Color::Yellow,
        Status::Skipped => Color::DarkGrey,
    };
    cell.fg(paint).add_attribute(Attribute::Bold)
}

fn ready_cell(account: &AccountReport, color: bool) -> Cell {
    let cell = Cell::new(if account.ready { "ready" } else { "not ready" });
    match (color, account.ready) {
        (false, _) => cell,
        (true, true) => cell.fg(Color::Green),
        (true, false) => cell.fg(Color::Red),
    }
}

fn summary_text(summary: &str, resources: &[String]) -> String {
    const SHOWN: usize = 3;
    if resources.is_empty() {
        return summary.to_string();
    }
    let mut text = summary.to_string();
    for resource in resources.iter().take(SHOWN) {
        text.push_str("\n  ");
        text.push_str(resource);
    }
    if resources.len() > SHOWN {
        text.push_str(&format!(
            "\n  … and {} more (see --format json)",
            resources.len() - SHOWN
        ));
    }
    text
}

fn detailed(report: &Report, look: Look) -> Table {
    let mut table = new_table(&["Account", "Check", "Status", "Summary"], look);
    for account in &report.accounts {
        for (i, check) in account.checks.iter().enumerate() {
            let first = if i == 0 {
                format!(
                    "{}\n{}",
                    account.account_id,
                    if account.ready { "ready" } else { "not ready" }
                )
            } else {
                String::new()
            };
            let resources = if check.status == Status::Pass {
                &[][..]
            } else {
                &check.resources[..]
            };
            table.add_row(vec![
                Cell::new(first),
                Cell::new(&check.id),
                status_cell(check.status, look.color),
                Cell::new(summary_text(&check.summary, resources)),
            ]);
        }
    }
    table
}

fn overview(report: &Report, look: Look) -> Table {
    let mut table = new_table(
        &[
            "Account",
            "Ready",
            "fail",
            "manual",
            "error",
            "warn",
            "Blocking checks",
        ],
        look,
    );
    for account in &report.accounts {
        let n = |s: Status| {
            account
                .checks
                .iter()
                .filter(|c| c.status == s)
                .count()
                .to_string()
        };
        let blocking: Vec<&str> = account
            .checks
            .iter()
            .filter(|c| c.status.blocks())
            .map(|c| &*c.id)
            .collect();
        table.add_row(vec![
            Cell::new(&account.account_id),
            ready_cell(account, look.color),
            Cell::new(n(Status::Fail)),
            Cell::new(n(Status::Manual)),
            Cell::new(n(Status::Error)),
            Cell::new(n(Status::Warn)),
            Cell::new(blocking.join(", ")),
        ]);
    }
    table
}

fn blocking(report: &Report, look: Look) -> Option<Table> {
    let mut table = new_table(&["Account", "Check", "Status", "Summary"], look);
    let mut any = false;
    for account in &report.accounts {
        for check in account.checks.iter().filter(|c| c.status.blocks()) {
            any = true;
            table.add_row(vec![
                Cell::new(&account.account_id),
                Cell::new(&check.id),
                status_cell(check.status, look.color),
                Cell::new(summary_text(&check.summary, &check.resources)),
            ]);
        }
    }
    any.then_some(table)
}

fn footer(report: &Report) -> String {
    let s = &report.summary;
    let hint = match report.exit_code() {
        Exit::Success => "",
        Exit::Blocked => "; `orgexit explain <check>` says how to fix it",
        Exit::Usage | Exit::Error => "; its summary says why",
    };
    format!(
        "{} of {} accounts ready · {}\n{}{hint}",
        s.ready_accounts,
        s.accounts,
        s.counts(),
        report.verdict()
    )
}
