//! `--format table`: the report for a person at a terminal.
//!
//! The answer first: by default each account shows only what blocks (`fail`, `manual`,
//! `error`) and what to review (`warn`); its passing and skipped checks are folded into a
//! count on the account's line ("10 checks pass, 1 skipped"). `--all` shows every check.
//!
//! Up to [`DETAILED_UP_TO`] accounts every account is listed. More accounts open with a
//! roll-up, one line per check saying in how many accounts it passes, fails…, naming the
//! first accounts of what blocks; then the findings that several accounts share word for
//! word, each once, with what to do and the accounts it is in; then only the accounts that
//! are not ready, each with what blocks it alone (its warnings are counted, its shared
//! findings named). Either way the verdict closes it, saying what the exit status means.
//!
//! Each account is a small table of its own (Check, Status, Summary) under a line naming
//! the account, so a narrow terminal keeps room for the summary; check IDs never wrap, and
//! ARNs and IDs wrap only at their separators (`super::wrap`).

use std::collections::HashMap;

use std::fmt::Write;

use crate::exit::Exit;
use comfy_table::{
    Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
};
use crossterm::style::Stylize;

use super::wrap::wrap;
use super::{AccountReport, CheckResult, Report};
use crate::attestations::Move;
use crate::checks::Status;

/// Up to this many accounts, the table lists every account; beyond, a roll-up per check
/// and only the accounts that are not ready.
pub(crate) const DETAILED_UP_TO: usize = 5;

/// Resources listed under a finding's summary; the JSON report has them all.
const RESOURCES_SHOWN: usize = 3;

/// How the table is shown.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// Colours and bold (the caller decided: terminal, NO_COLOR, `--color`).
    pub color: bool,
    /// Columns to fit; `None`: the terminal's own width (stdout is a terminal).
    pub width: Option<u16>,
    /// `--all`: every check of every account, passes included.
    pub all: bool,
}

pub fn render(report: &Report, look: Look) -> String {
    let many = report.accounts.len() > DETAILED_UP_TO;
    // A report filtered by --status or --min-severity holds only what the filter kept: all
    // of it is shown, and an account it kept nothing of is counted, not listed.
    let filtered = report.filter.is_some();
    let shown = |status: Status| {
        look.all || filtered || status.blocks() || (!many && status == Status::Warn)
    };
    let width = look.width.or_else(|| Table::new().width()).map(usize::from);
    // The move every account takes, when they all take the same: said once, above.
    let mut moves = report.accounts.moves();
    let first = moves.next().flatten();
    let common = first.filter(|m| moves.all(|o| o == Some(*m)));
    let mut out = header(report, common, width);
    out.push('\n');
    if many {
        out.push_str("\nBy check\n");
        out.push_str(&roll_up(report, look, width).to_string());
        out.push('\n');
    }
    let listed = |ready: bool| !many || look.all || filtered || !ready;
    // What is folded and how many accounts are not listed, from the packed statuses; only
    // the accounts listed are unpacked (twice: for the column's width, then to render).
    let statuses = report.accounts.statuses();
    let folded = statuses
        .clone()
        .any(|(_, checks)| checks.iter().any(|s| !shown(*s)));
    let ready_not_listed = statuses.filter(|(ready, _)| !listed(*ready)).count();
    let check_width = report
        .accounts
        .iter_by_readiness(listed)
        .filter_map(|a| {
            rows(&a, &shown, look.all)
                .0
                .iter()
                .map(|row| row.id.chars().count())
                .max()
        })
        .max()
        .unwrap_or(0);
    let layout = Layout {
        check_width,
        width,
        look,
    };
    // Findings shared word for word: gathered when accounts are rolled up (and not --all,
    // which shows every account whole).
    let shared = if many && !look.all {
        Shared::gather(report, &shown, listed)
    } else {
        Shared::default()
    };
    if !shared.groups.is_empty() {
        out.push_str("\nFound in several accounts\n");
        out.push_str(&shared.section(layout));
    }
    let mut nothing_kept = 0;
    for account in report.accounts.iter_by_readiness(listed) {
        if filtered && account.error.is_none() && account.checks.is_empty() {
            nothing_kept += 1;
            continue;
        }
        out.push('\n');
        out.push_str(&account_section(&account, &shown, &shared, layout, common));
    }
    out.push('\n');
    if nothing_kept > 0 {
        let _ = writeln!(
            out,
            "{nothing_kept} more {} no finding the filter keeps",
            if nothing_kept == 1 {
                "account has"
            } else {
                "accounts have"
            },
        );
    }
    if ready_not_listed > 0 {
        let _ = writeln!(
            out,
            "{} more {} ready (--all lists {})",
            ready_not_listed,
            if ready_not_listed == 1 {
                "account is"
            } else {
                "accounts are"
            },
            if ready_not_listed == 1 { "it" } else { "them" },
        );
    }
    if folded {
        out.push_str("--all shows every check, passes included\n");
    }
    for note in &report.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    out.push_str(&footer(report, width));
    out.push('\n');
    out
}

fn header(report: &Report, common: Option<&Move>, width: Option<usize>) -> String {
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
    if let Some(moving) = common {
        parts.push(moving.said());
    }
    let mut header = joined(&parts, width);
    let source: Vec<String> = [
        report.snapshot_text().map(|s| format!("facts from {s}")),
        report.selection_text().map(|s| format!("only {s}")),
        report.filter.as_ref().map(|f| f.said()),
        report.regions_text(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !source.is_empty() {
        header.push('\n');
        header.push_str(&joined(&source, width));
    }
    header
}

/// Parts joined with " · ", a new line where the next would pass `width`.
fn joined(parts: &[String], width: Option<usize>) -> String {
    let mut out = String::new();
    let mut line = 0;
    for part in parts {
        let n = part.chars().count();
        if line > 0 && width.is_some_and(|w| line + 3 + n > w) {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push_str(" · ");
            line += 3;
        }
        out.push_str(part);
        line += n;
    }
    out
}

/// What the check column says for an account that could not be audited at all.
const ALL_CHECKS: &str = "every check";

/// The narrowest summary column worth having beside the check column: below it, the
/// check ID goes above its summary in one column.
const MIN_SUMMARY: usize = 30;

/// Columns and padding of the three-column layout besides the check and summary text.
const THREE_COLUMN_FRAME: usize = 4 + 2 + 9 + 2;

/// Columns and padding of the stacked layout besides the check-and-summary text.
const TWO_COLUMN_FRAME: usize = 3 + 9 + 2;

/// Whether the check ID goes above its summary: `width` (the terminal's or COLUMNS) is too
/// narrow to give a summary column [`MIN_SUMMARY`] characters beside a `check_width` ID.
fn stacked(width: Option<usize>, check_width: usize) -> bool {
    width.is_some_and(|w| w < check_width + THREE_COLUMN_FRAME + MIN_SUMMARY)
}

/// How every table of the report is laid out.
#[derive(Clone, Copy)]
struct Layout {
    /// The check column's width: the longest check ID shown.
    check_width: usize,
    /// Columns to fit, when known.
    width: Option<usize>,
    look: Look,
}

impl Layout {
    fn stacked(&self) -> bool {
        stacked(self.width, self.check_width)
    }

    /// The summary's text wrapped to its column, when the width is known.
    fn fitted(&self, text: &str) -> String {
        let frame = if self.stacked() {
            TWO_COLUMN_FRAME
        } else {
            self.check_width + THREE_COLUMN_FRAME
        };
        match self.width {
            Some(width) => wrap(text, width.saturating_sub(frame)),
            None => text.to_string(),
        }
    }

    /// A table of checks (Check, Status, Summary; or Status, Check: summary when narrow).
    fn checks_table(&self, rows: impl IntoIterator<Item = (String, Status, String)>) -> Table {
        let look = self.look;
        let stacked = self.stacked();
        let mut table = new_table(look);
        let columns: &[&str] = if stacked {
            &["Status", "Check: summary"]
        } else {
            &["Check", "Status", "Summary"]
        };
        table.set_header(columns.iter().map(|c| bold(Cell::new(c), look.color)));
        for (id, status, summary) in rows {
            table.add_row(if stacked {
                vec![
                    status_cell(status, look.color),
                    Cell::new(self.fitted(&format!("{id}\n{summary}"))),
                ]
            } else {
                vec![
                    Cell::new(id),
                    status_cell(status, look.color),
                    Cell::new(self.fitted(&summary)),
                ]
            });
        }
        // The check column fits the longest ID shown, in every account alike: an ID never
        // wraps mid-word, and the accounts' tables line up.
        let status = ColumnConstraint::Absolute(padded(Status::Skipped.as_str().len()));
        if stacked {
            table.set_constraints([
                status,
                ColumnConstraint::LowerBoundary(padded(self.check_width)),
            ]);
        } else {
            table.set_constraints([ColumnConstraint::Absolute(padded(self.check_width)), status]);
        }
        table
    }
}

/// The account's line, then a table of the checks shown that it does not share.
fn account_section(
    account: &AccountReport,
    shown: &dyn Fn(Status) -> bool,
    shared: &Shared,
    layout: Layout,
    common: Option<&Move>,
) -> String {
    let look = layout.look;
    let (rows, folded) = rows(account, shown, look.all);
    let (in_groups, own): (Vec<&Row>, Vec<&Row>) = rows
        .iter()
        .partition(|row| shared.has(&row.key(&account.account_id)));
    let table = layout.checks_table(
        own.iter()
            .map(|row| (row.id.to_string(), row.status, row.summary.clone())),
    );
    let mut line = vec![
        paint(&account.account_id, look.color, None),
        ready_text(account.ready, look.color),
    ];
    if let Some(name) = &account.name {
        line.insert(1, name.clone());
    }
    if let Some(moving) = account.moving.as_ref().filter(|m| Some(*m) != common) {
        line.push(moving.said());
    }
    let ids: Vec<&str> = in_groups
        .iter()
        .map(|row| row.id)
        .filter(|id| *id != ALL_CHECKS)
        .collect();
    if !ids.is_empty() {
        line.push(format!("shared (above): {}", ids.join(", ")));
    }
    if account.error.is_some() && !look.all {
        line.push(if in_groups.len() > ids.len() {
            "could not be audited (why: above)".to_string()
        } else {
            "could not be audited".to_string()
        });
    } else if !folded.is_empty() {
        line.push(folded_counts(&folded));
    }
    // A long list of shared findings wraps at its spaces.
    let mut out = match layout.width {
        Some(width) => wrap(&joined(&line, Some(width)), width),
        None => joined(&line, None),
    };
    out.push('\n');
    if !table.is_empty() {
        out.push_str(&table.to_string());
        out.push('\n');
    }
    out
}

/// Where a check stands in the catalog (after 0: "every check", and a check this build does
/// not know, from a report edited by hand).
fn catalog_position(id: &str) -> usize {
    crate::checks::CHECKS
        .iter()
        .position(|check| check.id() == id)
        .map_or(0, |at| at + 1)
}

/// The accounts a shared finding names, before "… and N more" (each account's own line
/// names the shared findings it has, so none is lost).
const NAMED_IN_GROUP: usize = 5;

/// What makes two accounts' findings the same: check, status, summary and resources, with
/// each account's own ID said as [`ACCOUNT_PLACEHOLDER`].
type Key = (String, Status, String, Vec<String>);

/// Findings that two or more listed accounts share word for word but for their own IDs.
#[derive(Default)]
struct Shared {
    groups: Vec<Group>,
    index: HashMap<Key, usize>,
}

/// A finding shared by several accounts.
struct Group {
    key: Key,
    id: String,
    status: Status,
    summary: String,
    remediation: String,
    /// The accounts it is in, as their lines name them ("111122223333 (prod)").
    accounts: Vec<String>,
}

impl Shared {
    fn gather(
        report: &Report,
        shown: &dyn Fn(Status) -> bool,
        listed: impl Fn(bool) -> bool,
    ) -> Self {
        let mut all = Shared::default();
        for account in report.accounts.iter_by_readiness(listed) {
            let label = match &account.name {
                Some(name) => format!("{} ({name})", account.account_id),
                None => account.account_id.clone(),
            };
            for row in rows(&account, shown, false).0 {
                let key = row.key(&account.account_id);
                let at = *all.index.entry(key.clone()).or_insert_with(|| {
                    all.groups.push(Group {
                        id: row.id.to_string(),
                        status: row.status,
                        summary: key.2.clone(),
                        key,
                        remediation: row.remediation.to_string(),
                        accounts: Vec::new(),
                    });
                    all.groups.len() - 1
                });
                all.groups[at].accounts.push(label.clone());
            }
        }
        // Only what two or more accounts share; in the order a reader acts on them (the
        // accounts that could not be audited first, then by check in catalog order).
        let mut groups: Vec<Group> = all
            .groups
            .into_iter()
            .filter(|g| g.accounts.len() > 1)
            .collect();
        groups.sort_by_key(|g| (catalog_position(&g.id), std::cmp::Reverse(g.accounts.len())));
        let index = groups
            .iter()
            .enumerate()
            .map(|(at, g)| (g.key.clone(), at))
            .collect();
        Shared { groups, index }
    }

    fn has(&self, key: &Key) -> bool {
        self.index.contains_key(key)
    }

    /// One row per shared finding: how many accounts, what it says, what to do, where.
    fn section(&self, layout: Layout) -> String {
        let rows = self.groups.iter().map(|g| {
            let mut text = format!("{} accounts: {}", g.accounts.len(), g.summary);
            if !g.remediation.is_empty() {
                let _ = write!(text, "\nTo do: {}", g.remediation);
            }
            let named: Vec<&str> = g
                .accounts
                .iter()
                .take(NAMED_IN_GROUP)
                .map(String::as_str)
                .collect();
            let _ = write!(text, "\nIn: {}", named.join(", "));
            if g.accounts.len() > NAMED_IN_GROUP {
                let _ = write!(text, " … and {} more", g.accounts.len() - NAMED_IN_GROUP);
            }
            (g.id.clone(), g.status, text)
        });
        format!("{}\n", layout.checks_table(rows))
    }
}

/// A check shown as a row.
struct Row<'a> {
    id: &'a str,
    status: Status,
    /// The summary and the first resources, as shown.
    summary: String,
    /// Every resource (the key of a shared finding tells them all apart).
    resources: &'a [String],
    remediation: &'a str,
}

/// What a shared finding says where each account's says its own ID (in ARNs, mostly).
const ACCOUNT_PLACEHOLDER: &str = "<account>";

impl Row<'_> {
    /// The row as any account would have it: its own ID (`account`) said as
    /// [`ACCOUNT_PLACEHOLDER`], so that accounts whose findings differ only by it share them.
    fn key(&self, account: &str) -> Key {
        let general = |text: &str| text.replace(account, ACCOUNT_PLACEHOLDER);
        (
            self.id.to_string(),
            self.status,
            general(&self.summary),
            self.resources.iter().map(|r| general(r)).collect(),
        )
    }
}

/// The rows of an account, and the checks folded into a count.
fn rows<'a>(
    account: &'a AccountReport,
    shown: &dyn Fn(Status) -> bool,
    all: bool,
) -> (Vec<Row<'a>>, Vec<&'a CheckResult>) {
    if let (Some(reason), false) = (&account.error, all) {
        // Every check is `error` for the same reason: one row says it.
        let row = Row {
            id: ALL_CHECKS,
            status: Status::Error,
            summary: reason.clone(),
            resources: &[],
            remediation: "",
        };
        return (vec![row], Vec::new());
    }
    let (shown, folded): (Vec<&CheckResult>, Vec<&CheckResult>) =
        account.checks.iter().partition(|c| shown(c.status));
    let rows = shown
        .into_iter()
        .map(|check| {
            let resources = if check.status == Status::Pass {
                &[][..]
            } else {
                &check.resources[..]
            };
            Row {
                id: &check.id,
                status: check.status,
                summary: summary_text(&check.summary, resources),
                resources,
                remediation: &check.remediation,
            }
        })
        .collect();
    (rows, folded)
}

/// "10 checks pass, 1 skipped": the checks of an account not shown as rows.
fn folded_counts(folded: &[&CheckResult]) -> String {
    let mut parts = Vec::new();
    for status in ROLL_UP_ORDER {
        let n = folded.iter().filter(|c| c.status == status).count();
        if n == 0 {
            continue;
        }
        parts.push(if parts.is_empty() {
            format!(
                "{n} check{} {}",
                if n == 1 { "" } else { "s" },
                status.as_str()
            )
        } else {
            format!("{n} {}", status.as_str())
        });
    }
    parts.join(", ")
}

/// Statuses in the order a reader acts on them.
const ROLL_UP_ORDER: [Status; 6] = [
    Status::Fail,
    Status::Error,
    Status::Manual,
    Status::Warn,
    Status::Pass,
    Status::Skipped,
];

/// One line per check: in how many accounts it has each status.
/// The accounts a roll-up line names for a blocking status, before "… and N more".
const NAMED_IN_ROLL_UP: usize = 3;

fn roll_up(report: &Report, look: Look, width: Option<usize>) -> Table {
    let mut table = new_table(look);
    table.set_header(
        ["Check", "Accounts"]
            .into_iter()
            .map(|c| bold(Cell::new(c), look.color)),
    );
    // The first account's checks, in its order. When every account lists the same checks
    // in the same order (every report orgexit makes), the statuses are read from the packed
    // accounts by position; otherwise (a report edited by hand) by id, unpacking each.
    // (A filtered report's accounts differ: the checks of any, in catalog order.)
    let same_checks = report.accounts.same_checks();
    let ids: Vec<String> = if same_checks {
        report
            .accounts
            .iter()
            .next()
            .map(|a| a.checks.iter().map(|c| c.id.to_string()).collect())
            .unwrap_or_default()
    } else {
        let mut ids: Vec<String> = report
            .accounts
            .iter()
            .flat_map(|a| a.checks.into_iter().map(|c| c.id.to_string()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        ids.sort_by_key(|id| catalog_position(id));
        ids
    };
    let mut rows = Vec::with_capacity(ids.len());
    for (at, id) in ids.iter().enumerate() {
        // Each account's status for this check, with the account.
        let statuses: Vec<(String, Status)> = if same_checks {
            report
                .accounts
                .ids_with_statuses()
                .filter_map(|(account, checks)| Some((account.to_string(), *checks.get(at)?)))
                .collect()
        } else {
            report
                .accounts
                .iter()
                .filter_map(|a| {
                    let status = a.checks.iter().find(|c| c.id == *id)?.status;
                    Some((a.account_id.clone(), status))
                })
                .collect()
        };
        let counts: Vec<String> = ROLL_UP_ORDER
            .iter()
            .filter_map(|status| {
                let which: Vec<&str> = statuses
                    .iter()
                    .filter(|(_, s)| s == status)
                    .map(|(account, _)| account.as_str())
                    .collect();
                let n = which.len();
                if n == 0 {
                    return None;
                }
                // What blocks says in which accounts: the first few, then how many more.
                Some(if status.blocks() {
                    let shown: Vec<&str> = which.iter().take(NAMED_IN_ROLL_UP).copied().collect();
                    let more = match n.saturating_sub(NAMED_IN_ROLL_UP) {
                        0 => String::new(),
                        rest => format!(" … and {rest} more"),
                    };
                    format!("{n} {} ({}{more})", status.as_str(), shown.join(", "))
                } else {
                    format!("{n} {}", status.as_str())
                })
            })
            .collect();
        rows.push((id, counts.join(" · ")));
    }
    let widest = ids.iter().map(|id| id.len()).max().unwrap_or(0);
    for (id, counts) in rows {
        // Borders (3) and padding (2 + 2) besides the two columns' text.
        let counts = match width {
            Some(width) => wrap(&counts, width.saturating_sub(widest + 7)),
            None => counts,
        };
        table.add_row(vec![Cell::new(id), Cell::new(counts)]);
    }
    table.set_constraints([ColumnConstraint::LowerBoundary(padded(widest))]);
    table
}

/// A column's width for content this many characters wide (comfy-table counts the
/// padding of one space each side).
fn padded(content: usize) -> Width {
    Width::Fixed(u16::try_from(content + 2).unwrap_or(u16::MAX))
}

fn new_table(look: Look) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(width) = look.width {
        // A file, pipe or CI log, or COLUMNS: wrap at this width, whatever stdout is.
        table.force_no_tty().set_width(width);
    }
    if look.color {
        // We decided already (terminal, NO_COLOR, --color); comfy-table must not undo it.
        table.enforce_styling();
    }
    table
}

fn bold(cell: Cell, color: bool) -> Cell {
    if color {
        cell.add_attribute(Attribute::Bold)
    } else {
        cell
    }
}

fn status_cell(status: Status, color: bool) -> Cell {
    let cell = Cell::new(status.as_str());
    if !color {
        return cell;
    }
    bold(cell.fg(status_color(status)), color)
}

fn status_color(status: Status) -> Color {
    match status {
        Status::Pass => Color::Green,
        Status::Fail | Status::Error => Color::Red,
        Status::Warn | Status::Manual => Color::Yellow,
        Status::Skipped => Color::DarkGrey,
    }
}

fn ready_text(ready: bool, color: bool) -> String {
    use crossterm::style::Color as Paint;
    if ready {
        paint("ready", color, Some(Paint::Green))
    } else {
        paint("not ready", color, Some(Paint::Red))
    }
}

/// Text outside a table in bold (and a colour), as the cells are styled, or plain.
fn paint(text: &str, color: bool, fg: Option<crossterm::style::Color>) -> String {
    if !color {
        return text.to_string();
    }
    let styled = text.bold();
    match fg {
        Some(fg) => styled.with(fg).to_string(),
        None => styled.to_string(),
    }
}

fn summary_text(summary: &str, resources: &[String]) -> String {
    let mut text = summary.to_string();
    for resource in resources.iter().take(RESOURCES_SHOWN) {
        text.push_str("\n  ");
        text.push_str(resource);
    }
    if resources.len() > RESOURCES_SHOWN {
        let _ = write!(
            text,
            "\n  … and {} more (see --format json)",
            resources.len() - RESOURCES_SHOWN
        );
    }
    text
}

fn footer(report: &Report, width: Option<usize>) -> String {
    let s = &report.summary;
    let hint = match report.exit_code() {
        Exit::Success => "",
        Exit::Blocked => "; `orgexit explain <check>` says how to fix it",
        Exit::Usage | Exit::Error => "; its summary says why",
    };
    let mut parts = vec![format!(
        "{} of {} accounts ready",
        s.ready_accounts, s.accounts
    )];
    parts.extend(s.count_parts());
    let verdict = report.verdict();
    let hint = match hint.strip_prefix("; ") {
        Some(alone) if width.is_some_and(|w| verdict.len() + hint.len() > w) => {
            format!("\n{alone}")
        }
        _ => hint.to_string(),
    };
    format!("{}\n{verdict}{hint}", joined(&parts, width))
}
